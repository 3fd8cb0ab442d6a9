"""Connection factory, transactions and retries: the DuckDB file, or PostgreSQL by URL.

Which database is the application context's (comptoir/operations/context.py), installed
here once at start: cursor(), transaction() and run_in_transaction() reach it, the
DuckDB file for one shop or PostgreSQL (data/postgres.py) with the same SQL. The
configuration (COMPTOIR_DATABASE_URL, COMPTOIR_DB, the secrets' [database] section) is
read by configured() when a context is made, never per call.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import duckdb

from comptoir import home
from comptoir.data import postgres
from comptoir.logic.errors import Busy, DatabaseUnavailable

T = TypeVar("T")

ENV_VAR = "COMPTOIR_DB"
# Bounded so the app's server stays small even with a million customers.
MEMORY_LIMIT = os.environ.get("COMPTOIR_DB_MEMORY", "256MB")
MAX_RETRIES = 40
# Attempts before a DuckDB constraint error is taken as a real violation, not a race.
CONSTRAINT_ATTEMPTS = 3
# Back-off between retries of a write conflict, seconds: doubles per attempt up to
# RETRY_CAP, with jitter, so a burst of tills spreads out instead of colliding again.
RETRY_PAUSE = 0.001
RETRY_CAP = 0.05
# In-process locks only spare retries; the database's row conflicts and CHECKs are
# the guarantee. Tests switch them off to prove it (as with several processes).
IN_PROCESS_LOCKS = os.environ.get("COMPTOIR_PROCESS_LOCKS", "1") != "0"
# DuckDB writes "DUCK" at this offset of every database file.
_MAGIC_OFFSET, _MAGIC = 8, b"DUCK"

_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}


DatabaseBusy = DatabaseUnavailable  # older name, kept for the CLI tools

# Seconds this thread held a cursor or a transaction: a script run's share spent in the
# database, for the run timings (ui/run_timing.py) that bench/ui.py reads.
_held = threading.local()


def time_held() -> float:
    """Seconds this thread has held cursors and transactions so far."""
    return getattr(_held, "seconds", 0.0)


@contextmanager
def _clocked(inner: AbstractContextManager[T]) -> Iterator[T]:
    depth = getattr(_held, "depth", 0)
    _held.depth = depth + 1
    started = time.perf_counter()
    try:
        with inner as cur:
            yield cur
    finally:
        _held.depth = depth
        if depth == 0:  # a cursor opened inside another is already counted
            _held.seconds = time_held() + time.perf_counter() - started


URL_ENV = "COMPTOIR_DATABASE_URL"


def _configured(key: str) -> str | None:
    """[database] key in .streamlit/secrets.toml, read once per version of the file."""
    secrets = home.secrets_file()
    try:
        stamp = secrets.stat().st_mtime_ns
    except OSError:
        return None
    return _database_section(str(secrets), stamp).get(key)


@lru_cache(maxsize=4)
def _database_section(path: str, stamp: int) -> dict[str, str]:
    # Parsed once per version of the file (a context is made at start; tests make many).
    with open(path, "rb") as handle:
        section = tomllib.load(handle).get("database", {})
    return {k: str(v) for k, v in section.items()}


def configured_url() -> str | None:
    """$COMPTOIR_DATABASE_URL, else [database] url in .streamlit/secrets.toml, else None."""
    return os.environ.get(URL_ENV) or _configured("url") or None


def target() -> str:
    """Which database the current unit of work uses, safe to show and to key caches by."""
    return current().target()


def configured_path() -> Path:
    """$COMPTOIR_DB, else [database] path in the secrets, else comptoir.duckdb in the data folder.

    The data folder is private (0700) to its owner, created so if missing.
    """
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    configured = _configured("path")
    return Path(configured).expanduser() if configured else home.data_folder() / "comptoir.duckdb"


_named_locks: dict[str, threading.Lock] = {}


def process_lock(name: str) -> AbstractContextManager:
    """An in-process lock that spares conflict retries on a hot row (or none if switched off)."""
    if not IN_PROCESS_LOCKS:
        return nullcontext()
    with _lock:
        return _named_locks.setdefault(name, threading.Lock())


def _prepare_folder(file: Path) -> None:
    """Create the database's folder private to its owner; refuse clearly if we cannot."""
    folder = file.parent
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            folder.chmod(0o700)  # mkdir's mode is masked by the umask
    except OSError as exc:
        raise DatabaseUnavailable("cannot_write", str(file), detail=exc.strerror or "") from exc
    if not os.access(folder, os.W_OK | os.X_OK) or (
        file.exists() and not os.access(file, os.R_OK | os.W_OK)
    ):
        raise DatabaseUnavailable("cannot_write", str(file), detail="permission denied")


