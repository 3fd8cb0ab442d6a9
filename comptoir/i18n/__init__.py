"""Every word the UI says, in English and French, and locale formatting."""

from comptoir.i18n.catalog import LANGUAGES, language_of, t, tn
from comptoir.i18n.formats import (
    country_name,
    country_options,
    format_count,
    format_date,
    format_datetime,
    format_money,
    format_month,
    format_number,
    format_percent,
    format_short_day,
    format_size,
)

__all__ = [
    "LANGUAGES",
    "t",
    "tn",
    "language_of",
    "country_name",
    "country_options",
    "format_count",
    "format_date",
    "format_datetime",
    "format_month",
    "format_number",
    "format_percent",
    "format_size",
    "format_short_day",
    "format_money",
]
