"""Upgrades that cannot lose the shop: files made by earlier releases migrate and restore;
a failing migration leaves the live file untouched, after a verified backup."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest

from comptoir import home, startup
from comptoir.data import db, migrate
from comptoir.logic.errors import DatabaseUnavailable
from comptoir.operations import upgrades
from comptoir.services import backup, backup_schedule

RELEASES = Path(__file__).resolve().parents[1] / "fixtures" / "releases"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unpack(fixture: Path, target: Path) -> Path:
    with gzip.open(fixture) as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


@pytest.fixture
def extra_migrations(tmp_path, monkeypatch):
    """Today's migrations plus the ones a test writes (a release to come)."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    return folder


@pytest.mark.parametrize("fixture", sorted(RELEASES.glob("*.duckdb.gz")), ids=lambda p: p.name)
def test_a_file_made_by_every_earlier_release_migrates_and_restores(
    fixture, tmp_path, monkeypatch, use_database
):
    live = unpack(fixture, tmp_path / "shop.duckdb")
    use_database(db.DuckDBFile(live))
    monkeypatch.setenv("COMPTOIR_HOME", str(tmp_path / "home"))
    upgrades.upgrade(live)
    assert upgrades.pending(live) == []
    made = backup_schedule.run_backup("manual", source=live)
    assert made.ok, made.error
    restored = backup.restore(made.path, tmp_path / "restored.duckdb")
    assert restored.schema_version == upgrades.latest()
    with db.cursor(restored.path) as cur:
        customers = cur.execute("SELECT count(*) FROM customers").fetchall()[0][0]
        sales = cur.execute("SELECT count(*) FROM sales").fetchall()[0][0]
    assert customers == 12 and sales > 0
    db.close(restored.path)


def test_a_failing_migration_leaves_the_file_untouched_and_names_the_step(
    db_path, extra_migrations
):
    (extra_migrations / "0090_good_index.sql").write_text(
        "CREATE INDEX settings_value_idx ON settings (value);\n"
    )
    (extra_migrations / "0091_broken.sql").write_text(
        "ALTER TABLE no_such_table ADD COLUMN x INT;\n"
    )
    db.close(db_path)
    before = digest(db_path)
    assert [name for _, name in upgrades.pending(db_path)] == ["0090_good_index", "0091_broken"]
    with pytest.raises(upgrades.UpgradeFailed) as failed:
        upgrades.upgrade(db_path)
    assert failed.value.step == "migration 0091_broken"
    assert "no_such_table" in failed.value.detail
    # Untouched, still at the previous schema, and the backup made first restores.
    db.close(db_path)
    assert digest(db_path) == before
    assert [name for _, name in upgrades.pending(db_path)] == ["0090_good_index", "0091_broken"]
    assert failed.value.backup is not None and failed.value.backup.parent == home.backups_folder()
    assert failed.value.backup.name.endswith("-pre-migration.zip")
    assert str(failed.value.backup) in str(failed.value)
    assert not list(db_path.parent.glob(".*upgrading*"))


def test_the_app_start_refuses_in_words_and_keeps_the_file(db_path, extra_migrations):
    (extra_migrations / "0091_broken.sql").write_text(
        "ALTER TABLE no_such_table ADD COLUMN x INT;\n"
    )
    db.close(db_path)
    before = digest(db_path)
    with pytest.raises(DatabaseUnavailable) as refused:
        startup.prepare_database()
    assert refused.value.reason == "upgrade_failed"
    assert "migration 0091_broken failed" in refused.value.detail
    db.close(db_path)
    assert digest(db_path) == before


def test_a_good_upgrade_backs_up_first_then_swaps_the_file(db_path, extra_migrations):
    ours = migrate.latest_version()
    (extra_migrations / "0090_good_index.sql").write_text(
        "CREATE INDEX settings_value_idx ON settings (value);\n"
    )
    report = upgrades.upgrade(db_path)
    assert "0090" in report and "pre-migration" in report
    assert upgrades.pending(db_path) == []
    (made,) = backup_schedule.backups()
    assert made.kind == "pre-migration"
    # The backup holds the schema before the upgrade.
    restored = backup.restore(
        home.backups_folder() / made.name, db_path.parent / "before.duckdb", catch_up=False
    )
    assert restored.schema_version == ours
    db.close(restored.path)


def test_dry_run_lists_and_changes_nothing(db_path, extra_migrations, capsys):
    from comptoir import cli

    (extra_migrations / "0090_good_index.sql").write_text(
        "CREATE INDEX settings_value_idx ON settings (value);\n"
    )
    db.close(db_path)
    before = digest(db_path)
    assert cli.main(["migrate", "--dry-run"]) == 0
    assert capsys.readouterr().out == "would apply, in order:\n  0090 0090_good_index\n"
    db.close(db_path)
    assert digest(db_path) == before
    assert backup_schedule.backups() == []


@pytest.mark.parametrize("version", [1, 10, 17, 23])
def test_an_empty_file_at_an_earlier_schema_upgrades_after_a_backup(
    version, tmp_path, monkeypatch, use_database
):
    live = tmp_path / "old.duckdb"
    use_database(db.DuckDBFile(live))
    monkeypatch.setenv("COMPTOIR_HOME", str(tmp_path / "home"))
    migrate.migrate(live, upto=version)
    db.close(live)
    report = upgrades.upgrade(live)
    assert report.startswith(f"migrated {live} to schema {upgrades.latest()}")
    assert upgrades.pending(live) == []
    (made,) = backup_schedule.backups()
    assert made.kind == "pre-migration"
