"""The outbox, below the use cases: a message checked against consent and the
suppression list and queued inside a use case's unit of work (the sender delivers it
after the commit), and a template filled for a customer."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import accounts as accounts_repo
from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import messages as repo
from comptoir.i18n import format_money
from comptoir.logic.auth import SYSTEM
from comptoir.logic.consent import CONSENTS, consents_to
from comptoir.logic.emails import parse_email
from comptoir.logic.errors import FieldError, NotFound, ValidationFailed, present
from comptoir.logic.messages import ConsentRefused, check_consent, render
from comptoir.operations import printouts
from comptoir.operations import settings as shop_settings
from comptoir.operations.suppression import footer, suppressed_contact
from comptoir.operations.unit_of_work import UnitOfWork

LOG = logging.getLogger("comptoir.messaging")


def _recipient(customer: dict[str, Any], channel: str) -> str:
    address = customer.get("email") if channel == "email" else customer.get("mobile")
    if not address:
        field = "email" if channel == "email" else "mobile"
        raise ValidationFailed([FieldError(field, "no_address_for_channel")])
    return str(address)


def queue(
    uow: UnitOfWork,
    customer: dict[str, Any],
    channel: str,
    subject: str | None,
    body: str,
    kind: str,
    idempotency_key: str,
    attachment: tuple[str, bytes] | None = None,
    order_id: int | None = None,
) -> int:
    """Write a checked message queued, inside the unit of work; returns its id.

    The caller sends it (deliver) once its transaction has committed.
    """
    cur, moment, actor = uow.cur, uow.now, uow.actor
    if customer.get("erased_at") is not None:
        raise ValidationFailed([FieldError("customer", "customer_erased")])
    try:
        check_consent(kind, consents_to(customer, channel))
    except ConsentRefused:
        flag, _ = CONSENTS[channel]
        raise ValidationFailed([FieldError(flag, "no_marketing_consent")]) from None
    if kind == "marketing" and suppressed_contact(
        cur, customer.get("email"), customer.get("mobile")
    ):
        # An erased person's contact, given again: never marketed to, by any path.
        raise ValidationFailed([FieldError("marketing_opt_in", "suppressed")])
    if kind == "marketing" and channel == "email":
        # Every marketing e-mail carries its one-click way out (stored as sent).
        body = f"{body}\n\n{footer(customer)}"
    return repo.insert(
        cur,
        {
            "customer_id": customer["id"],
            "shop_code": shop_settings.here(),
            "channel": channel,
            "direction": "out",
            "kind": kind,
            "recipient": _recipient(customer, channel),
            "subject": subject,
            "body": body,
            "attachment_name": attachment[0] if attachment else None,
            "attachment": attachment[1] if attachment else None,
            "status": "queued",
            "next_attempt_at": moment,
            "idempotency_key": idempotency_key,
            "staff_id": actor.staff_id,
            "staff_name": actor.display_name,
            "created_at": moment,
            "order_id": order_id,
        },
    )


def rendered(
    cur,
    customer: dict[str, Any],
    code: str,
    extra: dict[str, str] | None = None,
    stored: list[dict[str, Any]] | None = None,
    balance: Decimal | None = None,
) -> tuple[str, str]:
    """A template filled for a customer, in their language (else the shop's, else
    English): (subject, body).

    extra fills the fields only some messages have (item_name, order_number); a batch
    passes the templates (stored) and the customer's balance it read once.
    """
    if balance is None:
        account = accounts_repo.account(cur, customer["id"])
        balance = Decimal(account["balance"]) if account else Decimal("0")
    found = {(t["code"], t["language"]): t for t in stored or repo.templates(cur)}
    header = printouts.shop_header(customer)
    chosen = present(found.get((code, header.language)) or found.get((code, "en")), code)
    values = {
        "first_name": customer["first_name"] or customer["last_name"] or "",
        "last_name": customer["last_name"] or "",
        "shop_name": header.name,
        "shop_phone": header.phone,
        "account_number": customer["account_number"],
        "balance": format_money(balance, header.currency, header.language, header.country),
        "item_name": "",
        "order_number": "",
        **(extra or {}),
    }
    return render(chosen["subject"], values), render(chosen["body"], values)


def note(
    uow: UnitOfWork, customer_id: int, text: str, idempotency_key: str, order_id: int | None = None
) -> int:
    """A staff note on the customer's communications log (the same key: the first note)."""
    cur = uow.cur
    existing = repo.by_key(cur, idempotency_key)
    if existing is not None:
        return existing
    if customers_repo.get(cur, customer_id) is None:
        raise NotFound(customer_id)
    return repo.insert(
        cur,
        {
            "customer_id": customer_id,
            "shop_code": shop_settings.here(),
            "channel": "note",
            "direction": "note",
            "kind": "note",
            "body": text,
            "status": "noted",
            "idempotency_key": idempotency_key,
            "staff_id": uow.actor.staff_id,
            "staff_name": uow.staff,
            "created_at": uow.now,
            "order_id": order_id,
        },
    )


def queue_alert(to: str, subject: str, body: str, key: str, moment: datetime) -> int | None:
    """An e-mail to the shop's own staff (a failed backup), through the outbox like any
    other, in a transaction of its own (no staff member acts); on no customer's log. None
    when the same alert was queued already (key)."""
    address = parse_email(to)
    if address is None:
        logging.getLogger("comptoir.messaging").error(
            "alert not sent: the alert address is not an e-mail address"
        )
        return None

    def work(cur: Any) -> int | None:
        if repo.by_key(cur, key) is not None:
            return None
        return repo.insert(
            cur,
            {
                "customer_id": None,
                "shop_code": shop_settings.here(),
                "channel": "email",
                "direction": "out",
                "kind": "transactional",
                "recipient": address,
                "subject": subject,
                "body": body,
                "attachment_name": None,
                "attachment": None,
                "status": "queued",
                "next_attempt_at": moment,
                "idempotency_key": key,
                "staff_id": None,
                "staff_name": SYSTEM.display_name,
                "created_at": moment,
                "order_id": None,
            },
        )

    return db.run_in_transaction(work)
