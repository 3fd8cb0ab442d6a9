"""Backups on a real DuckDB file: backup → restore identical table by table, refusals that
name what is wrong, the command line refusing while another process holds the file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from comptoir import demo_shop
from comptoir.data import backup as repo
from comptoir.data import db, demo, migrate
from comptoir.logic.auth import PermissionDenied
from comptoir.logic.errors import ValidationFailed
from comptoir.services import audit, backup, customers
from comptoir.startup import create_demo_accounts
from tests.conftest import ADMIN, MANAGER, STAFF, application, child_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shop_template(tmp_path_factory):
    """A demo shop with a year of business, built once per module (about 10 s)."""
    path = tmp_path_factory.mktemp("backup-template") / "shop.duckdb"
    with pytest.MonkeyPatch.context() as patch, application(db.DuckDBFile(path)):
        patch.setenv("COMPTOIR_DEMO_CUSTOMERS", "0")
        migrate.migrate(path)
        demo.generate(150, seed=4, path=path)
        demo_shop.create(create_demo_accounts(), seed=4)
        db.close(path)
    return path


@pytest.fixture
def shop_file(db_path, shop_template):
    """A copy of the demo shop as the app's database."""
    db.close(db_path)
    shutil.copyfile(shop_template, db_path)
    return db_path


def _fingerprints(path: Path) -> dict[str, tuple[int, str]]:
    with db.cursor(path) as cur:
        return {t: repo.fingerprint(cur, t) for t in repo.tables(cur) if t != "schema_migrations"}


def _refusal(exc: pytest.ExceptionInfo) -> list[tuple[str, str, dict]]:
    return [(e.field, e.code, e.params) for e in exc.value.errors]


def test_backup_then_restore_is_identical_table_by_table(shop_file, tmp_path):
    before = _fingerprints(shop_file)  # the backup's own audit entry comes after it
    with db.cursor(shop_file) as live:
        numbered = repo.sequences(live)
    made = backup.make_backup(ADMIN)
    restored = backup.restore(made.path, tmp_path / "restored.duckdb")
    assert _fingerprints(restored.path) == before
    assert restored.rows == sum(rows for rows, _ in before.values())
    assert before["sales"][0] > 100 and before["ledger_entries"][0] > 0
    with db.cursor(restored.path) as cur:
        assert repo.problems(cur) == {
            "account_balances": 0,
            "voucher_balances": 0,
            "rewards_points": 0,
        }
        # Numbering continues after the restored rows.
        assert repo.sequences(cur) == numbered
    [entry] = audit.search_audit(ADMIN, entity="database")[0]
    assert entry.action == "backup"
    made.discard()


@pytest.mark.parametrize("who", [STAFF, MANAGER], ids=["staff", "manager"])
def test_a_backup_is_for_administrators(shop_file, who):
    # It holds every staff password hash and the whole audit trail; managers keep exports.
    with pytest.raises(PermissionDenied):
        backup.make_backup(who)
    with pytest.raises(PermissionDenied):
        backup.check_file(who, b"")


def _rewrite(source: Path, target: Path, change) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)


def test_a_table_that_lost_a_row_is_named_and_nothing_is_left(shop_file, tmp_path):
    made = backup.make_backup(ADMIN)
    manifest = json.loads(zipfile.ZipFile(made.path).read("manifest.json"))
    manifest["tables"]["sales"]["rows"] += 1  # as if a row went missing from the file
    altered = tmp_path / "altered.zip"
    _rewrite(
        made.path,
        altered,
        lambda name, data: json.dumps(manifest).encode() if name == "manifest.json" else data,
    )
    target = tmp_path / "restored.duckdb"
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(altered, target)
    assert _refusal(refused) == [("backup", "restore_table_differs", {"table": "sales"})]
    assert not target.exists()


def test_a_balance_that_no_longer_equals_its_ledger_is_refused(shop_file, tmp_path):
    with db.transaction(shop_file) as cur:  # damage the live file the way a bug would
        cur.execute(
            "UPDATE customer_accounts SET balance = balance + 1 WHERE customer_id ="
            " (SELECT min(customer_id) FROM customer_accounts)"
        )
    made = backup.make_backup(ADMIN)
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(made.path, tmp_path / "restored.duckdb")
    assert _refusal(refused) == [
        ("backup", "restore_rule_broken", {"rule": "account_balances", "rows": "1"})
    ]


