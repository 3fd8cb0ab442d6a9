"""A backup's file, below the use cases: every table of the DuckDB file into one zip
(a Parquet file per table and manifest.json), and a zip restored into a new file and
checked (rows, checksums, the ledgers' sums, each balance equal to its ledger) before
anything may replace the live file. The download (services/backup.py), the nightly
rotation (operations/backup_rotation.py) and the upgrade's backup first all use it.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comptoir.data import backup as repo
from comptoir.data import db, migrate
from comptoir.data.copy_to_postgres import ORDER
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.operations import clock

FORMAT = 1
MANIFEST = "manifest.json"
SCREEN = "backup"
# A zip larger than this is not one of ours (a real shop's backup is far smaller).
MAX_BYTES = 20 * 1024**3
Progress = Callable[[float, str], None]


def refuse(code: str, **params: str) -> ValidationFailed:
    return ValidationFailed([FieldError("backup", code, params)])


def quiet(share: float, step: str) -> None:
    return None


def write_backup(path: Path | None, target: Path, progress: Progress = quiet) -> dict[str, Any]:
    """Every table of the file at path (the app's by default) into a zip at target; the
    manifest. One transaction: the tables are one moment's."""
    if path is None and db.on_postgres():
        raise refuse("backup_postgres")
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


@dataclass(frozen=True)
class Restored:
    """A restored file that passed every check."""

    path: Path
    tables: int
    rows: int
    schema_version: int


# Bounds checked before anything is read: what the zip may inflate to, and what the
# manifest may claim. A real shop's backup is far below each.
MAX_MANIFEST_BYTES = 1024**2
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_TOTAL_BYTES = MAX_BYTES
MAX_RATIO = 20  # Parquet is compressed already: a member that inflates more is a bomb
MAX_ROWS = 200_000_000
MAX_SEQUENCE = 2**53
CHUNK = 1024**2
_DIGITS = re.compile(r"-?[0-9]{1,40}")
_AMOUNT = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,6})?")


def _bad_manifest(what: str) -> ValidationFailed:
    return refuse("backup_manifest_bad", what=what)


