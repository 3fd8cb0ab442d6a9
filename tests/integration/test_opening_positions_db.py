"""Moving in (issue 23), opening positions: balances with limits and points, outstanding
vouchers and past sales from other systems' exports (tests/fixtures/openings, built from
each system's export documentation), each a dry run, one audited batch and an undo, on
both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from comptoir.data import db
from comptoir.logic.customer_import import read_file
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.insights import Filters
from comptoir.logic.opening_import import guess, recognise
from comptoir.services import (
    accounts,
    customers,
    insights,
    opening_import,
    receipts,
    returns,
    rewards,
    till,
    vouchers,
)
from comptoir.services.opening_import import Options
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF
from tests.sales_samples import make_sales_shop

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "openings"
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop(database) -> dict[str, int]:
    """Three customers imported earlier, by account number, e-mail and mobile."""
    people = {
        "LSX-0001": {
            "first_name": "Léa",
            "last_name": "Roux",
            "email": "lea.roux@example.fr",
            "mobile": "06 12 34 56 78",
        },
        "LSX-0002": {"first_name": "Marc", "last_name": "Petit", "email": "marc.petit@example.fr"},
        "LSX-0003": {"first_name": "Inès", "last_name": "Blanc"},
    }
    return {
        number: customers.create_customer({**card, "account_number": number}, STAFF)
        for number, card in people.items()
    }


def _table(name: str):
    return read_file((FILES / name).read_bytes(), name)


def _plan(kind: str, name: str, source: str = "Old till", **options):
    table = _table(name)
    mapping = guess(kind, table.headers)
    plan = opening_import.dry_run(MANAGER, kind, table, mapping, Options(source, **options), NOW)
    return table, mapping, plan


def _codes(line) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in line.errors]


def _run(kind: str, name: str, source: str = "Old till", **options):
    table, mapping, _ = _plan(kind, name, source, **options)
    return opening_import.run_import(
        MANAGER, kind, table, mapping, name, Options(source, **options), NOW
    )


def test_balances_limits_and_points_from_lightspeed_then_undone(shop):
    table, mapping, plan = _plan("balances", "lightspeed_x_customers.csv")
    assert recognise("balances", table.headers).code == "lightspeed_x_customers"
    assert [(p.line, p.outcome) for p in plan.lines] == [
        (2, "ready"),
        (3, "ready"),
        (4, "nothing"),
        (5, "invalid"),
    ]
    assert _codes(plan.lines[3]) == [("account_number", "opening_no_customer")]
    assert plan.lines[0].customer == "Léa Roux (LSX-0001)"
    assert plan.totals == {
        "owed": "125.50",
        "credit": "20.00",
        "net": "105.50",
        "accounts": "2",
        "points": "340",
    }
    opened = _run("balances", "lightspeed_x_customers.csv", as_of=date(2026, 11, 30))
    assert opened.written == 2
    lea, marc = shop["LSX-0001"], shop["LSX-0002"]
    state = accounts.overview(MANAGER, lea)
    assert state.account["balance"] == Decimal("125.50")
    assert state.account["opened_on"] == date(2026, 11, 30)
    assert accounts.overview(MANAGER, marc).account["balance"] == Decimal("-20.00")
    assert rewards.balance(MANAGER, lea)[0] == 340
    for customer_id in (lea, marc):
        check = accounts.check_consistency(customer_id)
        assert check["balance"] == check["ledger"]
    entries, _ = accounts.activity(MANAGER, lea)
    assert [(e["kind"], e["amount"], e["reason"]) for e in entries] == [
        ("adjustment", Decimal("125.50"), "Old till")
    ]
    assert opening_import.undo(MANAGER, opened.batch_id, NOW) == 2
    assert accounts.overview(MANAGER, lea).account["balance"] == 0
    assert accounts.overview(MANAGER, marc).account["balance"] == 0
    assert rewards.balance(MANAGER, lea)[0] == 0
    for customer_id in (lea, marc):
        check = accounts.check_consistency(customer_id)
        assert check["balance"] == check["ledger"] == 0
        assert check["over_debits"] == 0 and check["over_credits"] == 0
    with pytest.raises(ValidationFailed) as refused:
        opening_import.undo(MANAGER, opened.batch_id, NOW)
    assert refused.value.errors[0].code == "import_already_undone"


def test_a_french_file_and_a_customer_with_entries_already(shop):
    table, mapping, plan = _plan("balances", "soldes_fr.csv")
    assert mapping == ["account_number", None, "balance", "credit_limit", "points"]
    assert [p.outcome for p in plan.lines] == ["ready", "ready", "invalid"]
    assert _codes(plan.lines[2]) == [("balance", "amount_unreadable"), ("points", "points_invalid")]
    assert plan.lines[0].values["amount"] == Decimal("1234.50")
    assert plan.lines[0].values["credit_limit"] == Decimal("2000.00")
    assert plan.lines[0].values["points"] == 1200
    opened = _run("balances", "soldes_fr.csv")
    lea = shop["LSX-0001"]
    assert accounts.overview(MANAGER, lea).account["credit_limit"] == Decimal("2000.00")
    _, _, again = _plan("balances", "soldes_fr.csv")
    assert _codes(again.lines[0]) == [
        ("balance", "opening_after_entries"),
        ("points", "opening_after_points"),
    ]
    # A payment after the opening balance: the batch can no longer be undone.
    accounts.record_entry(
        MANAGER,
        lea,
        accounts.EntryRequest("payment", "100", method="cash"),
        "pay-after-opening",
        now=NOW,
    )
    with pytest.raises(ValidationFailed) as refused:
        opening_import.undo(MANAGER, opened.batch_id, NOW)
    assert refused.value.errors[0].code == "opening_depended_on"


def test_vouchers_keep_their_printed_codes_and_work_at_the_till(shop):
    table, mapping, plan = _plan("vouchers", "lightspeed_x_gift_cards.csv")
    assert recognise("vouchers", table.headers).code == "lightspeed_x_gift_cards"
    assert [p.outcome for p in plan.lines] == ["ready", "ready", "invalid", "ready", "nothing"]
    assert _codes(plan.lines[2]) == [("code", "voucher_code_twice")]
    assert [(e.field, e.code) for e in plan.lines[3].to_check] == [
        ("account_number", "opening_no_customer")
    ]
    assert plan.totals == {"vouchers": "3", "liability": "135.50", "expired": "1"}
    opened = _run("vouchers", "lightspeed_x_gift_cards.csv")
    found = vouchers.find(STAFF, "gc-4410 2231-7781")
    assert (found["balance"], found["customer_id"]) == (Decimal("35.50"), shop["LSX-0001"])
    assert found["expires_on"] == date(2027, 6, 30)
    assert vouchers.find(STAFF, "0012345678901")["balance"] == Decimal("100.00")
    with pytest.raises(ValidationFailed) as refused:
        vouchers.find(STAFF, "GC-4410-2231-7782")  # one digit wrong
    assert refused.value.errors[0].code == "voucher_code_invalid"
    assert opening_import.undo(MANAGER, opened.batch_id, NOW) == 3
    assert vouchers.find(STAFF, "GC-4410-2231-7781")["state"] == "cancelled"


def test_a_german_voucher_file_and_a_spent_voucher_blocks_the_undo(shop):
    _, mapping, plan = _plan("vouchers", "gutscheine_de.csv")
    assert mapping == ["code", "initial_value", "voucher_balance", "expires_on", "email"]
    assert [p.outcome for p in plan.lines] == ["ready", "invalid"]
    assert _codes(plan.lines[1]) == [("initial_value", "voucher_value_below")]
    assert plan.lines[0].values["expires_on"] == date(2027, 12, 31)
    assert plan.lines[0].customer_id == shop["LSX-0002"]
    opened = _run("vouchers", "gutscheine_de.csv")
    light = make_sales_shop()["light"]
    # The old code pays at the till, typed as the customer reads it from the card.
    till.record_sale(
        STAFF,
        None,
        [LineRequest(light, "1")],
        [],
        "pay-by-old-code",
        vouchers=[("weihnachten-2025-a", "24")],
    )
    assert vouchers.find(STAFF, "WEIHNACHTEN-2025-A")["balance"] == Decimal("18.00")
    with pytest.raises(ValidationFailed) as refused:
        till.record_sale(
            STAFF,
            None,
            [LineRequest(light, "1")],
            [],
            "pay-by-unknown-code",
            vouchers=[("WEIHNACHTEN-2025-Z", "24")],
        )
    assert refused.value.errors[0].code == "voucher_code_invalid"
    with pytest.raises(ValidationFailed) as refused:
        opening_import.undo(MANAGER, opened.batch_id, NOW)
    assert refused.value.errors[0].code == "opening_depended_on"


def test_past_sales_from_shopify_square_and_lightspeed(shop):
    table, mapping, plan = _plan("sales", "shopify_orders.csv", "Shopify")
    assert recognise("sales", table.headers).code == "shopify_orders"
    assert [(p.line, p.outcome) for p in plan.lines] == [(2, "ready"), (4, "ready"), (5, "invalid")]
    assert _codes(plan.lines[2]) == [("sold_at", "date_invalid")]
    assert plan.totals["sales"] == "2" and plan.totals["lines"] == "3"
    assert plan.totals["total"] == "177.00" and plan.totals["tax"] == "29.50"
    opened = _run("sales", "shopify_orders.csv", "Shopify")
    assert opened.written == 2
    with db.cursor() as cur:
        cur.execute(
            "SELECT receipt_number, source_reference, customer_id, total, tax_total, staff_name"
            " FROM sales WHERE imported_batch = ? ORDER BY id",
            [opened.batch_id],
        )
        sales = cur.fetchall()
        cur.execute(
            "SELECT l.name, l.quantity, l.gross, l.tax FROM sale_lines l JOIN sales s"
            " ON s.id = l.sale_id WHERE s.source_reference = '#1001' ORDER BY l.line_no"
        )
        lines = cur.fetchall()
        cur.execute("SELECT name, value FROM number_counters WHERE value > 0 ORDER BY name")
        counters = cur.fetchall()
    assert [tuple(s[:3]) for s in sales] == [
        ("IMP-0000001", "#1001", shop["LSX-0001"]),
        ("IMP-0000002", "#1002", None),
    ]
    assert (sales[0][3], sales[0][4], sales[0][5]) == (
        Decimal("132.00"),
        Decimal("22.00"),
        "Shopify",
    )
    assert lines == [
        ("Chambre à air 700x25", Decimal("2.000"), Decimal("12.00"), Decimal("2.00")),
        ("Pneu Gravel 700x40", Decimal("1.000"), Decimal("120.00"), Decimal("20.00")),
    ]
    assert counters == [("imported_sale", 2)]  # today's receipt numbering did not move
    with db.cursor() as cur:
        cur.execute("SELECT id FROM sales WHERE receipt_number = 'IMP-0000001'")
        [(sale_id,)] = cur.fetchall()
    for refused_by in (
        lambda: returns.refund_sale(STAFF, sale_id, {1: "1"}, "cash", "return-imported"),
        lambda: receipts.issue_invoice(MANAGER, sale_id),
        lambda: receipts.reprint_receipt(STAFF, sale_id),
    ):
        with pytest.raises(ValidationFailed) as refused:
            refused_by()
        assert refused.value.errors[0].code == "sale_imported"
    # Insights counts them; the customer's first purchase is the old one.
    seen = insights.overview(MANAGER, Filters(date(2025, 11, 1), date(2025, 12, 31)), "month", 12)
    assert (seen.summary["revenue"], seen.summary["baskets"]) == (Decimal("177.00"), 2)
    assert [(c["customer_id"], c["spend"]) for c in seen.top_spend] == [
        (shop["LSX-0001"], Decimal("132.00"))
    ]
    _, _, again = _plan("sales", "shopify_orders.csv", "Shopify")
    assert _codes(again.lines[0]) == [("reference", "sale_already_imported")]

    square = _run("sales", "square_items.csv", "Square")
    _, _, lightspeed = _plan("sales", "lightspeed_x_sales.csv", "Lightspeed")
    assert [p.outcome for p in lightspeed.lines] == ["nothing", "ready"]
    assert lightspeed.totals["total"] == "54.00" and lightspeed.totals["tax"] == "9.00"
    with db.cursor() as cur:
        cur.execute(
            "SELECT source_reference, customer_id, total, tax_total, sold_at FROM sales"
            " WHERE imported_batch = ? ORDER BY id",
            [square.batch_id],
        )
        found = cur.fetchall()
    assert [tuple(r[:4]) for r in found] == [
        ("TX-ABC-1", shop["LSX-0001"], Decimal("108.50"), Decimal("15.50")),
        ("TX-ABC-2", None, Decimal("40.83"), Decimal("5.83")),
    ]
    assert found[0][4].astimezone(UTC) == datetime(2025, 10, 4, 12, 32, 10, tzinfo=UTC)
    assert opening_import.undo(MANAGER, square.batch_id, NOW) == 2
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM sales WHERE source_reference LIKE 'TX-%'")
        assert cur.fetchall() == [(0,)]


def test_a_sales_file_resaved_by_excel_keeps_its_dates_and_amounts(shop):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Receipt number", "Date", "Customer code", "Item", "Qty", "Total", "Tax"])
    sheet.append(["R-77", datetime(2025, 3, 14, 16, 30), "LSX-0002", "Selle", 1, 89.9, 14.98])
    sheet.append(["R-77", datetime(2025, 3, 14, 16, 30), "LSX-0002", "Collier", 2.0, 12, 2])
    data = io.BytesIO()
    book.save(data)
    table = read_file(data.getvalue(), "ventes.xlsx")
    mapping = guess("sales", table.headers)
    assert mapping == [
        "reference",
        "sold_at",
        "account_number",
        "item",
        "quantity",
        "line_total",
        "tax",
    ]
    plan = opening_import.dry_run(MANAGER, "sales", table, mapping, Options("Excel"), NOW)
    assert [p.outcome for p in plan.lines] == ["ready"]
    assert (plan.totals["total"], plan.totals["tax"]) == ("101.90", "16.98")
    opened = opening_import.run_import(
        MANAGER, "sales", table, mapping, "ventes.xlsx", Options("Excel"), NOW, checked=plan
    )
    with db.cursor() as cur:
        cur.execute(
            "SELECT customer_id, total, sold_at FROM sales WHERE imported_batch = ?",
            [opened.batch_id],
        )
        [(customer_id, total, sold_at)] = cur.fetchall()
    assert (customer_id, total) == (shop["LSX-0002"], Decimal("101.90"))
    assert sold_at.astimezone(UTC) == datetime(2025, 3, 14, 15, 30, tzinfo=UTC)  # Paris time
