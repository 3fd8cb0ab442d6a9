"""Turn a rule's FieldError into a sentence naming the field."""

from __future__ import annotations

from comptoir.i18n.catalog import t, tn
from comptoir.logic.errors import FieldError, ValidationFailed


def describe(error: FieldError, language: str) -> str:
    """E.g. 'E-mail is not a valid address: …'; rows of a grid or file say which line."""
    label = t(f"field.{error.field}", language, **error.params)
    count = str(error.params.get("count", ""))
    if count.isdigit():  # a count picks the message's singular or plural form
        text = tn(f"error.{error.code}", int(count), language, field=label, **error.params)
    else:
        text = t(f"error.{error.code}", language, field=label, **error.params)
    if "line" in error.params:
        return t("error.on_line", language, line=error.params["line"], message=text)
    return text


def describe_all(exc: ValidationFailed, language: str) -> str:
    """Every refusal of exc on one line."""
    return " ".join(describe(e, language) for e in exc.errors)
