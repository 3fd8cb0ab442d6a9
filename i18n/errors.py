"""Turn a rule's FieldError into a sentence naming the field."""

from __future__ import annotations

from i18n.catalog import t
from logic.errors import FieldError, ValidationFailed


def describe(error: FieldError, language: str) -> str:
    """E.g. 'E-mail is not a valid address: …'."""
    return t(
        f"error.{error.code}", language, field=t(f"field.{error.field}", language), **error.params
    )


def describe_all(exc: ValidationFailed, language: str) -> str:
    """Every refusal of exc on one line."""
    return " ".join(describe(e, language) for e in exc.errors)
