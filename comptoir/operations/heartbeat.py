"""When each background job of this process last ran (for the System page)."""

from __future__ import annotations

import threading
from datetime import datetime

_lock = threading.Lock()
_beats: dict[str, datetime] = {}


def beat(job: str, moment: datetime) -> None:
    """Record that a background job (sender, reminders, backup) has just run a round."""
    with _lock:
        _beats[job] = moment


def last() -> dict[str, datetime]:
    """Each job's last round."""
    with _lock:
        return dict(_beats)
