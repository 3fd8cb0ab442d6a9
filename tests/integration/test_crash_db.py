"""Crash: a process writing through the services (customers, edits, payments, charges,
sales, invoices, merges and their undo) is SIGKILLed mid-burst, ten times; after each
restart every acknowledged write is there, every balance equals its ledger and receipt and
invoice numbers have no gap."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir.data import backup as backup_repo
from comptoir.data import db, migrate
from comptoir.services import customers, products
from tests.conftest import MANAGER, STAFF

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10


def _read_acks(lines: list[str], acked: dict[str, list[str]]) -> None:
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "ACK":
            acked.setdefault(parts[1], []).append(" ".join(parts[2:]))


def _numbers_without_gaps(numbers: list[str]) -> bool:
    found = sorted(int(re.sub(r"\D", "", n)[-6:]) for n in numbers)
    return found == list(range(1, len(found) + 1))


@pytest.fixture
def crash_file(db_path):
    products.save_product(
        MANAGER, None, None, {"sku": "TUBE", "name": "Tube", "price": "6.50", "tax_rate": "20"}
    )
    for i in range(5):
        customers.create_customer({"last_name": f"Crash{i}"}, STAFF)
    db.close(db_path)
    return db_path


def test_sigkill_mid_burst_loses_no_acknowledged_write(crash_file):
    rng = random.Random(2026)
    acked: dict[str, list[str]] = {}
    for round_ in range(ROUNDS):
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "crash_worker.py"), str(crash_file), str(round_)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "COMPTOIR_DB": str(crash_file)},
        )
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "READY"
        lines = [worker.stdout.readline() for _ in range(rng.randint(5, 40))]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        lines += worker.stdout.read().splitlines()  # printed before the kill: acknowledged
        _read_acks(lines, acked)

        # Restart: open the file again (DuckDB replays its write-ahead log).
        migrate.migrate(crash_file)
        with db.cursor(crash_file) as cur:
            ids = {r[0] for r in cur.execute("SELECT id FROM customers").fetchall()}
            assert {int(i) for i in acked.get("customer", [])} <= ids
            entries = {r[0] for r in cur.execute("SELECT id FROM ledger_entries").fetchall()}
            assert {int(i) for i in acked.get("entry", [])} <= entries
            sold = {r[0] for r in cur.execute("SELECT id FROM sales").fetchall()}
            assert {int(i) for i in acked.get("sale", [])} <= sold
            invoices = [r[0] for r in cur.execute("SELECT invoice_number FROM invoices").fetchall()]
            assert set(acked.get("invoice", [])) <= set(invoices)
            trail = "\n".join(
                r[0]
                for r in cur.execute(
                    "SELECT changes FROM audit_log WHERE action = 'update'"
                ).fetchall()
            )
            for edit in acked.get("edit", []):
                assert edit.split()[1] in trail
            assert backup_repo.problems(cur) == {
                "account_balances": 0,
                "voucher_balances": 0,
                "rewards_points": 0,
            }
            undone = {int(i) for i in acked.get("undo", [])}
            for merge in acked.get("merge", []):
                merge_id, kept, other = (int(x) for x in merge.split())
                [(pointer, left)] = cur.execute(
                    "SELECT merged_into, (SELECT count(*) FROM sales WHERE customer_id = c.id)"
                    " + (SELECT count(*) FROM ledger_entries WHERE customer_id = c.id)"
                    " FROM customers c WHERE id = ?",
                    [other],
                ).fetchall()
                [(undone_at,)] = cur.execute(
                    "SELECT undone_at FROM customer_merges WHERE id = ?", [merge_id]
                ).fetchall()
                if merge_id in undone:  # (the record may have been merged again since)
                    assert undone_at is not None
                elif undone_at is None:  # an undo not acknowledged may have committed
                    assert pointer == kept and left == 0
            receipts = [r[0] for r in cur.execute("SELECT receipt_number FROM sales").fetchall()]
            assert _numbers_without_gaps(receipts)
            assert _numbers_without_gaps(invoices)
        db.close(crash_file)
    assert sum(len(v) for v in acked.values()) >= ROUNDS * 5
    assert acked.get("merge"), "no merge was acknowledged in any round"
