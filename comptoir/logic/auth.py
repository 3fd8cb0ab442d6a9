"""Roles, permissions, password policy, lockout and session expiry (pure)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from comptoir.logic.errors import FieldProblem

ROLES = ("staff", "manager", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD = 10
MAX_PASSWORD = 128

# What each action needs, by the lowest role allowed.
PERMISSIONS: dict[str, str] = {
    "customers.view": "staff",
    "customers.edit": "staff",
    "customers.history": "staff",
    "print.documents": "staff",
    "accounts.view": "staff",
    "accounts.charge": "staff",
    "accounts.payment": "staff",
    "accounts.credit_note": "staff",
    "accounts.refund": "staff",
    "accounts.adjust": "manager",
    "accounts.reverse": "manager",
    "accounts.limits": "manager",
    "accounts.balances": "manager",
    "accounts.types": "admin",
    "sales.record": "staff",
    "sales.view": "staff",
    "messages.send": "staff",
    "messages.marketing": "manager",
    "workshop.view": "staff",
    "workshop.edit": "staff",
    "workshop.send_due": "manager",
    "vouchers.manage": "manager",
    "rewards.adjust": "manager",
    "products.view": "staff",
    "products.edit": "manager",
    "customers.export": "manager",
    "insights.view": "manager",
    "backup.make": "admin",  # a backup holds every password hash and the audit trail
    "customers.import": "manager",
    "gdpr.access": "manager",
    "gdpr.erase": "admin",
    "duplicates.view": "manager",
    "customers.merge": "admin",
    "settings.edit": "admin",
    "staff.manage": "admin",
    "audit.view": "admin",
    "system.view": "admin",
    "backup.status": "manager",
}


class PermissionDenied(Exception):
    """The signed-in role may not do this."""

    def __init__(self, permission: str, role: str | None):
        self.permission = permission
        self.role = role
        self.needed = PERMISSIONS.get(permission, "admin")
        super().__init__(f"{role or 'nobody'} may not {permission} (needs {self.needed})")


@dataclass(frozen=True)
class Actor:
    """Who is acting: the signed-in staff member."""

    staff_id: int | None
    username: str
    display_name: str
    role: str
    # Bumped when the account's password, role or active flag changes: a session
    # signed in under an older epoch must sign in again.
    session_epoch: int = 0


SYSTEM = Actor(staff_id=None, username="system", display_name="System", role="admin")


def can(role: str | None, permission: str) -> bool:
    """True when role is at least the role the permission needs."""
    needed = PERMISSIONS.get(permission)
    if role not in _RANK or needed is None:
        return False
    return _RANK[role] >= _RANK[needed]


def require(actor: Actor | None, permission: str) -> Actor:
    """The actor, if allowed; PermissionDenied otherwise."""
    if actor is None or not can(actor.role, permission):
        raise PermissionDenied(permission, actor.role if actor else None)
    return actor


def username_key(username: str) -> str:
    """What sign-in compares: trimmed and lower-cased."""
    return username.strip().lower()


def clean_username(raw: str | None) -> str:
    """3-40 letters, digits, '.', '-' or '_'."""
    text = (raw or "").strip()
    if not text:
        raise FieldProblem("required")
    if not 3 <= len(text) <= 40 or not all(ch.isalnum() or ch in ".-_" for ch in text):
        raise FieldProblem("username_invalid")
    return text


def clean_role(raw: str | None) -> str:
    """One of the roles."""
    if raw not in ROLES:
        raise FieldProblem("not_in_list", allowed=", ".join(ROLES))
    return raw


def check_password(password: str | None, confirm: str | None = None) -> str:
    """At least 10 characters, not only digits; confirmation must match."""
    text = password or ""
    if len(text) < MIN_PASSWORD:
        raise FieldProblem("password_too_short", min=str(MIN_PASSWORD))
    if len(text) > MAX_PASSWORD:
        raise FieldProblem("too_long", max=str(MAX_PASSWORD))
    if text.isdigit() or len(set(text)) < 4:
        raise FieldProblem("password_too_simple")
    if confirm is not None and confirm != text:
        raise FieldProblem("password_mismatch")
    return text


@dataclass(frozen=True)
class Lockout:
    """What a failed sign-in leaves on the account."""

    failed_attempts: int
    locked_until: datetime | None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """True while a lock is in force."""
    return locked_until is not None and now < locked_until


def after_failure(failed_attempts: int, now: datetime, max_attempts: int, minutes: int) -> Lockout:
    """Count a failed sign-in; the max-th in a row locks the account for a while."""
    count = failed_attempts + 1
    if count >= max_attempts:
        return Lockout(failed_attempts=0, locked_until=now + timedelta(minutes=minutes))
    return Lockout(failed_attempts=count, locked_until=None)


def session_expired(last_seen: datetime | None, now: datetime, timeout_minutes: int) -> bool:
    """True when the session was idle longer than the timeout."""
    return last_seen is not None and now - last_seen > timedelta(minutes=timeout_minutes)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_digest(token: object) -> str | None:
    """How a browser's token or one-time code is kept (SHA-256: the token is random, 256
    bits, so no slow hash is needed); None for anything that is not one of ours."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def clean_minutes(raw: object, low: int, high: int) -> int:
    """A whole number of minutes (or attempts) within [low, high]."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError) as exc:
        raise FieldProblem("whole_number_between", low=str(low), high=str(high)) from exc
    if not low <= value <= high:
        raise FieldProblem("whole_number_between", low=str(low), high=str(high))
    return value
