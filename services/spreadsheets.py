"""CSV and XLSX files that a spreadsheet opens as data: text inert, numbers as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook

from logic.text import spreadsheet_text
from services import clock


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


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet; every cell a string, a number or a date, never a formula."""
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet)
    page.append(list(header))
    for row in rows:
        values: list[object] = []
        for value in row:
            plain = _plain(value)
            if isinstance(plain, bool | int | float | Decimal | date | datetime) or plain is None:
                values.append(plain)
            else:
                values.append(str(plain))
        page.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
