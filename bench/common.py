"""Helpers shared by the benchmarks: timing and the RESULT line."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Debian's Chromium without a display or network (docs/design.md, "Known pitfalls").
CHROMIUM = os.environ.get("COMPTOIR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def timings_ms(work: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of repeat calls, after warmup calls."""
    for _ in range(warmup):
        work()
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        found.append((time.perf_counter() - started) * 1000)
    return found


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def result_line(**figures: object) -> str:
    """The one comparable line every bench ends with."""
    return "RESULT " + " ".join(f"{k}={v}" for k, v in figures.items())


def use_database(database: object) -> object:
    """Make the bench's own application context on this database (a DuckDBFile or a
    PostgresServer) the process's; the previous context."""
    from comptoir.operations import context

    return context.install(context.Context.for_database(database))  # type: ignore[arg-type]


def use_file(path: Path) -> None:
    """The bench's application context on this DuckDB file."""
    from comptoir.data import db

    use_database(db.DuckDBFile(path))


def bench_database(given: Path | None, name: str, build: Callable[[Path], None], what: str) -> Path:
    """The benchmark's database file (a temp one unless given), built when it does not exist.

    It also becomes the app's database for this process (services read it).
    """

    path = given or Path(tempfile.mkdtemp(prefix="comptoir-bench-")) / f"{name}.duckdb"
    use_file(path)
    if not path.exists():
        started = time.perf_counter()
        build(path)
        print(f"built {what} in {time.perf_counter() - started:.1f} s")
    return path


@contextmanager
def on_engine(engine: str, path: Path, url: str | None = None) -> Iterator[str]:
    """Run the timings on the built file (duckdb) or on a PostgreSQL copy of it (postgres):
    the given URL, else a throwaway cluster started here and removed afterwards."""
    from comptoir.data import db

    if engine == "duckdb":
        yield str(path)
        return
    from comptoir.data.copy_to_postgres import copy_file
    from devkit.postgres_server import ThrowawayPostgres, binaries

    db.close(path)
    cluster = None
    if url is None:
        found = binaries()
        if found is None:
            raise SystemExit("no PostgreSQL binaries: pass --url")
        cluster = ThrowawayPostgres(found)
        url = cluster.start()
    previous = use_database(db.PostgresServer(url))
    try:
        started = time.perf_counter()
        copied = copy_file(path, url)
        seconds = time.perf_counter() - started
        print(f"copied {sum(copied.values()):,} rows to PostgreSQL in {seconds:.1f} s")
        yield db.target()
    finally:
        db.close()
        from comptoir.operations import context

        context.install(previous)  # type: ignore[arg-type]
        if cluster is not None:
            cluster.stop()
