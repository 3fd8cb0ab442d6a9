"""Bringing a shop's past sales from Shopify in Chromium against the app as `make run`
starts it: the orders export recognised, its dry run with totals and the refused order
named, the batch written, the sale on the customer's purchase history under its own
number with the old one kept, then the batch undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import acting, open_tab, prepared_app, sign_in

pytestmark = pytest.mark.e2e
FILE = Path(__file__).resolve().parents[1] / "fixtures" / "openings" / "shopify_orders.csv"
MADE: dict[str, int] = {}


def _lea() -> None:
    from comptoir.services import customers
    from tests.conftest import STAFF

    MADE["lea"] = customers.create_customer(
        {"last_name": "Roux", "first_name": "Léa", "email": "lea.roux@example.fr"}, STAFF
    )


@pytest.fixture(scope="module")
def openings_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("openings"), 10, _lea) as base:
        yield base


def test_past_sales_from_shopify_land_on_the_card_then_undo(openings_app, page):
    sign_in(page, f"{openings_app}/openings", "manager")
    acting(page, lambda: page.get_by_role("radio", name="Past sales").click())
    acting(
        page,
        lambda: page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(FILE)),
    )
    expect(page.get_by_text("Recognised: an export of Shopify")).to_be_visible()
    expect(page.get_by_text("4 lines read.")).to_be_visible()
    acting(page, lambda: page.get_by_role("button", name="Dry run").click())
    metric = page.get_by_test_id("stMetric")
    expect(metric.filter(has_text="To import")).to_contain_text("2")
    expect(metric.filter(has_text="Refused")).to_contain_text("1")
    expect(metric.filter(has_text="Total paid")).to_contain_text("177.00")
    report = page.locator("[data-testid=stTable]").last
    expect(report).to_contain_text("Line 5: Sold is not a date.")
    expect(report).to_contain_text("imported; to check: Line 4: E-mail: no customer has nobody")
    acting(page, lambda: page.get_by_role("button", name="Import: 2 to write").click())
    expect(page.get_by_text("Batch 1 written: 2 lines.")).to_be_visible()

    sign_in(page, f"{openings_app}/customer?id={MADE['lea']}", "manager")
    open_tab(page, "Purchase history")
    history = page.locator("[data-testid=stTable]").first
    expect(history).to_contain_text("IMP-0000001")
    expect(history).to_contain_text("132.00")

    sign_in(page, f"{openings_app}/openings", "manager")
    acting(page, lambda: page.get_by_role("button", name="Undo").first.click())
    expect(page.get_by_text("Import 1 undone.")).to_be_visible()
