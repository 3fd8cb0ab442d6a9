"""How long each script run took on the server, and its share in the database.

Off unless the application context has a run log (COMPTOIR_RUN_LOG names a file):
bench/ui.py sets it to tell the server's time from the browser's (transport, drawing)
for each action it times. One JSON line per run.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import ParamSpec, TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx

from comptoir.services.health import database_seconds
from comptoir.startup import application

P = ParamSpec("P")
R = TypeVar("R")
_run = threading.local()
_write = threading.Lock()


def begin() -> None:
    """A full run starts (the top of app.py)."""
    _run.started = time.perf_counter()
    _run.held = database_seconds()


def callback(fn: Callable[P, R]) -> Callable[P, R]:
    """A widget callback whose time counts in the run that follows it: callbacks run
    before app.py (or the fragment), outside the run's own clock."""

    @functools.wraps(fn)
    def timed(*args: P.args, **kwargs: P.kwargs) -> R:
        if application().run_log is None:
            return fn(*args, **kwargs)  # no log: nothing to count, nothing kept
        started, held = time.perf_counter(), database_seconds()
        try:
            return fn(*args, **kwargs)
        finally:  # st.rerun() in the callback raises: still counted
            ms, db_ms = getattr(_run, "callbacks", (0.0, 0.0))
            _run.callbacks = (
                ms + (time.perf_counter() - started) * 1000,
                db_ms + (database_seconds() - held) * 1000,
            )

    return timed


def _callbacks() -> tuple[float, float]:
    """The callbacks' time (ms, database ms) since the last run was logged; reset."""
    taken = getattr(_run, "callbacks", (0.0, 0.0))
    _run.callbacks = (0.0, 0.0)
    return taken


def page_run(page: str) -> AbstractContextManager[None]:
    """Around the page's run: the line is written when it ends, however (stop, rerun)."""
    path = application().run_log
    if path is None or not hasattr(_run, "started"):
        return nullcontext()
    lead = {"before_page_ms": round((time.perf_counter() - _run.started) * 1000, 1)}
    return _logged(path, page, "page", _run.started, _run.held, lead)


def fragment_run(name: str) -> AbstractContextManager[None]:
    """Around a fragment's body; logged only when the fragment runs alone."""
    path = application().run_log
    ctx = get_script_run_ctx()
    if path is None or ctx is None or not ctx.fragment_ids_this_run:
        return nullcontext()
    return _logged(path, name, "fragment", time.perf_counter(), database_seconds())


@contextmanager
def _logged(
    path: Path, name: str, kind: str, started: float, held: float, extra: dict | None = None
) -> Iterator[None]:
    try:
        yield
    finally:
        callback_ms, callback_db_ms = _callbacks()
        line = {
            "at": time.time(),
            "name": name,
            "kind": kind,
            # The run's time includes its widgets' callbacks, run just before it.
            "ms": round((time.perf_counter() - started) * 1000 + callback_ms, 1),
            "db_ms": round((database_seconds() - held) * 1000 + callback_db_ms, 1),
            "callback_ms": round(callback_ms, 1),
            **(extra or {}),  # a page run: how long app.py took before the page began
        }
        # A timing that cannot be written is lost, never the page's run.
        with _write, suppress(OSError), open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")
