"""Erasure in Chromium against the app as `make run` starts it: an administrator erases a
customer; the card is anonymised while their sale and its invoice remain."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.services import customers, products, receipts, till
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF
from tests.e2e.conftest import acting, open_tab, prepared_app, sign_in

pytestmark = pytest.mark.e2e
MADE: dict[str, int] = {}


def _prepare() -> None:
    lamp = products.save_product(
        MANAGER, None, None, {"sku": "LAMP", "name": "Lamp", "price": "30", "tax_rate": "20"}
    )
    MADE["customer"] = customers.create_customer(
        {"last_name": "Oubliee", "first_name": "Odile", "email": "odile@example.org"}, STAFF
    )
    sale = till.record_sale(
        STAFF, MADE["customer"], [LineRequest(lamp, "1")], [("card", "30")], uuid.uuid4().hex
    )
    receipts.issue_invoice(STAFF, sale)


@pytest.fixture(scope="module")
def gdpr_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("gdpr"), 10, _prepare) as base:
        yield base


def test_erase_a_customer_and_keep_their_sales_and_invoices(gdpr_app, page):
    customer_id = MADE["customer"]
    sign_in(page, f"{gdpr_app}/customer?id={customer_id}", "admin")
    expect(page.locator("h1").first).to_have_text("Odile Oubliee")
    number = page.get_by_role("textbox", name="Account number").input_value()
    open_tab(page, "GDPR")
    page.get_by_text("Erase this customer (right to erasure)").click()
    box = page.get_by_role("textbox", name=f"Type the account number ({number}) to confirm")
    box.fill(number)
    acting(page, lambda: box.press("Enter"))
    acting(page, lambda: page.get_by_role("button", name="Erase for good").click())
    expect(page.get_by_text("Customer erased: their sales and invoices remain.")).to_be_visible()
    expect(page.locator("h1").first).to_have_text("Data removed")
    open_tab(page, "Purchase history")
    history = page.locator("[data-testid=stTable]").first
    expect(history).to_contain_text("R000001")
    expect(history).to_contain_text("€30.00")
    expect(history).to_contain_text("F20")
