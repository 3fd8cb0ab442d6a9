"""Backups of the DuckDB file (managers, or the command line while the app is stopped).

A backup is one zip: a Parquet file per table and manifest.json (format, schema
version, when, and per table its row count and checksum; the sequences; the
ledgers' sums). A restore builds a new file from it and checks it (every table's
rows and checksum, the sums, each balance equal to its ledger) before anything may
replace the live file. On PostgreSQL, backups are the server's own (pg_dump).

    python -m services.backup backup [--db FILE] --out FILE.zip
    python -m services.backup restore FILE.zip --to NEW.duckdb [--replace LIVE.duckdb]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from data import backup as repo
from data import db, migrate
from data.copy_to_postgres import ORDER
from logic.audit import FieldChange
from logic.auth import Actor, require
from logic.errors import DatabaseUnavailable, FieldError, ValidationFailed
from services import audit, clock, exports

FORMAT = 1
MANIFEST = "manifest.json"
SCREEN = "backup"
# A zip larger than this is not one of ours (a real shop's backup is far smaller).
MAX_BYTES = 20 * 1024**3
Progress = Callable[[float, str], None]


def _refuse(code: str, **params: str) -> ValidationFailed:
    return ValidationFailed([FieldError("backup", code, params)])


def _quiet(share: float, step: str) -> None:
    return None


def write_backup(path: Path | None, target: Path, progress: Progress = _quiet) -> dict[str, Any]:
    """Every table of the file at path (the app's by default) into a zip at target; the
    manifest. One transaction: the tables are one moment's."""
    if path is None and db.database_url():
        raise _refuse("backup_postgres")
    work = Path(tempfile.mkdtemp(dir=target.parent))
    try:
        manifest: dict[str, Any] = {"format": FORMAT, "tables": {}}
        with db.transaction(path) as cur:
            names = repo.tables(cur)
            for index, table in enumerate(names):
                repo.dump(cur, table, work / f"{table}.parquet")
                rows, checksum = repo.fingerprint(cur, table)
                manifest["tables"][table] = {"rows": rows, "checksum": checksum}
                progress(0.9 * (index + 1) / len(names), table)
            manifest["schema_version"] = max(migrate.applied_versions(cur))
            manifest["sequences"] = repo.sequences(cur)
            manifest["ledger_sums"] = repo.ledger_sums(cur)
        manifest["made_at"] = clock.now().isoformat()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
            for table in manifest["tables"]:
                archive.write(work / f"{table}.parquet", f"tables/{table}.parquet")
        progress(1.0, "done")
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def make_backup(
    actor: Actor, progress: Progress = _quiet, now: datetime | None = None
) -> exports.ExportFile:
    """The app's database as a backup zip waiting for its download; audited."""
    require(actor, "backup.make")
    moment = clock.utc(now)
    folder = exports.new_folder()
    name = f"comptoir-backup-{clock.local(moment):%Y%m%d-%H%M}.zip"
    try:
        manifest = write_backup(None, folder / name, progress)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        changes = [
            FieldChange("tables", None, len(manifest["tables"])),
            FieldChange("rows", None, rows),
            FieldChange("schema_version", None, manifest["schema_version"]),
        ]
        db.run_in_transaction(
            lambda cur: audit.record(
                cur, actor, "backup", "database", None, SCREEN, changes, moment
            )
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return exports.ExportFile(folder / name, name, "application/zip", rows)


@dataclass(frozen=True)
class Restored:
    """A restored file that passed every check."""

    path: Path
    tables: int
    rows: int
    schema_version: int


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise _refuse("backup_not_ours")
    try:
        manifest = json.loads(archive.read(MANIFEST))
        tables = manifest["tables"]
        version = int(manifest["schema_version"])
    except (ValueError, KeyError, TypeError):
        raise _refuse("backup_not_ours") from None
    expected = {MANIFEST, *(f"tables/{t}.parquet" for t in tables)}
    known = set(tables) <= {"schema_migrations", *ORDER}
    if manifest.get("format") != FORMAT or names != expected or not known:
        raise _refuse("backup_not_ours")
    if version > migrate.latest_version():
        raise _refuse("backup_newer", version=str(version))
    return manifest


def _remove_file(path: Path) -> None:
    db.close(path)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def restore(source: Path, target: Path, progress: Progress = _quiet) -> Restored:
    """Build a new database file at target from a backup and check it; a file that fails
    a check is removed and the refusal names what differs."""
    if target.exists():
        raise _refuse("restore_target_exists", path=str(target))
    try:
        if source.stat().st_size > MAX_BYTES or not zipfile.is_zipfile(source):
            raise _refuse("backup_not_ours")
        archive = zipfile.ZipFile(source)
    except OSError:
        raise _refuse("backup_not_ours") from None
    work = Path(tempfile.mkdtemp(dir=target.parent))
    try:
        with archive:
            manifest = _read_manifest(archive)
            for member in archive.namelist():  # names checked: no path leaves work
                archive.extract(member, work)
        version = int(manifest["schema_version"])
        migrate.migrate(target, upto=version)
        tables = [t for t in ORDER if t in manifest["tables"]]  # parents first
        # Each table emptied in its own transaction, children first: DuckDB's foreign keys
        # (and unique keys) still see rows deleted earlier in the same transaction.
        for table in reversed(tables):
            with db.transaction(target) as cur:
                repo.empty(cur, [table])
        with db.transaction(target) as cur:
            for index, table in enumerate(tables):
                repo.load(cur, table, work / "tables" / f"{table}.parquet")
                progress(0.8 * (index + 1) / len(tables), table)
            for name, last in manifest["sequences"].items():
                repo.advance_sequence(cur, name, int(last))
        failures = _check(target, manifest, tables)
        if failures:
            raise ValidationFailed(failures)
        migrate.migrate(target)  # a backup of an older version catches up after its checks
        progress(1.0, "done")
        rows = sum(int(manifest["tables"][t]["rows"]) for t in tables)
        return Restored(target, len(tables), rows, version)
    except BaseException:
        _remove_file(target)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check(target: Path, manifest: dict[str, Any], tables: list[str]) -> list[FieldError]:
    failures: list[FieldError] = []
    with db.cursor(target) as cur:
        for table in tables:
            rows, checksum = repo.fingerprint(cur, table)
            kept = manifest["tables"][table]
            if rows != int(kept["rows"]) or checksum != str(kept["checksum"]):
                failures.append(FieldError("backup", "restore_table_differs", {"table": table}))
        for name, total in repo.ledger_sums(cur).items():
            if str(manifest["ledger_sums"].get(name)) != total:
                failures.append(FieldError("backup", "restore_sum_differs", {"table": name}))
        for rule, broken in repo.problems(cur).items():
            if broken:
                failures.append(
                    FieldError("backup", "restore_rule_broken", {"rule": rule, "rows": str(broken)})
                )
    return failures


def check_file(actor: Actor, data: bytes) -> Restored:
    """Restore an uploaded backup into a scratch file, check it, and remove it."""
    require(actor, "backup.make")
    if len(data) > MAX_BYTES:
        raise _refuse("backup_not_ours")
    folder = exports.new_folder()
    try:
        source = folder / "upload.zip"
        source.write_bytes(data)
        restored = restore(source, folder / "check.duckdb")
        db.close(restored.path)
        return restored
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def replace_live(new: Path, live: Path, now: datetime | None = None) -> Path:
    """Put a restored file in the live file's place, keeping the old one beside it; refused
    while a process (the app) holds the live file. Returns where the old file went."""
    db.close(live)
    probe = db.open_file(live)  # raises DatabaseUnavailable("in_use") while the app runs
    probe.close()
    kept = live.with_name(f"{live.stem}.before-restore-{clock.utc(now):%Y%m%d-%H%M%S}{live.suffix}")
    live.rename(kept)
    wal = live.with_name(live.name + ".wal")
    if wal.exists():
        wal.rename(kept.with_name(kept.name + ".wal"))
    db.close(new)
    new.rename(live)
    return kept


def main(argv: list[str] | None = None) -> int:
    """The command line: backup or restore while the app is stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m services.backup", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a backup zip")
    make.add_argument(
        "--db", type=Path, default=None, help="the database file (default: the app's)"
    )
    make.add_argument("--out", type=Path, required=True)
    back = commands.add_parser("restore", help="build a new database file from a backup zip")
    back.add_argument("zip", type=Path)
    back.add_argument("--to", type=Path, required=True, help="the new database file")
    back.add_argument("--replace", type=Path, help="then put it in place of this live file")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            source = args.db or db.database_path()
            manifest = write_backup(source, args.out)
            rows = sum(t["rows"] for t in manifest["tables"].values())
            print(f"backup written: {args.out} ({len(manifest['tables'])} tables, {rows:,} rows)")
            return 0
        restored = restore(args.zip, args.to)
        print(
            f"restored and checked: {restored.path} ({restored.tables} tables,"
            f" {restored.rows:,} rows, schema {restored.schema_version})"
        )
        if args.replace:
            kept = replace_live(restored.path, args.replace)
            print(f"now live: {args.replace} (the previous file kept as {kept})")
        return 0
    except DatabaseUnavailable as exc:
        if exc.reason == "in_use":
            print(
                f"refused: {exc.path} is in use{' by ' + exc.holder if exc.holder else ''}."
                " Stop the app first, or download a backup from the Export page.",
                file=sys.stderr,
            )
        else:
            print(f"refused: {exc.path} cannot be used ({exc.reason}).", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        from i18n.errors import describe

        for error in exc.errors:
            print(f"refused: {describe(error, 'en')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
