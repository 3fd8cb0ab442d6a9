"""The sender, below the use cases: messages a unit of work queued are handed to their
provider (SMTP, Twilio) once it has committed, each alone (one failure never stops or
repeats the others), retried with back-off; the background round that sends what is due.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import messages as repo
from comptoir.logic.auth import Actor, require
from comptoir.logic.consent import consents_to
from comptoir.logic.errors import (
    Checked,
    present,
)
from comptoir.logic.messages import (
    SENDING_LEASE,
    clean_body,
    clean_subject,
    next_attempt,
)
from comptoir.logic.text import is_hidden
from comptoir.messaging import config
from comptoir.messaging.email import SendFailed, Sent, send_email
from comptoir.messaging.email import connection as email_connection
from comptoir.messaging.sms import send_sms
from comptoir.operations import clock, context, heartbeat, outbox, suppression, unit_of_work
from comptoir.operations.unit_of_work import UnitOfWork

BATCH = 20
LOG = logging.getLogger("comptoir.messaging")
SCREEN_MESSAGES = "messages"
# Seconds between the background sender's checks for replies.
REPLIES_EVERY = 300.0


@dataclass(frozen=True)
class Channels:
    """Which channels are configured (Settings shows it; buttons explain the rest)."""

    email: bool
    sms: bool


def channels() -> Channels:
    """E-mail and SMS configured in .streamlit/secrets.toml, or not."""
    return Channels(email=config.smtp() is not None, sms=config.twilio() is not None)


def status_of(message_id: int) -> dict[str, Any]:
    """A message's status, attempts and reason (for the screen that sent it)."""
    with db.cursor() as cur:
        found = present(repo.get(cur, message_id), message_id)
    found.pop("attachment", None)
    return found


def send(
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
    """Queue one e-mail or SMS to a customer in a unit of work of its own, then hand it
    to its provider; returns its id.

    The same idempotency key again returns the first message and sends nothing.
    """
    require(actor, "messages.marketing" if kind == "marketing" else "messages.send")
    if channel not in ("email", "sms"):
        raise ValueError(channel)
    checked = Checked()
    if channel == "email":
        checked.take("subject", lambda: clean_subject(subject))
    checked.take("body", lambda: clean_body(body, channel))
    clean = checked.done()
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> tuple[int, bool]:
        cur = uow.cur
        existing = repo.by_key(cur, idempotency_key)
        if existing is not None:
            return existing, False
        customer = present(customers_repo.get(cur, customer_id), customer_id)
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
        SCREEN_MESSAGES,
        work,
        moment,
    )
    if queued:
        deliver(message_id, now=moment)
    return message_id


Provider = Callable[[dict[str, Any]], Sent]


def to_provider(message: dict[str, Any]) -> Sent:
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


def deliver(message_id: int, now: datetime | None = None, provider: Provider = to_provider) -> str:
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
        agrees = customer and consents_to(customer, message["channel"])
        opted_in = {message_id} if agrees else set()
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
    message_ids: list[int], now: datetime | None = None, provider: Provider = to_provider
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


def deliver_due(now: datetime | None = None, provider: Provider = to_provider) -> dict[str, int]:
    """Send what is due (queued, failed and due again, or left by a dead sender)."""
    moment = clock.utc(now)
    with db.cursor() as cur:
        ids = repo.due(cur, moment, moment - SENDING_LEASE, BATCH)
    return deliver_many(ids, now=moment, provider=provider)


def start(every_seconds: float = 30.0, also: Callable[[], object] | None = None) -> bool:
    """The context's background sender: sends what is due every few seconds (started once).

    also: a round's other job (the app passes the SMS replies check, run every few
    minutes when Twilio is configured).
    """

    def loop(stop: threading.Event) -> None:
        checked = 0.0
        while not stop.wait(every_seconds):
            try:
                deliver_due()
                due = time.monotonic() - checked > REPLIES_EVERY
                if also is not None and config.twilio() is not None and due:
                    checked = time.monotonic()
                    also()
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                LOG.exception("background sender")
            heartbeat.beat("sender", clock.now())

    return context.current().run_beside("sender", loop)
