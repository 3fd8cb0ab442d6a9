"""Returns on a real DuckDB file: what was paid comes back, once, whatever changed since."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from comptoir.data import db
from comptoir.logic.errors import ValidationFailed
from comptoir.services import accounts, customers, products, receipts, returns, till
from comptoir.services.till import LineRequest
from tests.concurrency import at_once
from tests.conftest import MANAGER, STAFF
from tests.sales_samples import make_sales_shop

D = Decimal


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def shop(database):
    return make_sales_shop()


def _product(product_id: int) -> dict:
    rows, _ = products.search_products("")
    return next(r for r in rows if r["id"] == product_id)


def _reprice(product_id: int, price: str, active: bool = True) -> None:
    row = _product(product_id)
    products.save_product(
        MANAGER,
        product_id,
        row["version"],
        {
            "sku": row["sku"],
            "name": row["name"],
            "price": price,
            "tax_rate": str(row["tax_rate"]),
            "active": active,
        },
    )


def _sell(customer_id, lines, tender="card") -> int:
    _, basket = till.preview(customer_id, lines)
    return till.record_sale(STAFF, customer_id, lines, [(tender, str(basket.total))], key())


def test_a_price_raised_since_refunds_the_price_paid(shop):
    sale_id = _sell(None, [LineRequest(shop["light"], "1")])
    _reprice(shop["light"], "99.00")
    refund = receipts.sale_detail(
        STAFF, returns.refund_sale(STAFF, sale_id, {1: "1"}, "card", key())
    )
    assert refund["total"] == D("-24.00")
    assert [(x["unit_price"], x["gross"], x["tax"]) for x in refund["lines"]] == [
        (D("24.00"), D("-24.00"), D("-4.00"))
    ]


def test_a_discount_removed_since_still_refunds_what_was_paid(shop):
    buyer = customers.create_customer({"last_name": "Remise", "discount_percent": "20"}, STAFF)
    sale_id = _sell(buyer, [LineRequest(shop["light"], "2")])
    paid = receipts.sale_detail(STAFF, sale_id)["total"]
    assert paid == D("38.40")
    card = customers.get_customer(buyer)
    customers.update_customer(buyer, card["version"], {"discount_percent": "0"}, STAFF)
    refund = receipts.sale_detail(
        STAFF, returns.refund_sale(STAFF, sale_id, {1: "2"}, "card", key())
    )
    assert refund["total"] == -paid
    assert refund["customer_discount_percent"] == D("20.00")


def test_items_returned_one_at_a_time_add_up_to_what_was_paid(shop):
    lines = [LineRequest(shop["tube"], "3", "33.33")]
    sale_id = _sell(None, lines)
    paid = receipts.sale_detail(STAFF, sale_id)["lines"][0]
    assert paid["gross"] == D("13.00")  # 19.50 less 33.33 %
    refunds = [
        receipts.sale_detail(STAFF, returns.refund_sale(STAFF, sale_id, {1: "1"}, "cash", key()))
        for _ in range(3)
    ]
    assert [r["total"] for r in refunds] == [D("-4.33"), D("-4.33"), D("-4.34")]
    for part in ("gross", "tax", "net", "discount"):
        assert sum(r["lines"][0][part] for r in refunds) == -paid[part], part
    with pytest.raises(ValidationFailed) as info:
        returns.refund_sale(STAFF, sale_id, {1: "1"}, "cash", key())
    assert [(e.code, e.params["left"]) for e in info.value.errors] == [("refund_too_many", "0")]


def test_a_deactivated_product_and_an_archived_customer_do_not_block_a_return(shop):
    sale_id = _sell(shop["pro"], [LineRequest(shop["tube"], "2"), LineRequest(shop["light"], "1")])
    _reprice(shop["tube"], "7.00", active=False)
    card = customers.get_customer(shop["pro"])
    customers.set_archived(shop["pro"], card["version"], True, STAFF)
    refund = receipts.sale_detail(
        STAFF, returns.refund_sale(STAFF, sale_id, {1: "2"}, "card", key())
    )
    # Tube at level B, tax exempt at the time: 2 × 5.00 less tax = 8.33.
    assert refund["total"] == D("-8.33") and refund["tax_exempt"] is True
    assert refund["lines"][0]["returns_line_no"] == 1


def test_only_the_returned_line_counts_against_what_is_left(shop):
    sale_id = _sell(None, [LineRequest(shop["tube"], "1"), LineRequest(shop["light"], "1")])
    returns.refund_sale(STAFF, sale_id, {2: "1"}, "card", key())
    assert returns.returnable_lines(STAFF, sale_id) == {1: D("1"), 2: D("0")}
    refund = receipts.sale_detail(
        STAFF, returns.refund_sale(STAFF, sale_id, {1: "1"}, "card", key())
    )
    assert refund["total"] == D("-6.50")


def test_a_return_on_account_credits_the_account(shop):
    buyer = customers.create_customer({"last_name": "Compte"}, STAFF)
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, buyer, trade, "100")
    sale_id = _sell(buyer, [LineRequest(shop["light"], "1")], tender="account")
    returns.refund_sale(STAFF, sale_id, {1: "1"}, "account", key())
    assert accounts.overview(STAFF, buyer).balance == D("0.00")
    assert accounts.check_consistency(buyer)["ledger"] == D("0.00")


def test_the_same_key_returns_once(shop):
    sale_id = _sell(None, [LineRequest(shop["tube"], "3")])
    once = key()
    first = returns.refund_sale(STAFF, sale_id, {1: "1"}, "card", once)
    again = returns.refund_sale(STAFF, sale_id, {1: "1"}, "card", once)
    assert first == again
    assert returns.returnable_lines(STAFF, sale_id) == {1: D("2")}


def test_concurrent_returns_never_refund_more_than_was_sold(shop, locks):
    sale_id = _sell(None, [LineRequest(shop["light"], "1")])
    outcomes = at_once(
        4,
        1,
        lambda: returns.refund_sale(STAFF, sale_id, {1: "1"}, "cash", key()),
        (ValidationFailed,),
    )
    refused = [e.code for exc in outcomes.refused for e in exc.errors]
    assert outcomes.others == []
    # The losers conflict, retry, re-read and find nothing left.
    assert len(outcomes.done) == 1 and refused == ["refund_too_many"] * 3
    with db.cursor() as cur:
        refunded = cur.execute(
            "SELECT coalesce(sum(total), 0) FROM sales WHERE refund_of = ?", [sale_id]
        ).fetchall()[0][0]
    assert refunded == D("-24.00")


def test_the_database_refuses_more_returned_than_sold(shop, database):
    import duckdb
    import psycopg

    on_postgres = database.startswith("postgresql://")
    refusal = psycopg.errors.CheckViolation if on_postgres else duckdb.ConstraintException
    sale_id = _sell(None, [LineRequest(shop["tube"], "1")])
    with pytest.raises(refusal), db.transaction() as cur:
        cur.execute(
            "UPDATE sale_line_returns SET returned_quantity = 2 WHERE sale_id = ?", [sale_id]
        )


def test_a_return_names_the_receipt_it_refunds_in_its_detail_and_the_history(shop):
    buyer = customers.create_customer({"last_name": "Retour"}, STAFF)
    first = _sell(buyer, [LineRequest(shop["light"], "1")])
    second = _sell(buyer, [LineRequest(shop["light"], "1")])
    refund = returns.refund_sale(STAFF, second, {1: "1"}, "card", key())
    receipt = receipts.sale_detail(STAFF, second)["receipt_number"]
    assert receipts.sale_detail(STAFF, refund)["refund_of_receipt"] == receipt
    assert receipts.sale_detail(STAFF, first)["refund_of_receipt"] is None
    rows, total = receipts.purchase_history(STAFF, buyer)
    assert total == 3
    assert [(r["id"], r["refund_of_receipt"]) for r in rows] == [
        (refund, receipt),
        (second, None),
        (first, None),
    ]
