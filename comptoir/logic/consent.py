"""Marketing consent: when it was given, and the history of every change."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Marketing consent per channel: the card's flag and the moment it was given.
CONSENTS = {
    "email": ("marketing_opt_in", "marketing_opt_in_at"),
    "sms": ("sms_opt_in", "sms_opt_in_at"),
}


def consents_to(customer: Mapping[str, Any], channel: str) -> bool:
    """Whether the customer agrees to marketing on this channel (e-mail or SMS)."""
    flag, _ = CONSENTS[channel]
    return bool(customer.get(flag))


@dataclass(frozen=True)
class ConsentChange:
    """One change of marketing consent, kept forever."""

    opted_in: bool
    at: datetime


def consent_after(
    was_opted_in: bool,
    opted_in_at: datetime | None,
    opt_in: bool,
    now: datetime,
) -> tuple[datetime | None, ConsentChange | None]:
    """New opt-in date and the change to record (None when nothing changed)."""
    if opt_in == was_opted_in:
        return opted_in_at, None
    return (now if opt_in else None), ConsentChange(opted_in=opt_in, at=now)


def unsubscribe_token(key: bytes, customer_id: int) -> str:
    """The token of a customer's unsubscribe link: their id and a keyed signature, so a
    link cannot be made for another customer by changing the number."""
    signature = hmac.new(key, f"unsubscribe:{customer_id}".encode(), hashlib.sha256).digest()
    return f"{customer_id}.{base64.urlsafe_b64encode(signature[:18]).decode()}"


def token_customer(key: bytes, token: object) -> int | None:
    """The customer an unsubscribe token was made for; None when it is not one of ours."""
    text = str(token or "").strip()
    number, _, _signature = text.partition(".")
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    customer_id = int(number)
    expected = unsubscribe_token(key, customer_id)
    return customer_id if hmac.compare_digest(expected.encode(), text.encode()) else None