def _check_is_database(file: Path) -> None:
    if not file.exists() or file.stat().st_size == 0:
        return
    with file.open("rb") as handle:
        head = handle.read(_MAGIC_OFFSET + len(_MAGIC))
    if head[_MAGIC_OFFSET:] != _MAGIC:
        raise DatabaseUnavailable("not_database", str(file))


def _holder(message: str) -> str:
    # DuckDB names the process holding its lock only in the message text.
    found = re.search(r"held in (\S+) \(PID (\d+)\)", message)
    return f"{Path(found.group(1)).name} (PID {found.group(2)})" if found else ""


def open_file(file: Path) -> duckdb.DuckDBPyConnection:
    """Open the file, telling apart in use, cannot write, not a database and damaged."""
    _prepare_folder(file)
    _check_is_database(file)
    is_new = not file.exists()
    try:
        con = duckdb.connect(str(file), config={"memory_limit": MEMORY_LIMIT})
    except duckdb.IOException as exc:
        holder = _holder(str(exc))
        if holder or "lock" in str(exc).lower():
            raise DatabaseUnavailable("in_use", str(file), holder=holder) from exc
        raise DatabaseUnavailable("cannot_write", str(file), detail=type(exc).__name__) from exc
    except duckdb.Error as exc:
        raise DatabaseUnavailable("damaged", str(file), detail=type(exc).__name__) from exc
    if is_new:
        file.chmod(0o600)
    # Every cursor in UTC: timestamps are stored and read as UTC instants whatever
    # the machine's zone; screens and documents show them in the shop's.
    con.execute("SET GLOBAL TimeZone = 'UTC'")
    return con


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Return this process's connection to the file, opening it once."""
    key = str(Path(path or file_path()).resolve())
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = open_file(Path(key))
            _connections[key] = con
        return con


def _close_file(path: Path) -> None:
    key = str(path.resolve())
    with _lock:
        con = _connections.pop(key, None)
    if con is not None:
        con.close()


