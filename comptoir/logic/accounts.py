"""Credit-account rules: amounts, the credit limit, allocation of payments, ageing.

The ledger is append-only. Debits (charges, refunds, positive adjustments,
reversals of credits) raise what the customer owes; credits (payments, credit
notes, negative adjustments, reversals of debits) lower it. Allocations link
a credit to the debits it pays, so what is still owed on each debit is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypedDict

from comptoir.logic.errors import FieldProblem
from comptoir.logic.numbers import plain_decimal
from comptoir.logic.text import clean_text


class ActivityFilters(TypedDict, total=False):
    """A customer's account activity filtered: from, to, which kinds of entry."""

    since: date | None
    until: date | None
    kinds: Sequence[str] | None


CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000.00")
ZERO = Decimal("0.00")
# Signed ledger kinds: +1 raises the balance (debit), -1 lowers it (credit).
KINDS = ("charge", "payment", "credit_note", "adjustment", "refund", "reversal")
PAYMENT_METHODS = ("cash", "card", "cheque", "transfer")
BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


class CreditLimitExceeded(Exception):
    """A charge would take the balance over the credit limit."""

    def __init__(self, balance: Decimal, limit: Decimal, amount: Decimal):
        self.balance, self.limit, self.amount = balance, limit, amount
        self.excess = balance + amount - limit
        super().__init__(f"balance {balance} + {amount} exceeds limit {limit} by {self.excess}")


class NoCreditAccount(Exception):
    """The customer has no account type: nothing can be charged."""


class OverpaymentNeedsConfirmation(Exception):
    """The payment is larger than the balance; the rest would stay as credit."""

    def __init__(self, balance: Decimal, amount: Decimal):
        self.balance, self.amount = balance, amount
        super().__init__(f"payment {amount} over balance {balance}")


def parse_amount(raw: object) -> Decimal:
    """A positive amount with at most 2 decimals, below a sane maximum ('12,5' accepted)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise FieldProblem("required")
    if isinstance(raw, bool):
        raise FieldProblem("amount_invalid", max=str(MAX_AMOUNT))
    try:
        value = plain_decimal(raw)
    except ValueError as exc:
        raise FieldProblem("amount_invalid", max=str(MAX_AMOUNT)) from exc
    if value <= 0 or value != value.quantize(CENT):
        raise FieldProblem("amount_invalid", max=str(MAX_AMOUNT))
    if value > MAX_AMOUNT:
        raise FieldProblem("amount_too_large", max=str(MAX_AMOUNT))
    return value.quantize(CENT)


def parse_limit(raw: object) -> Decimal:
    """A credit limit: zero (no credit) or a positive amount."""
    if isinstance(raw, str) and raw.strip() in ("0", "0.00", "0,00"):
        return ZERO
    if isinstance(raw, Decimal) and not raw.is_finite():  # NaN cannot even be compared
        raise FieldProblem("amount_invalid", max=str(MAX_AMOUNT))
    if raw in (0, ZERO):
        return ZERO
    return parse_amount(raw)


def check_entry_date(on: date, today: date) -> date:
    """Ledger dates are never in the future."""
    if on > today:
        raise FieldProblem("date_in_future")
    return on


def require_reason(raw: object) -> str:
    """Adjustments, credit notes and reversals say why (on one line, no control characters:
    it is printed on statements)."""
    text = clean_text(raw, 200, multiline=False)
    if not text:
        raise FieldProblem("required")
    return text


def check_charge(balance: Decimal, limit: Decimal | None, amount: Decimal) -> None:
    """Refuse a charge the account cannot take (no account, or over the limit)."""
    if limit is None:
        raise NoCreditAccount()
    if balance + amount > limit:
        raise CreditLimitExceeded(balance, limit, amount)


@dataclass(frozen=True)
class OpenItem:
    """A debit with what is still owed on it, or a credit with what is still unallocated."""

    entry_id: int
    on: date
    open_amount: Decimal


def allocate(
    amount: Decimal, open_items: Sequence[OpenItem], chosen: Sequence[int] = ()
) -> tuple[list[tuple[int, Decimal]], Decimal]:
    """Spread amount over items: the chosen ones in the order given, else oldest first.

    Returns (entry id, amount) pairs and what is left over (kept as credit).
    """
    by_id = {item.entry_id: item for item in open_items}
    if chosen:
        order = [by_id[i] for i in chosen if i in by_id]
    else:
        order = sorted(open_items, key=lambda item: (item.on, item.entry_id))
    left = amount
    result = []
    for item in order:
        if left <= 0:
            break
        share = min(left, item.open_amount)
        if share > 0:
            result.append((item.entry_id, share))
            left -= share
    return result, left


def bucket(days_past_due: int) -> str:
    """The ageing bucket of a debit by days past its due date."""
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1_30"
    if days_past_due <= 60:
        return "31_60"
    if days_past_due <= 90:
        return "61_90"
    return "over_90"


def aged_totals(
    items: Iterable[tuple[date, Decimal]], terms_days: int, today: date
) -> dict[str, Decimal]:
    """Outstanding (charge date, open amount) summed by bucket of days past terms."""
    totals = {name: ZERO for name in BUCKETS}
    for on, open_amount in items:
        overdue = (today - on).days - terms_days
        totals[bucket(overdue)] += open_amount
    return totals


def reversal_amount(original_signed: Decimal) -> Decimal:
    """A reversal carries the opposite sign of what it reverses."""
    return -original_signed
