"""Reading a CSV file someone exported from another system, refusing what is not one.

Pure: bytes in, (header, rows with their line numbers) out, or ValidationFailed
naming the file's problem and the line where it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from comptoir.logic.errors import FieldError, ValidationFailed

MAX_BYTES = 50 * 1024 * 1024
MAX_FIELD = 1_000
# Beyond this many refused lines the message would be a wall: the first ones are named.
MAX_REPORTED = 20
_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class CsvTable:
    """The header (canonical names) and each data row with its line number."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _refuse(code: str, field: str = "csv", **params: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, code, params)])


def decode_named(data: bytes, field: str = "csv", controls: bool = True) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else Windows-1252; binary,
    UTF-16 and archives refused, naming field. controls=False leaves stray control
    characters for the rows' own checks to name."""
    if len(data) > MAX_BYTES:
        raise _refuse("csv_too_large", field, max=f"{MAX_BYTES // (1024 * 1024)} MB")
    if data[:2] == b"\x1f\x8b" or data[:4] == b"PK\x03\x04":
        raise _refuse("csv_compressed", field)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:1000].count(b"\x00") > 1:
        # UTF-16 text is half NUL bytes; so is most binary.
        raise _refuse(
            "csv_utf16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "csv_binary", field
        )
    if b"\x00" in data:
        raise _refuse("csv_binary", field)
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise _refuse("csv_binary", field) from None
    if controls and any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:4096]):
        raise _refuse("csv_binary", field)
    return text, encoding


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; refuse binary, UTF-16, archives."""
    return decode_named(data)[0]


def delimiter(first_line: str, field: str = "csv") -> str:
    """Comma, semicolon or tab: the one splitting the header (outside quotes) the most."""
    counts = {}
    for candidate in _DELIMITERS:
        try:
            counts[candidate] = len(next(csv.reader([first_line], delimiter=candidate))) - 1
        except (csv.Error, StopIteration):
            counts[candidate] = 0
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise _refuse("csv_single_column", field)
    return best


def read_table(
    data: bytes, required: Sequence[str], canonical: Callable[[str], str] = str.lower
) -> CsvTable:
    """The file's rows as dicts by header name (made canonical); every malformed line is named."""
    text = decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _refuse("csv_empty")
    separator = delimiter(lines[0])
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    previous = csv.field_size_limit(MAX_FIELD)
    errors: list[FieldError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = tuple(canonical(name.strip()) for name in next(reader))
        missing = [name for name in required if name not in header]
        if missing:
            raise _refuse("csv_columns", missing=", ".join(missing))
        if len(set(header)) != len(header):
            raise _refuse("csv_duplicate_columns")
        while True:
            line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error:
                # A field over the limit or an unclosed quote: the csv module says which
                # only in its message, so one sentence names both.
                params = {"line": str(line), "max": f"{MAX_FIELD:,}"}
                errors.append(FieldError("csv", "csv_malformed", params))
                if len(errors) >= MAX_REPORTED:
                    break
                continue
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                errors.append(
                    FieldError(
                        "csv",
                        "csv_fields",
                        {
                            "line": str(line),
                            "expected": str(len(header)),
                            "found": str(len(fields)),
                        },
                    )
                )
                if len(errors) >= MAX_REPORTED:
                    break
                continue
            rows.append((line, dict(zip(header, fields, strict=True))))
    finally:
        csv.field_size_limit(previous)
    if errors:
        raise ValidationFailed(errors)
    return CsvTable(header, tuple(rows))
