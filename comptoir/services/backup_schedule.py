"""Backups that happen by themselves, as the System page and the command line see them
(operations/backup_rotation.py makes, verifies and rotates them); a backup made now."""

from __future__ import annotations

from datetime import datetime

from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.operations import backup_files, clock, unit_of_work
from comptoir.operations.backup_rotation import (
    Nightly,
    Outcome,
    alert_administrators,
    backup_time,
    backups,
    folder,
    last_good,
    needs_attention,
    rotate,
    run_backup,
    second_folder,
    start_scheduler,
)

__all__ = [
    "Outcome",
    "Nightly",
    "alert_administrators",
    "backup_time",
    "backups",
    "folder",
    "last_good",
    "needs_attention",
    "rotate",
    "run_backup",
    "second_folder",
    "start_scheduler",
    "back_up_now",
]


def back_up_now(actor: Actor, now: datetime | None = None) -> Outcome:
    """A backup into the rotation at once (administrators, System page); audited."""
    require(actor, "backup.make")
    outcome = run_backup("manual", now)
    if outcome.ok and outcome.path is not None:
        name = outcome.path.name
        changes = [FieldChange("file", None, name)]
        moment = clock.utc(now)
        unit_of_work.run(
            actor,
            "backup.make",
            backup_files.SCREEN,
            lambda uow: uow.audit("backup", "database", None, changes),
            moment,
        )
    return outcome
