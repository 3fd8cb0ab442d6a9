"""A customer's card changed inside a use case's unit of work: fields checked and stored
(consent history, search tokens, audit), marketing consent withdrawn. The card's own use
cases are in services/customers.py; a merge, a STOP reply and the unsubscribe link
compose these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from comptoir.data import customers as repo
from comptoir.data import merges as merges_repo
from comptoir.logic.account_numbers import account_key
from comptoir.logic.audit import diff
from comptoir.logic.consent import CONSENTS, consent_after
from comptoir.logic.customers import CardRules, CustomerFields, validate_customer
from comptoir.logic.errors import FieldError, StaleRecord, ValidationFailed, present
from comptoir.logic.records import Edit
from comptoir.logic.search import customer_tokens, tokens_rows
from comptoir.operations.settings import card_rules
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_SMS_STOP = "sms_stop"


def taken_error(holder: Mapping[str, Any]) -> ValidationFailed:
    name = " ".join(p for p in (holder.get("first_name"), holder.get("last_name")) if p)
    return ValidationFailed(
        [
            FieldError(
                "account_number",
                "account_number_taken",
                {"holder": name, "number": str(holder["account_number"])},
            )
        ]
    )


def store_tokens(
    uow: UnitOfWork, customer_id: int, fields: Mapping[str, Any], new: bool = False
) -> None:
    """Rebuild the customer's search tokens from its card and former account numbers (a new
    customer has none: not looked up)."""
    cur = uow.cur
    former = [] if new else merges_repo.former_numbers(cur, customer_id)
    rows = tokens_rows(customer_id, customer_tokens({**fields, "former_numbers": former}))
    live = not fields.get("archived", False)
    repo.replace_tokens(cur, customer_id, rows, fields.get("last_name"), live)


Updated = tuple[int, CustomerFields]  # the new version and the checked card


def apply_update(uow: UnitOfWork, edit: Edit, rules: CardRules | None = None) -> Updated:
    """Check and store changed card fields in the unit of work (audited and consent
    recorded on its screen, search tokens rebuilt); the new version and the checked card."""
    customer_id, version, changes = edit.record_id, edit.version, edit.changes
    cur, moment = uow.cur, uow.now
    current = present(repo.get(cur, customer_id), customer_id)
    if current["merged_into"] is not None:
        # Merged away (meanwhile, for a card still open): edits belong on the record kept.
        kept = repo.get(cur, current["merged_into"])
        number = kept["account_number"] if kept else str(current["merged_into"])
        raise ValidationFailed([FieldError("customer", "customer_merged", {"into": number})])
    if current["version"] != version:
        raise StaleRecord(customer_id, current["version"])
    merged = {name: current[name] for name in repo.CARD_COLUMNS}
    merged.update(changes)
    clean = validate_customer(merged, rules or card_rules(cur, uow.today))
    new_values = clean.as_dict()
    changed = {k: v for k, v in new_values.items() if current[k] != v}
    if not changed:
        return version, clean
    key = account_key(clean.account_number)
    if "account_number" in changed:
        holder = repo.holder_of_key(cur, key, exclude_id=customer_id)
        if holder:
            raise taken_error(holder)
        if key != account_key(current["account_number"]):
            changed["account_key"] = key
    consents = []
    for channel, (flag, since) in CONSENTS.items():
        opt_in_at, consent = consent_after(current[flag], current[since], new_values[flag], moment)
        if consent:
            changed[since] = opt_in_at
            consents.append((channel, consent))
    new_version = repo.update(cur, customer_id, version, changed, moment)
    if new_version is None:
        raise StaleRecord(customer_id, repo.current_version(cur, customer_id))
    store_tokens(uow, customer_id, {**new_values, "archived": current["archived"]})
    for channel, consent in consents:
        repo.insert_consent(
            cur, customer_id, consent.opted_in, consent.at, uow.screen, uow.staff, channel
        )
    audited = [name for name in changed if name != "account_key"]
    uow.audit("update", "customer", customer_id, diff(current, changed, audited))
    return new_version, clean


def withdraw_marketing_consent(uow: UnitOfWork, customer_id: int, channel: str) -> bool:
    """Marketing consent on one channel off in the unit of work (an unsubscribe link for
    e-mail, a STOP reply for SMS: its screen), recorded in the consent history and the
    audit trail; False when it was already off."""
    cur, moment = uow.cur, uow.now
    flag, since = CONSENTS[channel]
    current = repo.get(cur, customer_id)
    if current is None or not current[flag]:
        return False
    off = {flag: False, since: None}
    if repo.update(cur, customer_id, current["version"], off, moment) is None:
        raise StaleRecord(customer_id, repo.current_version(cur, customer_id))
    repo.insert_consent(cur, customer_id, False, moment, uow.screen, uow.staff, channel)
    uow.audit("update", "customer", customer_id, diff({flag: True}, {flag: False}))
    return True
