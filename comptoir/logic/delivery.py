"""Delivery addresses: the same rules as the billing address, and when two are the same."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from comptoir.logic.addresses import parse_country, parse_postcode
from comptoir.logic.errors import FieldError, FieldProblem
from comptoir.logic.phones import parse_phone
from comptoir.logic.text import clean_text

FIELDS = (
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "region",
    "postcode",
    "country_code",
    "phone",
)
LIMITS = {
    "name": 120,
    "company": 120,
    "address1": 120,
    "address2": 120,
    "city": 80,
    "region": 80,
}
SOURCES = ("manual", "billing", "web")
# What makes two addresses the same place (not who receives it or their phone).
PLACE = ("address1", "address2", "city", "postcode", "country_code")


def check_address(
    raw: Mapping[str, object], default_country: str
) -> tuple[dict[str, str | None], list[FieldError]]:
    """An address cleaned by the billing address's rules, and what is wrong with it:
    line 1 and city required, postcode checked for the country, phone parsed."""
    clean: dict[str, str | None] = {}
    errors: list[FieldError] = []

    def take(name: str, check) -> None:
        try:
            clean[name] = check(raw.get(name))
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))

    for name, limit in LIMITS.items():
        take(name, lambda v, limit=limit, name=name: _text(v, limit, name in ("address1", "city")))
    take("country_code", lambda v: parse_country(str(v or "")) or default_country)
    country = clean.get("country_code") or default_country
    take("postcode", lambda v: parse_postcode(_text(v, 20, False), country))
    take("phone", lambda v: parse_phone(_text(v, 40, False), country))
    return clean, errors


def _text(value: object, limit: int, required: bool) -> str | None:
    text = clean_text(value, limit, multiline=False)
    if not text and required:
        raise FieldProblem("required")
    return text or None


def place_key(address: Mapping[str, object]) -> str:
    """The address compared as a place: case, spacing, accents and punctuation ignored,
    the postcode without spaces."""
    parts = []
    for name in PLACE:
        text = unicodedata.normalize("NFKD", str(address.get(name) or "")).casefold()
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = "".join(c if c.isalnum() else " " for c in text)
        parts.append("".join(text.split()) if name == "postcode" else " ".join(text.split()))
    return "|".join(parts)


def billing_as_delivery(customer: Mapping[str, object]) -> dict[str, object]:
    """The customer's billing address as a delivery address's fields."""
    name = " ".join(str(customer.get(p) or "") for p in ("first_name", "last_name")).strip()
    return {
        "name": name,
        "company": customer.get("company"),
        "address1": customer.get("address1"),
        "address2": customer.get("address2"),
        "city": customer.get("city"),
        "region": customer.get("region"),
        "postcode": customer.get("postcode"),
        "country_code": customer.get("country_code"),
        "phone": customer.get("phone") or customer.get("mobile"),
    }
