"""A query's rows as Arrow record batches, streamed from either engine (exports, backups)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from data.postgres import is_postgres

Cursor = Any
BATCH_ROWS = 20_000


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
