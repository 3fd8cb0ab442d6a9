"""Withdrawing marketing consent from an e-mail: the signed link marketing e-mails carry,
and the public page's one click behind it (no sign-in: the token is the proof)."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.i18n import language_of, t
from comptoir.logic.auth import Actor
from comptoir.logic.consent import token_customer, unsubscribe_token
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.messaging import config as messaging_config
from comptoir.operations import clock
from comptoir.operations import settings as shop_settings
from comptoir.services import gdpr
from comptoir.services.customers import withdraw_marketing_consent

SCREEN = "unsubscribe_link"
URL_ENV = "COMPTOIR_PUBLIC_URL"
DEFAULT_URL = "http://localhost:8501"
# Who the consent history and audit trail name for a change made from the link.
CUSTOMER = Actor(staff_id=None, username="customer", display_name="Customer (link)", role="staff")


def public_url() -> str:
    """Where customers reach the app: COMPTOIR_PUBLIC_URL, else [app] public_url in
    secrets.toml, else this machine's address (fine on the shop's own network only)."""
    given = os.environ.get(URL_ENV) or messaging_config.section("app").get("public_url")
    return str(given or DEFAULT_URL).rstrip("/")


def link(customer_id: int) -> str:
    """The customer's unsubscribe link."""
    return f"{public_url()}/unsubscribe?t={unsubscribe_token(gdpr.suppression_key(), customer_id)}"


def footer(customer: dict[str, Any]) -> str:
    """The lines a marketing e-mail ends with, in the customer's language."""
    language = customer.get("language") or language_of(shop_settings.current().locale)
    return t("unsubscribe.footer", language, link=link(int(customer["id"])))


def _customer(token: object) -> int:
    customer_id = token_customer(gdpr.suppression_key(), token)
    if customer_id is None:
        raise ValidationFailed([FieldError("link", "unsubscribe_invalid")])
    return customer_id


def link_language(token: object) -> str | None:
    """The language of the customer a valid link is for (the page speaks it); None when
    the link is not valid."""
    customer_id = token_customer(gdpr.suppression_key(), token)
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

    def work(cur: Any) -> bool:
        card = customers_repo.get(cur, customer_id)
        for _ in range(10):  # a merged record's link speaks for the record kept
            if card is None or card["merged_into"] is None:
                break
            card = customers_repo.get(cur, card["merged_into"])
        if card is None:
            raise ValidationFailed([FieldError("link", "unsubscribe_invalid")])
        return withdraw_marketing_consent(cur, int(card["id"]), CUSTOMER, moment, SCREEN)

    return db.run_in_transaction(work)
