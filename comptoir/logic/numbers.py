"""Numbers as people type them, bounded before any arithmetic.

Decimal accepts '1e30', 'NaN', 'Infinity', '1_000' and 40-digit strings, and
quantize() then raises. Every amount, price, limit, percentage and quantity is
read here first: plain digits, one decimal separator, a bounded length.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Spaces people and spreadsheets put in numbers: plain, no-break, narrow, thin.
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_PLAIN = re.compile(r"[+-]?[0-9]{1,12}(?:\.[0-9]{1,6})?")


def plain_decimal(raw: object) -> Decimal:
    """'1 234,50' → Decimal('1234.50'); ValueError for anything else (exponents, NaN…)."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError("not a number")
    if isinstance(raw, Decimal):
        if not raw.is_finite():  # NaN, sNaN and infinities have no plain form
            raise ValueError("not a number")
        raw = format(raw, "f")
    elif isinstance(raw, int | float):
        raw = repr(raw)
    text = str(raw).strip().translate(_SPACES).replace(",", ".")
    if len(text) > 20 or not _PLAIN.fullmatch(text):
        raise ValueError("not a plain number")
    return Decimal(text)
