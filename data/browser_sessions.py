"""Sign-ins remembered by their browsers: the one-time code, the token's digest, the
last time each was seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from comptoir.data.rows import as_dicts

Cursor = Any


def insert(
    cur: Cursor,
    staff_id: int,
    epoch: int,
    language: str | None,
    handoff_digest: str,
    handoff_until: datetime,
    now: datetime,
) -> int:
    """A session waiting for its browser to trade the code; its id."""
    cur.execute(
        "INSERT INTO browser_sessions (staff_id, session_epoch, language, handoff_digest,"
        " handoff_until, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [staff_id, epoch, language, handoff_digest, handoff_until, now, now],
    )
    return int(cur.fetchall()[0][0])


def trade(cur: Cursor, handoff_digest: str, token_digest: str, now: datetime) -> bool:
    """The code, if still good and unused, traded for the token (once): whether it was."""
    cur.execute(
        "UPDATE browser_sessions SET token_digest = ?, handoff_digest = NULL,"
        " handoff_until = NULL WHERE handoff_digest = ? AND handoff_until >= ?"
        " AND ended_at IS NULL RETURNING id",
        [token_digest, handoff_digest, now],
    )
    return bool(cur.fetchall())


def by_token(cur: Cursor, token_digest: str) -> dict[str, Any] | None:
    """A session still open, by its token's digest."""
    cur.execute(
        "SELECT id, staff_id, session_epoch, language, last_seen_at FROM browser_sessions"
        " WHERE token_digest = ? AND ended_at IS NULL",
        [token_digest],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def get(cur: Cursor, session_id: int) -> dict[str, Any] | None:
    """One session, open or ended."""
    cur.execute(
        "SELECT id, staff_id, session_epoch, language, last_seen_at, ended_at"
        " FROM browser_sessions WHERE id = ?",
        [session_id],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def touch(cur: Cursor, session_id: int, language: str | None, now: datetime) -> None:
    """Seen now, in this language."""
    cur.execute(
        "UPDATE browser_sessions SET last_seen_at = ?, language = ? WHERE id = ?",
        [now, language, session_id],
    )


def end(cur: Cursor, session_id: int, now: datetime) -> None:
    """Ended: its cookie opens nothing any more."""
    cur.execute(
        "UPDATE browser_sessions SET ended_at = ?, handoff_digest = NULL, handoff_until = NULL"
        " WHERE id = ? AND ended_at IS NULL",
        [now, session_id],
    )


def prune(cur: Cursor, before: datetime) -> None:
    """Sessions ended or unseen since before: forgotten."""
    cur.execute("DELETE FROM browser_sessions WHERE coalesce(ended_at, last_seen_at) < ?", [before])
