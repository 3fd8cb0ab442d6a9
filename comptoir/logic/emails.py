"""E-mail addresses: syntax only, never a network look-up."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from comptoir.logic.errors import FieldProblem


def parse_email(raw: str | None) -> str | None:
    """Return the normalised address, None when empty."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldProblem("email_invalid", detail=str(exc)) from exc
    return result.normalized
