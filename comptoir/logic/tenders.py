"""What the payments typed at the till come to, before the sale is closed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from comptoir.logic.accounts import parse_amount
from comptoir.logic.errors import FieldProblem

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SoFar:
    """Paid so far, what is left to pay, the cash change to give, and what non-cash
    payments put beyond the total (refused when the sale is closed)."""

    paid: Decimal
    left: Decimal
    change: Decimal
    over: Decimal


def so_far(total: Decimal, typed: Sequence[tuple[str, str]]) -> SoFar | None:
    """The payments typed (method, amount as typed) against the total; None while one
    of them cannot be read (the closing names that field)."""
    amounts: list[tuple[str, Decimal]] = []
    for method, raw in typed:
        if not str(raw or "").strip():
            continue
        try:
            amounts.append((method, parse_amount(raw)))
        except FieldProblem:
            return None
    paid = sum((amount for _, amount in amounts), ZERO)
    cash = sum((amount for method, amount in amounts if method == "cash"), ZERO)
    beyond = max(paid - total, ZERO)
    change = min(beyond, cash)
    return SoFar(paid, max(total - paid, ZERO), change, beyond - change)
