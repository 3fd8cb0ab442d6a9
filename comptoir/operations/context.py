"""The application context: what one running Comptoir holds, made once at start.

Its database, the shop this server runs for, whether it runs the background rounds,
what it keeps between requests (the settings, the aged balances, the duplicate
rankings) and the threads it runs beside them. Entry points make it from the
configuration (`from_environment()`, the one place the environment is read for these);
tests and benches make theirs for each engine (`for_database()`) and install it.
Installing a context installs its database in data/db, where every cursor finds it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from comptoir.data import db
from comptoir.logic.errors import FieldProblem
from comptoir.logic.shops import DEFAULT_SHOP, clean_shop_code

T = TypeVar("T")

SHOP_ENV = "COMPTOIR_SHOP"
BACKGROUND_ENV = "COMPTOIR_SENDER"  # "1": a real server (AppTest and CLI runs are not)
RUN_LOG_ENV = "COMPTOIR_RUN_LOG"  # a file: each script run's time (bench/ui.py reads it)


def shop_code(raw: str) -> str:
    """The shop code as configured, cleaned (a bad one is kept as given, for check_here)."""
    raw = raw.strip()
    if not raw:
        return DEFAULT_SHOP
    try:
        return clean_shop_code(raw)
    except FieldProblem:
        return raw


class Kept(Generic[T]):
    """Answers kept under a key while their stamp still holds, for `seconds` at most.

    The stamp is what the caller reads cheaply to know whether the answer changed (a
    ledger's last entry, a revision); clear() also drops an answer being computed, so a
    read overtaken by a write is not kept.
    """

    def __init__(self, seconds: float, most: int = 64) -> None:
        self.seconds, self.most = seconds, most
        self._lock = threading.Lock()
        self._answers: dict[Hashable, tuple[float, object, T]] = {}
        self._generation = 0

    def generation(self) -> int:
        """Taken before computing an answer; given back to put()."""
        with self._lock:
            return self._generation

    def get(self, key: Hashable, stamp: object = None) -> T | None:
        with self._lock:
            found = self._answers.get(key)
        if found is None or found[1] != stamp or time.monotonic() - found[0] >= self.seconds:
            return None
        return found[2]

    def put(self, key: Hashable, stamp: object, answer: T, since: int | None = None) -> None:
        with self._lock:
            if since is not None and since != self._generation:
                return  # cleared meanwhile: the answer may predate a write
            if len(self._answers) >= self.most:
                self._answers.clear()
            self._answers[key] = (time.monotonic(), stamp, answer)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._answers.clear()


@dataclass(eq=False)
class Context:
    """One running Comptoir: its database, its shop, what it keeps and runs."""

    database: db.Database
    shop: str = DEFAULT_SHOP
    background: bool = False
    run_log: Path | None = None
    _kept: dict[str, object] = field(default_factory=dict, repr=False)
    _threads: dict[str, threading.Thread] = field(default_factory=dict, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_environment(cls) -> Context:
        """The context the configuration names (environment, then the secrets file)."""
        return cls(
            db.configured(),
            shop=shop_code(os.environ.get(SHOP_ENV, "")),
            background=os.environ.get(BACKGROUND_ENV) == "1",
            run_log=Path(os.environ[RUN_LOG_ENV]) if os.environ.get(RUN_LOG_ENV) else None,
        )

    @classmethod
    def for_database(cls, database: db.Database, shop: str = DEFAULT_SHOP) -> Context:
        """A context on this database (tests, benches, tools), no background rounds."""
        return cls(database, shop=shop_code(shop))

    def for_shop(self, code: str) -> Context:
        """The same database seen from another shop of the chain (its own caches)."""
        return Context(
            self.database,
            shop=shop_code(code),
            background=self.background,
            run_log=self.run_log,
        )

    def kept(self, name: str, seconds: float, most: int = 64) -> Kept[Any]:
        """This context's cache called name, made on first use."""
        with self._lock:
            if name not in self._kept:
                self._kept[name] = Kept(seconds, most)
            return self._kept[name]  # type: ignore[return-value]

    def state(self, name: str, make: Callable[[], T]) -> T:
        """Other state this context keeps under name (the jobs' last rounds), made once."""
        with self._lock:
            if name not in self._kept:
                self._kept[name] = make()
            return self._kept[name]  # type: ignore[return-value]

    def run_beside(self, name: str, loop: Callable[[threading.Event], None]) -> bool:
        """Start loop(stop) on its own thread once for this context; False if running."""
        with self._lock:
            running = self._threads.get(name)
            if running is not None and running.is_alive():
                return False
            thread = threading.Thread(
                target=loop, args=(self._stop,), name=f"comptoir-{name}", daemon=True
            )
            self._threads[name] = thread
            thread.start()
            return True

    def running(self) -> list[str]:
        """The background rounds alive now."""
        with self._lock:
            return sorted(n for n, t in self._threads.items() if t.is_alive())

    def stop(self, seconds: float = 10.0) -> None:
        """Stop the background rounds, waiting for each to end its round."""
        self._stop.set()
        with self._lock:
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(timeout=seconds)


_installed: Context | None = None
_install_lock = threading.Lock()


def install(context: Context | None) -> Context | None:
    """Make this the process's context (and its database data/db's); the previous one."""
    global _installed
    with _install_lock:
        previous, _installed = _installed, context
        db.install(context.database if context is not None else None)
    return previous


def current() -> Context:
    """The process's context; an entry point that made none gets the configured one."""
    global _installed
    with _install_lock:
        if _installed is None:
            _installed = Context.from_environment()
            db.install(_installed.database)
        return _installed


@contextmanager
def active(context: Context) -> Iterator[Context]:
    """Run the block with this context installed, then the previous one again."""
    previous = install(context)
    try:
        yield context
    finally:
        install(previous)
