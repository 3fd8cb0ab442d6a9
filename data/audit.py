"""The audit trail: insert and read only. There is deliberately no update or delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from comptoir.data.rows import as_dicts, scanned

Cursor = duckdb.DuckDBPyConnection

COLUMNS = (
    "id",
    "occurred_at",
    "staff_id",
    "staff_name",
    "action",
    "entity",
    "entity_id",
    "screen",
    "changes",
)


def record(
    cur: Cursor,
    *,
    at: datetime,
    staff_id: int | None,
    staff_name: str,
    action: str,
    entity: str,
    entity_id: str | None,
    screen: str,
    changes: str,
) -> None:
    """Append one entry, inside the caller's transaction."""
    cur.execute(
        "INSERT INTO audit_log (occurred_at, staff_id, staff_name, action, entity, entity_id,"
        " screen, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [at, staff_id, staff_name, action, entity, entity_id, screen, changes],
    )


def _where(
    entity: str | None,
    entity_id: str | None,
    staff_id: int | None,
    action: str | None,
    text: str | None,
    since: datetime | None,
    until: datetime | None,
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("entity", entity),
        ("entity_id", entity_id),
        ("staff_id", staff_id),
        ("action", action),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("occurred_at >= ?")
        params.append(since)
    if until is not None:
        where.append("occurred_at < ?")
        params.append(until)
    if text:
        where.append("(changes ILIKE ? OR staff_name ILIKE ? OR entity_id = ?)")
        params += [f"%{text}%", f"%{text}%", text]
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


def export_query(
    *,
    entity: str | None = None,
    staff_id: int | None = None,
    action: str | None = None,
    text: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[str, list[Any]]:
    """The filtered trail, newest first, for a streamed export."""
    clause, params = _where(entity, None, staff_id, action, text, since, until)
    columns = ", ".join(c for c in COLUMNS if c != "staff_id")
    return f"SELECT {columns} FROM audit_log {clause} ORDER BY occurred_at DESC, id DESC", params


def search(
    cur: Cursor,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    staff_id: int | None = None,
    action: str | None = None,
    text: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Entries matching every given filter, newest first, and how many match."""
    clause, params = _where(entity, entity_id, staff_id, action, text, since, until)
    cur.execute(
        f"SELECT {', '.join(COLUMNS)}, count(*) OVER () AS total FROM audit_log {clause}"
        " ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?",
        params + [limit, offset],
    )
    rows = as_dicts(cur)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        del row["total"]
    if not rows and offset:
        total = int(
            cur.execute(f"SELECT count(*) FROM audit_log {clause}", params).fetchall()[0][0]
        )
    return rows, total


def record_many(cur: Cursor, entries: list[dict[str, Any]]) -> None:
    """Append many entries at once (an import), inside the caller's transaction."""
    if not entries:
        return
    frame = pd.DataFrame(entries, columns=[c for c in COLUMNS if c != "id"])
    with scanned(cur, "new_audit_entries", frame):
        cur.execute(
            "INSERT INTO audit_log (occurred_at, staff_id, staff_name, action, entity, entity_id,"
            " screen, changes) SELECT CAST(occurred_at AS TIMESTAMP), CAST(staff_id AS BIGINT),"
            " staff_name, action, entity, CAST(entity_id AS VARCHAR), screen, changes"
            " FROM new_audit_entries"
        )
