"""Channel settings from .streamlit/secrets.toml ([smtp], [twilio]); never shown."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from comptoir import home

# Another secrets file (a test server's, a second shop's): COMPTOIR_SECRETS.
SECRETS_ENV = home.SECRETS_ENV


def secrets_path() -> Path:
    """$COMPTOIR_SECRETS, else secrets.toml in the data folder or .streamlit/."""
    return home.secrets_file()


@dataclass(frozen=True)
class SmtpSettings:
    """An SMTP server: security is ssl, starttls or none."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender_name: str
    sender_address: str


@dataclass(frozen=True)
class TwilioSettings:
    """A Twilio account and its sender (a number or a messaging service)."""

    account_sid: str
    auth_token: str
    from_number: str
    messaging_service_sid: str
    # Only tests set it: the real client then talks to a local fake of the API.
    api_base: str


def _sections(path: Path) -> dict[str, Any]:
    """The file's sections, parsed once per version of it (every screen asks)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _parsed(str(path), stamp)


@lru_cache(maxsize=8)
def _parsed(path: str, stamp: int) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def smtp(path: Path | None = None) -> SmtpSettings | None:
    """The SMTP settings, or None when [smtp] has no host."""
    found = _sections(path or secrets_path()).get("smtp", {})
    if not found.get("host"):
        return None
    security = str(found.get("security", "starttls")).lower()
    default_port = {"ssl": 465, "starttls": 587}.get(security, 25)
    return SmtpSettings(
        host=str(found["host"]),
        port=int(found.get("port", default_port)),
        security=security if security in ("ssl", "starttls", "none") else "starttls",
        user=str(found.get("user", "")),
        password=str(found.get("password", "")),
        sender_name=str(found.get("sender_name", "")),
        sender_address=str(found.get("sender_address", found.get("user", ""))),
    )


def twilio(path: Path | None = None) -> TwilioSettings | None:
    """The Twilio settings, or None without an account SID and a sender."""
    found = _sections(path or secrets_path()).get("twilio", {})
    sender = found.get("from_number") or found.get("messaging_service_sid")
    if not found.get("account_sid") or not found.get("auth_token") or not sender:
        return None
    return TwilioSettings(
        account_sid=str(found["account_sid"]),
        auth_token=str(found["auth_token"]),
        from_number=str(found.get("from_number", "")),
        messaging_service_sid=str(found.get("messaging_service_sid", "")),
        api_base=str(found.get("api_base", "")),
    )


def section(name: str, path: Path | None = None) -> dict[str, Any]:
    """One section of the secrets file (empty when absent)."""
    found = _sections(path or secrets_path()).get(name)
    return found if isinstance(found, dict) else {}
