"""Moments are stored as UTC instants and shown in the shop's time zone."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from comptoir.data import db, migrate
from comptoir.operations import clock, context
from comptoir.services import accounts, receipts, shop, till
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.sales_samples import make_sales_shop

LATE = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # already 30 November in Paris


def test_every_moment_column_is_time_zone_aware(database):
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE column_name LIKE '%\\_at' ESCAPE '\\' OR column_name = 'locked_until'"
        ).fetchall()
    kinds = {(table, column): kind.lower() for table, column, kind in rows}
    assert len(kinds) >= 21
    assert set(kinds.values()) == {"timestamp with time zone"}, kinds


def test_a_late_sale_is_stored_in_utc_and_printed_in_the_shops_time(database):
    samples = make_sales_shop()
    sale_id = till.record_sale(
        STAFF, None, [LineRequest(samples["tube"], "1")], [("cash", "6.50")], "k1", now=LATE
    )
    sale = receipts.sale_detail(STAFF, sale_id)
    assert sale["sold_at"] == LATE and sale["sold_at"].utcoffset().total_seconds() == 0
    receipt = receipts.receipt_document(sale)
    assert receipt.issued_at.strftime("%d/%m/%Y %H:%M") == "30/11/2026 00:30"
    printed = receipts.receipt_text(STAFF, sale_id)
    assert "30 nov. 2026 00:30" in printed


def test_a_shop_across_the_atlantic_prints_its_own_wall_clock(database, monkeypatch):
    shop.add_shop(
        ADMIN,
        {
            "shop_code": "NYC",
            "shop_name": "Comptoir NYC",
            "time_zone": "America/New_York",
            "receipt_prefix": "NY",
        },
    )
    context.install(context.current().for_shop("NYC"))
    samples = make_sales_shop()
    sale_id = till.record_sale(
        STAFF, None, [LineRequest(samples["tube"], "1")], [("cash", "6.50")], "k2", now=LATE
    )
    receipt = receipts.receipt_document(receipts.sale_detail(STAFF, sale_id))
    assert receipt.issued_at.strftime("%d/%m/%Y %H:%M") == "29/11/2026 18:30"
    assert clock.local_day(LATE) == date(2026, 11, 29)
    context.install(context.current().for_shop("MAIN"))
    assert clock.local_day(LATE) == date(2026, 11, 30)


def test_a_payment_taken_late_in_the_evening_is_dated_the_shops_day(database):
    samples = make_sales_shop()
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, samples["pro"], trade, "500", now=LATE)
    entry_id = accounts.record_entry(
        MANAGER, samples["pro"], EntryRequest("charge", "10"), uuid.uuid4().hex, now=LATE
    )
    with db.cursor() as cur:
        occurred_on, recorded_at = cur.execute(
            "SELECT occurred_on, recorded_at FROM ledger_entries WHERE id = ?", [entry_id]
        ).fetchall()[0]
    assert (occurred_on, recorded_at) == (date(2026, 11, 30), LATE)


def test_an_older_file_is_migrated_reading_its_times_as_the_shops(tmp_path, monkeypatch):
    old = tmp_path / "migrations"
    old.mkdir()
    for version, path in migrate.migration_files():
        if version < 12:
            shutil.copy(path, old)
            variant = path.with_name(path.stem + migrate.VARIANT)
            if variant.exists():
                shutil.copy(variant, old)
    file = tmp_path / "old.duckdb"
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", old)
    migrate.migrate(file)
    with db.transaction(file) as cur:
        # What a server wrote before: its local (Paris) wall-clock time, naive.
        cur.execute(
            "INSERT INTO staff (username, username_key, display_name, role, password_hash,"
            " created_at, updated_at) VALUES ('x', 'x', 'X', 'staff', 'h',"
            " TIMESTAMP '2026-06-01 10:00:00', TIMESTAMP '2026-01-15 10:00:00')"
        )
    monkeypatch.undo()
    assert migrate.migrate(file) == [v for v, _ in migrate.migration_files() if v >= 12]
    with db.cursor(file) as cur:
        created, updated = cur.execute("SELECT created_at, updated_at FROM staff").fetchall()[0]
    # Summer time (UTC+2) and winter time (UTC+1).
    assert (created, updated) == (
        datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
    )
    db.close(file)


def test_the_machines_time_zone_changes_nothing(db_path: Path):
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO print_jobs (occurred_at, staff_name, shop_code, document, printer,"
            " outcome) VALUES (?, 'X', 'MAIN', 'receipt', 'PDF', 'pdf')",
            [LATE],
        )
    db.close(db_path)
    script = (
        "from comptoir.data import db\n"
        "with db.cursor() as cur:\n"
        "    found = cur.execute('SELECT occurred_at FROM print_jobs').fetchall()\n"
        "print(found[0][0].isoformat())\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script],
        env={"COMPTOIR_DB": str(db_path), "TZ": "America/Los_Angeles", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.strip()
    assert shown == "2026-11-29T23:30:00+00:00"


@pytest.mark.parametrize("given", [datetime(2026, 11, 29, 23, 30), LATE])
def test_a_naive_moment_given_to_a_service_is_taken_as_utc(given):
    assert clock.utc(given) == LATE
