"""An uploaded workbook is bounded before and while it is read: what it unpacks to, its
columns (whatever dimension it claims), its rows and its cells; each refusal names the
limit (and the line)."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from comptoir.logic.customer_import import MAX_CELL, MAX_COLUMNS, read_xlsx
from comptoir.logic.errors import ValidationFailed


def _book(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite_sheet(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            body = old.read(name)
            if name.startswith("xl/worksheets/sheet"):
                body = change(body)
            new.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _refusal(data: bytes) -> tuple[str, str, dict]:
    with pytest.raises(ValidationFailed) as refused:
        read_xlsx(data)
    [error] = refused.value.errors
    return error.field, error.code, error.params


def test_a_sheet_claiming_16384_columns_is_read_to_its_real_header():
    rows = [["Nom", "Prénom", "Courriel"]] + [[f"N{i}", "P", f"p{i}@x.org"] for i in range(3000)]
    data = _rewrite_sheet(
        _book(rows),
        lambda body: re.sub(
            rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', body
        ),
    )
    tracemalloc.start()
    try:
        table = read_xlsx(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.headers == ("Nom", "Prénom", "Courriel") and len(table.rows) == 3000
    assert table.rows[0] == (2, ("N0", "P", "p0@x.org"))
    # Padding every row to 16,384 cells took about 400 MB here before.
    assert peak < 100 * 1024 * 1024


def test_too_many_real_columns_are_refused_naming_the_limit():
    header = [f"c{i}" for i in range(MAX_COLUMNS + 1)]
    assert _refusal(_book([header, ["x"] * len(header)])) == (
        "file",
        "import_too_many_columns",
        {"max": str(MAX_COLUMNS)},
    )


def test_a_cell_over_the_limit_is_refused_naming_its_line():
    data = _book([["Nom"], ["ok"], ["x" * (MAX_CELL + 1)]])
    assert _refusal(data) == ("file", "xlsx_cell_too_long", {"line": "3", "max": f"{MAX_CELL:,}"})


def test_a_workbook_that_inflates_a_thousandfold_is_refused_unread():
    padding = b" " * (20 * 1024 * 1024)
    data = _rewrite_sheet(
        _book([["Nom"], ["ok"]]),
        lambda body: body.replace(b"<sheetData>", padding + b"<sheetData>"),
    )
    assert len(data) < 200_000
    assert _refusal(data) == ("file", "xlsx_too_large", {"max": "400 MB"})
