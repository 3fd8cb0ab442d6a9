"""Opening the database file: private on disk, and each failure told apart in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from comptoir.data import db, migrate
from comptoir.logic.errors import DatabaseUnavailable
from tests.holders import held_database

ROOT = Path(__file__).resolve().parents[2]


def _reason(path: Path) -> DatabaseUnavailable:
    with pytest.raises(DatabaseUnavailable) as info:
        migrate.migrate(path)
    db.close(path)
    return info.value


def test_a_new_database_is_private_to_its_owner(tmp_path):
    path = tmp_path / "shop" / "comptoir.duckdb"
    migrate.migrate(path)
    db.close(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_file_held_by_another_process_names_the_holder(tmp_path):
    path = tmp_path / "held.duckdb"
    with held_database(path) as holder:
        refused = _reason(path)
    assert refused.reason == "in_use"
    assert f"(PID {holder.pid})" in refused.holder


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("shopping list\n" * 50)
    assert _reason(path).reason == "not_database"


def test_a_damaged_file(tmp_path):
    path = tmp_path / "good.duckdb"
    migrate.migrate(path)
    con = db.connect(path)
    con.execute("CREATE TABLE filler AS SELECT range AS a, 'x' || range AS b FROM range(200000)")
    con.execute("CHECKPOINT")
    db.close(path)
    data = bytearray(path.read_bytes())
    for index in range(4096 * 3, len(data), 7):
        data[index] = (data[index] + 13) % 256
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(bytes(data))
    assert _reason(damaged).reason == "damaged"


def test_a_place_that_cannot_hold_a_database(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert _reason(blocker / "comptoir.duckdb").reason == "cannot_write"
