"""Fixed-width text that survives a receipt printer: code pages, wrapping, columns."""

from __future__ import annotations

import textwrap
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal

from comptoir.i18n.formats import format_percent
from comptoir.logic.text import without_controls

# Characters babel and people type that no receipt code page has.
_REPLACEMENTS = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u2022": "*",
    "\u2192": "->",
    "\u0141": "L",
    "\u0142": "l",
}
_ENCODINGS = {"CP858": "cp858", "CP1252": "cp1252"}


def printable(text: str, code_page: str = "CP858") -> str:
    """Text whose every character exists in the printer's code page.

    Accents and currency signs the code page has stay (é ç £ € in CP858);
    others lose their accent, and what is left becomes '?'. Control characters
    are dropped.
    """
    encoding = _ENCODINGS[code_page]
    out = []
    # Control characters never reach the printer: an ESC p in a name would open
    # the cash drawer, an ESC @ would reset the printer mid-receipt.
    for ch in without_controls(text):
        ch = _REPLACEMENTS.get(ch, ch)
        try:
            ch.encode(encoding)
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode(encoding)
            out.append(base)
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def money(amount: Decimal, currency: str, language: str) -> str:
    """E.g. 12,50 € or £12.50 (spaces made plain for printers)."""
    return printable(format_currency(amount, currency, locale=language), "CP1252").replace("?", "")


def day(value: date, language: str) -> str:
    """A date as the document's language writes it, unambiguous: Dec 10, 2026 / 10 déc. 2026."""
    return printable(format_date(value, format="medium", locale=language), "CP1252")


def moment(value: datetime, language: str) -> str:
    """A date and a 24-hour time: Dec 10, 2026 14:05 / 10 déc. 2026 14:05."""
    clock = format_skeleton("Hm", value, locale=language)
    return f"{day(value.date(), language)} {printable(clock, 'CP1252')}"


def number(value: Decimal, language: str) -> str:
    """A quantity or a rate without trailing zeros: 2, 0,5, 5,5."""
    return printable(format_decimal(value.normalize(), locale=language), "CP1252")


def percent(value: Decimal, language: str) -> str:
    """A percentage as the document's language writes it: 5%, 5 %, 12,5 %."""
    return printable(format_percent(value, language), "CP1252")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most width characters; long words are cut."""
    return textwrap.wrap(text, width=width, break_long_words=True) or [""]


def columns(left: str, right: str, width: int) -> list[str]:
    """Left text wrapped, right text right-aligned on the last line."""
    room = width - len(right) - 1
    if room < 8:  # the amount alone is too wide: put it on its own line
        return [*wrap(left, width), right.rjust(width)]
    lines = wrap(left, room)
    last = lines[-1].ljust(room) + " " + right
    return [*(line.ljust(width) for line in lines[:-1]), last]


def centred(text: str, width: int) -> list[str]:
    """Wrapped and centred lines."""
    return [line.center(width).rstrip() for line in wrap(text, width)]


def rule(width: int, char: str = "-") -> str:
    """A separator line."""
    return char * width
