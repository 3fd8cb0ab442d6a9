"""Insights on both engines: figures from SQL equal the sales they come from; the lists
behind a bar, a product, a segment and the lapsed customers hold exactly those."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.logic.auth import PermissionDenied
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.insights import Filters
from comptoir.services import insights, receipts
from tests.conftest import MANAGER, STAFF
from tests.insights_samples import make_insights_shop

NOVEMBER = Filters(date(2026, 11, 1), date(2026, 11, 30))


def _total(sale_id: int) -> Decimal:
    return receipts.sale_detail(MANAGER, sale_id)["total"]


@pytest.fixture
def shop(database):
    return make_insights_shop()


def test_the_overview_adds_up_to_the_sales(shop):
    made = shop["sales"]
    seen = insights.overview(MANAGER, NOVEMBER, "week", 12)
    november = [made["a_1"], made["a_2"], made["b_1"]]
    assert seen.summary["revenue"] == sum(_total(s) for s in november)
    assert (seen.summary["baskets"], seen.summary["customers"]) == (3, 2)
    weeks = {row["bucket"]: row for row in seen.series}
    assert sorted(weeks) == [date(2026, 11, 2), date(2026, 11, 9)]  # Mondays
    # Bruno's first purchase ever is in the week of 2 November; Anna bought in 2025.
    first = weeks[date(2026, 11, 2)]
    assert (first["new_customers"], first["returning_customers"], first["baskets"]) == (1, 1, 2)
    assert [row["revenue"] for row in seen.last_year] == [_total(made["a_last_year"])]
    assert [r["last_name"] for r in seen.top_spend] == ["Bruno", "Anna"]
    assert [(r["last_name"], r["visits"]) for r in seen.top_visits] == [("Anna", 2), ("Bruno", 1)]
    assert [(p["sku"], p["quantity"]) for p in seen.top_products] == [
        ("BIKE", Decimal("1.000")),
        ("TUBE", Decimal("3.000")),
    ]
    assert sum(s["customers"] for s in seen.segments.values()) == 2
    # Chloe last bought in January 2024: lapsed for 12 months and more at the period's end.
    assert seen.lapsed == 1


def test_filters_narrow_every_figure(shop):
    tyres = Filters(NOVEMBER.start, NOVEMBER.end, product_group="Tyres")
    seen = insights.overview(MANAGER, tyres, "month", 12)
    assert seen.summary["baskets"] == 2
    assert [p["sku"] for p in seen.top_products] == ["TUBE"]
    bike_only = Filters(NOVEMBER.start, NOVEMBER.end, product_id=shop["bike"])
    assert insights.overview(MANAGER, bike_only, "month", 12).summary["customers"] == 1
    exempt = Filters(NOVEMBER.start, NOVEMBER.end, tax_exempt=True)
    assert insights.overview(MANAGER, exempt, "month", 12).summary["baskets"] == 0


def test_each_list_holds_what_its_bar_or_segment_counts(shop):
    made = shop["sales"]
    week = insights.bucket_sales(MANAGER, NOVEMBER, "week", date(2026, 11, 2))
    rows, total = insights.first_rows(MANAGER, week)
    assert total == 2 and {r["sale_id"] for r in rows} == {made["a_1"], made["b_1"]}
    bikes = insights.product_sales(MANAGER, NOVEMBER, shop["bike"])
    assert [r["sale_id"] for r in insights.first_rows(MANAGER, bikes)[0]] == [made["b_1"]]
    seen = insights.overview(MANAGER, NOVEMBER, "week", 12)
    for name, counted in seen.segments.items():
        listed = insights.first_rows(MANAGER, insights.segment_customers(MANAGER, NOVEMBER, name))
        assert listed[1] == counted["customers"], name
    lapsed = insights.first_rows(MANAGER, insights.lapsed_customers(MANAGER, NOVEMBER, 12))[0]
    assert [r["last_name"] for r in lapsed] == ["Chloe"]


def test_refusals(shop):
    with pytest.raises(PermissionDenied):
        insights.overview(STAFF, NOVEMBER, "week", 12)
    backwards = Filters(date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(ValidationFailed) as refused:
        insights.overview(MANAGER, backwards, "week", 12)
    assert [(e.field, e.code) for e in refused.value.errors] == [("end", "end_before_start")]
