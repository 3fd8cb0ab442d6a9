"""Upgrades that cannot lose the shop: pending migrations run only after a verified
backup, on a copy of the file that replaces it in one step once every one succeeded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from comptoir.data import db, migrate
from comptoir.operations import backup_rotation


class UpgradeFailed(Exception):
    """A migration (or the backup before it) failed; the live file is as it was."""

    def __init__(self, step: str, detail: str, backup: Path | None) -> None:
        super().__init__(step, detail, backup)
        self.step, self.detail, self.backup = step, detail, backup

    def __str__(self) -> str:
        kept = f" The backup made before it: {self.backup}." if self.backup else ""
        return (
            f"{self.step} failed ({self.detail}). The database is unchanged and still"
            f" works with the previous release.{kept}"
        )


def latest() -> int:
    """The schema version this release builds."""
    return migrate.latest_version()


def pending(path: Path | None = None) -> list[tuple[int, str]]:
    """Migrations the database (the app's by default) has not had yet, in order."""
    target = None if path is None and db.on_postgres() else (path or db.file_path())
    if target is not None and not Path(target).exists():
        return [(version, file.stem) for version, file in migrate.migration_files()]
    with db.cursor(target) as cur:
        done = migrate.applied_versions(cur)
    return [
        (version, file.stem) for version, file in migrate.migration_files() if version not in done
    ]


def upgrade(path: Path | None = None) -> str:
    """Migrate the database to this release's schema; what was done, in one line.

    A new file is simply created. An existing DuckDB file is first backed up (the
    backup verified), then migrated as a copy that takes its place only once every
    migration succeeded. On PostgreSQL each migration is its own transaction.
    """
    if path is None and db.on_postgres():
        return _upgrade_postgres()
    live = Path(path or db.file_path())
    if not live.exists():
        applied = migrate.migrate(live)
        return f"created {live} at schema {latest()} ({len(applied)} migrations)"
    todo = pending(live)
    if not todo:
        return f"up to date: schema {latest()}"
    made = backup_rotation.run_backup("pre-migration", source=live)
    if not made.ok:
        raise UpgradeFailed("the backup before migrating", made.error, None)
    db.close(live)
    copy = live.with_name(f".{live.name}.upgrading")
    _remove(copy)
    shutil.copyfile(live, copy)
    try:
        migrate.migrate(copy)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the live file alone
        failed = _first_missing(copy, todo)
        db.close(copy)
        _remove(copy)
        raise UpgradeFailed(
            f"migration {failed}", f"{type(exc).__name__}: {exc}"[:300], made.path
        ) from exc
    db.close(copy)
    os.replace(copy, live)
    names = ", ".join(f"{v:04d}" for v, _ in todo)
    return f"migrated {live} to schema {latest()} ({names}); backup before: {made.path}"


def _upgrade_postgres() -> str:
    todo = pending()
    if not todo:
        return f"up to date: schema {latest()}"
    made = backup_rotation.run_backup("pre-migration")
    if not made.ok:
        raise UpgradeFailed("the backup before migrating", made.error, None)
    try:
        migrate.migrate()
    except Exception as exc:  # noqa: BLE001 - earlier migrations of this run are kept
        failed = _first_missing(None, todo)
        raise UpgradeFailed(
            f"migration {failed}", f"{type(exc).__name__}: {exc}"[:300], made.path
        ) from exc
    return f"migrated to schema {latest()}; backup before: {made.path}"


def _first_missing(path: Path | None, todo: list[tuple[int, str]]) -> str:
    try:
        with db.cursor(path) as cur:
            done = migrate.applied_versions(cur)
    except Exception:  # noqa: BLE001 - only naming the step
        done = set()
    return next((name for version, name in todo if version not in done), todo[0][1])


def _remove(file: Path) -> None:
    for leftover in (file, file.with_name(file.name + ".wal")):
        leftover.unlink(missing_ok=True)
