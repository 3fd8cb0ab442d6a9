"""Messages to customers: queued (with its idempotency key) in the unit of work, then
sent by operations/sender.py; notes, bulk sends, the communications log.

A message is written queued before anything is sent; the same key again returns the first
message and sends nothing. Replies are services/replies.py; templates services/templates.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import messages as repo
from comptoir.i18n import language_of, t
from comptoir.logic.auth import Actor, require
from comptoir.logic.consent import consents_to
from comptoir.logic.emails import parse_email
from comptoir.logic.errors import FieldError, FieldProblem, NotFound, ValidationFailed, present
from comptoir.logic.messages import (
    ConsentRefused,
    check_consent,
    clean_body,
    pick_channel,
)
from comptoir.logic.phones import parse_phone
from comptoir.messaging.email import SendFailed
from comptoir.operations import clock, outbox, sender, suppression, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.unit_of_work import UnitOfWork

PAGE_SIZE = 20
SCREEN = "messages"  # audit entries written by no other screen


# Sending one message is an effect several use cases compose (a receipt, a statement, a
# voucher, "your bike is ready"): it lives with the sender, below the use cases.
send_message = sender.send
status_of = sender.status_of
channels = sender.channels


def add_note(
    actor: Actor,
    customer_id: int,
    body: object,
    idempotency_key: str,
    now: datetime | None = None,
    order_id: int | None = None,
) -> int:
    """A staff note on the customer's communications log (plain text, shown as typed),
    about one of their orders when order_id is given."""
    require(actor, "customers.edit")
    try:
        text = clean_body(body, "note")
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("note", problem.code, problem.params)]) from None
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> int:
        return outbox.note(uow, customer_id, text, idempotency_key, order_id)

    return unit_of_work.run(actor, "customers.edit", SCREEN, work, moment)


def send_test(actor: Actor, to: object) -> tuple[bool, str]:
    """Send a test e-mail (an address) or SMS (a number) straight away (administrators).

    Not queued and not on any customer's log: it only tells whether the channel works.
    """
    require(actor, "settings.edit")
    text = str(to or "").strip()
    message: dict[str, Any]
    try:
        if "@" in text:
            address = parse_email(text)
            if address is None:
                raise FieldProblem("required")
            message = {"channel": "email", "recipient": address, "attachment_name": None}
        else:
            number = parse_phone(text, shop_settings.current().default_country)
            if number is None:
                raise FieldProblem("required")
            message = {"channel": "sms", "recipient": number}
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("test_to", problem.code, problem.params)]) from None
    name = shop_settings.current().values.get("shop_name", "Comptoir")
    # The shop's language, like its documents.
    language = language_of(shop_settings.current().locale)
    message |= {
        "id": 0,
        "subject": t("message.test.subject", language, shop_name=name),
        "body": t("message.test.body", language, shop_name=name),
    }
    try:
        sender.to_provider(message)
    except SendFailed as failure:
        return False, failure.reason
    return True, str(message["recipient"])


@dataclass(frozen=True)
class BulkPlan:
    """Who a bulk message goes to (customer, channel) and how many are left out, by why."""

    kind: str
    recipients: tuple[tuple[int, str], ...]
    excluded: dict[str, int]


def _filled_for(customer_id: int, code: str) -> tuple[str, str]:
    with db.cursor() as cur:
        customer = present(customers_repo.get(cur, customer_id), customer_id)
        return outbox.rendered(cur, customer, code)


def bulk_plan(actor: Actor, customer_ids: list[int], kind: str, channel: str | None) -> BulkPlan:
    """Before sending: the recipients and the customers left out (no consent, no channel)."""
    require(actor, "messages.marketing" if kind == "marketing" else "messages.send")
    recipients: list[tuple[int, str]] = []
    excluded: dict[str, int] = {}
    chosen_ids = list(dict.fromkeys(customer_ids))
    with db.cursor() as cur:
        found = repo.contacts(cur, chosen_ids)
    # Marketing never goes to a contact an erased customer had (the suppression list).
    blocked = (
        suppression.suppressed_ids({i: (c["email"], c["mobile"]) for i, c in found.items()})
        if kind == "marketing"
        else set()
    )
    for customer_id in chosen_ids:
        customer = found.get(customer_id)
        reason, chosen = None, None
        if customer is None or customer["archived"]:
            reason = "archived"
        elif customer_id in blocked:
            reason = "suppressed"
        else:
            chosen = pick_channel(
                channel, customer["contact_preference"], customer["email"], customer["mobile"]
            )
            if not chosen:
                reason = "no_channel"
            else:
                try:  # consent is per channel: the one this message would go by
                    check_consent(kind, consents_to(customer, chosen))
                except ConsentRefused:
                    reason, chosen = "no_consent", None
        if reason:
            excluded[reason] = excluded.get(reason, 0) + 1
        elif chosen:
            recipients.append((customer_id, chosen))
    return BulkPlan(kind, tuple(recipients), excluded)


def rate_per_minute() -> int:
    """How many bulk messages may leave per minute (Settings; a typo cannot flood)."""
    try:
        return max(1, int(shop_settings.current().values.get("messages_per_minute", "60")))
    except ValueError:
        return 60


def send_bulk(
    actor: Actor,
    plan: BulkPlan,
    template_code: str,
    batch_key: str,
    progress: Callable[[int, int], None] = lambda done, total: None,
    pause: Callable[[float], None] = time.sleep,
) -> list[tuple[int, str, str]]:
    """Send the template to each recipient at the configured rate; (customer, channel, status).

    Each message's key is the batch's key and the customer: sending the same batch
    again (a rerun, a double click) sends nobody twice.
    """
    wait = 60.0 / rate_per_minute()
    results: list[tuple[int, str, str]] = []
    for position, (customer_id, channel) in enumerate(plan.recipients):
        if position:
            pause(wait)
        try:
            subject, body = _filled_for(customer_id, template_code)
            message_id = send_message(
                actor,
                customer_id,
                channel,
                body,
                f"{batch_key}:{customer_id}",
                subject=subject if channel == "email" else None,
                kind=plan.kind,
            )
            results.append((customer_id, channel, str(status_of(message_id)["status"])))
        except ValidationFailed as refused:
            results.append((customer_id, channel, refused.errors[0].code))
        except FieldProblem as problem:  # a stored template that no longer renders
            results.append((customer_id, channel, problem.code))
        except NotFound:
            results.append((customer_id, channel, "not_found"))
        progress(position + 1, len(plan.recipients))
    return results


def retry(actor: Actor, message_id: int, now: datetime | None = None) -> str:
    """Send a failed message again now (by hand)."""
    require(actor, "messages.send")
    moment = clock.utc(now)
    unit_of_work.run(
        actor,
        "messages.send",
        SCREEN,
        lambda uow: repo.retry_now(uow.cur, message_id, uow.now),
        moment,
    )
    return sender.deliver(message_id, now=moment)


def order_messages(actor: Actor, order_id: int) -> list[dict[str, Any]]:
    """The e-mails, SMS and notes about one order, newest first."""
    require(actor, "customers.view")
    with db.cursor() as cur:
        return repo.for_order(cur, order_id)


def communications(
    actor: Actor, customer_id: int, page: int = 0, page_size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], int]:
    """The customer's e-mails, SMS and notes, newest first."""
    require(actor, "customers.view")
    with db.cursor() as cur:
        return repo.for_customer(cur, customer_id, page_size, page * page_size)
