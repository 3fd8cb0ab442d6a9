"""Gift vouchers: codes that are hard to guess and catch typing mistakes, expiry, states.

A code is 12 random characters from an alphabet without look-alikes (no 0/O,
1/I/L) and a check character: with 31 characters (a prime) and position
weights 1..13, every single wrong character and every swap of two neighbours
changes the weighted sum modulo 31, so a mistyped code is refused before any
lookup.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comptoir.logic.dates import add_months
from comptoir.logic.errors import FieldProblem

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY = 12
LENGTH = BODY + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_P = len(ALPHABET)  # 31, prime
STATES = ("active", "used", "expired", "cancelled")


def check_character(body: str) -> str:
    """The character that makes the weighted sum of body + it zero modulo 31."""
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body))
    # (LENGTH × v) ≡ -total (mod 31); LENGTH is invertible modulo the prime.
    inverse = pow(LENGTH, -1, _P)
    return ALPHABET[(-total * inverse) % _P]


def new_code(random_body: str) -> str:
    """A code from 12 random characters of the alphabet (the caller draws them)."""
    if len(random_body) != BODY or any(c not in _VALUE for c in random_body):
        raise ValueError("12 characters of the alphabet")
    return random_body + check_character(random_body)


def normalise_code(typed: object) -> str:
    """What was typed without spaces or dashes, in capitals."""
    return "".join(c for c in str(typed or "").upper() if c not in " -\t")


def check_code(typed: object) -> str:
    """A code as stored, or refused: wrong length, a character not in the alphabet, or a
    check character that does not match (a typo)."""
    code = normalise_code(typed)
    if not code:
        raise FieldProblem("required")
    if not is_ours(code):
        raise FieldProblem("voucher_code_invalid")
    return code


def is_ours(code: str) -> bool:
    """Whether a normalised code is one we made (its check character matches)."""
    return (
        len(code) == LENGTH
        and all(c in _VALUE for c in code)
        and not sum((i + 1) * _VALUE[c] for i, c in enumerate(code)) % _P
    )


FOREIGN_LENGTHS = (4, 40)


def till_code(typed: object) -> str:
    """A code typed at the till: one of ours, or one another system printed (letters and
    digits, 4 to 40), which only a voucher brought from that system can have: the caller
    refuses it as mistyped unless such a voucher has it."""
    code = normalise_code(typed)
    if not code:
        raise FieldProblem("required")
    low, high = FOREIGN_LENGTHS
    if is_ours(code) or (code.isascii() and code.isalnum() and low <= len(code) <= high):
        return code
    raise FieldProblem("voucher_code_invalid")


def format_code(code: str) -> str:
    """Groups of four for reading aloud and printing: ABCD-EFGH-JKMN-P."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def expiry(issued_on: date, months: int) -> date | None:
    """The last day a voucher can be used (None: it never expires)."""
    return add_months(issued_on, months) if months > 0 else None


def state(status: str, balance: Decimal, expires_on: date | None, today: date) -> str:
    """active, used (nothing left), expired or cancelled."""
    if status == "cancelled":
        return "cancelled"
    if balance <= 0:
        return "used"
    if expires_on is not None and expires_on < today:
        return "expired"
    return "active"


def check_redeem(
    status: str, balance: Decimal, expires_on: date | None, today: date, amount: Decimal
) -> None:
    """A voucher pays amount only while active and holding at least that much."""
    found = state(status, balance, expires_on, today)
    if found == "used":
        raise FieldProblem("voucher_used")
    if found == "expired":
        raise FieldProblem("voucher_expired")
    if found == "cancelled":
        raise FieldProblem("voucher_cancelled")
    if amount > balance:
        raise FieldProblem("voucher_balance_short", balance=str(balance))


def parse_months(value: object) -> int:
    """Validity in months: 0 (never expires) to 120."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or int(text) > 120:
        raise FieldProblem("months_range")
    return int(text)
