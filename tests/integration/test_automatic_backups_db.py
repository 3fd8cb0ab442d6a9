"""Backups that happen by themselves, on real files: verified, rotated, copied, retried,
the administrators told; a full disk leaves the earlier backups intact."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from comptoir import home
from comptoir.data import db, demo
from comptoir.logic.backups import file_name
from comptoir.operations import sender
from comptoir.services import backup, backup_schedule, shop
from devkit.messaging_servers import smtp_server, write_secrets
from tests.conftest import ADMIN, STAFF, child_environment

# 02:30 in Paris (the demo shop's zone) in December is 01:30 UTC.
SLOT = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)
LEVELS = [("A", "A"), ("B", "B"), ("C", "C")]


@pytest.fixture
def shop_db(db_path: Path) -> Path:
    demo.generate(25, seed=4, path=db_path)
    shop.save_settings({"time_zone": "Europe/Paris"}, LEVELS, ADMIN)
    return db_path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_verified_before_it_takes_its_name(shop_db):
    outcome = backup_schedule.run_backup("nightly", SLOT)
    assert outcome.ok, outcome.error
    assert outcome.path == home.backups_folder() / "comptoir-20261206-013000-nightly.zip"
    assert sorted(p.name for p in home.backups_folder().iterdir()) == [outcome.path.name]
    assert backup_schedule.last_good() == SLOT
    # What is in the folder restores with every check.
    restored = backup.restore(outcome.path, shop_db.parent / "check.duckdb")
    assert restored.rows > 25
    db.close(restored.path)


def test_the_nightly_backup_runs_at_its_time_and_once(shop_db):
    nightly = backup_schedule.Nightly(started=SLOT - timedelta(hours=12))
    assert nightly.tick(SLOT - timedelta(minutes=1)) is None
    made = nightly.tick(SLOT)
    assert made is not None and made.ok
    assert nightly.tick(SLOT + timedelta(minutes=1)) is None
    assert nightly.tick(SLOT + timedelta(hours=23)) is None
    again = nightly.tick(SLOT + timedelta(days=1))
    assert again is not None and again.ok
    assert len(backup_schedule.backups()) == 2


def test_the_rotation_removes_what_it_no_longer_keeps(shop_db):
    folder = home.backups_folder()
    folder.mkdir(parents=True)
    # Sixty earlier nights (names only: the rotation reads names), and a user's own file.
    for night in range(1, 61):
        (folder / file_name(SLOT - timedelta(days=night), "nightly")).write_bytes(b"old")
    (folder / "notes.txt").write_text("mine")
    outcome = backup_schedule.run_backup("nightly", SLOT)
    assert outcome.ok
    left = sorted(p.name for p in folder.iterdir())
    assert "notes.txt" in left and outcome.path.name in left
    kept = [b.made_at.date().isoformat() for b in backup_schedule.backups()]
    # 7 days (today and 6 nights before), then Sundays of 3 more weeks, then the
    # newest of October and of September (November's is among the days).
    assert (
        kept
        == [
            "2026-12-06",
            "2026-12-05",
            "2026-12-04",
            "2026-12-03",
            "2026-12-02",
            "2026-12-01",
            "2026-11-30",
            "2026-11-29",
            "2026-11-22",
            "2026-11-15",
            "2026-10-31",
            "2026-09-30",
        ][: len(kept)]
    )
    assert len(kept) == 12 - 1  # September 30 is not among the sixty nights


def test_each_backup_is_copied_to_the_second_folder(shop_db, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    shop.save_settings({"backup_second_folder": str(usb)}, LEVELS, ADMIN)
    outcome = backup_schedule.run_backup("nightly", SLOT)
    assert outcome.ok and outcome.copies == (usb / outcome.path.name,)
    assert digest(usb / outcome.path.name) == digest(outcome.path)
    # Unplugged: the backup is still made and verified; the copy's failure is said.
    usb.rename(tmp_path / "unplugged")
    later = backup_schedule.run_backup("nightly", SLOT + timedelta(days=1))
    assert later.ok and later.copies == ()
    assert later.warnings == (f"the copy to {usb} failed: {usb} is not mounted",)


def test_a_failed_backup_is_retried_then_the_administrators_are_emailed(
    shop_db, tmp_path, monkeypatch
):
    shop.save_settings({"backup_alert_email": "owner@velo-atelier.fr"}, LEVELS, ADMIN)
    # The backups folder cannot be made: a file sits where it should be.
    home.data_folder().mkdir(parents=True, exist_ok=True)
    home.backups_folder().write_text("not a folder")
    nightly = backup_schedule.Nightly(started=SLOT - timedelta(hours=12))
    first = nightly.tick(SLOT)
    assert first is not None and not first.ok
    # Not again before its pause; then retried, twice more, and only then the alert.
    assert nightly.tick(SLOT + timedelta(minutes=4)) is None
    assert nightly.tick(SLOT + timedelta(minutes=5)).ok is False
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM messages").fetchall() == [(0,)]
    assert nightly.tick(SLOT + timedelta(minutes=20)).ok is False
    with db.cursor() as cur:
        queued = cur.execute(
            "SELECT id, customer_id, recipient, subject, status FROM messages"
        ).fetchall()
    assert [row[1:] for row in queued] == [
        (None, "owner@velo-atelier.fr", "Comptoir: the automatic backup failed", "queued")
    ]
    # Sent through the outbox by the real sender, to a real SMTP server.
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        assert sender.deliver_due(now=SLOT + timedelta(minutes=21)) == {"sent": 1}
        ((_, to, mail),) = mailbox.wait_for(1)
    assert to == ["owner@velo-atelier.fr"]
    assert "backup failed (nightly)" in mail.get_body().get_content()
    # A fourth failure the same night queues no second alert.
    nightly.failures = 2
    assert nightly.tick(SLOT + timedelta(hours=2)).ok is False
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM messages").fetchall() == [(1,)]


def test_a_disk_that_fills_during_a_backup_leaves_the_earlier_ones_intact(shop_db, tmp_path):
    earlier = backup_schedule.run_backup("nightly", SLOT - timedelta(days=1))
    assert earlier.ok
    before = digest(earlier.path)
    size = earlier.path.stat().st_size
    db.close(shop_db)
    # Another process whose files may not grow past half a backup: the disk is full.
    script = textwrap.dedent(
        f"""
        import resource, signal
        from datetime import datetime, UTC
        from comptoir.services import backup_schedule
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size // 2}, {size // 2}))
        outcome = backup_schedule.run_backup("nightly", datetime(2026, 12, 6, 1, 30, tzinfo=UTC))
        print(outcome.ok, outcome.error)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=child_environment()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("False "), done.stdout
    assert "File too large" in done.stdout
    assert [p.name for p in home.backups_folder().iterdir()] == [earlier.path.name]
    assert digest(earlier.path) == before
    assert backup_schedule.last_good() == SLOT - timedelta(days=1)


