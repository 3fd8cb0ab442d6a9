"""A staff member's account as a sign-in sees it: the session policy, the actor of an
account row, the account as it is now (shared by sign-in and browser sessions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from comptoir.data import db
from comptoir.data import staff as repo
from comptoir.logic.auth import Actor
from comptoir.operations import settings as shop_settings


@dataclass(frozen=True)
class SessionPolicy:
    """How long an idle session lives, and when sign-in locks."""

    timeout_minutes: int
    lockout_attempts: int
    lockout_minutes: int


def policy() -> SessionPolicy:
    """The session and lockout settings."""
    values = shop_settings.current().values
    return SessionPolicy(
        timeout_minutes=int(values.get("session_timeout_minutes", "30")),
        lockout_attempts=int(values.get("lockout_attempts", "5")),
        lockout_minutes=int(values.get("lockout_minutes", "15")),
    )


def actor_of(row: Mapping[str, Any]) -> Actor:
    """The actor an account row signs in as."""
    return Actor(
        staff_id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        session_epoch=int(row.get("session_epoch") or 0),
    )


def current_actor(staff_id: int) -> Actor | None:
    """The account as it is now (role changes apply at once); None if gone or inactive."""
    with db.cursor() as cur:
        row = repo.get(cur, staff_id)
    return actor_of(row) if row and row["active"] else None
