"""Vouchers, rewards and delivery addresses in Chromium against the app as `make run`
starts it: the billing address copied as a delivery address (a second time refused),
a voucher sold, part of it spent in another sale, then cancelled; a rewards account
created, a sale made, the points on the card and on the receipt."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.data import db, demo
from comptoir.services import customers, products, shop
from comptoir.startup import create_demo_accounts
from tests.conftest import ADMIN, MANAGER, STAFF, application
from tests.e2e.conftest import (
    _chromium_or_skip,
    acting,
    open_tab,
    running_app,
    sign_in,
    type_search,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop_app(tmp_path_factory) -> Iterator[tuple[str, int]]:
    _chromium_or_skip()
    folder = tmp_path_factory.mktemp("vouchers")
    path = folder / "shop.duckdb"
    with application(db.DuckDBFile(path)):
        demo.generate(20, seed=4, path=path)
        create_demo_accounts()
        shop.save_settings({"locale": "en_GB"}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)
        products.save_product(
            MANAGER,
            None,
            None,
            {"sku": "LAMP-1", "name": "Front lamp", "price": "30.00", "tax_rate": "20"},
        )
        customer_id = customers.create_customer(
            {
                "last_name": "Fidele",
                "first_name": "Flora",
                "address1": "3 rue Royale",
                "postcode": "74000",
                "city": "Annecy",
                "country_code": "FR",
            },
            STAFF,
        )
        db.close(path)
        with running_app({db.ENV_VAR: str(path)}, folder / "server.log") as base:
            yield base, customer_id


def click(page, name: str) -> None:
    acting(page, lambda: page.get_by_role("button", name=name, exact=True).click())


def popover(page):
    return page.locator("[data-testid=stPopoverBody]")


def go(page, name: str) -> None:
    acting(
        page,
        lambda: page.locator("[data-testid=stSidebarNav]").get_by_text(name, exact=True).click(),
    )


def pay(page, label: str, amount: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(amount)
    acting(page, lambda: box.press("Enter"))


def test_delivery_address_voucher_and_rewards(shop_app, page):
    base, customer_id = shop_app
    sign_in(page, f"{base}/customer?id={customer_id}", "manager")

    # The billing address copied once; the second time is refused.
    open_tab(page, "Delivery addresses")
    click(page, "Add the billing address as delivery address")
    expect(page.get_by_text("Delivery address added.")).to_be_visible()
    click(page, "Add the billing address as delivery address")
    expect(page.get_by_text("the customer already has this address")).to_be_visible()

    # A rewards account for the customer.
    open_tab(page, "Customer rewards")
    expect(page.get_by_text("No customer rewards account")).to_be_visible()
    click(page, "Create a rewards account")
    expect(page.get_by_text("Rewards account created.")).to_be_visible()

    # Sell Flora a 50.00 voucher, paid cash.
    go(page, "New sale")
    type_search(page, "Find the customer", "fidele")
    # One customer found: already the one sold to.
    expect(page.get_by_role("combobox", name="Sell to")).to_have_value(re.compile("Fidele"))
    page.get_by_role("button", name="Sell a gift voucher").click()
    popover(page).get_by_role("textbox", name="Voucher amount").fill("50")
    acting(page, lambda: popover(page).get_by_role("button", name="Add", exact=True).click())
    page.keyboard.press("Escape")
    pay(page, "Cash", "50")
    click(page, "Close the sale")
    expect(page.get_by_text("Sale closed: receipt R000001.")).to_be_visible()
    # The closed sale's lines name the voucher with its code (the basket showed none).
    pattern = re.compile(r"Gift voucher ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z])")
    sold = page.locator("[data-testid=stTable]").filter(has_text=pattern)
    expect(sold).to_have_count(1)
    code = pattern.search(sold.inner_text())
    assert code is not None

    # Flora buys the lamp (30.00): 20.00 from the voucher, 10.00 by card; she earns points
    # on what the card paid, printed on the receipt.
    type_search(page, "Find the customer", "fidele")
    # One customer found: already the one sold to.
    expect(page.get_by_role("combobox", name="Sell to")).to_have_value(re.compile("Fidele"))
    type_search(page, "Find by name", "lamp")
    click(page, "Add")
    page.get_by_role("textbox", name="Gift voucher code").fill(code.group(1))
    page.get_by_role("textbox", name="Paid by the voucher").fill("20")
    pay(page, "Card", "10")
    click(page, "Close the sale")
    expect(page.get_by_text("Sale closed: receipt R000002.")).to_be_visible()
    # Closing a sale runs the till twice (its fragment, then the page afresh); acting()
    # waited for both: the first sale's preview is gone.
    expect(page.get_by_text("Receipt-printer preview")).to_have_count(1)
    page.get_by_text("Receipt-printer preview").click()
    preview = page.locator("[data-testid=stCode]").last
    expect(preview).to_contain_text(re.compile(r"Points earned\s+10"))

    # The card: 10 points; the voucher has 30.00 left and is cancelled with a reason.
    go(page, "Customer card")
    open_tab(page, "Customer rewards")
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("10")
    open_tab(page, "Gift vouchers")
    vouchers_table = page.locator("[data-testid=stTable]").first
    expect(vouchers_table).to_contain_text("€30.00")
    page.get_by_role("button", name="Cancel", exact=True).click()
    popover(page).get_by_role("textbox", name="Reason").fill("Customer asked for a refund")
    acting(
        page,
        lambda: popover(page).get_by_role("button", name="Cancel the voucher for good").click(),
    )
    expect(page.get_by_text("Voucher cancelled.")).to_be_visible()
    expect(page.locator("[data-testid=stTable]").first).to_contain_text("Cancelled")
    # Nothing left to spend, and no longer offered as paper or e-mail.
    expect(page.locator("[data-testid=stTable]").first).to_contain_text("€0.00")
    expect(page.get_by_role("button", name="Reprint", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="E-mail the voucher")).to_have_count(0)