def test_back_up_now_is_for_administrators_and_audited(shop_db):
    from comptoir.logic.auth import PermissionDenied

    with pytest.raises(PermissionDenied):
        backup_schedule.back_up_now(STAFF, SLOT)
    outcome = backup_schedule.back_up_now(ADMIN, SLOT)
    assert outcome.ok
    with db.cursor() as cur:
        logged = cur.execute(
            "SELECT action, entity FROM audit_log WHERE action = 'backup'"
        ).fetchall()
    assert logged == [("backup", "database")]


def test_managers_are_warned_after_thirty_six_hours(shop_db):
    assert backup_schedule.needs_attention(SLOT)
    backup_schedule.run_backup("nightly", SLOT)
    assert not backup_schedule.needs_attention(SLOT + timedelta(hours=35))
    assert backup_schedule.needs_attention(SLOT + timedelta(hours=37))


@pytest.mark.postgres
def test_a_postgres_shop_is_dumped_and_the_dump_read_back(pg_db, tmp_path, monkeypatch):
    from comptoir.data.postgres import list_dump

    monkeypatch.setenv("COMPTOIR_HOME", str(tmp_path / "home"))
    from comptoir.services import customers

    customers.create_customer({"last_name": "Chaîne", "first_name": "Paul"}, STAFF)
    outcome = backup_schedule.run_backup("nightly", SLOT)
    assert outcome.ok, outcome.error
    assert outcome.path == home.backups_folder() / "comptoir-20261206-013000-nightly.dump"
    contents = list_dump(outcome.path)
    assert "TABLE DATA public customers" in contents
    assert "TABLE DATA public audit_log" in contents
    assert backup_schedule.last_good() == SLOT


def test_the_database_size_counts_what_waits_in_the_write_ahead_log(shop_db):
    from comptoir.services import health

    wal = shop_db.with_name(shop_db.name + ".wal")
    expected = shop_db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    assert health.database_size() == expected
    assert wal.exists()  # the demo's rows are not checkpointed yet: the case that matters
