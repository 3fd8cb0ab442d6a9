"""Account numbers: generated from a prefix, unique ignoring case and spaces."""

from __future__ import annotations

from comptoir.logic.errors import FieldProblem

MAX_LENGTH = 30
DIGITS = 6


def account_key(number: str) -> str:
    """The form uniqueness is checked on: trimmed and upper-cased."""
    return number.strip().upper()


def clean_account_number(raw: str | None) -> str:
    """The number as stored: trimmed; required and bounded in length."""
    text = (raw or "").strip()
    if not text:
        raise FieldProblem("required")
    if len(text) > MAX_LENGTH:
        raise FieldProblem("too_long", max=str(MAX_LENGTH))
    if any(ch.isspace() and ch != " " for ch in text):
        raise FieldProblem("account_number_invalid")
    return text


def format_account_number(prefix: str, number: int) -> str:
    """The n-th generated account number, e.g. C000042."""
    return f"{prefix.strip()}{number:0{DIGITS}d}"


def clean_prefix(raw: str | None) -> str:
    """A prefix for generated numbers: up to 10 letters, digits or dashes."""
    text = (raw or "").strip()
    if len(text) > 10 or not all(ch.isalnum() or ch in "-_/" for ch in text):
        raise FieldProblem("prefix_invalid")
    return text
