"""Merging in Chromium against the app as `make run` starts it: an administrator merges two
records of one customer from the Duplicates page; the record kept shows both purchase
histories and the sum of both balances, and the old account number finds it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.services import accounts, customers, products, till
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF
from tests.e2e.conftest import acting, open_tab, prepared_app, sign_in

pytestmark = pytest.mark.e2e
MADE: dict[str, object] = {}


def _prepare() -> None:
    wheel = products.save_product(
        MANAGER, None, None, {"sku": "WHEEL", "name": "Wheel", "price": "80", "tax_rate": "20"}
    )
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    made = []
    for first, email, owed in (
        ("Marc", "marc@example.org", "40"),
        ("Marc", "MARC@example.org", "25"),
    ):
        who = customers.create_customer(
            {"last_name": "Doublon", "first_name": first, "email": email}, STAFF
        )
        accounts.assign_account_type(MANAGER, who, trade, "500")
        accounts.record_entry(STAFF, who, EntryRequest("charge", owed), uuid.uuid4().hex)
        till.record_sale(STAFF, who, [LineRequest(wheel, "1")], [("card", "80")], uuid.uuid4().hex)
        made.append(who)
    MADE["kept"], MADE["other"] = made
    MADE["kept_number"] = customers.get_customer(made[0])["account_number"]
    MADE["other_number"] = customers.get_customer(made[1])["account_number"]


@pytest.fixture(scope="module")
def merge_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("merge"), 10, _prepare) as base:
        yield base


def test_merge_two_customers_and_see_both_histories_and_balances(merge_app, page):
    kept, other = MADE["kept_number"], MADE["other_number"]
    sign_in(page, f"{merge_app}/duplicates", "admin")
    expect(page.get_by_text("same e-mail", exact=True)).to_be_visible()
    confirm = page.get_by_role("button", name=f"Merge {other} — Marc Doublon into {kept}")
    acting(page, page.get_by_role("button", name="Compare and merge").click)
    expect(confirm).to_be_visible()
    # The record kept is the first of the pair, chosen already (the button names it).
    expect(page.get_by_role("radio", name=f"{kept} — Marc Doublon")).to_be_checked()
    expect(page.get_by_text("Account balance after the merge: €65.00")).to_be_visible()
    expect(page.get_by_text("Sales: 1, Account entries: 1")).to_be_visible()
    acting(page, confirm.click)
    expect(page.get_by_text(f"{other} — Marc Doublon was merged into {kept}")).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()

    # A new page load is a new session: signed in again.
    sign_in(page, f"{merge_app}/customer?id={MADE['kept']}", "admin")
    open_tab(page, "Purchase history")
    history = page.locator("[data-testid=stTable]").first
    expect(history).to_contain_text("R000001")
    expect(history).to_contain_text("R000002")
    open_tab(page, "Account")
    balance = page.locator("[data-testid=stMetric]").filter(has_text="Balance")
    expect(balance).to_contain_text("€65.00")

    # The merged record's card says where everything went and opens it.
    sign_in(page, f"{merge_app}/customer?id={MADE['other']}", "admin")
    expect(page.get_by_text(f"This record was merged into {kept}")).to_be_visible()
    acting(page, lambda: page.get_by_role("button", name=f"Open {kept}").click())
    # The card on screen, not the merged card's fields still fading out (Streamlit marks
    # a previous run's elements data-stale until its run has replaced them).
    fresh = page.locator("[data-stale=false] input[aria-label='Account number']")
    expect(fresh).to_have_value(kept)
