"""Documents as plain data: no I/O, no formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Shop:
    """Who issues the document."""

    name: str
    address_lines: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    footer: str = ""
    currency: str = "EUR"
    language: str = "en"
    country: str = "FR"


@dataclass(frozen=True)
class SaleLine:
    """One line of a sale; amount is after the line discount."""

    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    line_discount: Decimal = Decimal("0")


@dataclass(frozen=True)
class TaxLine:
    """Tax at one rate."""

    rate: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Tender:
    """One way the customer paid (method code: cash, card, account, voucher…)."""

    method: str
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    """A closed sale as printed."""

    shop: Shop
    number: str
    issued_at: datetime
    staff: str
    lines: tuple[SaleLine, ...]
    total: Decimal
    taxes: tuple[TaxLine, ...] = ()
    tenders: tuple[Tender, ...] = ()
    change: Decimal = Decimal("0")
    customer_name: str = ""
    customer_discount: Decimal = Decimal("0")
    customer_discount_percent: Decimal = Decimal("0")
    # Tax added to prices without tax (+), or not paid by a tax-exempt customer (-).
    tax_adjustment: Decimal = Decimal("0")
    tax_exempt: bool = False
    customer_tax_number: str = ""
    account_balance: Decimal | None = None
    points_earned: int | None = None
    points_balance: int | None = None


@dataclass(frozen=True)
class Invoice:
    """A receipt with its sequential invoice number and billing details."""

    receipt: Receipt
    number: str
    billing_address: tuple[str, ...] = ()
    delivery_address: tuple[str, ...] = ()  # where the goods went, when not the billing one


@dataclass(frozen=True)
class StatementEntry:
    """One ledger entry on a statement (positive: the customer owes more)."""

    on: date
    kind: str
    reference: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    """A customer's account over a period, with aged totals."""

    shop: Shop
    customer_name: str
    account_number: str
    address_lines: tuple[str, ...]
    period_start: date
    period_end: date
    opening_balance: Decimal
    entries: tuple[StatementEntry, ...]
    closing_balance: Decimal
    # current, 1-30, 31-60, 61-90, over 90 days past terms
    # Current, 1-30, 31-60, 61-90, over 90 days.
    aged: tuple[Decimal, ...] = field(default=(Decimal("0"),) * 5)


@dataclass(frozen=True)
class Label:
    """A courier or mailing label."""

    recipient: tuple[str, ...]
    sender: tuple[str, ...] = ()
    reference: str = ""


@dataclass(frozen=True)
class Voucher:
    """A gift voucher."""

    shop: Shop
    code: str
    amount: Decimal
    expires_on: date | None
    issued_on: date
    balance: Decimal | None = None  # what is left to spend, when less than the amount


@dataclass(frozen=True)
class JobTicket:
    """A workshop job's ticket: the bike's tag and the customer's copy to sign."""

    shop: Shop
    number: str
    kind: str  # job, special_order, layaway, quote
    created_at: datetime
    promised_on: date | None
    customer_name: str
    account_number: str
    phone: str
    item_name: str = ""
    serial: str = ""
    colour: str = ""
    reported: str = ""
    agreed: str = ""
    estimate_limit: Decimal | None = None
    deposit: Decimal = Decimal("0")
    mechanic: str = ""
