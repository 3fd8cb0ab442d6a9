"""Data protection rules: when a customer may be erased, what erasure writes, and the keyed
hashes that remember an erased contact without keeping it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from comptoir.logic.errors import FieldError

# What an erased customer's name (and an erased address or message) reads.
ERASED = "Data removed"
# The card fields erasure clears (the account number stays: sales and invoices name it).
CLEARED_FIELDS = (
    "title",
    "first_name",
    "company",
    "postcode",
    "address1",
    "address2",
    "city",
    "region",
    "phone",
    "mobile",
    "fax",
    "email",
    "contact_preference",
    "date_of_birth",
    "tax_number",
    "tags",
    "notes",
)


@dataclass(frozen=True)
class Holdings:
    """What a customer still has with the shop that erasure would lose."""

    balance: Decimal = Decimal("0")
    active_vouchers: int = 0
    points: int = 0
    open_orders: int = 0
    erased: bool = False


def erase_refusals(held: Holdings) -> list[FieldError]:
    """Each reason the customer cannot be erased yet (none: erasure may go ahead)."""
    errors = []
    if held.erased:
        errors.append(FieldError("customer", "already_erased"))
    if held.balance != 0:
        errors.append(FieldError("customer", "erase_balance", {"balance": str(held.balance)}))
    if held.active_vouchers:
        errors.append(
            FieldError("customer", "erase_vouchers", {"vouchers": str(held.active_vouchers)})
        )
    if held.points:
        errors.append(FieldError("customer", "erase_points", {"points": str(held.points)}))
    if held.open_orders:
        errors.append(FieldError("customer", "erase_orders", {"orders": str(held.open_orders)}))
    return errors


def contact_digests(key: bytes, contacts: Mapping[str, str | None]) -> dict[str, str]:
    """kind → keyed hash of the contact (e-mail in lower case, mobile in E.164) for each
    contact given; the same contact always gives the same digest under one key."""
    found = {}
    for kind, value in contacts.items():
        text = (value or "").strip()
        if not text:
            continue
        normal = text.lower() if kind == "email" else text
        found[kind] = hmac.new(key, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()
    return found


def erased_changes(changes: list[dict[str, Any]], marker: str = ERASED) -> list[dict[str, Any]]:
    """An audit entry's recorded changes with every value replaced by marker: the facts
    (which field changed) stay, the values do not."""
    return [
        {
            **change,
            "before": None if change.get("before") is None else marker,
            "after": None if change.get("after") is None else marker,
        }
        for change in changes
    ]


def erased_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A merge's copy of a card with its values gone (the keys say what it held)."""
    return dict.fromkeys(snapshot)
