"""Pricing order, in one place (see docs/design.md, "General"):

1. unit price = the customer's price-level price when the product has one, else standard;
2. the line discount % applies to the line;
3. the customer's discount % applies on top, even on discounted lines;
4. tax per line at the product's rate, zero when the customer is tax exempt;
5. every amount is rounded half-up to the cent per line; totals are sums of lines.

Prices are tax-inclusive or tax-exclusive by a shop setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from comptoir.logic.errors import FieldProblem
from comptoir.logic.numbers import plain_decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")
MAX_QUANTITY = Decimal("9999")
TENDERS = ("cash", "card", "account")  # what staff take money by
# Every tender a sale may record: gift vouchers and rewards points too (each spent
# through its own ledger, not typed as an amount alone).
ALL_TENDERS = (*TENDERS, "voucher", "rewards")


def cents(value: Decimal) -> Decimal:
    """Half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_price(
    standard: Decimal, level_prices: Mapping[str, Decimal], level: str | None
) -> Decimal:
    """The customer's price-level price when the product has one, else the standard price."""
    if level and level in level_prices:
        return level_prices[level]
    return standard


@dataclass(frozen=True)
class LineAmounts:
    """A priced line: what it was before discounts, the discounts, net, tax and gross."""

    unit_price: Decimal
    quantity: Decimal
    before_discounts: Decimal
    discount: Decimal  # line and customer discounts together
    customer_discount: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    gross: Decimal


def price_line(
    unit: Decimal,
    quantity: Decimal,
    tax_rate: Decimal,
    *,
    line_discount_percent: Decimal = ZERO,
    customer_discount_percent: Decimal = ZERO,
    tax_exempt: bool = False,
    prices_include_tax: bool = True,
) -> LineAmounts:
    """One line by the pricing order; negative quantities are returns."""
    before = cents(unit * quantity)
    after_line = before * (1 - line_discount_percent / HUNDRED)
    after_customer = cents(after_line * (1 - customer_discount_percent / HUNDRED))
    discount = before - after_customer
    customer_part = cents(after_line) - after_customer
    rate = ZERO if tax_exempt else tax_rate
    if prices_include_tax:
        if tax_exempt:  # the price holds tax the customer does not pay
            net = cents(after_customer * HUNDRED / (HUNDRED + tax_rate))
            return LineAmounts(
                unit, quantity, before, discount, customer_part, net, ZERO, ZERO, net
            )
        tax = cents(after_customer * rate / (HUNDRED + rate))
        return LineAmounts(
            unit,
            quantity,
            before,
            discount,
            customer_part,
            after_customer - tax,
            rate,
            tax,
            after_customer,
        )
    tax = cents(after_customer * rate / HUNDRED)
    return LineAmounts(
        unit,
        quantity,
        before,
        discount,
        customer_part,
        after_customer,
        rate,
        tax,
        after_customer + tax,
    )


@dataclass(frozen=True)
class ShownLine:
    """A stored line as receipts show it, so every figure follows from the others.

    amount = unit price x quantity - line discount. The sale's total is the sum
    of amounts, less the customer's discount, plus the tax adjustment: tax added
    to prices without tax (positive), or the tax a tax-exempt customer does not
    pay taken off prices with tax (negative).
    """

    amount: Decimal
    line_discount: Decimal
    tax_adjustment: Decimal


def shown_line(
    unit: Decimal, quantity: Decimal, discount: Decimal, customer_discount: Decimal, gross: Decimal
) -> ShownLine:
    """How a stored line reads on a receipt: its amount before the customer's discount."""
    before = cents(unit * quantity)
    line_discount = discount - customer_discount
    return ShownLine(before - line_discount, line_discount, gross - (before - discount))


@dataclass(frozen=True)
class SaleTotals:
    """Sums of the rounded lines, and tax by rate."""

    net: Decimal
    tax: Decimal
    total: Decimal
    discount: Decimal
    taxes: tuple[tuple[Decimal, Decimal, Decimal], ...]  # (rate, net, tax)


