"""Returns refund what was paid: amounts come from the stored sale line, never today's terms.

A line sold as Q items for a gross G refunds cents(G x q / Q) for q items; the
return that brings the line back to zero takes whatever is left, so the refunds
of one line always add up to exactly what was paid for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from comptoir.logic.errors import FieldProblem
from comptoir.logic.pricing import ZERO, LineAmounts, cents, parse_quantity

# Amount columns of a stored sale line that a return gives back in part.
PARTS = ("discount", "customer_discount", "gross", "tax")


@dataclass(frozen=True)
class ReturnableLine:
    """One stored sale line and what earlier returns already gave back (both positive)."""

    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    paid: Mapping[str, Decimal]  # the line's stored discount, customer_discount, gross, tax
    returned_quantity: Decimal = ZERO
    refunded: Mapping[str, Decimal] | None = None  # same keys, summed over earlier returns

    @property
    def left(self) -> Decimal:
        """Items of this line not yet returned."""
        return self.quantity - self.returned_quantity


def parse_return_quantity(raw: object, line: ReturnableLine) -> Decimal | None:
    """None for an empty box; else a positive quantity no larger than what is left."""
    if raw is None or str(raw).strip() in ("", "0"):
        return None
    quantity = parse_quantity(raw)
    if quantity <= 0 or quantity > line.left:
        raise FieldProblem("refund_too_many", left=f"{line.left.normalize():f}")
    return quantity


def refund_amounts(line: ReturnableLine, quantity: Decimal) -> LineAmounts:
    """The negative amounts of returning quantity items of line."""
    if quantity <= 0 or quantity > line.left:
        raise FieldProblem("refund_too_many", left=f"{line.left.normalize():f}")
    refunded = line.refunded or {}
    last = quantity == line.left
    part: dict[str, Decimal] = {}
    for name in PARTS:
        paid = Decimal(line.paid[name])
        if last:
            part[name] = paid - Decimal(refunded.get(name, ZERO))
        else:
            part[name] = cents(paid * quantity / line.quantity)
    net = part["gross"] - part["tax"]
    return LineAmounts(
        unit_price=line.unit_price,
        quantity=-quantity,
        before_discounts=-cents(line.unit_price * quantity),
        discount=-part["discount"],
        customer_discount=-part["customer_discount"],
        net=-net,
        tax_rate=line.tax_rate,
        tax=-part["tax"],
        gross=-part["gross"],
    )
