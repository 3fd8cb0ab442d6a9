"""Insights in Chromium against the app as `make run` starts it: filter by product group,
click a segment's bar, see its customers, export them and open the file."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from comptoir.operations import clock
from comptoir.services import customers, products, till
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF
from tests.e2e.conftest import acting, prepared_app, sign_in

pytestmark = pytest.mark.e2e


def _sell(customer_id: int, product_id: int, days_ago: int) -> None:
    lines = [LineRequest(product_id, "1")]
    _, basket = till.preview(customer_id, lines)
    when = clock.now() - timedelta(days=days_ago)
    till.record_sale(STAFF, customer_id, lines, [("card", basket.total)], uuid.uuid4().hex, when)


def _prepare() -> None:
    """A tube and a road bike in two groups; three customers' recent purchases."""
    tube, bike = (
        products.save_product(
            MANAGER,
            None,
            None,
            {"sku": sku, "name": name, "price": price, "tax_rate": "20", "product_group": group},
        )
        for sku, name, price, group in (
            ("TUBE", "Tube", "10", "Tyres"),
            ("BIKE", "Road bike", "1000", "Road bikes"),
        )
    )
    people = {
        name: customers.create_customer({"last_name": name, "city": "Lyon"}, STAFF)
        for name in ("Insightanna", "Insightbruno", "Insightdora")
    }
    _sell(people["Insightanna"], tube, 20)
    _sell(people["Insightanna"], tube, 10)
    _sell(people["Insightbruno"], tube, 15)
    _sell(people["Insightdora"], bike, 5)


@pytest.fixture(scope="module")
def insights_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("insights"), 10, _prepare) as base:
        yield base


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_filter_click_a_segment_export_it(insights_app, page, tmp_path):
    sign_in(page, f"{insights_app}/insights", "manager")
    expect(_metric(page, "Baskets")).to_have_text("4")
    box = page.get_by_role("combobox", name="Group")
    box.click()
    acting(page, lambda: page.get_by_role("option", name="Tyres", exact=True).click())
    expect(_metric(page, "Baskets")).to_have_text("3")
    expect(_metric(page, "Customers")).to_have_text("2")

    # A click on the first segment's bar (two customers bought tubes: each is in one).
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Customer segments (RFM)")
    bars = chart.locator("g.trace.bars g.point path")
    expect(bars.first).to_be_attached()
    chart.scroll_into_view_if_needed()
    boxes = [b.bounding_box() for b in bars.all()]
    tall = [b for b in boxes if b and b["height"] > 2]
    assert tall, "no segment has customers"
    # Plotly's drag layer lies over the bars and finds the bar under the pointer itself.
    acting(
        page,
        lambda: page.mouse.click(
            tall[0]["x"] + tall[0]["width"] / 2, tall[0]["y"] + tall[0]["height"] / 2
        ),
    )
    expect(
        page.get_by_text(re.compile(r"^1 shown of 1; the export holds them all\.$"))
    ).to_be_visible()

    page.get_by_text("Export this list").click()
    download = page.get_by_role("button", name="Download", exact=True)
    acting(page, page.get_by_role("button", name="Prepare the file").click)
    expect(download).to_be_visible()
    with page.expect_download() as download_info:
        download.click()
    download = download_info.value
    assert download.suggested_filename.startswith("insights-segment-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    [row] = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert row["last_name"] in ("Insightanna", "Insightbruno")
    assert row["city"] == "Lyon"
