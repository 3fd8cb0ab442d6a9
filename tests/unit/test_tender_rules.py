"""What the payments typed at the till come to."""

from __future__ import annotations

from decimal import Decimal as D

from comptoir.logic.tenders import SoFar, so_far


def test_part_paid_leaves_the_rest_to_pay():
    assert so_far(D("30.00"), [("card", "10"), ("cash", "")]) == SoFar(
        D("10.00"), D("20.00"), D("0.00"), D("0.00")
    )


def test_cash_beyond_the_total_is_change():
    assert so_far(D("30.00"), [("card", "10"), ("cash", "40,00")]) == SoFar(
        D("50.00"), D("0.00"), D("20.00"), D("0.00")
    )


def test_a_card_beyond_the_total_is_not_change():
    assert so_far(D("30.00"), [("card", "35"), ("cash", "2")]) == SoFar(
        D("37.00"), D("0.00"), D("2.00"), D("5.00")
    )


def test_an_unreadable_amount_gives_no_figures():
    assert so_far(D("30.00"), [("card", "1O")]) is None
    assert so_far(D("30.00"), []) == SoFar(D("0.00"), D("30.00"), D("0.00"), D("0.00"))
