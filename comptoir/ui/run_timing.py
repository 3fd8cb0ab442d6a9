"""How long each script run took on the server, and its share in the database.

Off unless COMPTOIR_RUN_LOG names a file: bench/ui.py sets it to tell the server's time
from the browser's (transport, drawing) for each action it times. One JSON line per run.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from streamlit.runtime.scriptrunner import get_script_run_ctx

from comptoir.data import db

LOG_ENV = "COMPTOIR_RUN_LOG"
_run = threading.local()
_write = threading.Lock()


def begin() -> None:
    """A full run starts (the top of app.py)."""
    _run.started = time.perf_counter()
    _run.held = db.time_held()


def page_run(page: str) -> AbstractContextManager[None]:
    """Around the page's run: the line is written when it ends, however (stop, rerun)."""
    path = os.environ.get(LOG_ENV)
    if not path or not hasattr(_run, "started"):
        return nullcontext()
    return _logged(path, page, "page", _run.started, _run.held)


def fragment_run(name: str) -> AbstractContextManager[None]:
    """Around a fragment's body; logged only when the fragment runs alone."""
    path = os.environ.get(LOG_ENV)
    ctx = get_script_run_ctx()
    if not path or ctx is None or not ctx.fragment_ids_this_run:
        return nullcontext()
    return _logged(path, name, "fragment", time.perf_counter(), db.time_held())


@contextmanager
def _logged(path: str, name: str, kind: str, started: float, held: float) -> Iterator[None]:
    try:
        yield
    finally:
        line = {
            "at": time.time(),
            "name": name,
            "kind": kind,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "db_ms": round((db.time_held() - held) * 1000, 1),
        }
        with _write, open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")