def totals(lines: Iterable[LineAmounts]) -> SaleTotals:
    """Totals are sums of rounded lines, never recomputed from sums."""
    items = list(lines)
    by_rate: dict[Decimal, list[Decimal]] = {}
    for line in items:
        net_tax = by_rate.setdefault(line.tax_rate, [ZERO, ZERO])
        net_tax[0] += line.net
        net_tax[1] += line.tax
    return SaleTotals(
        net=sum((x.net for x in items), ZERO),
        tax=sum((x.tax for x in items), ZERO),
        total=sum((x.gross for x in items), ZERO),
        discount=sum((x.discount for x in items), ZERO),
        taxes=tuple((rate, v[0], v[1]) for rate, v in sorted(by_rate.items(), reverse=True)),
    )


def parse_quantity(raw: object) -> Decimal:
    """Non-zero, at most 3 decimals, within ±9999 (negative: a return)."""
    try:
        value = plain_decimal(raw)
    except ValueError as exc:
        raise FieldProblem("quantity_invalid") from exc
    if value == 0 or abs(value) > MAX_QUANTITY:
        raise FieldProblem("quantity_invalid")
    if value != value.quantize(Decimal("0.001")):
        raise FieldProblem("quantity_invalid")
    return value


def parse_price(raw: object) -> Decimal:
    """A positive price with at most 2 decimals."""
    try:
        value = plain_decimal(raw)
    except ValueError as exc:
        raise FieldProblem("price_invalid") from exc
    if value <= 0 or value != value.quantize(CENT):
        raise FieldProblem("price_invalid")
    if value > Decimal("1000000"):
        raise FieldProblem("price_invalid")
    return value


def parse_percent(raw: object) -> Decimal:
    """0 to 100 with at most 2 decimals; empty means 0."""
    if raw is None or str(raw).strip() == "":
        return ZERO
    try:
        value = plain_decimal(str(raw).strip().rstrip("%"))
    except ValueError as exc:
        raise FieldProblem("discount_invalid") from exc
    if not 0 <= value <= 100 or value != value.quantize(CENT):
        raise FieldProblem("discount_invalid")
    return value


def parse_tax_rates(raw: str) -> tuple[Decimal, ...]:
    """'20; 10; 5,5; 0' or '20, 10, 5.5, 0' -> rates, each 0-100 with at most 2 decimals.

    ';' or a comma followed by a space separates; a comma between digits is a
    decimal comma.
    """
    rates = []
    for part in re.split(r";|,\s+", raw):
        if part.strip():
            rate = parse_percent(part)
            if rate not in rates:
                rates.append(rate)
    if not rates:
        raise FieldProblem("required")
    return tuple(rates)


def check_tenders(
    total: Decimal, tenders: Sequence[tuple[str, Decimal]]
) -> tuple[tuple[tuple[str, Decimal], ...], Decimal]:
    """Tenders must cover the total exactly; only cash may exceed it (change given).

    Returns the tenders as recorded (cash reduced by the change) and the change.
    """
    clean = [(method, amount) for method, amount in tenders if amount != 0]
    for method, amount in clean:
        if method not in ALL_TENDERS:
            raise FieldProblem("not_in_list", allowed=", ".join(TENDERS))
        if (amount < 0) != (total < 0):
            raise FieldProblem("tender_sign")
    paid = sum((amount for _, amount in clean), ZERO)
    over = paid - total if total >= 0 else total - paid
    if over < 0 or (total == 0 and clean):
        raise FieldProblem("tenders_short", paid=str(paid), total=str(total))
    if over == 0:
        return tuple(clean), ZERO
    cash = sum((amount for method, amount in clean if method == "cash"), ZERO)
    if total < 0 or cash < over:
        raise FieldProblem("tenders_over", paid=str(paid), total=str(total))
    recorded = []
    for method, amount in clean:
        if method == "cash" and over:
            taken = min(amount, over)
            amount, over_left = amount - taken, over - taken
            over = over_left
        if amount:
            recorded.append((method, amount))
    return tuple(recorded), paid - total
