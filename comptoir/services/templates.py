"""Message templates: the shop's wording of each message, checked, previewed on a sample
customer, saved (audited), filled for a customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import messages as repo
from comptoir.i18n import format_money
from comptoir.logic.audit import diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import (
    check_fields,
    present,
)
from comptoir.logic.messages import (
    TEMPLATE_FIELDS,
    check_template,
    clean_body,
    clean_subject,
    empty_fields,
    render,
)
from comptoir.operations import clock, outbox, printouts, unit_of_work
from comptoir.operations.unit_of_work import UnitOfWork


def templates() -> list[dict[str, Any]]:
    """The message templates (code, language, subject, body)."""
    with db.cursor() as cur:
        return repo.templates(cur)


# What a template preview fills in for the customer (the shop's fields are its own).
SAMPLE_CUSTOMER = {
    "first_name": "Anna",
    "last_name": "Martin",
    "account_number": "C000123",
    "balance": "42.50",  # formatted in the shop's currency when filled
    "item_name": "Trek Domane SL6",
    "order_number": "J000123",
}


@dataclass(frozen=True)
class TemplatePreview:
    """A template filled with the shop's real values and a sample customer; the fields
    that come out empty (a demo reminder said "call us on  or drop by")."""

    subject: str
    body: str
    empty: tuple[str, ...]


def _checked_template(subject: object, body: object) -> dict[str, str]:
    """Subject and body cleaned, with plain known fields only; else the refusal naming
    each field."""

    def template(text: str) -> str:
        check_template(text, set(TEMPLATE_FIELDS))
        return text

    return check_fields(
        {
            "subject": lambda: template(clean_subject(subject)),
            "body": lambda: template(clean_body(body, "email")),
        }
    )


def _filled(clean: dict[str, str], language: str) -> TemplatePreview:
    """A checked template filled with the shop's real details and the sample customer."""
    header = printouts.shop_header({"language": language})
    values: dict[str, object] = {
        **SAMPLE_CUSTOMER,
        "shop_name": header.name,
        "shop_phone": header.phone,
        "balance": format_money(
            Decimal(SAMPLE_CUSTOMER["balance"]), header.currency, header.language, header.country
        ),
    }
    texts = [clean["subject"], clean["body"]]
    subject, body = (render(text, values) for text in texts)
    return TemplatePreview(subject, body, tuple(empty_fields(texts, values)))


def preview_template(subject: object, body: object, language: str) -> TemplatePreview:
    """Subject and body as they would go out, or ValidationFailed naming the field."""
    return _filled(_checked_template(subject, body), language)


def save_template(
    actor: Actor,
    code: str,
    language: str,
    subject: object,
    body: object,
    now: datetime | None = None,
) -> TemplatePreview:
    """Check a template by filling it with sample values, then store it (administrators);
    the preview says which fields would come out empty for this shop."""
    require(actor, "settings.edit")
    clean = _checked_template(subject, body)
    preview = _filled(clean, language)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        before = {t["code"] + "/" + t["language"]: t for t in repo.templates(cur)}
        old = before.get(f"{code}/{language}", {})
        repo.save_template(cur, code, language, clean["subject"], clean["body"], moment)
        changes = diff(
            {"subject": old.get("subject"), "body": old.get("body")},
            {"subject": clean["subject"], "body": clean["body"]},
        )
        if changes:
            uow.audit("update", "template", None, changes)

    unit_of_work.run(actor, "settings.edit", f"template:{code}:{language}", work, moment)
    return preview


def render_template(
    actor: Actor, customer_id: int, code: str, extra: dict[str, str] | None = None
) -> tuple[str, str]:
    """A template filled for a customer, in their language (else the shop's, else English)."""
    require(actor, "messages.send")
    with db.cursor() as cur:
        customer = present(customers_repo.get(cur, customer_id), customer_id)
        return outbox.rendered(cur, customer, code, extra)
