"""Opening positions' pure rules: headers to fields, amounts, points, dates and codes as other
systems write them, a line's amounts from whichever columns a file has, an order's tax
shared, the till's reading of a code another system printed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.logic.errors import FieldProblem, ValidationFailed
from comptoir.logic.opening_import import (
    amount,
    check_mapping,
    day,
    guess,
    is_line,
    line_amounts,
    moment,
    points,
    quantity,
    recognise,
    share_tax,
    voucher_code,
)
from comptoir.logic.vouchers import is_ours, new_code, till_code

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 234,50 €", "1234.50"),
        ("$1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234", "1234"),
        ("12,5", "12.50"),
        ("(12.50)", "-12.50"),
        ("12.50-", "-12.50"),
        ("-€2.00", "-2.00"),
        ("'42", "42.00"),
        ("EUR 7", "7.00"),
        ("\u221210,00", "-10.00"),
    ],
)
def test_amounts_as_other_systems_write_them(text, expected):
    assert amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "12,3,4", "1.2.3", "1e5", "NaN", "1,2345", "12.3456"])
def test_an_unreadable_amount_is_named(text):
    with pytest.raises(FieldProblem) as refused:
        amount(text)
    assert refused.value.code == "amount_unreadable"


def test_empty_cells_are_no_value_and_points_are_whole():
    assert amount("") is None and amount(None) is None and points(" ") is None
    assert points("1 200") == 1200 and points("12.0") == 12
    for bad in ("12.5", "-3", "lots"):
        with pytest.raises(FieldProblem):
            points(bad)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_an_amount_written_plainly_reads_back_exactly(value):
    assert amount(f"{value:f}") == value


def test_quantities_dates_and_moments():
    assert quantity("") == 1 and quantity("2") == 2 and quantity("-1") == -1
    with pytest.raises(FieldProblem):
        quantity("0")
    assert day("31.12.2027") == date(2027, 12, 31)
    assert day("12/31/2027", "mdy") == date(2027, 12, 31)
    assert day("2027-06-30") == date(2027, 6, 30)
    with pytest.raises(FieldProblem):
        day("2026-13-01 10:00:00")
    # Shopify's offset, Square's separate time in the shop's zone, a day-first date.
    assert moment("2025-11-03 10:14:02 +0100", None, "dmy", PARIS) == datetime(
        2025, 11, 3, 9, 14, 2, tzinfo=UTC
    )
    assert moment("2025-10-04", "14:32:10", "dmy", PARIS) == datetime(
        2025, 10, 4, 12, 32, 10, tzinfo=UTC
    )
    assert moment("04/10/2025 2:05 PM", None, "dmy", UTC) == datetime(
        2025, 10, 4, 14, 5, tzinfo=UTC
    )


def test_headers_mapped_per_kind_and_recognised_systems():
    assert guess("balances", ["Kundennummer", "Saldo", "Kreditlimit", "Treuepunkte"]) == [
        "account_number",
        "balance",
        "credit_limit",
        "points",
    ]
    shopify = [
        "Name",
        "Email",
        "Subtotal",
        "Taxes",
        "Total",
        "Created at",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Lineitem sku",
    ]
    assert recognise("sales", shopify).code == "shopify_orders"
    # An order's own total is not a line's: left out, where words alone would map it.
    assert guess("sales", shopify) == [
        "reference",
        "email",
        None,
        "order_tax",
        None,
        "sold_at",
        "quantity",
        "item",
        "unit_price",
        "sku",
    ]
    assert recognise("balances", shopify) is None


def test_a_mapping_needs_its_kinds_columns():
    with pytest.raises(ValidationFailed) as refused:
        check_mapping("sales", ["reference", "item", "item"])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("mapping", "import_mapped_twice"),
        ("sold_at", "opening_needs"),
        ("line_total", "opening_needs_amount"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        check_mapping("balances", ["email", "code"])
    assert [e.code for e in refused.value.errors] == ["not_in_list", "opening_needs_position"]
    check_mapping("vouchers", ["code", "voucher_balance", None])


def test_a_lines_amounts_from_whichever_columns_the_file_has():
    one = Decimal(1)
    assert line_amounts(Decimal(2), Decimal("6"), None, None, None, None, None).gross == 12
    square = line_amounts(one, None, None, Decimal("14.00"), Decimal("2.33"), None, None)
    assert (square.gross, square.tax, square.net, square.rate) == (
        Decimal("16.33"),
        Decimal("2.33"),
        Decimal("14.00"),
        Decimal("16.64"),
    )
    rated = line_amounts(one, None, None, None, None, Decimal("120.00"), Decimal("20"))
    assert (rated.tax, rated.net) == (Decimal("20.00"), Decimal("100.00"))
    discounted = line_amounts(one, Decimal("50"), Decimal("5"), None, None, None, None)
    assert discounted.gross == Decimal("45.00")
    with pytest.raises(FieldProblem):
        line_amounts(one, None, None, None, Decimal("30"), Decimal("20"), None)


@given(
    st.lists(st.decimals(min_value=0, max_value=10_000, places=2), min_size=1, max_size=20),
    st.decimals(min_value=0, max_value=5_000, places=2),
)
def test_an_orders_tax_shared_to_the_cent(grosses, tax):
    shares = share_tax(grosses, tax)
    assert len(shares) == len(grosses)
    if sum(grosses):
        assert sum(shares) == tax


def test_voucher_codes_as_printed_and_line_types():
    assert voucher_code("gc-4410 2231-7781") == "GC441022317781"
    assert voucher_code("'0012345678901") == "0012345678901"
    for bad in ("", "AB1", "ÉTÉ-2025", "X" * 41, "a/b/c/d"):
        with pytest.raises(FieldProblem):
            voucher_code(bad)
    assert [is_line(t) for t in ("Sale", "Sale Line", "", "Item", "Payment")] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_the_till_reads_our_codes_and_codes_others_printed():
    ours = new_code("ABCDEFGHJKMN")
    assert is_ours(ours) and till_code(ours.lower()) == ours
    typo = ours[:-1] + ("2" if ours[-1] != "2" else "3")
    assert not is_ours(typo)
    assert till_code(typo) == typo  # looked up: only an imported voucher may have it
    assert till_code("GC-4410-2231-7781") == "GC441022317781"
    for bad in ("", "AB", "ÉTÉ2025", "X" * 41):
        with pytest.raises(FieldProblem):
            till_code(bad)
