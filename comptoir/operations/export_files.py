"""Export files, below the use cases: a View (a query in a list's own filters and order)
streamed from the database in Arrow batches straight into CSV, XLSX or Parquet, so a
million rows never sit in memory at once; text cells made inert for spreadsheets. The
export use case (audited) is services/exports.py; backups, GDPR and Insights write
through here too."""

from __future__ import annotations

import codecs
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from comptoir.data import streams
from comptoir.data.postgres import is_postgres
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.logic.text import spreadsheet_text
from comptoir.operations import clock

FORMATS = ("csv", "xlsx", "parquet")
# A worksheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575
SCREEN_EXPORT = "export"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
# Files wait here for their download, in a private folder, swept after OFFER_SECONDS.
FOLDER = Path(tempfile.gettempdir()) / "comptoir-exports"
OFFER_SECONDS = 10 * 60
# Any character a spreadsheet or a printer must not get (controls, invisible formats,
# unassigned) but the line break: such cells go through the Python rule, the rest stay
# in Arrow.
_HIDDEN = r"[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Z}\n]"
_FORMULA = r"^[=+\-@\t\r]"

Progress = Callable[[int, int], None]
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="comptoir-export")


@dataclass(frozen=True)
class View:
    """What a list shows: a name (file, audit entity), its query in its order, its filters."""

    name: str
    sql: str
    params: tuple[Any, ...] = ()
    filters: tuple[tuple[str, object], ...] = ()
    entity: str = ""
    ranked: streams.Ranked | None = None  # a long list's slices (DuckDB), same rows


@dataclass(frozen=True)
class ExportFile:
    """A finished file waiting for its download."""

    path: Path
    filename: str
    mime: str
    rows: int

    def read(self) -> bytes:
        """The file's bytes (for the download button)."""
        return self.path.read_bytes()

    def discard(self) -> None:
        """Remove the file and its folder."""
        shutil.rmtree(self.path.parent, ignore_errors=True)


def check_size(fmt: str, rows: int) -> None:
    """Refuse an unknown format, or more rows than a worksheet holds."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            [FieldError("format", "not_in_list", {"allowed": ", ".join(FORMATS)})]
        )
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        raise ValidationFailed(
            [FieldError("format", "export_xlsx_limit", {"max": f"{XLSX_MAX_ROWS:,}"})]
        )


def file_name(name: str, fmt: str, moment: datetime) -> str:
    """customers-20261129-0930.csv"""
    return f"{name}-{moment:%Y%m%d-%H%M}.{fmt}"


def visible_text(column: pa.Array) -> pa.Array:
    """A text column without the control characters a spreadsheet would hide."""
    hidden = pc.match_substring_regex(column, _HIDDEN)
    if pc.any(hidden).as_py():
        pairs = zip(column.to_pylist(), hidden.to_pylist(), strict=True)
        column = pa.array([spreadsheet_text(v) if f else v for v, f in pairs], type=pa.string())
    return column


def safe_text(column: pa.Array) -> pa.Array:
    """A text column a spreadsheet shows as text: controls removed, formulas inert."""
    column = visible_text(column)
    starts = pc.match_substring_regex(pc.utf8_ltrim(column, characters=" "), _FORMULA)
    return pc.if_else(starts, pc.binary_join_element_wise("'", column, ""), column)


def _for_cell(column: pa.Array, zone: str, guard: bool = True) -> pa.Array:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column.cast(pa.string())
        return safe_text(text) if guard else visible_text(text)
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return pc.local_timestamp(column.cast(pa.timestamp(kind.unit, tz=zone)))
    return column


def for_spreadsheet(batch: pa.RecordBatch, zone: str, guard: bool = True) -> pa.RecordBatch:
    """Text made inert (guard: a CSV's apostrophe); moments as the shop's wall-clock time
    (spreadsheets have no zones).

    Columns are converted on two threads (Arrow's kernels release the GIL).
    """
    columns = list(_POOL.map(lambda c: _for_cell(c, zone, guard), batch.columns))
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _write_csv(batches: Iterable[pa.RecordBatch], path: Path, bom: bool, zone: str, done) -> None:
    options = pa_csv.WriteOptions(quoting_style="needed")
    with path.open("wb") as out:
        if bom:  # Excel then reads the accents right
            out.write(codecs.BOM_UTF8)
        writer = None
        for batch in batches:
            safe = for_spreadsheet(batch, zone)
            if writer is None:
                writer = pa_csv.CSVWriter(out, safe.schema, write_options=options)
            writer.write_batch(safe)
            done(batch.num_rows)
            del safe
            pa.default_memory_pool().release_unused()  # keep the process small between batches
        if writer is not None:
            writer.close()


def _text_cell(page: Any, value: object) -> object:
    """An XLSX cell holding text as text: a string cell is inert, but openpyxl would take
    one starting with "=" for a formula, so that one is typed as a string explicitly (a
    visible apostrophe is the CSV's guard, not needed here)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(page, value)
        cell.data_type = "s"
        return cell
    return value


def _write_xlsx(
    batches: Iterable[pa.RecordBatch],
    path: Path,
    sheet: str,
    zone: str,
    done,
    label: Callable[[str], str],
) -> None:
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet[:31])
    header = False
    for batch in batches:
        safe = for_spreadsheet(batch, zone, guard=False)
        if not header:
            page.append([label(name) for name in safe.schema.names])
            header = True
        for row in zip(*(c.to_pylist() for c in safe.columns), strict=True):
            page.append([_text_cell(page, value) for value in row])
        done(batch.num_rows)
    book.save(path)


def _write_parquet(batches: Iterable[pa.RecordBatch], path: Path, done) -> None:
    writer = None
    try:
        for batch in batches:
            if writer is None:
                # Min/max statistics per row group cost 13 % of the writing and help no
                # reader of a file this size.
                writer = pq.ParquetWriter(path, batch.schema, write_statistics=False)
            writer.write_batch(batch)
            done(batch.num_rows)
    finally:
        if writer is not None:
            writer.close()


def write(
    cur: Any,
    view: View,
    fmt: str,
    path: Path,
    *,
    bom: bool = True,
    total: int = 0,
    progress: Progress | None = None,
    label: Callable[[str], str] = str,
) -> int:
    """Stream the view's rows into a file of the format; the rows written. label names
    an XLSX sheet's columns (CSV and Parquet keep the codes an import reads back)."""
    written = 0

    def done(rows: int) -> None:
        nonlocal written
        written += rows
        if progress is not None:
            progress(written, total)

    if view.ranked is not None and not is_postgres(cur):
        batches = streams.ranked_batches(cur, view.ranked)
    else:
        batches = streams.batches(cur, view.sql, view.params)
    zone = clock.zone().key
    if fmt == "csv":
        _write_csv(batches, path, bom, zone, done)
    elif fmt == "xlsx":
        _write_xlsx(batches, path, view.name, zone, done, label)
    else:
        _write_parquet(batches, path, done)
    return written


def new_folder() -> Path:
    """A private folder for one file waiting for its download (swept with the exports)."""
    FOLDER.mkdir(mode=0o700, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=FOLDER))


def sweep(now: float | None = None) -> int:
    """Remove export files older than OFFER_SECONDS; how many went."""
    moment = time.time() if now is None else now
    removed = 0
    if not FOLDER.exists():
        return 0
    for folder in FOLDER.iterdir():
        try:
            old = moment - folder.stat().st_mtime > OFFER_SECONDS
        except FileNotFoundError:
            continue
        if old:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
