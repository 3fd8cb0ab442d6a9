"""Money, dates and country names for the UI language (babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as _babel_percent

from comptoir.logic.addresses import country_codes
from comptoir.logic.search import fold


@lru_cache(maxsize=32)
def _locale(language: str, country: str | None = None) -> Locale:
    if country:
        try:
            return Locale.parse(f"{language}_{country}")
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse(language)


def format_money(amount: Decimal, currency: str, language: str, country: str | None = None) -> str:
    """E.g. 1 234,50 € in French, €1,234.50 in English."""
    return format_currency(amount, currency, locale=_locale(language, country))


def format_count(value: int, language: str) -> str:
    """A whole number grouped as the UI language groups it: 1,234 / 1 234."""
    return format_number(value, language)


def format_number(value: Decimal | int, language: str, grouped: bool = True) -> str:
    """A quantity or rate as the language writes it, every decimal it has: 2.5 / 2,5.

    grouped=False for a box's starting text: 1234,5 reads back, 1,234.5 would not.
    """
    amount = value.normalize() if isinstance(value, Decimal) else value
    return format_decimal(
        amount, locale=_locale(language), group_separator=grouped, decimal_quantization=False
    )


def format_percent(value: Decimal | int | float, language: str) -> str:
    """A percentage given in percent (12.5 means 12.5 %): 12.5% / 12,5 % (no-break space)."""
    share = Decimal(str(value)) / 100  # str: a float's binary tail is not a decimal
    return _babel_percent(share, locale=_locale(language), decimal_quantization=False)


def format_date(value: date | None, language: str, country: str | None = None) -> str:
    """Medium date in the UI language; empty for None."""
    if value is None:
        return ""
    return _babel_date(value, format="medium", locale=_locale(language, country))


def format_short_day(value: date, language: str, weekday: bool = False) -> str:
    """Day and month (with the weekday): Dec 10 / 10 déc.; Thu, Dec 10 / jeu. 10 déc."""
    return format_skeleton("EEEMMMd" if weekday else "MMMd", value, locale=_locale(language))


def format_month(value: date, language: str, country: str | None = None) -> str:
    """A month and its year in the UI language: November 2026, novembre 2026."""
    return format_skeleton("yMMMM", value, locale=_locale(language, country))


def format_datetime(value: datetime | None, language: str, country: str | None = None) -> str:
    """Medium date and short time in the UI language; empty for None."""
    if value is None:
        return ""
    return _babel_datetime(value, format="medium", locale=_locale(language, country))


def country_name(code: str | None, language: str) -> str:
    """The country's name in the UI language (ISO 3166 code in, name out)."""
    if not code:
        return ""
    return _locale(language).territories.get(code.upper(), code.upper())


@lru_cache(maxsize=4)
def country_options(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for every ISO 3166 country, sorted by name in the language."""
    pairs = [(code, country_name(code, language)) for code in country_codes()]
    return tuple(sorted(pairs, key=lambda pair: fold(pair[1])))


def format_size(size: int, language: str) -> str:
    """A file or disk size in the language's units: 1.2 GB, 1,2 Go."""
    from babel.units import format_unit

    for unit, scale in (("gigabyte", 1024**3), ("megabyte", 1024**2), ("kilobyte", 1024)):
        if size >= scale:
            value = round(size / scale, 1)
            return format_unit(value, f"digital-{unit}", "short", locale=_locale(language))
    return format_unit(size, "digital-byte", "short", locale=_locale(language))
