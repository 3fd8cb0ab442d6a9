"""Search tokens: what a customer can be found by, and how a typed term matches."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from comptoir.logic.phones import national_digits

MAX_WORDS = 6
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_PIECES = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case without accents: 'Hélène' -> 'helene'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _word_tokens(text: str | None) -> set[str]:
    found: set[str] = set()
    for word in fold(text or "").split():
        found.add(word)
        found.update(piece for piece in _PIECES.split(word) if piece)
    return found


def _phone_tokens(e164: str | None) -> set[str]:
    if not e164:
        return set()
    return {t for t in (e164.lstrip("+"), national_digits(e164)) if t}


def customer_tokens(customer: Mapping[str, object]) -> set[str]:
    """Every word start the customer can be found by."""
    tokens: set[str] = set()
    for name in ("account_number", "first_name", "last_name", "company", "email", "tags"):
        tokens |= _word_tokens(_text(customer.get(name)))
    postcode = _text(customer.get("postcode"))
    if postcode:
        tokens |= _word_tokens(postcode)
        tokens.add(fold(postcode).replace(" ", ""))
    for name in ("phone", "mobile", "fax"):
        tokens |= _phone_tokens(_text(customer.get(name)))
    # The account numbers of records merged into this one still find it.
    former = customer.get("former_numbers")
    for number in former if isinstance(former, list | tuple) else ():
        tokens |= _word_tokens(_text(number))
    return tokens


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def query_words(term: str) -> list[str]:
    """The word starts a typed term asks for; all must match one customer."""
    text = term.strip()
    if not text:
        return []
    digits = "".join(ch for ch in text if ch.isdigit())
    if _PHONE_LIKE.match(text) and len(digits) >= 3:
        # A phone typed with spaces, dashes, national or +international.
        if text.startswith("00"):
            digits = digits[2:]
        return [digits]
    words: list[str] = []
    for word in fold(text).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def prefix_range(word: str) -> tuple[str, str]:
    """Bounds [low, high) of every token starting with word."""
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def tokens_rows(customer_id: int, tokens: Iterable[str]) -> list[tuple[str, int]]:
    """Rows for the search index table."""
    return [(token, customer_id) for token in sorted(tokens)]
