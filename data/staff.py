"""Staff accounts: stored with argon2 hashes, never plain passwords."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb

from comptoir.data.rows import as_dicts, versioned_update

Cursor = duckdb.DuckDBPyConnection

PUBLIC_COLUMNS = (
    "id",
    "username",
    "display_name",
    "role",
    "active",
    "failed_attempts",
    "locked_until",
    "last_login_at",
    "created_at",
    "updated_at",
    "version",
    "session_epoch",
)


def count_active_admins(cur: Cursor) -> int:
    """Active administrators."""
    cur.execute("SELECT count(*) FROM staff WHERE active AND role = 'admin'")
    return int(cur.fetchall()[0][0])


def count(cur: Cursor) -> int:
    """Every staff account, active or not."""
    return int(cur.execute("SELECT count(*) FROM staff").fetchall()[0][0])


def by_username(cur: Cursor, key: str) -> dict[str, Any] | None:
    """The account with this username key, hash included (for sign-in only)."""
    cur.execute(
        f"SELECT {', '.join(PUBLIC_COLUMNS)}, password_hash FROM staff WHERE username_key = ?",
        [key],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def get(cur: Cursor, staff_id: int) -> dict[str, Any] | None:
    """One account without its hash."""
    cur.execute(f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM staff WHERE id = ?", [staff_id])
    found = as_dicts(cur)
    return found[0] if found else None


def list_all(cur: Cursor) -> list[dict[str, Any]]:
    """Every account without hashes, by name."""
    cur.execute(f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM staff ORDER BY lower(display_name), id")
    return as_dicts(cur)


def insert(
    cur: Cursor,
    username: str,
    key: str,
    display_name: str,
    role: str,
    password_hash: str,
    now: datetime,
) -> int:
    """A new account; returns its id."""
    cur.execute(
        "INSERT INTO staff (username_key, username, display_name, role, password_hash,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [key, username, display_name, role, password_hash, now, now],
    )
    return int(cur.fetchall()[0][0])


def update(
    cur: Cursor, staff_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> int | None:
    """Update columns if the row is still at version; the new version or None."""
    return versioned_update(cur, "staff", staff_id, version, fields, now)


def record_sign_in(
    cur: Cursor,
    staff_id: int,
    failed_attempts: int,
    locked_until: datetime | None,
    last_login_at: datetime | None,
) -> None:
    """Store the outcome of a sign-in attempt (not a change of the account itself)."""
    cur.execute(
        "UPDATE staff SET failed_attempts = ?, locked_until = ?,"
        " last_login_at = coalesce(?, last_login_at) WHERE id = ?",
        [failed_attempts, locked_until, last_login_at, staff_id],
    )
