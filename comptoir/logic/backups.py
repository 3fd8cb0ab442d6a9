"""Automatic backups: their names, which ones the rotation keeps, when the next one is due."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from comptoir.logic.errors import FieldProblem

# comptoir-20261206-023000-nightly.zip: the moment (UTC) and why it was made; a
# PostgreSQL shop's backups are pg_dump files (.dump).
_NAME = re.compile(r"^comptoir-(\d{8})-(\d{6})-(nightly|manual|pre-migration)\.(zip|dump)$")
KINDS = ("nightly", "manual", "pre-migration")
# A banner asks managers to act when the last good backup is older than this.
STALE_AFTER = timedelta(hours=36)
DEFAULT_TIME = "02:30"
# Backups made before migrations are kept apart: the way back to the previous release.
KEEP_BEFORE_MIGRATION = 3


@dataclass(frozen=True)
class Rotation:
    """How many backups to keep: the newest of each of the last days, weeks and months."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupFile:
    """One finished, verified backup in the rotation folder."""

    name: str
    made_at: datetime
    kind: str


def file_name(made_at: datetime, kind: str, suffix: str = "zip") -> str:
    """The name a verified backup gets (the moment in UTC, then its kind)."""
    if kind not in KINDS or suffix not in ("zip", "dump"):
        raise ValueError(kind)
    return f"comptoir-{made_at.astimezone(UTC):%Y%m%d-%H%M%S}-{kind}.{suffix}"


def parse_name(name: str) -> BackupFile | None:
    """The backup a file name stands for, or None for any other file."""
    found = _NAME.match(name)
    if not found:
        return None
    made_at = datetime.strptime(found.group(1) + found.group(2), "%Y%m%d%H%M%S")
    return BackupFile(name, made_at.replace(tzinfo=UTC), found.group(3))


def to_keep(files: Iterable[BackupFile], rotation: Rotation, zone: ZoneInfo) -> set[str]:
    """Names kept: the newest backup of each of the last `daily` days, `weekly` ISO weeks
    and `monthly` months that have one (shop time), and the last few made before a
    migration. The newest backup is always kept."""
    ordered = sorted(files, key=lambda f: f.made_at, reverse=True)
    keep: set[str] = {ordered[0].name} if ordered else set()
    rotating = [f for f in ordered if f.kind != "pre-migration"]
    migrations = [f.name for f in ordered if f.kind == "pre-migration"]
    keep |= set(migrations[:KEEP_BEFORE_MIGRATION])
    for count, period in (
        (rotation.daily, lambda d: d.isoformat()),
        (rotation.weekly, lambda d: d.isocalendar()[:2]),
        (rotation.monthly, lambda d: (d.year, d.month)),
    ):
        seen: list[object] = []
        for backup in rotating:
            key = period(backup.made_at.astimezone(zone).date())
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(backup.name)
    return keep


def parse_time(raw: object) -> str:
    """A time of day as HH:MM (24 h), for the nightly backup."""
    text = str(raw or "").strip() or DEFAULT_TIME
    try:
        parsed = time.fromisoformat(text if len(text) > 4 else "0" + text)
    except ValueError:
        raise FieldProblem("time_of_day", value=text[:20]) from None
    return f"{parsed:%H:%M}"


def clean_folder(raw: object) -> str:
    """A second backup folder: empty, or a full path (the OS mounts the disk or share)."""
    text = str(raw or "").strip()
    if not text:
        return ""
    if not text.startswith("/") or "\x00" in text or len(text) > 400:
        raise FieldProblem("folder_not_absolute", value=text[:60])
    return text


def next_due(last_good: datetime, at: str, zone: ZoneInfo, now: datetime) -> datetime:
    """When the nightly backup is next due, given the last good one (or when the app
    started, if none): now when a slot passed since, so a shop PC switched off at night
    makes it in the morning; else the next slot."""
    local_now = now.astimezone(zone)
    hour, minute = (int(part) for part in parse_time(at).split(":"))
    today_slot = _slot(local_now.date(), hour, minute, zone)
    if today_slot > now:
        slot = _slot(local_now.date() - timedelta(days=1), hour, minute, zone)
        # Yesterday's slot still unserved: due now.
        return now if last_good < slot else today_slot
    if last_good < today_slot:
        return now
    return _slot(local_now.date() + timedelta(days=1), hour, minute, zone)


def _slot(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def is_stale(last_good: datetime | None, now: datetime) -> bool:
    """True when managers should be warned: no good backup within STALE_AFTER."""
    return last_good is None or now - last_good > STALE_AFTER