def _whole(value: object, what: str, low: int, high: int) -> int:
    """An integer of the manifest within [low, high] (JSON booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad_manifest(what)
    return value


def _mapping(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _bad_manifest(what)
    return value


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    """The manifest, every key present with the type and range we write, or a refusal
    naming the first thing wrong."""
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting, not ours
        raise refuse("backup_not_ours") from None
    manifest = _mapping(manifest, "manifest")
    if manifest.get("format") != FORMAT:
        raise _bad_manifest("format")
    version = _whole(manifest.get("schema_version"), "schema_version", 1, 10**6)
    if version > migrate.latest_version():
        raise refuse("backup_newer", version=str(version))
    tables = _mapping(manifest.get("tables"), "tables")
    allowed = {"schema_migrations", *ORDER}
    for table, kept in tables.items():
        if table not in allowed:
            raise refuse("backup_not_ours")
        kept = _mapping(kept, f"tables.{table}")
        _whole(kept.get("rows"), f"tables.{table}.rows", 0, MAX_ROWS)
        checksum = kept.get("checksum")
        if not isinstance(checksum, str) or not _DIGITS.fullmatch(checksum):
            raise _bad_manifest(f"tables.{table}.checksum")
    for name, last in _mapping(manifest.get("sequences"), "sequences").items():
        if not re.fullmatch(r"[a-z_]{1,63}", name):
            raise _bad_manifest("sequences")
        _whole(last, f"sequences.{name}", 0, MAX_SEQUENCE)
    sums = _mapping(manifest.get("ledger_sums"), "ledger_sums")
    for name in repo.LEDGER_SUMS:
        if name not in tables and name not in sums:
            continue  # a backup of an earlier schema, without this ledger yet
        total = sums.get(name)
        if not isinstance(total, str) or not _AMOUNT.fullmatch(total):
            raise _bad_manifest(f"ledger_sums.{name}")
    return manifest


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    members = {info.filename: info for info in archive.infolist()}
    info = members.get(MANIFEST)
    if info is None:
        raise refuse("backup_not_ours")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise refuse("backup_too_big", what=MANIFEST, limit=f"{MAX_MANIFEST_BYTES:,}")
    with archive.open(info) as handle:
        manifest = _parse_manifest(handle.read(MAX_MANIFEST_BYTES + 1)[:MAX_MANIFEST_BYTES])
    expected = {MANIFEST, *(f"tables/{t}.parquet" for t in manifest["tables"])}
    if set(members) != expected or len(archive.infolist()) != len(expected):
        raise refuse("backup_not_ours")
    _check_sizes(archive.infolist())
    return manifest


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """What the members claim they inflate to, against the limits (the copy counts too)."""
    total = 0
    for info in members:
        if info.file_size > MAX_MEMBER_BYTES:
            raise refuse("backup_too_big", what=info.filename, limit=f"{MAX_MEMBER_BYTES:,}")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > CHUNK:
            raise refuse("backup_ratio", what=info.filename, limit=str(MAX_RATIO))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise refuse("backup_too_big", what="backup", limit=f"{MAX_TOTAL_BYTES:,}")


def _extract(archive: zipfile.ZipFile, name: str, target: Path) -> None:
    """One member to target, never more than it declared (a lying header is refused)."""
    info = archive.getinfo(name)
    written = 0
    with archive.open(info) as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise refuse("backup_not_ours")
            out.write(chunk)


def remove_file(path: Path) -> None:
    db.close(path)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _open_archive(source: Path) -> zipfile.ZipFile:
    try:
        if source.stat().st_size > MAX_BYTES:
            raise refuse("backup_too_big", what="backup", limit=f"{MAX_BYTES:,}")
        if not zipfile.is_zipfile(source):
            raise refuse("backup_not_ours")
        return zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile):
        raise refuse("backup_not_ours") from None


def _load_tables(target: Path, work: Path, manifest: dict[str, Any], tables: list[str]) -> None:
    """Every table file into the new database, each checked against our schema and the
    manifest's row count before it is read."""
    with db.transaction(target) as cur:
        for table in tables:
            source = work / f"{table}.parquet"
            try:
                claimed = repo.file_rows(cur, source)
            except Exception:  # DuckDB's own reader says it is not Parquet
                raise refuse("backup_not_ours") from None
            if claimed != int(manifest["tables"][table]["rows"]):
                raise ValidationFailed(
                    [FieldError("backup", "restore_table_differs", {"table": table})]
                )
            try:
                repo.load(cur, table, source)
            except repo.UnknownColumns as exc:
                raise refuse(
                    "backup_unknown_columns", table=table, count=str(len(exc.unknown) or 1)
                ) from None
        known = repo.sequences(cur)
        for name, last in manifest["sequences"].items():
            if name not in known:
                raise _bad_manifest(f"sequences.{name}")
            repo.advance_sequence(cur, name, int(last))


def restore(
    source: Path, target: Path, progress: Progress = quiet, catch_up: bool = True
) -> Restored:
    """Build a new database file at target from a backup and check it; a file that fails
    a check is removed and the refusal names what differs. catch_up=False leaves it at
    the backup's schema (verifying a backup made before an upgrade)."""
    if target.exists():
        raise refuse("restore_target_exists", path=str(target))
    archive = _open_archive(source)
    work = Path(tempfile.mkdtemp(dir=target.parent))
    try:
        with archive:
            manifest = _read_manifest(archive)
            tables = [t for t in ORDER if t in manifest["tables"]]  # parents first
            for index, table in enumerate(tables):
                _extract(archive, f"tables/{table}.parquet", work / f"{table}.parquet")
                progress(0.3 * (index + 1) / len(tables), table)
        version = int(manifest["schema_version"])
        migrate.migrate(target, upto=version)
        # Each table emptied in its own transaction, children first: DuckDB's foreign keys
        # (and unique keys) still see rows deleted earlier in the same transaction.
        for table in reversed(tables):
            with db.transaction(target) as cur:
                repo.empty(cur, [table])
        _load_tables(target, work, manifest, tables)
        progress(0.8, "checks")
        failures = _check(target, manifest, tables)
        if failures:
            raise ValidationFailed(failures)
        if catch_up:
            migrate.migrate(target)  # a backup of an older version catches up after its checks
        progress(1.0, "done")
        rows = sum(int(manifest["tables"][t]["rows"]) for t in tables)
        return Restored(target, len(tables), rows, version)
    except BaseException:
        remove_file(target)
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
