"""The backup rotation, below the use cases: backups that happen by themselves, nightly
and before migrations, verified, rotated.

A backup is written under a temporary name, verified by restoring it into a scratch
file with every restore check (or `pg_restore --list` for a PostgreSQL dump), and
only then given its final name: the folder holds verified backups only, and a disk
that fills mid-way leaves the earlier ones as they were. The newest file in the
folder is the last good backup.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from comptoir import home
from comptoir.data import db
from comptoir.data.postgres import dump_database, list_dump
from comptoir.logic.backups import (
    DEFAULT_TIME,
    BackupFile,
    Rotation,
    file_name,
    is_stale,
    next_due,
    parse_name,
    to_keep,
)
from comptoir.logic.shops import DEFAULT_TIME_ZONE
from comptoir.operations import backup_files, clock, context, heartbeat, outbox
from comptoir.operations import settings as shop_settings

LOG = logging.getLogger("comptoir.backup")
# A failed nightly backup is tried again after these pauses, then the administrators
# are told (and it is tried again at the same pace until one succeeds).
RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45))
PARTIAL = ".partial-"


@dataclass(frozen=True)
class Outcome:
    """What one backup run did."""

    ok: bool
    kind: str
    path: Path | None
    seconds: float
    copies: tuple[Path, ...] = ()
    error: str = ""
    warnings: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """One line for the log and the command line."""
        if not self.ok:
            return f"backup failed ({self.kind}): {self.error}"
        extra = "".join(f"; copied to {copy}" for copy in self.copies)
        extra += "".join(f"; {warning}" for warning in self.warnings)
        return f"backup verified: {self.path} ({self.seconds:.1f} s){extra}"


def _setting(key: str) -> str:
    """A shop setting, or empty while a file of an early schema (before the shops'
    settings existed) is being backed up for its upgrade."""
    try:
        return shop_settings.current().values.get(key, "").strip()
    except Exception:  # noqa: BLE001 - the backup goes on with the defaults
        return ""


def _zone() -> ZoneInfo:
    try:
        return clock.zone()
    except Exception:  # noqa: BLE001 - as _setting: an early schema being upgraded
        return ZoneInfo(DEFAULT_TIME_ZONE)


def folder() -> Path:
    """The rotation's folder, inside the data folder."""
    return home.backups_folder()


def second_folder() -> Path | None:
    """The optional second folder (a USB disk or a network share mounted by the OS)."""
    text = _setting("backup_second_folder")
    return Path(text).expanduser() if text else None


def backup_time() -> str:
    """The nightly backup's time of day, shop time (HH:MM)."""
    return _setting("backup_time") or DEFAULT_TIME


def backups(where: Path | None = None) -> list[BackupFile]:
    """The verified backups in a folder, newest first."""
    place = where or folder()
    try:
        names = [entry.name for entry in os.scandir(place) if entry.is_file()]
    except OSError:
        return []
    found = [parsed for parsed in map(parse_name, names) if parsed is not None]
    return sorted(found, key=lambda f: f.made_at, reverse=True)


def last_good(where: Path | None = None) -> datetime | None:
    """When the newest verified backup was made (None: never)."""
    found = backups(where)
    return found[0].made_at if found else None


def needs_attention(now: datetime | None = None) -> bool:
    """True when the last good backup is older than 36 hours (or there is none)."""
    return is_stale(last_good(), clock.utc(now))


