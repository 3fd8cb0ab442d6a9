"""Messages: queue in the outbox, send by e-mail or SMS, notes, the communications log.

A message is written queued (with its idempotency key) before anything is sent;
sending claims the row, calls the provider outside any transaction, then
records sent with the provider's id or failed with its reason and the next try.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import messages as repo
from comptoir.data import settings as settings_repo
from comptoir.i18n import format_date, format_money, language_of, t
from comptoir.logic.audit import diff
from comptoir.logic.auth import SYSTEM, Actor, require
from comptoir.logic.emails import parse_email
from comptoir.logic.errors import FieldError, FieldProblem, NotFound, ValidationFailed
from comptoir.logic.messages import (
    SENDING_LEASE,
    TEMPLATE_FIELDS,
    ConsentRefused,
    check_consent,
    check_template,
    clean_body,
    clean_subject,
    empty_fields,
    inbound_sender,
    inbound_text,
    is_stop,
    next_attempt,
    pick_channel,
    render,
)
from comptoir.logic.phones import parse_phone
from comptoir.logic.text import is_hidden
from comptoir.messaging import config
from comptoir.messaging.email import SendFailed, Sent, send_email
from comptoir.messaging.email import connection as email_connection
from comptoir.messaging.sms import received_since, send_sms
from comptoir.operations import card, clock, heartbeat, outbox, printouts, suppression, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.card import SCREEN_SMS_STOP
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.pdf_a4 import receipt_pdf
from comptoir.services import accounts, receipts

PAGE_SIZE = 20
BATCH = 20
LOG = logging.getLogger("comptoir.messaging")
# The shop's day of the last check for replies (the next asks Twilio from the day before).
CHECKED_KEY = "sms_checked_on"
# Seconds between the background sender's checks for replies.
REPLIES_EVERY = 300.0

SCREEN = "messages"  # audit entries written by no other screen


@dataclass(frozen=True)
class Channels:
    """Which channels are configured (Settings shows it; buttons explain the rest)."""

    email: bool
    sms: bool


def channels() -> Channels:
    """E-mail and SMS configured in .streamlit/secrets.toml, or not."""
    return Channels(email=config.smtp() is not None, sms=config.twilio() is not None)


def send_message(
    actor: Actor,
    customer_id: int,
    channel: str,
    body: object,
    idempotency_key: str,
    subject: object = None,
    kind: str = "transactional",
    attachment: tuple[str, bytes] | None = None,
    now: datetime | None = None,
    order_id: int | None = None,
) -> int:
    """Queue one e-mail or SMS to a customer, then try to send it; returns its id.

    The same idempotency key again returns the first message and sends nothing.
    """
    require(actor, "messages.marketing" if kind == "marketing" else "messages.send")
    if channel not in ("email", "sms"):
        raise ValueError(channel)
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    checks: list[tuple[str, Callable[[], str]]] = [("body", lambda: clean_body(body, channel))]
    if channel == "email":
        checks.insert(0, ("subject", lambda: clean_subject(subject)))
    for field, check in checks:
        try:
            clean[field] = check()
        except FieldProblem as problem:
            errors.append(FieldError(field, problem.code, problem.params))
    if errors:
        raise ValidationFailed(errors)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> tuple[int, bool]:
        cur = uow.cur
        existing = repo.by_key(cur, idempotency_key)
        if existing is not None:
            return existing, False
        customer = customers_repo.get(cur, customer_id)
        if customer is None:
            raise NotFound(customer_id)
        message_id = outbox.queue(
            uow,
            customer,
            channel,
            clean.get("subject"),
            clean["body"],
            kind,
            idempotency_key,
            attachment=attachment,
            order_id=order_id,
        )
        return message_id, True

    message_id, queued = unit_of_work.run(
        actor,
        "messages.marketing" if kind == "marketing" else "messages.send",
        SCREEN,
        work,
        moment,
    )
    if queued:
        deliver(message_id, now=moment)
    return message_id


def queue_alert(to: str, subject: str, body: str, key: str, moment: datetime) -> int | None:
    """An e-mail to the shop's own staff (a failed backup), through the outbox like any
    other; on no customer's log. None when the same alert was queued already (key)."""
    address = parse_email(to)
    if address is None:
        LOG.error("alert not sent: the alert address is not an e-mail address")
        return None

    def work(cur) -> int | None:
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
                "staff_id": actor.staff_id,
                "staff_name": actor.display_name,
                "created_at": moment,
                "order_id": order_id,
            },
        )

    return unit_of_work.run(actor, "customers.edit", SCREEN, work, moment)


