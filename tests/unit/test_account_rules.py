"""Credit-account rules: amounts, limit, allocation, ageing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.logic.accounts import (
    CreditLimitExceeded,
    NoCreditAccount,
    OpenItem,
    aged_totals,
    allocate,
    bucket,
    check_charge,
    check_entry_date,
    parse_amount,
    parse_limit,
    require_reason,
    reversal_amount,
)
from comptoir.logic.errors import FieldProblem

D = Decimal
TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12", "12.00"),
        ("12,5", "12.50"),
        ("0.01", "0.01"),
        (" 1 000,00 ", "1000.00"),
        (D("3"), "3.00"),
    ],
)
def test_amounts_accepted(raw, expected):
    assert parse_amount(raw) == D(expected)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "required"),
        ("0", "amount_invalid"),
        ("-5", "amount_invalid"),
        ("1.234", "amount_invalid"),
        ("abc", "amount_invalid"),
        ("NaN", "amount_invalid"),
        ("1000000.01", "amount_too_large"),
        (True, "amount_invalid"),
    ],
)
def test_amounts_refused(raw, code):
    with pytest.raises(FieldProblem) as info:
        parse_amount(raw)
    assert info.value.code == code


def test_limit_may_be_zero():
    assert parse_limit("0") == D("0") and parse_limit("250") == D("250.00")


def test_dates_and_reasons():
    assert check_entry_date(TODAY, TODAY) == TODAY
    with pytest.raises(FieldProblem):
        check_entry_date(date(2026, 11, 30), TODAY)
    assert require_reason("  wrong   price ") == "wrong price"
    with pytest.raises(FieldProblem):
        require_reason("  ")


def test_limit_check_names_balance_limit_and_excess():
    check_charge(D("400"), D("500"), D("100"))  # exactly at the limit is fine
    with pytest.raises(CreditLimitExceeded) as info:
        check_charge(D("400"), D("500"), D("100.01"))
    assert (info.value.balance, info.value.limit, info.value.excess) == (
        D("400"),
        D("500"),
        D("0.01"),
    )
    with pytest.raises(CreditLimitExceeded):
        check_charge(D("0"), D("0"), D("0.01"))  # limit 0: no credit
    with pytest.raises(NoCreditAccount):
        check_charge(D("0"), None, D("1"))


def test_credit_on_the_account_allows_a_charge_up_to_limit_plus_credit():
    check_charge(D("-50"), D("0"), D("50"))
    with pytest.raises(CreditLimitExceeded):
        check_charge(D("-50"), D("0"), D("50.01"))


ITEMS = [
    OpenItem(1, date(2026, 9, 1), D("100")),
    OpenItem(2, date(2026, 8, 1), D("50")),
    OpenItem(3, date(2026, 10, 1), D("30")),
]


def test_allocation_oldest_first_with_leftover():
    assert allocate(D("120"), ITEMS) == ([(2, D("50")), (1, D("70"))], D("0"))
    assert allocate(D("200"), ITEMS) == ([(2, D("50")), (1, D("100")), (3, D("30"))], D("20"))


def test_allocation_to_ticked_items_in_the_given_order():
    assert allocate(D("40"), ITEMS, [3, 1]) == ([(3, D("30")), (1, D("10"))], D("0"))
    pairs, left = allocate(D("40"), ITEMS, [3])
    assert pairs == [(3, D("30"))] and left == D("10")


def test_ageing_buckets_by_days_past_terms():
    assert [bucket(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "current",
        "current",
        "1_30",
        "1_30",
        "31_60",
        "31_60",
        "61_90",
        "61_90",
        "over_90",
    ]
    totals = aged_totals(
        [(date(2026, 11, 20), D("10")), (date(2026, 10, 1), D("20")), (date(2026, 6, 1), D("5"))],
        30,
        TODAY,
    )
    assert totals == {
        "current": D("10"),
        "1_30": D("20"),
        "31_60": D("0"),
        "61_90": D("0"),
        "over_90": D("5"),
    }


def test_reversal_has_the_opposite_sign():
    assert reversal_amount(D("12.50")) == D("-12.50")
    assert reversal_amount(D("-3")) == D("3")
