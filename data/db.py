"""Connection factory, transactions and retries for the DuckDB file."""

from __future__ import annotations

import os
import random
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import duckdb

T = TypeVar("T")

DEFAULT_PATH = Path(__file__).resolve().parent / "comptoir.duckdb"
ENV_VAR = "COMPTOIR_DB"
# Bounded so the app's server stays small even with a million customers.
MEMORY_LIMIT = os.environ.get("COMPTOIR_DB_MEMORY", "256MB")
MAX_RETRIES = 30
# Back-off between retries of a write conflict, seconds (grows with the attempt).
RETRY_PAUSE = 0.002

_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}


class DatabaseBusy(Exception):
    """Another process holds the database file (DuckDB allows one writer)."""


SECRETS = Path(__file__).resolve().parents[1] / ".streamlit" / "secrets.toml"


def database_path() -> Path:
    """$COMPTOIR_DB, else [database] path in .streamlit/secrets.toml, else data/comptoir.duckdb."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    if SECRETS.exists():
        with SECRETS.open("rb") as handle:
            configured = tomllib.load(handle).get("database", {}).get("path")
        if configured:
            return Path(configured).expanduser()
    return DEFAULT_PATH


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Return this process's connection to the file, opening it once."""
    key = str(Path(path or database_path()).resolve())
    with _lock:
        con = _connections.get(key)
        if con is None:
            Path(key).parent.mkdir(parents=True, exist_ok=True)
            try:
                con = duckdb.connect(key, config={"memory_limit": MEMORY_LIMIT})
            except duckdb.IOException as exc:
                raise DatabaseBusy(f"{key} is in use by another process: {exc}") from exc
            _connections[key] = con
        return con


def close(path: Path | str | None = None) -> None:
    """Close the process's connection to the file (tests and CLI tools)."""
    key = str(Path(path or database_path()).resolve())
    with _lock:
        con = _connections.pop(key, None)
    if con is not None:
        con.close()


@contextmanager
def cursor(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh cursor for one read-only unit of work."""
    cur = connect(path).cursor()
    try:
        yield cur
    finally:
        cur.close()


@contextmanager
def transaction(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One explicit transaction on its own cursor; rolls back on any error."""
    cur = connect(path).cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            # DuckDB may already have aborted the transaction.
            with suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
    finally:
        cur.close()


def run_in_transaction(
    work: Callable[[duckdb.DuckDBPyConnection], T],
    path: Path | str | None = None,
    retries: int = MAX_RETRIES,
) -> T:
    """Run work(cur) in a transaction, retrying optimistic write conflicts."""
    for attempt in range(retries):
        try:
            with transaction(path) as cur:
                return work(cur)
        except duckdb.TransactionException:
            if attempt == retries - 1:
                raise
            time.sleep(RETRY_PAUSE * (attempt + 1) * random.random())
        except duckdb.ConstraintException as exc:
            # A concurrent commit of the same key shows as a constraint error
            # when the other transaction won; callers check before inserting,
            # so a retry re-reads and reports properly.
            if attempt == retries - 1 or "Duplicate key" not in str(exc):
                raise
            time.sleep(RETRY_PAUSE * (attempt + 1) * random.random())
    raise AssertionError("unreachable")
