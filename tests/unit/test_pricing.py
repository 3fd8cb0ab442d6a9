"""The pricing order with worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.logic.errors import FieldProblem
from comptoir.logic.pricing import (
    cents,
    check_tenders,
    parse_quantity,
    parse_tax_rates,
    price_line,
    shown_line,
    totals,
    unit_price,
)

D = Decimal
LEVELS = {"B": D("80.00")}


def test_price_level_b_with_and_without_a_b_price():
    assert unit_price(D("100.00"), LEVELS, "B") == D("80.00")
    assert unit_price(D("100.00"), {}, "B") == D("100.00")  # no B price: standard
    assert unit_price(D("100.00"), LEVELS, None) == D("100.00")
    assert unit_price(D("100.00"), LEVELS, "C") == D("100.00")


def test_customer_discount_applies_on_top_of_a_line_discount():
    # 100 € less 10 % on the line = 90; less the customer's 5 % = 85.50 (not 85).
    line = price_line(
        D("100.00"),
        D("1"),
        D("20"),
        line_discount_percent=D("10"),
        customer_discount_percent=D("5"),
    )
    assert (line.gross, line.discount) == (D("85.50"), D("14.50"))
    assert (line.tax, line.net) == (D("14.25"), D("71.25"))  # 85.50 × 20/120


def test_tax_inclusive_and_exclusive():
    inclusive = price_line(D("12.00"), D("2"), D("20"))
    assert (inclusive.net, inclusive.tax, inclusive.gross) == (D("20.00"), D("4.00"), D("24.00"))
    exclusive = price_line(D("12.00"), D("2"), D("20"), prices_include_tax=False)
    assert (exclusive.net, exclusive.tax, exclusive.gross) == (D("24.00"), D("4.80"), D("28.80"))
    reduced = price_line(D("10.00"), D("1"), D("5.5"))
    assert (reduced.net, reduced.tax) == (D("9.48"), D("0.52"))


def test_tax_exempt_customer_pays_no_tax():
    inclusive = price_line(D("12.00"), D("1"), D("20"), tax_exempt=True)
    assert (inclusive.net, inclusive.tax, inclusive.gross, inclusive.tax_rate) == (
        D("10.00"),
        D("0.00"),
        D("10.00"),
        D("0.00"),
    )
    exclusive = price_line(D("12.00"), D("1"), D("20"), tax_exempt=True, prices_include_tax=False)
    assert (exclusive.tax, exclusive.gross) == (D("0.00"), D("12.00"))


def test_rounding_per_line_half_up_and_totals_are_sums_of_lines():
    # 3 × 0.333 = 0.999 -> 1.00 per line; three such lines total 3.00.
    line = price_line(D("0.333"), D("3"), D("0"), prices_include_tax=False)
    assert line.gross == D("1.00")
    # 0.125 rounds half-up to 0.13.
    assert price_line(D("0.125"), D("1"), D("0"), prices_include_tax=False).gross == D("0.13")
    lines = [price_line(D("0.10"), D("1"), D("20"), prices_include_tax=False)] * 3
    sale = totals(lines)
    assert sale.tax == D("0.06")  # 3 × 0.02 (line tax 0.02), not round(0.30 × 20 %) = 0.06
    assert sale.total == D("0.36") and sale.net == D("0.30")
    assert sale.taxes == ((D("20"), D("0.30"), D("0.06")),)


def test_returns_are_negative_lines():
    line = price_line(D("49.90"), D("-1"), D("20"))
    assert (line.gross, line.tax) == (D("-49.90"), D("-8.32"))


def test_quantities_and_rates():
    assert parse_quantity("2") == D("2") and parse_quantity("-1") == D("-1")
    for bad in ("0", "abc", "1.2345", "100000"):
        with pytest.raises(FieldProblem):
            parse_quantity(bad)
    assert parse_tax_rates("20; 5,5; 0; 20") == (D("20.00"), D("5.50"), D("0.00"))
    assert parse_tax_rates("20, 10, 5.5, 0") == (D("20"), D("10"), D("5.5"), D("0"))


def test_tenders_must_match_and_only_cash_gives_change():
    assert check_tenders(D("30.00"), [("card", D("30.00"))]) == ((("card", D("30.00")),), D("0.00"))
    recorded, change = check_tenders(D("30.00"), [("cash", D("50.00"))])
    assert recorded == (("cash", D("30.00")),) and change == D("20.00")
    for tenders, code in (
        ([("card", D("20.00"))], "tenders_short"),
        ([("card", D("40.00"))], "tenders_over"),
        ([("bitcoin", D("30.00"))], "not_in_list"),
    ):
        with pytest.raises(FieldProblem) as info:
            check_tenders(D("30.00"), tenders)
        assert info.value.code == code
    assert check_tenders(D("-10.00"), [("card", D("-10.00"))])[1] == D("0.00")


def _shown(amounts):
    """A priced line as a receipt shows it, from what the sale stores."""
    return shown_line(
        amounts.unit_price,
        amounts.quantity,
        amounts.discount,
        amounts.customer_discount,
        amounts.gross,
    )


def test_a_receipt_line_adds_up_for_an_exempt_discounted_level_customer():
    amounts = price_line(
        Decimal("5.00"),
        Decimal("10"),
        Decimal("20"),
        line_discount_percent=Decimal("10"),
        customer_discount_percent=Decimal("5"),
        tax_exempt=True,
    )
    view = _shown(amounts)
    # 10 × 5.00 = 50.00, less 10 % = 45.00; less the customer's 2.25 and the
    # 7.12 of tax not charged = 35.63, what is paid.
    assert (view.amount, view.line_discount, amounts.customer_discount) == (
        Decimal("45.00"),
        Decimal("5.00"),
        Decimal("2.25"),
    )
    assert view.tax_adjustment == Decimal("-7.12")
    assert view.amount - amounts.customer_discount + view.tax_adjustment == amounts.gross


@pytest.mark.parametrize("include_tax", [True, False])
@pytest.mark.parametrize("exempt", [True, False])
def test_every_line_adds_up_whatever_the_terms(include_tax, exempt):
    for unit, quantity, line_pct, customer_pct in (
        ("0.33", "3", "33.33", "5"),
        ("59.00", "10", "0", "10"),
        ("19.99", "-2", "12.5", "0"),
    ):
        amounts = price_line(
            Decimal(unit),
            Decimal(quantity),
            Decimal("20"),
            line_discount_percent=Decimal(line_pct),
            customer_discount_percent=Decimal(customer_pct),
            tax_exempt=exempt,
            prices_include_tax=include_tax,
        )
        view = _shown(amounts)
        assert view.amount == cents(amounts.unit_price * amounts.quantity) - view.line_discount
        assert view.amount - amounts.customer_discount + view.tax_adjustment == amounts.gross
