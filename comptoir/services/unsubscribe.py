"""Withdrawing marketing consent from an e-mail: the signed link marketing e-mails carry,
and the public page's one click behind it (no sign-in: the token is the proof)."""

from __future__ import annotations

from datetime import datetime

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.i18n import language_of
from comptoir.logic.auth import Actor
from comptoir.logic.consent import token_customer
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.operations import clock, suppression, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.card import withdraw_marketing_consent
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "unsubscribe_link"
# Who the consent history and audit trail name for a change made from the link.
CUSTOMER = Actor(staff_id=None, username="customer", display_name="Customer (link)", role="staff")


def _customer(token: object) -> int:
    customer_id = token_customer(suppression.suppression_key(), token)
    if customer_id is None:
        raise ValidationFailed([FieldError("link", "unsubscribe_invalid")])
    return customer_id


def link_language(token: object) -> str | None:
    """The language of the customer a valid link is for (the page speaks it); None when
    the link is not valid."""
    customer_id = token_customer(suppression.suppression_key(), token)
    if customer_id is None:
        return None
    with db.cursor() as cur:
        found = customers_repo.get(cur, customer_id)
    if found is None:
        return None
    return found.get("language") or language_of(shop_settings.current().locale)


def unsubscribe(token: object, now: datetime | None = None) -> bool:
    """Marketing consent withdrawn for the link's customer, recorded in the consent history
    with the link as its source; False when it was already withdrawn."""
    customer_id = _customer(token)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> bool:
        cur = uow.cur
        card = customers_repo.get(cur, customer_id)
        for _ in range(10):  # a merged record's link speaks for the record kept
            if card is None or card["merged_into"] is None:
                break
            card = customers_repo.get(cur, card["merged_into"])
        if card is None:
            raise ValidationFailed([FieldError("link", "unsubscribe_invalid")])
        return withdraw_marketing_consent(uow, int(card["id"]), "email")  # an e-mail's link

    # The customer's own link: no staff role gates it (the token was checked above).
    return unit_of_work.run(CUSTOMER, None, SCREEN, work, moment)
