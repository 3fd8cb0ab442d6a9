"""Sign-in, the first administrator, staff accounts and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from comptoir.data import db
from comptoir.data import staff as repo
from comptoir.logic.audit import FieldChange, created, diff
from comptoir.logic.auth import (
    ROLES,
    SYSTEM,
    Actor,
    after_failure,
    check_password,
    clean_role,
    clean_username,
    is_locked,
    require,
    session_expired,
    username_key,
)
from comptoir.logic.errors import (
    FieldError,
    FieldProblem,
    StaleRecord,
    ValidationFailed,
    check_fields,
)
from comptoir.logic.records import Edit
from comptoir.logic.text import check_no_controls
from comptoir.operations import clock, unit_of_work
from comptoir.operations.sign_ins import SessionPolicy, actor_of, current_actor, policy
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_LOGIN = "login"
SCREEN_SETUP = "first_admin"
SCREEN_STAFF = "staff_admin"
__all__ = ["SessionPolicy", "current_actor", "policy"]  # also the UI's, through this module
_hasher = PasswordHasher()
# Verified when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


class SignInRefused(Exception):
    """Unknown user, wrong password or locked account: one reason, so nothing tells them apart."""

    reason = "bad_credentials"


def _now(now: datetime | None) -> datetime:
    return clock.utc(now)


def has_staff() -> bool:
    """False on a brand-new database: the first administrator must be created."""
    with db.cursor() as cur:
        return repo.count(cur) > 0


def _check_account(
    username: object, display_name: object, role: object, password: object, confirm: object
) -> tuple[str, str, str, str]:
    clean = check_fields(
        {
            "username": lambda: clean_username(str(username or "")),
            "display_name": lambda: _display_name(display_name),
            "role": lambda: clean_role(str(role or "")),
            "password": lambda: check_password(str(password or ""), str(confirm or "")),
        }
    )
    return clean["username"], clean["display_name"], clean["role"], clean["password"]


def _display_name(raw: object) -> str:
    text = " ".join(check_no_controls(str(raw or "")).split())
    if not text:
        raise FieldProblem("required")
    if len(text) > 80:
        raise FieldProblem("too_long", max="80")
    return text


def _insert(
    uow: UnitOfWork,
    username: str,
    display_name: str,
    role: str,
    password: str,
) -> int:
    cur, moment = uow.cur, uow.now
    key = username_key(username)
    if repo.by_username(cur, key):
        raise ValidationFailed([FieldError("username", "username_taken", {"value": username})])
    staff_id = repo.insert(cur, username, key, display_name, role, _hasher.hash(password), moment)
    uow.audit(
        "create",
        "staff",
        staff_id,
        created(
            {"username": username, "display_name": display_name, "role": role, "password": "set"}
        ),
    )
    return staff_id


def create_first_admin(
    username: object,
    display_name: object,
    password: object,
    confirm: object,
    now: datetime | None = None,
) -> Actor:
    """Create the very first account, an administrator; refused once any account exists."""
    moment = _now(now)
    name, shown, _, secret = _check_account(username, display_name, "admin", password, confirm)

    def work(uow: UnitOfWork) -> Actor:
        if repo.count(uow.cur):
            raise ValidationFailed([FieldError("username", "setup_done")])
        staff_id = _insert(uow, name, shown, "admin", secret)
        created_row = repo.get(uow.cur, staff_id)
        assert created_row is not None  # inserted just above, in this transaction
        return actor_of(created_row)

    # Nobody is signed in yet: the first account is made by the system, once.
    return unit_of_work.run(SYSTEM, None, SCREEN_SETUP, work, moment)


def sign_in(username: str, password: str, now: datetime | None = None) -> Actor:
    """The signed-in actor, or SignInRefused (same message for unknown user or bad password)."""
    moment = _now(now)
    rules = policy()
    key = username_key(username or "")

    def work(uow: UnitOfWork) -> Actor | None:
        cur = uow.cur
        # Unknown user, locked account and wrong password take the same steps (a
        # hash check, an audit entry) and get the same answer: nothing tells them apart.
        row = repo.by_username(cur, key)
        if row is None or not row["active"]:
            _verify(_DUMMY_HASH, password)
            uow.audit("sign_in_failed", "staff", None, [])
            return None
        actor = actor_of(row)
        good = _verify(row["password_hash"], password)
        if is_locked(row["locked_until"], moment):
            uow.audit("sign_in_locked", "staff", row["id"], [], actor=actor)
            return None
        if not good:
            lock = after_failure(
                row["failed_attempts"], moment, rules.lockout_attempts, rules.lockout_minutes
            )
            repo.record_sign_in(cur, row["id"], lock.failed_attempts, lock.locked_until, None)
            action = "locked" if lock.locked_until else "sign_in_failed"
            changes = (
                [FieldChange("locked_until", None, lock.locked_until.isoformat(sep=" "))]
                if lock.locked_until
                else []
            )
            uow.audit(action, "staff", row["id"], changes, actor=actor)
            return None
        repo.record_sign_in(cur, row["id"], 0, None, moment)
        uow.audit("sign_in", "staff", row["id"], [], actor=actor)
        return actor

    # The failed attempt (its counter, its audit entry) commits before the refusal.
    signed_in = unit_of_work.run(SYSTEM, None, SCREEN_LOGIN, work, moment)
    if signed_in is None:
        raise SignInRefused()
    return signed_in


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def is_expired(last_seen: datetime | None, now: datetime | None = None) -> bool:
    """True when the session was idle longer than the setting allows."""
    seen = clock.utc(last_seen) if last_seen is not None else None
    return session_expired(seen, _now(now), policy().timeout_minutes)


def list_staff(actor: Actor) -> list[dict[str, Any]]:
    """Every account, without hashes (administrators only)."""
    require(actor, "staff.manage")
    with db.cursor() as cur:
        return repo.list_all(cur)


def create_staff(
    actor: Actor,
    username: object,
    display_name: object,
    role: object,
    password: object,
    confirm: object,
    now: datetime | None = None,
) -> int:
    """Add an account (administrators only)."""
    require(actor, "staff.manage")
    moment = _now(now)
    name, shown, clean_role_, secret = _check_account(
        username, display_name, role, password, confirm
    )
    return unit_of_work.run(
        actor,
        "staff.manage",
        SCREEN_STAFF,
        lambda uow: _insert(uow, name, shown, clean_role_, secret),
        moment,
    )


def update_staff(actor: Actor, edit: Edit, now: datetime | None = None) -> int:
    """Change display name, role or active flag (administrators only)."""
    staff_id, version, changes = edit.record_id, edit.version, edit.changes
    require(actor, "staff.manage")
    moment = _now(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        current = repo.get(cur, staff_id)
        if current is None or current["version"] != version:
            raise StaleRecord(staff_id, current["version"] if current else None)
        wanted = {
            "display_name": changes.get("display_name", current["display_name"]),
            "role": changes.get("role", current["role"]),
            "active": bool(changes.get("active", current["active"])),
        }
        errors = []
        try:
            wanted["display_name"] = _display_name(wanted["display_name"])
        except FieldProblem as problem:
            errors.append(FieldError("display_name", problem.code, problem.params))
        if wanted["role"] not in ROLES:
            errors.append(FieldError("role", "not_in_list", {"allowed": ", ".join(ROLES)}))
        if staff_id == actor.staff_id and not wanted["active"]:
            errors.append(FieldError("active", "cannot_deactivate_self"))
        losing_admin = (
            current["role"] == "admin"
            and current["active"]
            and (wanted["role"] != "admin" or not wanted["active"])
        )
        if losing_admin and repo.count_active_admins(cur) <= 1:
            errors.append(FieldError("role", "last_admin"))
        if errors:
            raise ValidationFailed(errors)
        changed = {k: v for k, v in wanted.items() if current[k] != v}
        if not changed:
            return version
        stored = dict(changed)
        if "role" in changed or "active" in changed:
            stored["session_epoch"] = current["session_epoch"] + 1  # open sessions end
        new_version = repo.update(cur, staff_id, version, stored, moment)
        if new_version is None:
            raise StaleRecord(staff_id, None)
        uow.audit("update", "staff", staff_id, diff(current, wanted, list(changed)))
        return new_version

    return unit_of_work.run(actor, "staff.manage", SCREEN_STAFF, work, moment)


def reset_password(
    actor: Actor, staff_id: int, password: object, confirm: object, now: datetime | None = None
) -> None:
    """Set a new password for an account (administrators, or the account itself)."""
    if actor.staff_id != staff_id:
        require(actor, "staff.manage")
    moment = _now(now)
    try:
        secret = check_password(str(password or ""), str(confirm or ""))
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("password", problem.code, problem.params)]) from None

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        current = repo.get(cur, staff_id)
        if current is None:
            raise StaleRecord(staff_id, None)
        repo.update(
            cur,
            staff_id,
            current["version"],
            {
                "password_hash": _hasher.hash(secret),
                "failed_attempts": 0,
                "locked_until": None,
                "session_epoch": current["session_epoch"] + 1,  # open sessions end
            },
            moment,
        )
        uow.audit("password", "staff", staff_id, [FieldChange("password", "•••", "•••")])

    unit_of_work.run(actor, "staff.manage", SCREEN_STAFF, work, moment)
