"""Automatic backups' rules: names, the rotation, when the nightly one is due, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.logic.backups import (
    BackupFile,
    Rotation,
    clean_folder,
    file_name,
    is_stale,
    next_due,
    parse_name,
    parse_time,
    to_keep,
)
from comptoir.logic.errors import FieldProblem

PARIS = ZoneInfo("Europe/Paris")


def nightly(moment: datetime, kind: str = "nightly") -> BackupFile:
    found = parse_name(file_name(moment, kind))
    assert found is not None
    return found


def test_a_name_says_when_and_why_and_reads_back():
    moment = datetime(2026, 12, 6, 1, 30, 5, tzinfo=UTC)
    name = file_name(moment, "pre-migration")
    assert name == "comptoir-20261206-013005-pre-migration.zip"
    assert parse_name(name) == BackupFile(name, moment, "pre-migration")
    assert file_name(moment, "nightly", "dump").endswith("-nightly.dump")
    # Anything else in the folder is not a backup (a partial file, a user's file).
    for other in (".partial-" + name, "notes.txt", "comptoir-2026-nightly.zip"):
        assert parse_name(other) is None


def test_sixty_nights_keep_seven_days_four_weeks_and_the_months():
    start = datetime(2026, 10, 1, 1, 30, tzinfo=UTC)
    files = [nightly(start + timedelta(days=n)) for n in range(60)]
    kept = to_keep(files, Rotation(), PARIS)
    newest = files[-1]
    days = sorted(f.made_at.day for f in files if f.name in kept)
    # Sunday 29 November is the newest: the 7 nights up to it; the newest of the three
    # ISO weeks before (Sundays 22, 15, 8 November); October's newest (the 31st).
    assert newest.made_at.date().isoformat() == "2026-11-29"
    assert days == [8, 15, 22, 23, 24, 25, 26, 27, 28, 29, 31]


def test_backups_made_before_upgrades_are_kept_apart():
    start = datetime(2026, 1, 1, 1, 30, tzinfo=UTC)
    files = [nightly(start + timedelta(days=n)) for n in range(400)]
    upgrades = [
        nightly(start + timedelta(days=n, hours=5), "pre-migration") for n in (3, 90, 200, 300)
    ]
    kept = to_keep(files + upgrades, Rotation(), PARIS)
    assert [u.name in kept for u in upgrades] == [False, True, True, True]


@given(st.lists(st.integers(min_value=0, max_value=2000), min_size=1, max_size=80, unique=True))
def test_the_rotation_never_keeps_more_than_its_counts_and_always_the_newest(offsets):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    files = [nightly(start + timedelta(hours=6 * n)) for n in offsets]
    kept = to_keep(files, Rotation(), PARIS)
    assert max(files, key=lambda f: f.made_at).name in kept
    assert len(kept) <= 7 + 4 + 12


def test_the_nightly_backup_is_due_at_its_time_and_caught_up_in_the_morning():
    at = "02:30"
    # 02:30 in Paris in December is 01:30 UTC.
    slot = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)
    last = slot - timedelta(days=1)  # last night's was made
    assert next_due(last, at, PARIS, slot - timedelta(minutes=1)) == slot
    assert next_due(last, at, PARIS, slot) == slot
    # The PC was off at 02:30: switched on at 09:00, the backup is due at once.
    morning = slot + timedelta(hours=7, minutes=30)
    assert next_due(last, at, PARIS, morning) == morning
    # Made this morning: next due tomorrow's 02:30.
    assert next_due(morning, at, PARIS, morning + timedelta(minutes=5)) == slot + timedelta(days=1)
    # A brand-new install (the reference is when the app started): the next slot.
    started = slot + timedelta(hours=10)
    assert next_due(started, at, PARIS, started) == slot + timedelta(days=1)


def test_the_nightly_time_follows_summer_time():
    # 02:30 in Paris in July is 00:30 UTC.
    now = datetime(2026, 7, 10, 0, 0, tzinfo=UTC)
    assert next_due(now, "02:30", PARIS, now) == datetime(2026, 7, 10, 0, 30, tzinfo=UTC)


def test_stale_after_thirty_six_hours():
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert is_stale(None, now)
    assert not is_stale(now - timedelta(hours=35), now)
    assert is_stale(now - timedelta(hours=37), now)


def test_settings_are_checked_naming_the_problem():
    assert parse_time("2:30") == "02:30"
    assert parse_time("") == "02:30"
    assert parse_time(" 23:05 ") == "23:05"
    for bad in ("25:00", "soon", "02h30"):
        with pytest.raises(FieldProblem) as refused:
            parse_time(bad)
        assert refused.value.code == "time_of_day"
    assert clean_folder("") == ""
    assert clean_folder(" /media/usb/comptoir ") == "/media/usb/comptoir"
    for bad in ("usb", "../backups", "/x\x00y"):
        with pytest.raises(FieldProblem) as refused:
            clean_folder(bad)
        assert refused.value.code == "folder_not_absolute"
