"""CSV files built in memory that a spreadsheet opens as data: text inert, numbers as numbers
(small ones: the streamed exports are services/exports.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from comptoir.logic.text import spreadsheet_text
from comptoir.operations import clock


def _plain(value: object) -> object:
    """None, NaN and NaT as empty; text neutralised; numbers and dates kept."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: the shop's wall-clock time.
        value = clock.local(value).replace(tzinfo=None)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    return spreadsheet_text(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM (spreadsheets then read accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if (v := _plain(value)) is None else v for value in row])
    return buffer.getvalue().encode("utf-8-sig")
