"""A query's rows as Arrow record batches, streamed from either engine (exports, backups)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from comptoir.data.postgres import is_postgres

Cursor = Any
BATCH_ROWS = 20_000
# Rows of a ranked list read per slice: DuckDB sorts one slice's whole rows at a time.
SLICE_ROWS = 250_000


@dataclass(frozen=True)
class Ranked:
    """A long ordered list read in slices (DuckDB), so its whole rows are never sorted at
    once: rank_sql numbers each row's key (columns key, pos) in the list's order — a sort
    of the order's columns only — and rows_sql reads the rows of the positions after ? up
    to ? from the {ranks} table, in order."""

    rank_sql: str
    params: tuple[Any, ...]
    rows_sql: str


def batches(
    cur: Cursor, sql: str, params: Sequence[Any] = (), size: int | None = None
) -> Iterator[pa.RecordBatch]:
    """The rows of sql in batches of at most size (BATCH_ROWS), never all in memory at once."""
    size = size or BATCH_ROWS
    if is_postgres(cur):
        yield from cur.arrow_batches(sql, params, size)
        return
    # The relation API streams from DuckDB's executor (a DB-API result is copied whole).
    reader = cur.sql(sql, params=list(params) or None).to_arrow_reader(size)
    sent = False
    for batch in reader:
        sent = True
        yield batch
    if not sent:  # the columns still, for an empty file's header
        yield pa.RecordBatch.from_pylist([], schema=reader.schema)


def count(cur: Cursor, sql: str, params: Sequence[Any] = ()) -> int:
    """How many rows sql gives."""
    cur.execute(f"SELECT count(*) FROM ({sql}) AS counted", list(params))
    return int(cur.fetchall()[0][0])


def ranked_batches(
    cur: Cursor, ranked: Ranked, size: int | None = None, slice_rows: int = SLICE_ROWS
) -> Iterator[pa.RecordBatch]:
    """A ranked list's rows in batches, slice after slice (DuckDB only: PostgreSQL sorts
    within its work_mem and spills the rest, so it reads the list's own query)."""
    table = f"export_ranks_{uuid.uuid4().hex}"
    cur.execute(f"CREATE TEMP TABLE {table} AS {ranked.rank_sql}", list(ranked.params))
    try:
        total = int(cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        rows_sql = ranked.rows_sql.format(ranks=table)
        # An empty list still reads one (empty) slice: its columns make the file's header.
        for start in range(0, max(total, 1), slice_rows):
            yield from batches(cur, rows_sql, (start, start + slice_rows), size)
    finally:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
