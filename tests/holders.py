"""Another process holding a database file, as a CLI tool or a second app would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from comptoir.data import db, migrate

_HOLD = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
    " sys.stdin.read()"
)


@contextmanager
def held_database(path: Path) -> Iterator[subprocess.Popen]:
    """A migrated database at path, opened by another process until the block ends."""
    migrate.migrate(path)
    db.close(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        holder.communicate("")
