"""Phone numbers: parsed with the customer's country, stored in E.164."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from comptoir.logic.errors import FieldProblem


def parse_phone(raw: str | None, region: str) -> str | None:
    """Return the E.164 form of raw (typed in any usual way), None when empty."""
    text = (raw or "").strip()
    if not text:
        return None
    return _e164(text, region)


# Kept: an import checks each number when matching and again when validating.
@lru_cache(maxsize=262_144)
def _e164(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException as exc:
        raise FieldProblem("phone_invalid", example=example_number(region)) from exc
    if not phonenumbers.is_valid_number(number):
        raise FieldProblem("phone_invalid", example=example_number(region))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def example_number(region: str) -> str:
    """A sample number in national format for the region, to show in messages."""
    sample = phonenumbers.example_number(region.upper()) if region else None
    if sample is None:
        return "+33 6 12 34 56 78"
    return phonenumbers.format_number(sample, phonenumbers.PhoneNumberFormat.NATIONAL)


def display_phone(e164: str | None, shop_region: str) -> str:
    """National format for numbers of the shop's country, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == shop_region.upper()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def region_of(text: str) -> str | None:
    """The country of a number written internationally (+41…, 0041…); None otherwise."""
    text = text.strip()
    if not text.startswith(("+", "00")):
        return None
    try:
        number = phonenumbers.parse("+" + text.lstrip("+").removeprefix("00"), None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(number)


def national_digits(e164: str) -> str:
    """Digits of the national form (with trunk prefix), e.g. 0612345678."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())