@contextmanager
def _file_cursor(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    cur = connect(path).cursor()
    try:
        yield cur
    finally:
        cur.close()


@contextmanager
def _file_transaction(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
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


class Database:
    """What services need of a database: read cursors and units of work with retries.

    Two implementations with the same SQL behind them: the DuckDB file and a
    PostgreSQL server (a pool per process). A unit of work runs on the database
    bound by its caller (using()), else the installed one (install()).
    """

    def target(self) -> str:
        """Which database, safe to show and to key caches by."""
        raise NotImplementedError

    def cursor(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A fresh cursor for one read-only unit of work."""
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """One explicit transaction on its own cursor; rolls back on any error."""
        raise NotImplementedError

    def close(self) -> None:
        """Close this process's connection or pool (tests and CLI tools)."""
        raise NotImplementedError

    def run(self, work: Callable[[duckdb.DuckDBPyConnection], T], retries: int = MAX_RETRIES) -> T:
        """Run work(cur) in a transaction, retrying write conflicts (see run_in_transaction)."""
        return _run(self, work, retries)


@dataclass(frozen=True)
class DuckDBFile(Database):
    """The embedded DuckDB file: one process's connection, a cursor per unit of work."""

    path: Path

    def target(self) -> str:
        return str(self.path)

    def cursor(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return _clocked(_file_cursor(self.path))

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return _clocked(_file_transaction(self.path))

    def close(self) -> None:
        _close_file(self.path)


@dataclass(frozen=True)
class PostgresServer(Database):
    """A PostgreSQL database by URL, through this process's bounded pool."""

    url: str

    def target(self) -> str:
        return postgres.redacted(self.url)

    def cursor(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return _clocked(postgres.cursor(self.url))  # type: ignore[arg-type]  # same methods

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return _clocked(postgres.transaction(self.url))  # type: ignore[arg-type]  # same methods

    def close(self) -> None:
        postgres.close(self.url)


def configured() -> Database:
    """The database the configuration names: PostgreSQL by URL, else the DuckDB file."""
    url = configured_url()
    return PostgresServer(url) if url else DuckDBFile(configured_path())


_bound: ContextVar[Database | None] = ContextVar("comptoir_database", default=None)
_installed: Database | None = None
_install_lock = threading.Lock()


def install(database: Database | None) -> Database | None:
    """Make this the process's database (the application context does); the previous one."""
    global _installed
    with _install_lock:
        previous, _installed = _installed, database
    return previous


def installed() -> Database:
    """The process's database; an entry point that made no context gets the configured one."""
    global _installed
    with _install_lock:
        if _installed is None:
            _installed = configured()
        return _installed


@contextmanager
def using(database: Database) -> Iterator[Database]:
    """Run the units of work inside the block on this database (this thread or task)."""
    token = _bound.set(database)
    try:
        yield database
    finally:
        _bound.reset(token)


def current() -> Database:
    """The database of the current unit of work: bound by using(), else the installed one."""
    return _bound.get() or installed()


def on_postgres() -> bool:
    """Whether the current database is a PostgreSQL server (else the DuckDB file)."""
    return isinstance(current(), PostgresServer)


def current_file() -> Path | None:
    """The current DuckDB file; None on PostgreSQL."""
    database = current()
    return database.path if isinstance(database, DuckDBFile) else None


def file_path() -> Path:
    """The current DuckDB file (callers have checked on_postgres() first)."""
    database = current()
    if not isinstance(database, DuckDBFile):
        raise TypeError(f"not a DuckDB file: {database.target()}")
    return database.path


def current_url() -> str | None:
    """The current PostgreSQL server's URL (with its password); None on the DuckDB file."""
    database = current()
    return database.url if isinstance(database, PostgresServer) else None


def _chosen(path: Path | str | None) -> Database:
    return DuckDBFile(Path(path)) if path is not None else current()


def close(path: Path | str | None = None) -> None:
    """Close the process's connection to the file or pool (tests and CLI tools)."""
    _chosen(path).close()


def cursor(path: Path | str | None = None) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """A fresh cursor for one read-only unit of work (the given file, else current())."""
    return _chosen(path).cursor()


def transaction(
    path: Path | str | None = None,
) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """One explicit transaction on its own cursor (the given file, else current())."""
    return _chosen(path).transaction()


# Matched by type, never by message: a write conflict (either engine) or a lost
# PostgreSQL connection, after which nothing was committed.
_RETRYABLE: tuple[type[Exception], ...] = (
    duckdb.TransactionException,
    *postgres.RETRYABLE,
    *postgres.LOST,
)


def run_in_transaction(
    work: Callable[[duckdb.DuckDBPyConnection], T],
    path: Path | str | None = None,
    retries: int = MAX_RETRIES,
) -> T:
    """Run work(cur) in a transaction on the given file or current(), retrying conflicts.

    When the conflicts outlast the retries, Busy: nothing was stored and the
    user is asked to try again, never shown a traceback.
    """
    return _run(_chosen(path), work, retries)


def _run(database: Database, work: Callable[[duckdb.DuckDBPyConnection], T], retries: int) -> T:
    constraint_failures = 0
    for attempt in range(retries):
        try:
            with database.transaction() as cur:
                return work(cur)
        except _RETRYABLE as exc:
            # Another transaction won the row (DuckDB: conflict; PostgreSQL:
            # serialization failure, deadlock, key taken meanwhile) or the
            # connection was lost: nothing was committed, so the work runs again.
            if attempt == retries - 1:
                raise Busy() from exc
        except duckdb.ConstraintException:
            # DuckDB reports a key another transaction committed meanwhile with the
            # same exception type as a CHECK: callers check before inserting, so a
            # race is re-read and reported properly on the next attempt, while a
            # real violation repeats and is raised as it is (no message matching).
            constraint_failures += 1
            if constraint_failures >= CONSTRAINT_ATTEMPTS or attempt == retries - 1:
                raise
        time.sleep(min(RETRY_CAP, RETRY_PAUSE * 2**attempt) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")
