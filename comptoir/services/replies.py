"""SMS replies: fetched from the provider, filed on the customer whose mobile sent them
(a STOP withdraws marketing consent), the rest left for staff to attach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import messages as repo
from comptoir.data import settings as settings_repo
from comptoir.logic.auth import SYSTEM, Actor, require
from comptoir.logic.errors import NotFound
from comptoir.logic.messages import (
    inbound_sender,
    inbound_text,
    is_stop,
)
from comptoir.messaging import config
from comptoir.messaging.email import SendFailed
from comptoir.messaging.sms import received_since
from comptoir.operations import card, clock, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.card import SCREEN_SMS_STOP
from comptoir.operations.unit_of_work import UnitOfWork

CHECKED_KEY = "sms_checked_on"


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
                if card.withdraw_marketing_consent(uow, owner, "sms"):
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
            card.withdraw_marketing_consent(uow, customer_id, "sms")

    unit_of_work.run(actor, "messages.send", SCREEN_SMS_STOP, work, moment)
