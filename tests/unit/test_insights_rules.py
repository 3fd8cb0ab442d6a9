"""Insights rules: RFM segments, periods, buckets, and refused filters."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.logic import insights as rules
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.insights import Filters


def test_every_score_pair_has_exactly_one_segment_and_every_segment_is_reachable():
    cells = [(r, f) for r in rules.SCORES for f in rules.SCORES]
    named = {cell: rules.segment(*cell) for cell in cells}
    assert set(named.values()) == set(rules.SEGMENTS)
    assert sorted(c for name in rules.SEGMENTS for c in rules.cells_of(name)) == sorted(cells)


@pytest.mark.parametrize(
    "recency, frequency, expected",
    [
        (5, 5, "champions"),
        (4, 4, "champions"),
        (3, 5, "loyal"),
        (5, 3, "loyal"),
        (5, 1, "new"),
        (4, 2, "potential"),
        (3, 1, "potential"),
        (1, 5, "cant_lose"),
        (2, 4, "cant_lose"),
        (2, 3, "at_risk"),
        (1, 2, "at_risk"),
        (2, 1, "hibernating"),
        (1, 1, "lapsed"),
    ],
)
def test_named_segments(recency, frequency, expected):
    assert rules.segment(recency, frequency) == expected


def test_scores_outside_one_to_five_are_a_bug():
    with pytest.raises(ValueError):
        rules.segment(0, 3)
    with pytest.raises(ValueError):
        rules.cells_of("vip")


def test_last_year_is_the_same_days_one_year_earlier():
    leap = Filters(date(2028, 2, 1), date(2028, 2, 29), shop_code="LYON")
    earlier = rules.last_year(leap)
    assert (earlier.start, earlier.end, earlier.shop_code) == (
        date(2027, 2, 1),
        date(2027, 2, 28),
        "LYON",
    )


def test_buckets_start_on_mondays_and_firsts():
    sunday = date(2026, 11, 29)
    assert rules.bucket_start(sunday, "day") == sunday
    assert rules.bucket_start(sunday, "week") == date(2026, 11, 23)
    assert rules.bucket_start(sunday, "month") == date(2026, 11, 1)
    assert rules.bucket_end(date(2026, 11, 23), "week") == sunday
    assert rules.bucket_end(date(2026, 2, 1), "month") == date(2026, 2, 28)


def test_lapsed_means_no_purchase_in_the_last_months():
    assert rules.lapsed_before(date(2026, 11, 30), 12) == date(2025, 12, 1)


def test_a_backwards_or_endless_period_is_refused_naming_its_end():
    with pytest.raises(ValidationFailed) as backwards:
        rules.check(Filters(date(2026, 2, 1), date(2026, 1, 1)))
    assert [(e.field, e.code) for e in backwards.value.errors] == [("end", "end_before_start")]
    with pytest.raises(ValidationFailed) as endless:
        rules.check(Filters(date(2000, 1, 1), date(2026, 1, 1)))
    assert [(e.field, e.code) for e in endless.value.errors] == [("end", "period_too_long")]
