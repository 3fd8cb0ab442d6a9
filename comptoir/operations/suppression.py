"""The suppression list and the unsubscribe link, below the use cases: an erased
person's contacts (kept only as keyed hashes) are never marketed to by any path, and every
marketing e-mail ends with the customer's one-click way out."""

from __future__ import annotations

import os
import secrets as random_secrets
from collections.abc import Mapping
from typing import Any

from comptoir import home
from comptoir.data import db
from comptoir.data import gdpr as repo
from comptoir.i18n import language_of, t
from comptoir.logic.consent import unsubscribe_token
from comptoir.logic.gdpr import contact_digests
from comptoir.messaging import config as messaging_config
from comptoir.operations import clock
from comptoir.operations import settings as shop_settings

KEY_ENV = "COMPTOIR_SUPPRESSION_KEY"
SECRET_NAME = "suppression_key"
URL_ENV = "COMPTOIR_PUBLIC_URL"
DEFAULT_URL = "http://localhost:8501"


def suppression_key() -> bytes:
    """The key of the suppression list's hashes and of unsubscribe links:
    COMPTOIR_SUPPRESSION_KEY, else [privacy] suppression_key in secrets.toml, else the
    shop's own, kept in its database (so it moves with a backup). A key made by an
    earlier version in a file beside the database is adopted once, so links already
    e-mailed keep working."""
    given = os.environ.get(KEY_ENV) or messaging_config.section("privacy").get("suppression_key")
    if given:
        return str(given).encode()
    with db.cursor() as cur:
        stored = repo.secret(cur, SECRET_NAME)
    if stored:
        return stored.encode()
    folder = home.data_folder() if db.on_postgres() else db.file_path().parent
    legacy = folder / "suppression.key"
    made = legacy.read_text().strip() if legacy.exists() else random_secrets.token_hex(32)
    kept = db.run_in_transaction(lambda cur: repo.keep_secret(cur, SECRET_NAME, made, clock.now()))
    return str(kept).encode()


def is_suppressed(email: str | None, mobile: str | None) -> bool:
    """True when this e-mail or mobile belonged to an erased customer."""
    return bool(suppressed_ids({0: (email, mobile)}))


def suppressed_contact(cur: Any, email: str | None, mobile: str | None) -> bool:
    """is_suppressed inside the caller's transaction."""
    return bool(suppressed_among(cur, {0: (email, mobile)}))


def suppressed_ids(contacts: dict[int, tuple[str | None, str | None]]) -> set[int]:
    """Which of these customers (id → e-mail, mobile) have a contact on the suppression
    list (one query)."""
    with db.cursor() as cur:
        return suppressed_among(cur, contacts)


def suppressed_among(cur: Any, contacts: Mapping[int, tuple[str | None, str | None]]) -> set[int]:
    """suppressed_ids inside the caller's transaction: which keys (customers, messages…)
    have a contact on the list, in one query."""
    if not any(email or mobile for email, mobile in contacts.values()):
        return set()
    key = suppression_key()
    digests = {
        i: contact_digests(key, {"email": email, "mobile": mobile}).values()
        for i, (email, mobile) in contacts.items()
    }
    wanted = sorted({d for values in digests.values() for d in values})
    listed = repo.suppressed(cur, wanted)
    return {i for i, values in digests.items() if listed.intersection(values)}


def public_url() -> str:
    """Where customers reach the app: COMPTOIR_PUBLIC_URL, else [app] public_url in
    secrets.toml, else this machine's address (fine on the shop's own network only)."""
    given = os.environ.get(URL_ENV) or messaging_config.section("app").get("public_url")
    return str(given or DEFAULT_URL).rstrip("/")


def link(customer_id: int) -> str:
    """The customer's unsubscribe link."""
    return f"{public_url()}/unsubscribe?t={unsubscribe_token(suppression_key(), customer_id)}"


def footer(customer: dict[str, Any]) -> str:
    """The lines a marketing e-mail ends with, in the customer's language."""
    language = customer.get("language") or language_of(shop_settings.current().locale)
    return t("unsubscribe.footer", language, link=link(int(customer["id"])))
