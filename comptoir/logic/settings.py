"""Rules for shop settings: currency, locale and price levels."""

from __future__ import annotations

from collections.abc import Sequence

import pycountry
from babel import Locale, UnknownLocaleError

from comptoir.logic.errors import FieldProblem

MAX_PRICE_LEVELS = 26


def clean_currency(raw: str | None) -> str:
    """An ISO 4217 code such as EUR or GBP."""
    code = (raw or "").strip().upper()
    if not code or pycountry.currencies.get(alpha_3=code) is None:
        raise FieldProblem("currency_unknown", value=code)
    return code


def clean_locale(raw: str | None) -> str:
    """A locale babel knows, such as fr_FR or en_GB."""
    text = (raw or "").strip().replace("-", "_")
    try:
        return str(Locale.parse(text))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise FieldProblem("locale_unknown", value=text) from exc


def clean_price_levels(levels: Sequence[tuple[object, object]]) -> list[tuple[str, str]]:
    """Codes unique (1-10 letters or digits), names default to 'Level X'."""
    clean: list[tuple[str, str]] = []
    seen: set[str] = set()
    for code_raw, name_raw in levels:
        code = str(code_raw or "").strip().upper()
        name = " ".join(str(name_raw or "").split())
        if not code and not name:
            continue
        if not code or len(code) > 10 or not code.isalnum():
            raise FieldProblem("price_level_code_invalid", value=code)
        if code in seen:
            raise FieldProblem("price_level_duplicate", value=code)
        seen.add(code)
        clean.append((code, name or f"Level {code}"))
    if len(clean) > MAX_PRICE_LEVELS:
        raise FieldProblem("too_many", max=str(MAX_PRICE_LEVELS))
    return clean
