"""Numbered, append-only migrations recorded in schema_migrations."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from comptoir.data import db
from comptoir.logic.errors import DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# NNNN_name.postgres.sql replaces NNNN_name.sql on PostgreSQL, where the SQL truly
# differs (each variant says why at its top).
VARIANT = ".postgres.sql"


def text_for(file: Path, on_postgres: bool) -> str:
    """The migration's SQL for the engine: its PostgreSQL variant when there is one."""
    variant = file.with_name(file.stem + VARIANT)
    chosen = variant if on_postgres and variant.exists() else file
    return chosen.read_text(encoding="utf-8")


def migration_files() -> list[tuple[int, Path]]:
    """The migration files in order, as (version, path)."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        if path.name.endswith(VARIANT):
            continue  # a PostgreSQL variant, read in place of its migration there
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"badly named migration: {path.name}")
        found.append((int(match.group(1)), path))
    return sorted(found)


def _split(sql: str) -> list[str]:
    # Comments dropped first; our migrations hold no ';' or '--' inside strings.
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [part.strip() for part in code.split(";") if part.strip()]


def applied_versions(cur: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions already recorded."""
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    return {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}


def latest_version() -> int:
    """The schema version this code builds."""
    return migration_files()[-1][0]


def migrate(path: Path | str | None = None, upto: int | None = None) -> list[int]:
    """Apply every migration not yet recorded (up to version upto), each in its own
    transaction."""
    with db.cursor(path) as cur:
        try:
            done = applied_versions(cur)
        except duckdb.TransactionException:
            raise
        except duckdb.Error as exc:
            # The first read of a file whose blocks fail their checksums.
            raise DatabaseUnavailable("damaged", str(path or db.target())) from exc
    newly = []
    for version, file in migration_files():
        if version in done or (upto is not None and version > upto):
            continue
        with db.transaction(path) as cur:
            on_postgres = path is None and db.on_postgres()
            for statement in _split(text_for(file, on_postgres)):
                cur.execute(statement)
            cur.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [version, file.stem],
            )
        newly.append(version)
    return newly
