"""The server log: size-bounded files in the data folder, and the last incidents kept in
memory for the System page. Records name ids (incident, customer, message), never a
customer's name, e-mail or phone."""

from __future__ import annotations

import logging
import logging.handlers
import threading
import traceback
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOG_FILE = "comptoir.log"
MAX_BYTES = 5 * 1024**2
KEPT_FILES = 5
KEPT_INCIDENTS = 50


@dataclass(frozen=True)
class Incident:
    """One unexpected error as the System page lists it (the traceback is in the log)."""

    incident: str
    at: datetime
    page: str
    message: str


class _Incidents(logging.Handler):
    """Keeps the last incidents of this process."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.kept: deque[Incident] = deque(maxlen=KEPT_INCIDENTS)
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        incident = getattr(record, "incident", None)
        if incident is None:
            return
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        found = Incident(
            str(incident),
            datetime.fromtimestamp(record.created, UTC).replace(microsecond=0),
            str(getattr(record, "page", "") or ""),
            kind,  # the exception's kind only: its text may hold a customer's details
        )
        with self.guard:
            self.kept.appendleft(found)


class IdsOnly(logging.Formatter):
    """Tracebacks without the exceptions' messages: where it failed and what kind of
    error, never the text an error carries (a customer's name, an address)."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        if ei[0] is None:
            return ""
        return "".join(_described(traceback.TracebackException(*ei))).rstrip("\n")


def _described(found: traceback.TracebackException) -> list[str]:
    lines: list[str] = []
    if found.__cause__ is not None:
        lines += [*_described(found.__cause__), "\nThe above exception caused:\n\n"]
    elif found.__context__ is not None and not found.__suppress_context__:
        lines += [*_described(found.__context__), "\nDuring handling of the above:\n\n"]
    kind = found.exc_type.__qualname__ if found.exc_type else "Exception"
    return [*lines, "Traceback (most recent call last):\n", *found.stack.format(), f"{kind}\n"]


_incidents = _Incidents()
_setup_lock = threading.Lock()
_file_handler: logging.Handler | None = None


def setup(folder: Path) -> Path:
    """Send the app's log (logger "comptoir") to a rotating file in folder; once."""
    global _file_handler
    logger = logging.getLogger("comptoir")
    with _setup_lock:
        if _incidents not in logger.handlers:
            logger.addHandler(_incidents)
        path = folder / LOG_FILE
        if _file_handler is None:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=KEPT_FILES, encoding="utf-8"
            )
            handler.setFormatter(IdsOnly("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            _file_handler = handler
        return path


def recent_incidents() -> list[Incident]:
    """The last incidents of this process, newest first."""
    with _incidents.guard:
        return list(_incidents.kept)


def watch_incidents() -> None:
    """Keep incidents in memory even without a log file (AppTest, a checkout)."""
    logger = logging.getLogger("comptoir")
    with _setup_lock:
        if _incidents not in logger.handlers:
            logger.addHandler(_incidents)
