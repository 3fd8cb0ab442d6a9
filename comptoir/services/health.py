"""Is this install healthy? Each part OK, or what to do (`comptoir check`, System page)."""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from comptoir import __version__, home, logs
from comptoir.data import db
from comptoir.data import messages as messages_repo
from comptoir.logic.auth import Actor, require
from comptoir.logic.backups import BackupFile, is_stale
from comptoir.logic.errors import DatabaseUnavailable
from comptoir.logic.printers import ROLES
from comptoir.logs import Incident
from comptoir.messaging import config
from comptoir.operations import backup_rotation, clock, heartbeat, printouts, upgrades


def database_seconds() -> float:
    """Seconds this thread has held database cursors and transactions so far (the run
    timings bench/ui.py reads)."""
    return db.time_held()


# Below this much free space on the data folder's disk a backup may not fit.
MIN_FREE_BYTES = 1024**3


@dataclass(frozen=True)
class Line:
    """One part checked: its name, whether it is fine, and what was found or what to do."""

    part: str
    ok: bool
    detail: str

    def describe(self) -> str:
        """As `comptoir check` prints it."""
        return f"{'OK  ' if self.ok else 'FIX '} {self.part}: {self.detail}"


def _database() -> Line:
    target = db.target()
    try:
        with db.transaction() as cur:
            # Writable: a temporary table, rolled back with nothing kept.
            cur.execute("CREATE TEMPORARY TABLE comptoir_check (x INTEGER)")
            cur.execute("DROP TABLE comptoir_check")
    except DatabaseUnavailable as exc:
        if exc.reason == "in_use":
            return Line("database", True, f"{target} is open in the running app ({exc.holder})")
        return Line("database", False, f"{target} cannot be used ({exc.reason})")
    return Line("database", True, f"{target} reachable and writable")


def _migrations() -> Line:
    try:
        todo = upgrades.pending()
    except DatabaseUnavailable:
        return Line("schema", True, "not checked while the app holds the file")
    if todo:
        names = ", ".join(name for _, name in todo)
        return Line(
            "schema", False, f"{len(todo)} migration(s) pending ({names}): run comptoir migrate"
        )
    return Line("schema", True, f"current (version {upgrades.latest()})")


def _disk() -> Line:
    folder = home.data_folder()
    free = shutil.disk_usage(folder).free
    size = database_size() or 0
    needed = max(MIN_FREE_BYTES, 2 * size)
    detail = f"{free / 1024**3:.1f} GB free in {folder}"
    if free < needed:
        return Line("disk", False, f"{detail}; free at least {needed / 1024**3:.1f} GB")
    return Line("disk", True, detail)


def _backup(now: datetime) -> Line:
    last = backup_rotation.last_good()
    if last is None:
        return Line("backup", False, "no verified backup yet: run comptoir backup")
    age = (now - last).total_seconds() / 3600
    detail = f"last good {clock.local(last):%Y-%m-%d %H:%M} ({age:.0f} h ago)"
    if is_stale(last, now):
        return Line("backup", False, f"{detail}: check the nightly backup, run comptoir backup")
    return Line("backup", True, detail)


def _messaging() -> Line:
    ready = [name for name, found in (("e-mail", config.smtp()), ("SMS", config.twilio())) if found]
    if not ready:
        return Line("messaging", False, f"no e-mail or SMS settings in {home.secrets_file()}")
    return Line("messaging", True, " and ".join(ready) + " configured")


def _printers() -> list[Line]:
    lines = []
    for role in ROLES:
        printer = printouts.printer_for(role)
        if printer.kind != "network":
            lines.append(Line(f"printer ({role})", True, f"{printer.kind}"))
            continue
        try:
            with socket.create_connection((printer.host, printer.port), timeout=2):
                pass
        except OSError as exc:
            where = f"{printer.host}:{printer.port}"
            lines.append(Line(f"printer ({role})", False, f"{where} not reachable ({exc})"))
            continue
        lines.append(Line(f"printer ({role})", True, f"{printer.host}:{printer.port} answers"))
    return lines


def check(now: datetime | None = None) -> list[Line]:
    """Every part, in order; a part that cannot be checked says so instead of stopping."""
    moment = clock.utc(now)
    database = _database()
    lines = [Line("data folder", os.access(home.data_folder(), os.W_OK), str(home.data_folder()))]
    lines.append(database)
    if not database.ok:
        return lines
    lines += [_migrations(), _disk(), _backup(moment), _messaging(), *_printers()]
    return lines


def database_size() -> int | None:
    """The database file's size in bytes (None on PostgreSQL)."""
    path = db.current_file()
    if path is None:
        return None
    if not path.exists():
        return None
    # What is not yet checkpointed sits in the write-ahead log beside the file.
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


@dataclass(frozen=True)
class Status:
    """The System page: the install, its backups, its queues and background jobs."""

    version: str
    database: str
    data_folder: Path
    free_bytes: int
    database_bytes: int | None
    backups: list[BackupFile]
    backup_time: str
    second_folder: Path | None
    queued: int
    failing: int
    heartbeats: dict[str, datetime]
    incidents: list[Incident]
    log_file: Path


def status(actor: Actor) -> Status:
    """Everything the System page shows (administrators)."""
    require(actor, "system.view")
    folder = home.data_folder()
    with db.cursor() as cur:
        counts = messages_repo.outbox_counts(cur)
    return Status(
        __version__,
        db.target(),
        folder,
        shutil.disk_usage(folder).free if folder.exists() else 0,
        database_size(),
        backup_rotation.backups(),
        backup_rotation.backup_time(),
        backup_rotation.second_folder(),
        counts["queued"],
        counts["failing"],
        heartbeat.last(),
        logs.recent_incidents(),
        home.logs_folder() / logs.LOG_FILE,
    )
