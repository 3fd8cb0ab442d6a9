"""The demo shop's activity goes through the real services and stays consistent."""

from __future__ import annotations

from comptoir import demo_shop
from comptoir.data import db, demo
from comptoir.services import accounts
from comptoir.startup import create_demo_accounts


def test_demo_activity_is_consistent(db_path):
    demo.generate(120, seed=4, path=db_path)
    made = demo_shop.create(create_demo_accounts(), seed=4)
    assert made["products"] == len(demo_shop.PRODUCTS) and made["sales"] > 100
    with db.cursor() as cur:
        ids = [r[0] for r in cur.execute("SELECT customer_id FROM customer_accounts").fetchall()]
        numbers = [
            r[0]
            for r in cur.execute(
                "SELECT invoice_number FROM invoices ORDER BY invoice_number"
            ).fetchall()
        ]
        receipts = cur.execute(
            "SELECT count(*), count(DISTINCT receipt_number), max(receipt_number) FROM sales"
        ).fetchall()[0]
        in_time_order = [
            r[0]
            for r in cur.execute("SELECT receipt_number FROM sales ORDER BY sold_at, id").fetchall()
        ]
        returns = cur.execute("SELECT count(*) FROM sales WHERE refund_of IS NOT NULL").fetchall()
        statuses = dict(
            cur.execute("SELECT status, count(*) FROM orders GROUP BY status").fetchall()
        )
        reminders = cur.execute("SELECT count(*) FROM service_reminders").fetchall()[0][0]
    for customer_id in ids:
        state = accounts.check_consistency(customer_id)
        assert state["balance"] == state["ledger"]
        assert state["over_debits"] == state["over_credits"] == 0
    assert receipts[0] == receipts[1] and receipts[2] == f"R{receipts[0]:06d}"  # no gap
    assert in_time_order == sorted(in_time_order)  # numbers increase with time
    assert returns == [(made["returns"],)] and made["returns"] > 0
    per_year: dict[str, list[int]] = {}
    for number in numbers:
        per_year.setdefault(number[:6], []).append(int(number[-6:]))
    for values in per_year.values():
        assert values == list(range(1, len(values) + 1))
    # The workshop: jobs in every status, collected ones with their two reminders each.
    assert statuses == {
        "collected": 8,
        "open": 4,
        "in_progress": 4,
        "waiting_parts": 4,
        "ready": 4,
    }
    assert reminders == 16