def _document_mail(
    actor: Actor, sale_id: int, document: str
) -> tuple[int, str, str, tuple[str, bytes]]:
    """Customer, subject, body and PDF of a sale's receipt or invoice, in their language."""
    sale = receipts.sale_detail(actor, sale_id)
    if not sale["customer_id"]:
        raise ValidationFailed([FieldError("customer", "sale_without_customer")])
    receipt = receipts.receipt_document(sale)
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) or {}
    if document == "invoice":
        number, pdf = receipts.invoice_pdf_for(actor, sale_id)
        attachment = (f"invoice-{number}.pdf", pdf)
    else:
        number = sale["receipt_number"]
        attachment = (f"receipt-{number}.pdf", receipt_pdf(receipt))
    lang = receipt.shop.language
    values = {
        "first_name": customer.get("first_name") or customer.get("last_name") or "",
        "shop_name": receipt.shop.name,
        "number": number,
    }
    subject = t(f"message.{document}.subject", lang, **values)
    body = t(f"message.{document}.body", lang, **values)
    return int(sale["customer_id"]), subject, body, attachment


def email_document(
    actor: Actor, sale_id: int, document: str, idempotency_key: str, now: datetime | None = None
) -> int:
    """E-mail a sale's receipt or invoice (as stored: its lines, its shop) to its customer."""
    if document not in ("receipt", "invoice"):
        raise ValueError(document)
    customer_id, subject, body, attachment = _document_mail(actor, sale_id, document)
    return send_message(
        actor,
        customer_id,
        "email",
        body,
        idempotency_key,
        subject=subject,
        attachment=attachment,
        now=now,
    )


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
        _provider(message)
    except SendFailed as failure:
        return False, failure.reason
    return True, str(message["recipient"])


