"""Nasty numbers through the real services: refused with the field named, nothing stored."""

from __future__ import annotations

import uuid

import pytest

from comptoir.data import db
from comptoir.logic.errors import ValidationFailed
from comptoir.services import accounts, customers, products, till
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF
from tests.sales_samples import make_sales_shop


def _refused(call) -> set[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as info:
        call()
    return {(e.field, e.code) for e in info.value.errors}


def _count(table: str) -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


@pytest.mark.parametrize("raw", ["1e30", "9" * 28, "NaN", "Infinity"])
def test_every_money_field_refuses_nasty_numbers(database, raw):
    shop = make_sales_shop()
    customer_id = customers.create_customer({"last_name": "Nombres"}, STAFF)
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    assert _refused(lambda: accounts.assign_account_type(MANAGER, customer_id, trade, raw)) == {
        ("credit_limit", "amount_invalid")
    }
    accounts.assign_account_type(MANAGER, customer_id, trade, "100")
    assert _refused(
        lambda: accounts.record_entry(STAFF, customer_id, EntryRequest("charge", raw), "k1")
    ) == {("amount", "amount_invalid")}
    assert _refused(
        lambda: products.save_product(
            MANAGER, None, None, {"sku": "N-1", "name": "N", "price": raw, "tax_rate": "20"}
        )
    ) == {("price", "price_invalid")}
    assert _refused(
        lambda: till.record_sale(
            STAFF, None, [LineRequest(shop["tube"], raw)], [("card", "1")], uuid.uuid4().hex
        )
    ) == {("quantity", "quantity_invalid")}
    card = customers.get_customer(customer_id)
    assert _refused(
        lambda: customers.update_customer(
            customer_id, card["version"], {"discount_percent": raw}, STAFF
        )
    ) == {("discount_percent", "discount_invalid")}
    assert _count("ledger_entries") == 0 and _count("sales") == 0
