"""Customer list exports (managers): CSV or XLSX of a search, recorded in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data import customers as repo
from data import db
from logic.audit import FieldChange
from logic.auth import Actor, require
from logic.errors import FieldError, ValidationFailed
from logic.search import query_words
from services import audit, clock
from services.spreadsheets import csv_bytes, xlsx_bytes

FORMATS = ("csv", "xlsx")
# openpyxl writes about 20k rows a second: beyond this a CSV is the sane choice.
XLSX_MAX_ROWS = 100_000
CSV_MAX_ROWS = 2_000_000
SCREEN_EXPORT = "export"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Export:
    """A file ready to download."""

    filename: str
    data: bytes
    mime: str
    rows: int


def _row_cap(fmt: str) -> int:
    if fmt not in FORMATS:
        raise ValidationFailed([FieldError("format", "not_in_list", {"allowed": "csv, xlsx"})])
    return XLSX_MAX_ROWS if fmt == "xlsx" else CSV_MAX_ROWS


def check_size(fmt: str, rows: int) -> None:
    """Refuse an unknown format, or more rows than the format can sensibly hold."""
    cap = _row_cap(fmt)
    if rows > cap:
        raise ValidationFailed([FieldError("format", "export_too_many", {"max": f"{cap:,}"})])


def file_name(fmt: str, moment: datetime) -> str:
    """customers-20261129-0930.csv"""
    return f"customers-{moment:%Y%m%d-%H%M}.{fmt}"


def export_customers(
    actor: Actor,
    term: str,
    include_archived: bool,
    fmt: str,
    now: datetime | None = None,
) -> Export:
    """The customers matching term as a CSV or XLSX file."""
    require(actor, "customers.export")
    cap = _row_cap(fmt)
    moment = clock.utc(now)
    words = query_words(term)

    def work(cur) -> tuple[bytes, int]:
        frame = repo.export_frame(cur, words, include_archived, cap + 1)
        check_size(fmt, len(frame))
        # Rendered before the audit entry commits: a file that fails leaves no "exported".
        header = [str(c) for c in frame.columns]
        rows = frame.itertuples(index=False, name=None)
        data = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes("Customers", header, rows)
        audit.record(
            cur,
            actor,
            "export",
            "customer_list",
            None,
            SCREEN_EXPORT,
            [
                FieldChange("search", None, term.strip() or "*"),
                FieldChange("rows", None, len(frame)),
                FieldChange("format", None, fmt),
            ],
            moment,
        )
        return data, len(frame)

    data, count = db.run_in_transaction(work)
    return Export(file_name(fmt, moment), data, MIME[fmt], count)
