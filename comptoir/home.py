"""The data folder: one shop's database, secrets, backups and logs, never the package."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "COMPTOIR_HOME"
SECRETS_ENV = "COMPTOIR_SECRETS"


def data_folder() -> Path:
    """$COMPTOIR_HOME, else the per-user data directory ($XDG_DATA_HOME/comptoir)."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "comptoir"


def secrets_file() -> Path:
    """$COMPTOIR_SECRETS, else secrets.toml in the data folder, else ./.streamlit/secrets.toml
    (Streamlit's own place, where a checkout may keep it) when that one exists, else the
    data folder's (where to write it)."""
    if os.environ.get(SECRETS_ENV):
        return Path(os.environ[SECRETS_ENV])
    in_home = data_folder() / "secrets.toml"
    checkout = Path(".streamlit") / "secrets.toml"
    return checkout if not in_home.exists() and checkout.exists() else in_home


def backups_folder() -> Path:
    """Where automatic backups rotate."""
    return data_folder() / "backups"


def logs_folder() -> Path:
    """The server log (rotated by size)."""
    return data_folder() / "logs"
