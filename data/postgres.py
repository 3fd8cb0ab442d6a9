"""PostgreSQL through psycopg 3: a bounded pool per process, cursors that take our SQL.

The repositories write SQL with `?` placeholders (DuckDB's); this cursor turns
them into psycopg's `%s` outside quoted text, so one SQL text serves both engines.
Transactions run at REPEATABLE READ: like DuckDB's snapshots, two transactions
updating the same row cannot both commit (the second gets a serialization
failure and is retried), which is what the money rules rely on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg
import pyarrow as pa
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from comptoir.logic.errors import DatabaseUnavailable

# Conflicts a retry resolves: another transaction won the row or the key.
RETRYABLE: tuple[type[Exception], ...] = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.UniqueViolation,  # callers check before inserting: a retry re-reads
)
# A lost connection: the pool replaces it, the unit of work is retried whole.
LOST: tuple[type[Exception], ...] = (psycopg.OperationalError,)
POOL_SIZE = 10
# Seconds to wait for a connection before telling the user the server is unreachable.
CONNECT_TIMEOUT = float(os.environ.get("COMPTOIR_DB_CONNECT_TIMEOUT", "10"))

_pools: dict[str, ConnectionPool] = {}
_lock = threading.Lock()


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=user + host))


def _placeholders(sql: str) -> str:
    """`?` → `%s` and `%` → `%%`, leaving quoted text alone."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


