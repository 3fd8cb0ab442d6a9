"""What is not a CSV file is refused with a clear reason; malformed lines are named."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from comptoir.logic.csv_files import MAX_FIELD, read_table
from comptoir.logic.errors import ValidationFailed

REQUIRED = ("sku", "name", "price", "tax_rate")
GOOD = "sku;name;price;tax_rate\nA-1;Pneu;30,00;20\n"


def _codes(data: bytes) -> list[tuple[str, str | None]]:
    with pytest.raises(ValidationFailed) as info:
        read_table(data, REQUIRED)
    return [(e.code, e.params.get("line")) for e in info.value.errors]


def test_a_good_file_in_utf8_or_windows_1252():
    table = read_table(GOOD.encode("utf-8-sig"), REQUIRED)
    assert table.rows == ((2, {"sku": "A-1", "name": "Pneu", "price": "30,00", "tax_rate": "20"}),)
    latin = read_table("sku,name,price,tax_rate\nB-1,Vélo,1,20\n".encode("cp1252"), REQUIRED)
    assert latin.rows[0][1]["name"] == "Vélo"


def test_files_that_are_not_csv_text():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.csv", GOOD)
    assert _codes(gzip.compress(GOOD.encode())) == [("csv_compressed", None)]
    assert _codes(archive.getvalue()) == [("csv_compressed", None)]
    assert _codes(GOOD.encode("utf-16")) == [("csv_utf16", None)]
    assert _codes(bytes(range(256)) * 4) == [("csv_binary", None)]
    assert _codes(b"sku\nA-1\n") == [("csv_single_column", None)]
    assert _codes(b"") == [("csv_empty", None)]
    assert _codes(b"sku;name\nA;B\n") == [("csv_columns", None)]


def test_lines_with_missing_or_extra_fields_are_named():
    data = b"sku;name;price;tax_rate\nA-1;Pneu;30;20\nA-2;Patin;9\nA-3;X;1;20;oops\n"
    assert _codes(data) == [("csv_fields", "3"), ("csv_fields", "4")]


def test_huge_fields_and_unclosed_quotes_are_named():
    huge = "sku;name;price;tax_rate\nA-1;" + "x" * (MAX_FIELD + 1) + ";1;20\n"
    assert _codes(huge.encode()) == [("csv_malformed", "2")]
    assert _codes(b'sku;name;price;tax_rate\nA-1;"Pneu;1;20\n') == [("csv_malformed", "2")]


def test_blank_lines_are_skipped():
    table = read_table((GOOD + "\n;;;\n").encode(), REQUIRED)
    assert len(table.rows) == 1
