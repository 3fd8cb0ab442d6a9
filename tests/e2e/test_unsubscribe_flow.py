"""The unsubscribe link in Chromium against the app as `make run` starts it: a customer
opens the link from a marketing e-mail without any account, clicks once, and is out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.operations import suppression
from comptoir.services import customers
from tests.conftest import STAFF
from tests.e2e.conftest import acting, open_tab, prepared_app, settle, sign_in

pytestmark = pytest.mark.e2e
MADE: dict[str, object] = {}


def _prepare() -> None:
    lea = customers.create_customer(
        {"last_name": "Roux", "email": "lea@example.org", "marketing_opt_in": True}, STAFF
    )
    MADE["lea"] = lea
    MADE["query"] = suppression.link(lea).split("/unsubscribe", 1)[1]


@pytest.fixture(scope="module")
def link_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("unsubscribe"), 10, _prepare) as base:
        yield base


def test_a_customer_unsubscribes_in_one_click_without_an_account(link_app, page):
    page.goto(f"{link_app}/unsubscribe{MADE['query']}")
    settle(page)
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
    acting(page, lambda: page.get_by_role("button", name="Unsubscribe").click())
    expect(
        page.get_by_text("Done: Cycles du Comptoir will not send you marketing messages any more.")
    ).to_be_visible()
    expect(page.get_by_text("DEMO shop", exact=False)).to_have_count(0)
    # The staff see it on the card (the app holds the database file).
    sign_in(page, f"{link_app}/customer?id={MADE['lea']}", "manager")
    open_tab(page, "GDPR")
    expect(page.get_by_role("checkbox", name="E-mail marketing opt-in")).not_to_be_checked()
