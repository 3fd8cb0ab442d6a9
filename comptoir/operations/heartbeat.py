"""When each background job of this process last ran (for the System page)."""

from __future__ import annotations

import threading
from datetime import datetime

from comptoir.operations import context


class _Beats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last: dict[str, datetime] = {}


def _beats() -> _Beats:
    return context.current().state("heartbeat", _Beats)


def beat(job: str, moment: datetime) -> None:
    """Record that a background job (sender, reminders, backup) has just run a round."""
    beats = _beats()
    with beats.lock:
        beats.last[job] = moment


def last() -> dict[str, datetime]:
    """Each job's last round."""
    beats = _beats()
    with beats.lock:
        return dict(beats.last)