class Cursor:
    """A psycopg cursor that reads our SQL (`?` placeholders) and chains like DuckDB's."""

    def __init__(self, inner: psycopg.Cursor[Any]) -> None:
        self._inner = inner

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        self._inner.execute(_placeholders(sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        self._inner.executemany(_placeholders(sql), rows)
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._inner.fetchall()

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._inner.fetchone()

    def df(self) -> pd.DataFrame:
        """The remaining rows as a DataFrame, as DuckDB's cursor gives them."""
        names = [column.name for column in self._inner.description or ()]
        return pd.DataFrame(self._inner.fetchall(), columns=names)

    @property
    def description(self) -> Any:
        return self._inner.description

    def close(self) -> None:
        self._inner.close()

    def load_frame(self, name: str, frame: pd.DataFrame) -> None:
        """PostgreSQL's stand-in for DuckDB's frame scan: a temp table filled by COPY."""
        columns = ", ".join(f'"{c}" {_column_type(frame[c])}' for c in frame.columns)
        self._inner.execute(f"CREATE TEMP TABLE {name} ({columns})")
        with self._inner.copy(f"COPY {name} FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([None if _missing(v) else v for v in row])

    def drop_frame(self, name: str) -> None:
        self._inner.execute(f"DROP TABLE IF EXISTS {name}")

    def arrow_batches(self, sql: str, params: Sequence[Any], size: int) -> Iterator[pa.RecordBatch]:
        """The rows as Arrow batches from a server-side cursor (typed by the columns' OIDs)."""
        with self._inner.connection.cursor(name=f"stream_{id(self):x}") as named:
            named.execute(_placeholders(sql), list(params) or None)
            schema: pa.Schema | None = None
            sent = False
            while True:
                rows = named.fetchmany(size)
                if schema is None:
                    schema = pa.schema([(c.name, _arrow_type(c)) for c in named.description or ()])
                if not rows:
                    if not sent:  # the columns still, for an empty file's header
                        yield pa.RecordBatch.from_pylist([], schema=schema)
                    return
                sent = True
                columns = list(zip(*rows, strict=True))
                yield pa.RecordBatch.from_arrays(
                    [_arrow_column(v, f.type) for v, f in zip(columns, schema, strict=True)],
                    schema=schema,
                )


def _arrow_column(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    if kind == pa.string():
        values = [None if v is None else str(v) for v in values]
    elif kind == pa.float64():  # an unconstrained numeric (a sum) comes as Decimal
        values = [None if v is None else float(v) for v in values]
    return pa.array(values, type=kind)


# Arrow types of PostgreSQL's built-in type OIDs; anything else travels as text.
_ARROW_BY_OID = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int64(),
    23: pa.int64(),
    700: pa.float64(),
    701: pa.float64(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
}


def _arrow_type(column: Any) -> pa.DataType:
    if column.type_code == 1700:  # numeric: exact with its declared scale, else a float
        if column.scale is not None and column.precision:
            return pa.decimal128(column.precision, column.scale)
        return pa.float64()
    return _ARROW_BY_OID.get(column.type_code, pa.string())


def _column_type(column: pd.Series) -> str:
    """The SQL type a frame column is copied as (text when in doubt: SQL casts it)."""
    kind = column.dtype.kind
    return {"i": "BIGINT", "u": "BIGINT", "f": "DOUBLE PRECISION", "b": "BOOLEAN"}.get(
        kind, "TIMESTAMP" if kind == "M" else "TEXT"
    )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NaT


def is_postgres(cur: object) -> bool:
    """True for a PostgreSQL cursor: the few statements that differ ask this."""
    return isinstance(cur, Cursor)


def pool(url: str) -> ConnectionPool:
    """This process's pool for the URL, opened once (bounded)."""
    with _lock:
        found = _pools.get(url)
        if found is None:
            found = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                open=True,
                check=ConnectionPool.check_connection,
                name="comptoir",
                timeout=CONNECT_TIMEOUT,
                # Sessions in UTC: timestamps are stored and read as UTC instants
                # whatever the server's zone; screens show them in the shop's.
                kwargs={
                    "connect_timeout": max(1, int(CONNECT_TIMEOUT)),
                    # JIT compiling costs more than these short queries take.
                    "options": "-c TimeZone=UTC -c jit=off -c work_mem=32MB",
                },
            )
            _pools[url] = found
        return found


def close(url: str) -> None:
    """Close the process's pool for the URL (tests)."""
    with _lock:
        found = _pools.pop(url, None)
    if found is not None:
        found.close()


@contextmanager
def _connection(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A pooled connection; a server that refuses or does not answer is named, no password."""
    with ExitStack() as stack:
        try:
            con = stack.enter_context(pool(url).connection())
        except (PoolTimeout, psycopg.OperationalError) as exc:
            reason = type(exc).__name__
            raise DatabaseUnavailable("unreachable", redacted(url), detail=reason) from None
        yield con


@contextmanager
def cursor(url: str) -> Iterator[Cursor]:
    """A cursor for reads, in a transaction of its own (closed at the end)."""
    with _connection(url) as con, con.cursor() as inner:
        yield Cursor(inner)


@contextmanager
def transaction(url: str) -> Iterator[Cursor]:
    """One REPEATABLE READ transaction: committed at the end, rolled back on any error."""
    with _connection(url) as con:
        con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with con.transaction(), con.cursor() as inner:
            yield Cursor(inner)


def server_binary(name: str) -> str | None:
    """A PostgreSQL tool (pg_dump, pg_restore): $COMPTOIR_PG_BIN, PATH, else the newest
    under /usr/lib/postgresql; None when not installed."""
    given = os.environ.get("COMPTOIR_PG_BIN")
    if given and (Path(given) / name).exists():
        return str(Path(given) / name)
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    # Debian's /usr/bin/pg_dump is a wrapper needing a cluster; the versioned one is not.
    return str(versions[-1]) if versions else shutil.which(name)


def dump_database(url: str, target: Path) -> None:
    """pg_dump the database at url into target (custom format); the password goes through
    the environment, never the command line other users can read."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    tool = server_binary("pg_dump")
    if tool is None:
        raise RuntimeError("pg_dump is not installed on this machine")
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}
    subprocess.run(
        [tool, "--format=custom", f"--file={target}", f"--dbname={make_conninfo('', **params)}"],
        env=env,
        check=True,
        capture_output=True,
        timeout=3600,
    )


def list_dump(target: Path) -> str:
    """pg_restore --list of a dump: its table of contents (it reads the whole file)."""
    tool = server_binary("pg_restore")
    if tool is None:
        raise RuntimeError("pg_restore is not installed on this machine")
    listed = subprocess.run(
        [tool, "--list", str(target)], capture_output=True, text=True, timeout=600, check=True
    )
    return listed.stdout
