"""Migrations on a real DuckDB file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from comptoir.data import db, migrate


def test_migrations_from_empty_then_rerun_is_a_no_op(tmp_path: Path):
    path = tmp_path / "fresh.duckdb"
    assert migrate.migrate(path) == [v for v, _ in migrate.migration_files()]
    assert migrate.migrate(path) == []
    with db.cursor(path) as cur:
        tables = {
            r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        recorded = cur.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert {
        "customers",
        "consent_history",
        "settings",
        "titles",
        "genders",
        "price_levels",
        "customer_search",
    } <= tables
    assert recorded == [(v, file.stem) for v, file in migrate.migration_files()]
    db.close(path)


def test_migration_files_are_numbered_in_order():
    versions = [v for v, _ in migrate.migration_files()]
    assert versions == list(range(1, len(versions) + 1))


def test_a_failed_migration_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_broken.sql").write_text("CREATE TABLE b (x INTEGER); SELECT * FROM nowhere;")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    path = tmp_path / "broken.duckdb"
    with pytest.raises(Exception, match="nowhere"):
        migrate.migrate(path)
    with db.cursor(path) as cur:
        tables = {
            r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        versions = [r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()]
    assert "a" in tables and "b" not in tables and versions == [1]
    db.close(path)


def test_a_second_process_is_refused_clearly(db_path: Path):
    # This process holds the file; another one cannot open it, even to write demo data.
    db.connect(db_path)
    done = subprocess.run(
        [sys.executable, "-m", "comptoir.data.demo", "--customers", "5", "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2
    assert "Refused" in done.stderr and "Stop the app first" in done.stderr


def test_database_path_from_environment_then_secrets(tmp_path: Path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[database]\npath = "/srv/shop/comptoir.duckdb"\n')
    monkeypatch.setenv("COMPTOIR_SECRETS", str(secrets))
    monkeypatch.setenv(db.ENV_VAR, str(tmp_path / "env.duckdb"))
    assert db.configured_path() == tmp_path / "env.duckdb"
    monkeypatch.delenv(db.ENV_VAR)
    assert db.configured_path() == Path("/srv/shop/comptoir.duckdb")
    monkeypatch.setenv("COMPTOIR_SECRETS", str(tmp_path / "missing.toml"))
    monkeypatch.setenv("COMPTOIR_HOME", str(tmp_path / "home"))
    assert db.configured_path() == tmp_path / "home" / "comptoir.duckdb"


def test_consent_given_before_channels_were_apart_is_kept_for_both(tmp_path: Path):
    from datetime import UTC, datetime

    path = tmp_path / "older.duckdb"
    migrate.migrate(path, upto=26)
    given = datetime(2025, 5, 1, 9, tzinfo=UTC)
    with db.transaction(path) as cur:
        for number, agreed in (("A1", True), ("A2", False)):
            cur.execute(
                "INSERT INTO customers (account_number, account_key, last_name, marketing_opt_in,"
                " marketing_opt_in_at, created_at, updated_at) VALUES (?, ?, 'Ancien', ?, ?, ?, ?)",
                [number, number, agreed, given if agreed else None, given, given],
            )
    assert migrate.migrate(path) == [v for v, _ in migrate.migration_files() if v > 26]
    with db.cursor(path) as cur:
        rows = cur.execute(
            "SELECT account_number, sms_opt_in, sms_opt_in_at FROM customers ORDER BY 1"
        ).fetchall()
    assert rows == [("A1", True, given), ("A2", False, None)]
    db.close(path)