def verify_zip(path: Path) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="verify-", dir=path.parent))
    try:
        restored = backup_files.restore(path, scratch / "verify.duckdb", catch_up=False)
        db.close(restored.path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pg_dump(target: Path) -> None:
    url = db.current_url()
    assert url is not None
    dump_database(url, target)
    if "TABLE DATA" not in list_dump(target):
        raise RuntimeError("pg_restore --list found no table data in the dump")


def run_backup(kind: str, now: datetime | None = None, source: Path | None = None) -> Outcome:
    """Make, verify and file one backup of the app's database (or of the file at source);
    then copy it to the second folder and rotate. Never raises: the outcome says."""
    started = time.perf_counter()
    moment = clock.utc(now)
    place = folder()
    on_postgres = source is None and db.on_postgres()
    name = file_name(moment, kind, "dump" if on_postgres else "zip")
    partial = place / f"{PARTIAL}{name}"
    try:
        place.mkdir(mode=0o700, parents=True, exist_ok=True)
        if on_postgres:
            _pg_dump(partial)
        else:
            backup_files.write_backup(source, partial)
            verify_zip(partial)
        final = place / name
        os.replace(partial, final)
    except Exception as exc:  # noqa: BLE001 - a failed backup is reported, never raised
        _discard(partial)
        error = f"{type(exc).__name__}: {exc}"[:500]
        LOG.error("backup %s failed: %s", kind, error)
        return Outcome(False, kind, None, time.perf_counter() - started, error=error)
    copies, warnings = _copy_to_second(final)
    try:
        removed = rotate(place, moment)
    except OSError as exc:
        removed, warnings = [], (*warnings, f"rotation: {exc}")
    LOG.info("backup %s verified: %s (removed %d old)", kind, final.name, len(removed))
    return Outcome(True, kind, final, time.perf_counter() - started, copies, "", warnings)


def _copy_to_second(final: Path) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    second = second_folder()
    if second is None:
        return (), ()
    partial = second / f"{PARTIAL}{final.name}"
    try:
        if not second.is_dir():
            raise OSError(f"{second} is not mounted")
        shutil.copyfile(final, partial)
        os.replace(partial, second / final.name)
        rotate(second, clock.now())
    except OSError as exc:
        _discard(partial)
        LOG.warning("backup copy to %s failed: %s", second, exc)
        return (), (f"the copy to {second} failed: {exc}",)
    return (second / final.name,), ()


def _discard(path: Path) -> None:
    # Its folder may be gone or not be one: then nothing was left there.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def rotate(place: Path, now: datetime) -> list[str]:
    """Remove the backups the rotation no longer keeps, and leftovers of failed runs."""
    found = backups(place)
    keep = to_keep(found, Rotation(), _zone())
    removed = [f.name for f in found if f.name not in keep]
    for name in removed:
        (place / name).unlink(missing_ok=True)
    for entry in os.scandir(place):
        # A partial file older than a day belongs to a run that died (power cut).
        if entry.name.startswith(PARTIAL):
            age = now.timestamp() - entry.stat().st_mtime
            if age > 86400:
                Path(entry.path).unlink(missing_ok=True)
    return removed


def alert_administrators(outcome: Outcome, now: datetime | None = None) -> int | None:
    """Queue an e-mail about a failed backup to the shop's alert address (once a day)."""
    values = shop_settings.current().values
    to = (values.get("backup_alert_email") or values.get("shop_email") or "").strip()
    if not to:
        LOG.error("backup failed and no alert address is set (Settings > Backups)")
        return None
    moment = clock.utc(now)
    return outbox.queue_alert(
        to,
        "Comptoir: the automatic backup failed",
        f"{outcome.describe()}\n\nData folder: {home.data_folder()}\n"
        "Open Comptoir > System, or run `comptoir check` on the shop's computer.",
        f"backup-failed:{clock.local_day(moment).isoformat()}",
        moment,
    )


class Nightly:
    """The app process's nightly backup: due at the set time, caught up in the morning
    when the computer was off, retried after a failure, the administrators told."""

    def __init__(self, started: datetime) -> None:
        self.started = started
        self.failures = 0
        self.retry_at: datetime | None = None

    def tick(self, now: datetime) -> Outcome | None:
        """Make the backup when it is due; None when nothing was due."""
        last = last_good() or self.started
        if next_due(last, backup_time(), clock.zone(), now) > now:
            return None
        if self.retry_at is not None and now < self.retry_at:
            return None
        outcome = run_backup("nightly", now)
        if outcome.ok:
            self.failures, self.retry_at = 0, None
            return outcome
        self.failures += 1
        pause = RETRY_AFTER[min(self.failures, len(RETRY_AFTER)) - 1]
        self.retry_at = now + pause
        if self.failures == len(RETRY_AFTER):
            alert_administrators(outcome, now)
        return outcome


def start_scheduler(every_seconds: float = 60.0) -> bool:
    """Check every minute whether the nightly backup is due (started once per context)."""
    nightly = Nightly(clock.now())

    def loop(stop: threading.Event) -> None:
        while True:
            moment = clock.now()
            try:
                nightly.tick(moment)
            except Exception:  # noqa: BLE001 - the loop outlives one bad round
                LOG.exception("backup scheduler round failed")
            heartbeat.beat("backup", moment)
            if stop.wait(every_seconds):
                return

    return context.current().run_beside("backups", loop)
