"""Stored text that cannot turn against the shop: no control characters, inert in spreadsheets."""

from __future__ import annotations

import unicodedata

from comptoir.logic.errors import FieldProblem

# A spreadsheet reads a cell starting with one of these as a formula (or DDE).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Categories a printer or a spreadsheet must never get: controls, formats, surrogates,
# private use, unassigned.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Zero-width joiners and variation selectors are Cf but make emoji and scripts whole.
_KEPT_FORMATS = {"\u200c", "\u200d", "\ufe0e", "\ufe0f"}


def is_hidden(ch: str) -> bool:
    """True for a control or invisible format character."""
    return unicodedata.category(ch) in _HIDDEN and ch not in _KEPT_FORMATS


def check_no_controls(text: str, multiline: bool = False) -> str:
    """Refuse control characters (NUL, ESC…); line breaks only where multiline."""
    allowed = {"\n", "\r", "\t"} if multiline else set()
    for ch in text:
        if ch not in allowed and is_hidden(ch):
            raise FieldProblem("control_characters", character=f"U+{ord(ch):04X}")
    return text


def without_controls(text: str, keep_newlines: bool = False) -> str:
    """The text with control and invisible characters removed (tabs become spaces)."""
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif keep_newlines and ch == "\n" or not is_hidden(ch):
            out.append(ch)
    return "".join(out)


def neutralise_formula(text: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate.

    Leading spaces do not hide a formula from Excel or LibreOffice, so the
    check looks past them; an apostrophe in front makes the cell plain text.
    """
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def spreadsheet_text(value: object) -> object:
    """For a cell of an export: text neutralised and cleaned; numbers and dates unchanged."""
    if isinstance(value, str):
        return neutralise_formula(without_controls(value, keep_newlines=True))
    return value


# Free text fields (notes, reasons, a fault as the customer tells it): at most this long.
MAX_TEXT = 2000


def clean_text(value: object, limit: int = MAX_TEXT, multiline: bool = True) -> str:
    """Free text as typed (trimmed); control characters refused (new lines where multiline)."""
    text = "" if value is None else str(value).replace("\r\n", "\n").strip()
    if not multiline:
        text = " ".join(text.split())
    if len(text) > limit:
        raise FieldProblem("too_long", max=str(limit))
    return check_no_controls(text, multiline=multiline)


def one_line(raw: object, limit: int) -> str:
    """A required line of text: spaces collapsed, at most limit characters."""
    text = " ".join(str(raw or "").split())
    if not text:
        raise FieldProblem("required")
    if len(text) > limit:
        raise FieldProblem("too_long", max=str(limit))
    return text
