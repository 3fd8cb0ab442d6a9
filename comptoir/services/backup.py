"""Backups of the DuckDB file (managers, or the command line while the app is stopped).

A backup is one zip: a Parquet file per table and manifest.json (format, schema
version, when, and per table its row count and checksum; the sequences; the
ledgers' sums). A restore builds a new file from it and checks it (every table's
rows and checksum, the sums, each balance equal to its ledger) before anything may
replace the live file. On PostgreSQL, backups are the server's own (pg_dump).

    python -m comptoir.services.backup backup [--db FILE] --out FILE.zip
    python -m comptoir.services.backup restore FILE.zip --to NEW.duckdb [--replace LIVE.duckdb]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from comptoir.data import db
from comptoir.data import staff as staff_repo
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require, username_key
from comptoir.logic.errors import DatabaseUnavailable, ValidationFailed
from comptoir.logic.text import without_controls
from comptoir.operations import clock, export_files, unit_of_work
from comptoir.operations.backup_files import (
    FORMAT,
    MANIFEST,
    MAX_BYTES,
    SCREEN,
    Progress,
    Restored,
    quiet,
    refuse,
    remove_file,
    restore,
    write_backup,
)

__all__ = [
    "FORMAT",
    "MANIFEST",
    "SCREEN",
    "Restored",
    "StaffReview",
    "check_file",
    "main",
    "make_backup",
    "replace_live",
    "restore",
    "staff_review",
    "write_backup",
]


def make_backup(
    actor: Actor, progress: Progress = quiet, now: datetime | None = None
) -> export_files.ExportFile:
    """The app's database as a backup zip waiting for its download; audited."""
    require(actor, "backup.make")
    moment = clock.utc(now)
    folder = export_files.new_folder()
    name = f"comptoir-backup-{clock.local(moment):%Y%m%d-%H%M}.zip"
    try:
        manifest = write_backup(None, folder / name, progress)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        changes = [
            FieldChange("tables", None, len(manifest["tables"])),
            FieldChange("rows", None, rows),
            FieldChange("schema_version", None, manifest["schema_version"]),
        ]
        unit_of_work.run(
            actor,
            "backup.make",
            SCREEN,
            lambda uow: uow.audit("backup", "database", None, changes),
            moment,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return export_files.ExportFile(folder / name, name, "application/zip", rows)


def check_file(actor: Actor, data: bytes) -> Restored:
    """Restore an uploaded backup into a scratch file, check it, and remove it."""
    require(actor, "backup.make")
    if len(data) > MAX_BYTES:
        raise refuse("backup_not_ours")
    folder = export_files.new_folder()
    try:
        source = folder / "upload.zip"
        source.write_bytes(data)
        restored = restore(source, folder / "check.duckdb")
        db.close(restored.path)
        return restored
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class StaffReview:
    """Who a restored file lets in: its administrators and managers, and every account
    the live file does not have (a doctored backup could bring one in)."""

    privileged: list[dict[str, Any]]
    unknown: list[dict[str, Any]]


def staff_review(new: Path, live: Path | None) -> StaffReview:
    """The restored file's privileged accounts and those the live file lacks."""
    with db.cursor(new) as cur:
        accounts = staff_repo.list_all(cur)
    known: set[str] = set()
    if live is not None and live.exists():
        with db.cursor(live) as cur:
            known = {username_key(row["username"]) for row in staff_repo.list_all(cur)}
        db.close(live)
    return StaffReview(
        [a for a in accounts if a["role"] in ("admin", "manager") and a["active"]],
        [a for a in accounts if username_key(a["username"]) not in known],
    )


def _describe_staff(review: StaffReview) -> list[str]:
    def line(account: dict[str, Any]) -> str:
        state = "" if account["active"] else ", inactive"
        name = without_controls(str(account["display_name"]))[:60]
        login = without_controls(str(account["username"]))[:60]
        return f"  {login} ({name}; {account['role']}{state})"

    lines = ["Administrators and managers in the backup:"]
    lines += [line(a) for a in review.privileged] or ["  (none)"]
    lines.append("Staff accounts the live file does not have:")
    lines += [line(a) for a in review.unknown] or ["  (none)"]
    return lines


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


def _confirmed(live: Path) -> bool:
    """The person at the terminal types yes (an empty input is a no)."""
    print(f"Replace {live} with this backup? Type yes: ", end="", flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("yes", "oui")


def main(argv: list[str] | None = None) -> int:
    """The command line: backup or restore while the app is stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m comptoir.services.backup", description=__doc__.splitlines()[0]
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
    back.add_argument(
        "--yes",
        action="store_true",
        help="replace without asking (scripts): the staff accounts are still listed",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            source = args.db or db.file_path()
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
            review = staff_review(restored.path, args.replace)
            print("\n".join(_describe_staff(review)))
            if not args.yes and not _confirmed(args.replace):
                remove_file(restored.path)
                print("refused: not confirmed; the live file is unchanged.", file=sys.stderr)
                return 3
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
        from comptoir.i18n.errors import describe

        for error in exc.errors:
            print(f"refused: {describe(error, 'en')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
