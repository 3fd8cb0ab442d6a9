"""The process's background jobs, started once by app.py (the process that owns the
database): the sender's round (due messages, SMS replies), the scheduler's round (due
service reminders, lapsed rewards points) and the nightly backup. Each job runs whatever
happened to the one before; the rounds compose use cases as a client would."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from comptoir.operations import clock, context, heartbeat, sender
from comptoir.services import backup_schedule, reminders, replies, rewards

LOG = logging.getLogger("comptoir.reminders")


def run_round(now: datetime | None = None) -> dict[str, str]:
    """One turn of the scheduler: each job runs whatever happened to the one before
    (a broken template never skips the points' expiry). Each job's "ok" or error."""
    outcome: dict[str, str] = {}
    jobs: dict[str, Callable[[], object]] = {
        "reminders": lambda: reminders.send_due(now=now),
        "points_expiry": lambda: rewards.expire_lapsed(now=now),
    }
    for name, job in jobs.items():
        try:
            job()
            outcome[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - logged; the next round tries again
            LOG.exception("scheduler job %s", name)
            outcome[name] = type(exc).__name__
    heartbeat.beat("reminders", clock.utc(now))
    return outcome


def start_scheduler(every_seconds: float = 60.0) -> bool:
    """The app's scheduler: due reminders and lapsed points every minute (started once)."""

    def loop(stop: threading.Event) -> None:
        while not stop.wait(every_seconds):
            run_round()

    return context.current().run_beside("reminders", loop)


def start() -> None:
    """Every background job of this process, each started once."""
    # Retries what failed or was left queued; checks SMS replies.
    sender.start(also=replies.check_replies)
    start_scheduler()
    backup_schedule.start_scheduler()