@pytest.mark.parametrize("damage", ["extra_member", "not_a_zip", "newer"])
def test_files_that_are_not_our_backups_are_refused(shop_file, tmp_path, damage):
    made = backup.make_backup(ADMIN)
    bad = tmp_path / "bad.zip"
    if damage == "extra_member":
        with zipfile.ZipFile(made.path) as old, zipfile.ZipFile(bad, "w") as new:
            for name in old.namelist():
                new.writestr(name, old.read(name))
            new.writestr("../../evil.sh", "rm -rf /")
        expected = ("backup", "backup_not_ours", {})
    elif damage == "not_a_zip":
        bad.write_bytes(b"PK\x03\x04 not really")
        expected = ("backup", "backup_not_ours", {})
    else:
        manifest = json.loads(zipfile.ZipFile(made.path).read("manifest.json"))
        manifest["schema_version"] = 9999
        _rewrite(
            made.path,
            bad,
            lambda name, data: json.dumps(manifest).encode() if name == "manifest.json" else data,
        )
        expected = ("backup", "backup_newer", {"version": "9999"})
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(bad, tmp_path / "restored.duckdb")
    assert _refusal(refused) == [expected]
    assert not (tmp_path / "evil.sh").exists() and not (tmp_path / "restored.duckdb").exists()


def test_restore_never_overwrites_a_file(shop_file, tmp_path):
    made = backup.make_backup(ADMIN)
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(made.path, shop_file)
    assert _refusal(refused)[0][1] == "restore_target_exists"


def _cli(*args: str, answer: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "comptoir.services.backup", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=answer,
        env=child_environment(),
    )