def email_statement(
    actor: Actor,
    customer_id: int,
    start: date,
    end: date,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """E-mail an account statement for the period to the customer, in their language."""
    pdf = accounts.statement(actor, customer_id, start, end)
    with db.cursor() as cur:
        customer = customers_repo.get(cur, customer_id) or {}
    header = printouts.shop_header(customer)
    values = {
        "first_name": customer.get("first_name") or customer.get("last_name") or "",
        "shop_name": header.name,
        "start": format_date(start, header.language),
        "end": format_date(end, header.language),
    }
    return send_message(
        actor,
        customer_id,
        "email",
        t("message.statement.body", header.language, **values),
        idempotency_key,
        subject=t("message.statement.subject", header.language, **values),
        attachment=(
            f"statement-{customer.get('account_number', customer_id)}-{end:%Y%m%d}.pdf",
            pdf,
        ),
        now=now,
    )


@dataclass(frozen=True)
class Replies:
    """What a check for replies found."""

    matched: int
    unmatched: int
    stops: int


def check_replies(actor: Actor = SYSTEM, now: datetime | None = None) -> Replies:
    """Fetch SMS sent to the shop's number since the last check; file each on its customer.

    Matched by mobile number (one live customer with it), else left for staff to
    attach; a message already fetched is skipped (its Twilio id is its key); a
    STOP or ARRÊT reply withdraws the customer's marketing consent.
    """
    settings = config.twilio()
    if settings is None:
        raise SendFailed("not_configured")
    moment = clock.utc(now)
    with db.cursor() as cur:
        last = settings_repo.get_all(cur, shop_settings.here()).get(CHECKED_KEY)
    since = date.fromisoformat(last) - timedelta(days=1) if last else None
    received = received_since(settings, since)
    counts = {"matched": 0, "unmatched": 0, "stops": 0}

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        for sms in received:
            key = f"twilio:{sms.sid}"[:200]
            if repo.by_key(cur, key) is not None:
                continue
            sender = inbound_sender(sms.sender)
            body = inbound_text(sms.body)
            owners = repo.customers_with_mobile(cur, sender)
            stop = is_stop(body)
            # A STOP from a number several customers share speaks for each of them: it is
            # filed on every card; any other reply is left for staff to attach.
            shared_stop = stop and len(owners) > 1
            filed_on: list[int | None] = list(owners) if len(owners) == 1 or shared_stop else [None]
            for position, owner in enumerate(filed_on):
                repo.insert(
                    cur,
                    {
                        "customer_id": owner,
                        "shop_code": shop_settings.here(),
                        "channel": "sms",
                        "direction": "in",
                        "kind": "transactional",
                        "recipient": sender,
                        "body": body,
                        "status": "received",
                        "provider_id": sms.sid[:200],
                        "idempotency_key": key if position == 0 else f"{key}:{owner}",
                        "staff_name": "SMS",
                        "created_at": clock.utc(sms.sent_at) if sms.sent_at else moment,
                    },
                )
                if owner is None or not stop:
                    continue
                if card.withdraw_marketing_consent(uow, owner):
                    counts["stops"] += 1
            counts["matched" if filed_on != [None] else "unmatched"] += 1
        checked = {CHECKED_KEY: clock.local_day(moment).isoformat()}
        settings_repo.set_many(cur, checked, shop_settings.here())

    # No staff role gates it: the sender's background round runs it as the system.
    unit_of_work.run(actor, None, SCREEN_SMS_STOP, work, moment)
    return Replies(**counts)


def unmatched_replies(actor: Actor, limit: int = 50) -> list[dict[str, Any]]:
    """Received SMS that matched no customer, for staff to attach."""
    require(actor, "messages.send")
    with db.cursor() as cur:
        return repo.unmatched(cur, limit)


def attach_reply(actor: Actor, message_id: int, customer_id: int) -> None:
    """File an unmatched received SMS on a customer's log."""
    require(actor, "messages.send")

    moment = clock.now()

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        if customers_repo.get(cur, customer_id) is None:
            raise NotFound(customer_id)
        if not repo.attach(cur, message_id, customer_id):
            raise NotFound(message_id)
        reply = repo.get(cur, message_id)
        if reply is not None and is_stop(str(reply["body"] or "")):
            # A STOP filed by hand opts that customer out, as one matched on arrival would.
            card.withdraw_marketing_consent(uow, customer_id)

    unit_of_work.run(actor, "messages.send", SCREEN_SMS_STOP, work, moment)


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
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    for field, raw, check in (
        ("subject", subject, lambda v: clean_subject(v)),
        ("body", body, lambda v: clean_body(v, "email")),
    ):
        try:
            clean[field] = check(raw)
            check_template(clean[field], set(TEMPLATE_FIELDS))
        except FieldProblem as problem:
            errors.append(FieldError(field, problem.code, problem.params))
    if errors:
        raise ValidationFailed(errors)
    return clean


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
        customer = customers_repo.get(cur, customer_id)
        if customer is None:
            raise NotFound(customer_id)
        return outbox.rendered(cur, customer, code, extra)


@dataclass(frozen=True)
class BulkPlan:
    """Who a bulk message goes to (customer, channel) and how many are left out, by why."""

    kind: str
    recipients: tuple[tuple[int, str], ...]
    excluded: dict[str, int]


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
            try:
                check_consent(kind, bool(customer["marketing_opt_in"]))
            except ConsentRefused:
                reason = "no_consent"
            else:
                chosen = pick_channel(
                    channel, customer["contact_preference"], customer["email"], customer["mobile"]
                )
                reason = None if chosen else "no_channel"
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
            subject, body = render_template(actor, customer_id, template_code)
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


def status_of(message_id: int) -> dict[str, Any]:
    """A message's status, attempts and reason (for the screen that sent it)."""
    with db.cursor() as cur:
        found = repo.get(cur, message_id)
    if found is None:
        raise NotFound(message_id)
    found.pop("attachment", None)
    return found


Provider = Callable[[dict[str, Any]], Sent]


def _provider(message: dict[str, Any]) -> Sent:
    """Hand the message to its channel's provider (SendFailed when not configured)."""
    if message["channel"] == "email":
        smtp = config.smtp()
        if smtp is None:
            raise SendFailed("not_configured")
        attachment = (
            (message["attachment_name"], bytes(message["attachment"]))
            if message["attachment_name"]
            else None
        )
        return send_email(
            smtp,
            message["recipient"],
            message["subject"] or "",
            message["body"],
            attachment,
            message_id=f"<comptoir-{message['id']}@{smtp.host}>",
        )
    twilio = config.twilio()
    if twilio is None:
        raise SendFailed("not_configured")
    return send_sms(twilio, message["recipient"], message["body"])


class _Failed(Exception):
    """One message that did not go: the provider's reason (tried again later), or a
    message no provider can take (a recipient with a line break from a restored file):
    failed for good, never retried, never stopping the others."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent

    def retry_at(self, attempts: int, moment: datetime) -> datetime | None:
        return None if self.permanent else next_attempt(attempts, moment)


def _send_one(message: dict[str, Any], provider: Provider) -> Sent:
    recipient = str(message["recipient"] or "")
    if not recipient or any(is_hidden(ch) or ch.isspace() for ch in recipient):
        raise _Failed("invalid_recipient", permanent=True)
    try:
        return provider(message)
    except SendFailed as failure:
        raise _Failed(failure.reason, permanent=False) from failure
    except Exception as exc:  # noqa: BLE001 - this message fails alone, with its reason
        LOG.warning("message %s not sendable: %s", message["id"], type(exc).__name__)
        raise _Failed(f"{type(exc).__name__}: {exc}"[:300], permanent=True) from exc


def _held_back(cur, messages: list[dict[str, Any]], opted_in: set[int]) -> dict[int, str]:
    """Claimed marketing messages that must not go after all, with why: consent withdrawn
    (opted_in: the ids whose customer still agrees), or the contact erased since it was
    queued (checked again at every send, one query for the batch)."""
    marketing = [m for m in messages if m["kind"] == "marketing"]
    held = {int(m["id"]): "no_marketing_consent" for m in marketing if m["id"] not in opted_in}
    contacts = {
        int(m["id"]): (m["recipient"], None) if m["channel"] == "email" else (None, m["recipient"])
        for m in marketing
        if m["id"] not in held
    }
    held.update(dict.fromkeys(suppression.suppressed_among(cur, contacts), "suppressed"))
    return held


def deliver(message_id: int, now: datetime | None = None, provider: Provider = _provider) -> str:
    """Send one due message if this sender can claim it; its status afterwards."""
    moment = clock.utc(now)
    stale = moment - SENDING_LEASE

    def claim(cur) -> dict[str, Any] | None:
        if not repo.claim(cur, message_id, moment, stale):
            return None
        message = repo.get(cur, message_id)
        if message is None:
            return None
        customer = customers_repo.get(cur, message["customer_id"])
        opted_in = {message_id} if customer and customer["marketing_opt_in"] else set()
        reason = _held_back(cur, [message], opted_in).get(message_id)
        if reason is not None:
            repo.mark_failed(cur, message_id, reason, None)
            return None
        return message

    message = db.run_in_transaction(claim)
    if message is None:
        with db.cursor() as cur:
            found = repo.get(cur, message_id)
        return str(found["status"]) if found else "missing"
    try:
        sent = _send_one(message, provider)
    except _Failed as failure:
        reason, retry_at = failure.reason, failure.retry_at(int(message["attempts"]), moment)
        db.run_in_transaction(lambda cur: repo.mark_failed(cur, message_id, reason, retry_at))
        return "failed"
    provider_id = sent.provider_id
    db.run_in_transaction(lambda cur: repo.mark_sent(cur, message_id, provider_id, clock.now()))
    return "sent"


def deliver_many(
    message_ids: list[int], now: datetime | None = None, provider: Provider = _provider
) -> dict[str, int]:
    """deliver for a batch: one transaction claims them all, the provider is called for
    each outside it, one more records what happened. Counts by outcome (sent, failed);
    ids another sender holds are left to it."""
    moment = clock.utc(now)

    def claim(cur) -> list[dict[str, Any]]:
        claimed = repo.get_many(
            cur, repo.claim_many(cur, message_ids, moment, moment - SENDING_LEASE)
        )
        opted_in = {m["id"] for m in claimed if m["customer_opt_in"]}
        held = _held_back(cur, claimed, opted_in)
        for message_id, reason in held.items():
            repo.mark_failed(cur, message_id, reason, None)
        return [m for m in claimed if m["id"] not in held]

    sent: list[tuple[int, str]] = []
    failed: list[tuple[int, str, datetime | None]] = []

    def record(cur) -> None:
        repo.mark_sent_many(cur, sent, clock.now())
        for message_id, reason, retry_at in failed:
            repo.mark_failed(cur, message_id, reason, retry_at)

    try:
        with email_connection():  # one SMTP login for the batch
            for message in db.run_in_transaction(claim):
                try:
                    sent.append((message["id"], _send_one(message, provider).provider_id))
                except _Failed as failure:
                    retry_at = failure.retry_at(int(message["attempts"]), moment)
                    failed.append((message["id"], failure.reason, retry_at))
    finally:
        # What went out is recorded whatever happened after it: never sent twice.
        db.run_in_transaction(record)
    outcome = {"sent": len(sent), "failed": len(failed)}
    return {k: v for k, v in outcome.items() if v}


def deliver_due(now: datetime | None = None, provider: Provider = _provider) -> dict[str, int]:
    """Send what is due (queued, failed and due again, or left by a dead sender)."""
    moment = clock.utc(now)
    with db.cursor() as cur:
        ids = repo.due(cur, moment, moment - SENDING_LEASE, BATCH)
    return deliver_many(ids, now=moment, provider=provider)


def retry(actor: Actor, message_id: int, now: datetime | None = None) -> str:
    """Send a failed message again now (by hand)."""
    require(actor, "messages.send")
    moment = clock.utc(now)
    db.run_in_transaction(lambda cur: repo.retry_now(cur, message_id, moment))
    return deliver(message_id, now=moment)


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


_sender_lock = threading.Lock()
_sender: threading.Thread | None = None


def start_sender(every_seconds: float = 30.0) -> None:
    """The process's background sender: sends what is due every few seconds (once)."""
    global _sender
    with _sender_lock:
        if _sender is not None and _sender.is_alive():
            return
        stop = threading.Event()

        def loop() -> None:
            checked = 0.0
            while not stop.wait(every_seconds):
                try:
                    deliver_due()
                    if config.twilio() is not None and time.monotonic() - checked > REPLIES_EVERY:
                        checked = time.monotonic()
                        check_replies()
                except Exception:  # noqa: BLE001 - logged; the next round tries again
                    LOG.exception("background sender")
                heartbeat.beat("sender", clock.now())

        _sender = threading.Thread(target=loop, name="comptoir-sender", daemon=True)
        _sender.start()
