"""The print log: every print and reprint with its printer and outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from comptoir.data.rows import as_dicts

Cursor = duckdb.DuckDBPyConnection


def record(
    cur: Cursor,
    *,
    at: datetime,
    staff_id: int | None,
    staff_name: str,
    shop_code: str,
    document: str,
    reference: str | None,
    printer: str,
    outcome: str,
    detail: str | None,
) -> None:
    """Append one print job."""
    cur.execute(
        "INSERT INTO print_jobs (occurred_at, staff_id, staff_name, shop_code, document,"
        " reference, printer, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [at, staff_id, staff_name, shop_code, document, reference, printer, outcome, detail],
    )


def for_reference(cur: Cursor, reference: str, limit: int = 20) -> list[dict[str, Any]]:
    """The latest jobs for one document, newest first."""
    cur.execute(
        "SELECT occurred_at, staff_name, shop_code, document, printer, outcome, detail"
        " FROM print_jobs"
        " WHERE reference = ? ORDER BY occurred_at DESC, id DESC LIMIT ?",
        [reference, limit],
    )
    return as_dicts(cur)
