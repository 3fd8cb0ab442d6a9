"""Comptoir: the customer back office of a small shop."""

from importlib import metadata

try:
    __version__ = metadata.version("comptoir")
except metadata.PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+checkout"