def test_the_command_refuses_while_the_app_holds_the_file_then_works(shop_file, tmp_path):
    db.close(shop_file)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
            " print('ready', flush=True); time.sleep(60)",
            str(shop_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        out = tmp_path / "cli.zip"
        refused = _cli("backup", "--db", str(shop_file), "--out", str(out))
        assert refused.returncode == 2
        assert "is in use" in refused.stderr and "Stop the app first" in refused.stderr
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    done = _cli("backup", "--db", str(shop_file), "--out", str(out))
    assert done.returncode == 0, done.stderr
    restored = tmp_path / "new.duckdb"
    before = _fingerprints(shop_file)
    db.close(shop_file)
    declined = _cli("restore", str(out), "--to", str(restored), "--replace", str(shop_file))
    assert declined.returncode == 3 and "not confirmed" in declined.stderr
    assert "Administrators and managers in the backup:\n  admin (" in declined.stdout
    assert not restored.exists() and _fingerprints(shop_file) == before
    db.close(shop_file)
    swapped = _cli(
        "restore", str(out), "--to", str(restored), "--replace", str(shop_file), answer="yes\n"
    )
    assert swapped.returncode == 0, swapped.stderr
    assert "restored and checked" in swapped.stdout and "now live" in swapped.stdout
    kept = list(shop_file.parent.glob("*.before-restore-*.duckdb"))
    assert len(kept) == 1 and not restored.exists()
    assert _fingerprints(shop_file) == _fingerprints(kept[0])


def test_on_postgres_backups_are_the_servers(pg_db):
    with pytest.raises(ValidationFailed) as refused:
        backup.make_backup(ADMIN)
    assert _refusal(refused) == [("backup", "backup_postgres", {})]


def test_a_restored_file_takes_new_customers(shop_file, tmp_path, use_database):
    made = backup.make_backup(ADMIN)
    restored = backup.restore(made.path, tmp_path / "restored.duckdb")
    use_database(db.DuckDBFile(restored.path))
    new_id = customers.create_customer({"last_name": "After"}, STAFF)
    with db.cursor(restored.path) as cur:
        assert new_id == cur.execute("SELECT max(id) FROM customers").fetchall()[0][0]
        assert cur.execute("SELECT count(*) FROM customers").fetchall()[0][0] == 151


def _replace_member(made: Path, target: Path, member: str, data: bytes) -> None:
    _rewrite(made, target, lambda name, old: data if name == member else old)


def test_a_column_name_in_the_file_never_becomes_sql(shop_file, tmp_path):
    """A crafted Parquet column name used to be pasted into the INSERT that loads it."""
    made = backup.make_backup(ADMIN)
    pwned = tmp_path / "pwned.csv"
    payload = f"code\") SELECT 1; COPY (SELECT 42) TO '{pwned}'; --"
    crafted = tmp_path / "titles.parquet"
    with db.cursor(shop_file) as cur:
        cur.execute(
            f'COPY (SELECT t.*, 1 AS "{payload.replace(chr(34), chr(34) * 2)}" FROM titles t)'
            f" TO '{crafted}' (FORMAT parquet)"
        )
        assert any(payload == name for name in repo.file_columns(cur, crafted))
    bad = tmp_path / "bad.zip"
    _replace_member(made.path, bad, "tables/titles.parquet", crafted.read_bytes())
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(bad, tmp_path / "restored.duckdb")
    assert _refusal(refused) == [
        ("backup", "backup_unknown_columns", {"table": "titles", "count": "1"})
    ]
    assert not pwned.exists() and not (tmp_path / "restored.duckdb").exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(shop_file, tmp_path):
    made = backup.make_backup(ADMIN)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(made.path) as old, zipfile.ZipFile(bomb, "w") as new:
        for name in old.namelist():
            if name == "tables/titles.parquet":
                # 64 MB of zeros deflate to about 64 KB.
                new.writestr(name, bytes(64 * 1024**2), zipfile.ZIP_DEFLATED)
            else:
                new.writestr(name, old.read(name))
    assert bomb.stat().st_size < made.path.stat().st_size + 200_000
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(bomb, tmp_path / "restored.duckdb")
    assert _refusal(refused) == [
        ("backup", "backup_ratio", {"what": "tables/titles.parquet", "limit": "20"})
    ]
    assert not list(tmp_path.glob("tmp*"))  # nothing was extracted and left behind


def _manifest_of(path: Path) -> dict:
    return json.loads(zipfile.ZipFile(path).read("manifest.json"))


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda m: m.pop("tables"), "tables"),
        (lambda m: m.pop("sequences"), "sequences"),
        (lambda m: m.update(schema_version="23"), "schema_version"),
        (lambda m: m.update(schema_version=True), "schema_version"),
        (lambda m: m["tables"]["sales"].update(rows="many"), "tables.sales.rows"),
        (lambda m: m["tables"]["sales"].update(rows=10**12), "tables.sales.rows"),
        (lambda m: m["tables"]["sales"].pop("checksum"), "tables.sales.checksum"),
        (lambda m: m["tables"].update(sales=[1, 2]), "tables.sales"),
        (lambda m: m["sequences"].update(customer_id_seq=-5), "sequences.customer_id_seq"),
        (lambda m: m["sequences"].update(customer_id_seq=10**19), "sequences.customer_id_seq"),
        (lambda m: m["sequences"].update({"x'); DROP TABLE t; --": 1}), "sequences"),
        (lambda m: m["sequences"].update(not_ours_seq=5), "sequences.not_ours_seq"),
        (lambda m: m["ledger_sums"].update(sales="1; DROP"), "ledger_sums.sales"),
        (lambda m: m.update(format="1"), "format"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_malformed_manifest_is_refused_naming_what_is_wrong(shop_file, tmp_path, damage, what):
    made = backup.make_backup(ADMIN)
    manifest = _manifest_of(made.path)
    damage(manifest)
    bad = tmp_path / "bad.zip"
    _replace_member(made.path, bad, "manifest.json", json.dumps(manifest).encode())
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(bad, tmp_path / "restored.duckdb")
    assert _refusal(refused) == [("backup", "backup_manifest_bad", {"what": what})]
    assert not (tmp_path / "restored.duckdb").exists()


def test_a_deeply_nested_manifest_is_refused_in_words(shop_file, tmp_path):
    made = backup.make_backup(ADMIN)
    bad = tmp_path / "deep.zip"
    _replace_member(made.path, bad, "manifest.json", b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(ValidationFailed) as refused:
        backup.restore(bad, tmp_path / "restored.duckdb")
    assert _refusal(refused) == [("backup", "backup_not_ours", {})]


def test_a_huge_sequence_is_advanced_in_one_statement(shop_file, tmp_path):
    made = backup.make_backup(ADMIN)
    manifest = _manifest_of(made.path)
    manifest["sequences"]["customer_id_seq"] = 10**13
    bad = tmp_path / "far.zip"
    _replace_member(made.path, bad, "manifest.json", json.dumps(manifest).encode())
    restored = backup.restore(bad, tmp_path / "restored.duckdb")  # took 10^13 nextvals before
    with db.cursor(restored.path) as cur:
        assert repo.sequences(cur)["customer_id_seq"] == 10**13


def test_a_doctored_backup_shows_the_administrator_it_brings(shop_file, tmp_path):
    with db.transaction(shop_file) as cur:
        cur.execute(
            "INSERT INTO staff (username_key, username, display_name, role, password_hash,"
            " created_at, updated_at) VALUES ('intruder', 'intruder', 'Nobody', 'admin', 'x',"
            " now(), now())"
        )
    made = backup.make_backup(ADMIN)
    with db.transaction(shop_file) as cur:
        cur.execute("DELETE FROM staff WHERE username_key = 'intruder'")
    restored = backup.restore(made.path, tmp_path / "restored.duckdb")
    review = backup.staff_review(restored.path, shop_file)
    assert [a["username"] for a in review.unknown] == ["intruder"]
    assert "intruder" in [a["username"] for a in review.privileged]
    assert "  intruder (Nobody; admin)" in backup._describe_staff(review)
