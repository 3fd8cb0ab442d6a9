"""Customer use cases: find, create, edit, archive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from comptoir.data import customers as repo
from comptoir.data import db
from comptoir.data import settings as settings_repo
from comptoir.logic.account_numbers import account_key, format_account_number
from comptoir.logic.addresses import country_codes as country_codes  # re-export for pickers
from comptoir.logic.audit import created, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.consent import CONSENTS
from comptoir.logic.customers import (
    FIELDS,
    discount_needs_warning,
    parse_discount,
    tag_list,
    validate_customer,
)
from comptoir.logic.customers import (
    oldest_birth_date as oldest_birth_date,  # re-export for the date picker
)
from comptoir.logic.errors import (
    FieldError,
    FieldProblem,
    NotFound,
    StaleRecord,
    ValidationFailed,
    present,
)
from comptoir.logic.phones import display_phone
from comptoir.logic.records import Edit
from comptoir.logic.search import query_words
from comptoir.operations import card, clock, context, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.settings import card_rules
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_GRID = "customers_grid"
SCREEN_CARD = "customer_card"
SCREEN_NEW = "customer_new"
PAGE_SIZES = (25, 50, 100)
SORTABLE_COLUMNS = repo.SORTABLE
# Appended index rows tolerated before the next start rewrites it sorted.
RESORT_THRESHOLD = 50_000


@dataclass(frozen=True)
class SearchResult:
    """One page of the customer grid."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, -(-self.total // self.page_size))


@dataclass
class GridSaveResult:
    """What happened to each edited row of the grid."""

    saved: list[int] = field(default_factory=list)
    rejected: dict[int, ValidationFailed] = field(default_factory=dict)
    # Rows someone else saved after they were loaded: the customer as it is now.
    conflicts: dict[int, dict[str, Any]] = field(default_factory=dict)


def _now(now: datetime | None) -> datetime:
    return clock.utc(now)


def search_customers(
    term: str,
    page: int = 0,
    page_size: int = 50,
    sort: str = "last_name",
    descending: bool = False,
    include_archived: bool = False,
) -> SearchResult:
    """A page of customers matching every word start of term.

    Browsing with no term counts every customer: that count is kept until a
    customer is added, archived or restored (any process), or BROWSE_SECONDS.
    """
    words = query_words(term)
    key = (db.target(), include_archived)
    totals = context.current().kept("browse_totals", BROWSE_SECONDS)
    with db.cursor() as cur:
        known, stamp = None, None
        if not words:
            stamp = repo.customers_stamp(cur)
            known = totals.get(key, stamp)
        rows, total = repo.search_page(
            cur,
            words,
            include_archived=include_archived,
            sort=sort,
            descending=descending,
            limit=page_size,
            offset=page * page_size,
            total=known,
        )
    if stamp is not None and known is None:
        totals.put(key, stamp, total)
    return SearchResult(rows=rows, total=total, page=page, page_size=page_size)


BROWSE_SECONDS = 30.0
MOST_TAGS = 500  # different tags offered as a filter


def known_tags() -> list[str]:
    """The tags customers carry (not archived ones), sorted, for a filter's pick-list, each
    as most customers spell it; kept until a customer is added, archived or restored (any
    process), or BROWSE_SECONDS (a tag edited on a card shows within them)."""
    kept = context.current().kept("known_tags", BROWSE_SECONDS)
    since = kept.generation()
    with db.cursor() as cur:
        stamp = repo.customers_stamp(cur)  # indexed: no scan of the customers per run
        found = kept.get(db.target(), stamp)
        if found is None:
            texts = repo.tag_texts(cur, MOST_TAGS * 4)  # the most carried first
            found = sorted(tag_list(", ".join(texts)), key=str.casefold)[:MOST_TAGS]
            kept.put(db.target(), stamp, found, since)
    return found


def get_customer(customer_id: int) -> dict[str, Any]:
    """Every field of one customer."""
    with db.cursor() as cur:
        found = present(repo.get(cur, customer_id), customer_id)
    return found


def consent_history(customer_id: int) -> list[dict[str, Any]]:
    """Every consent change, newest first."""
    with db.cursor() as cur:
        return repo.consent_history(cur, customer_id)


def preview_account_number() -> str:
    """The number the next new customer would get (not reserved)."""
    with db.cursor() as cur:
        return _next_free_number(cur, reserve=False)


def _next_free_number(cur, reserve: bool) -> str:
    prefix = settings_repo.get_all(cur, shop_settings.here()).get("account_prefix", "")
    number = repo.peek_account_sequence(cur)
    while True:
        number = repo.next_account_sequence(cur) if reserve else number + 1
        candidate = format_account_number(prefix, number)
        if not repo.keys_taken(cur, [account_key(candidate)]):
            return candidate


def create_customer(
    raw: Mapping[str, object],
    actor: Actor,
    generated_number: str | None = None,
    screen: str = SCREEN_NEW,
    now: datetime | None = None,
) -> int:
    """Check and store a new customer; return its id.

    When the account number is empty, or still the generated_number that was
    offered, the next free number is taken inside the transaction.
    """
    require(actor, "customers.edit")
    moment = _now(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        values = dict(raw)
        typed = str(values.get("account_number") or "").strip()
        generate = not typed or (generated_number and typed == generated_number.strip())
        if generate:
            values["account_number"] = "-"  # stands in while the other fields are checked
        clean = validate_customer(values, card_rules(cur, clock.local_day(moment)))
        if generate:
            # Taken only once the card is valid, so a refused try burns no number.
            clean = replace(clean, account_number=_next_free_number(cur, reserve=True))
        key = account_key(clean.account_number)
        holder = repo.holder_of_key(cur, key)
        if holder:
            raise card.taken_error(holder)
        stored = clean.as_dict()
        for flag, since in CONSENTS.values():
            stored[since] = moment if stored[flag] else None
        customer_id = repo.insert(cur, stored, key, moment)
        card.store_tokens(uow, customer_id, stored, new=True)
        for channel, (flag, _) in CONSENTS.items():
            if stored[flag]:
                repo.insert_consent(
                    cur, customer_id, True, moment, screen, actor.display_name, channel
                )
        uow.audit("create", "customer", customer_id, created(stored, FIELDS))
        return customer_id

    return unit_of_work.run(actor, "customers.edit", screen, work, moment)


def update_customer(
    customer_id: int,
    version: int,
    changes: Mapping[str, object],
    actor: Actor,
    screen: str = SCREEN_CARD,
    now: datetime | None = None,
) -> int:
    """Check and store changed fields if nobody saved first; return the new version."""
    require(actor, "customers.edit")
    moment = _now(now)
    new_version, _ = unit_of_work.run(
        actor,
        "customers.edit",
        screen,
        lambda uow: card.apply_update(uow, Edit(customer_id, version, changes)),
        moment,
    )
    return new_version


def set_archived(
    customer_id: int,
    version: int,
    archived: bool,
    actor: Actor,
    screen: str = SCREEN_CARD,
    now: datetime | None = None,
) -> int:
    """Archive (hide from search, never delete) or restore a customer."""
    require(actor, "customers.edit")
    moment = _now(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        new_version = repo.set_archived(cur, customer_id, version, archived, moment)
        if new_version is None:
            raise StaleRecord(customer_id, repo.current_version(cur, customer_id))
        uow.audit(
            "archive" if archived else "restore",
            "customer",
            customer_id,
            diff({"archived": not archived}, {"archived": archived}),
        )
        return new_version

    return unit_of_work.run(actor, "customers.edit", screen, work, moment)


def save_grid_edits(
    edits: Mapping[int, tuple[int, Mapping[str, object]]],
    actor: Actor,
    now: datetime | None = None,
) -> GridSaveResult:
    """Save edited grid rows {id: (version, changes)} in one transaction.

    Rows breaking a rule or edited by someone else meanwhile are left out and
    reported; every other row is saved.
    """
    require(actor, "customers.edit")
    moment = _now(now)
    result = GridSaveResult()
    pending = dict(edits)
    # Two rows of one batch may not take the same account number.
    claimed: dict[str, int] = {}
    for customer_id, (_, changes) in sorted(pending.items()):
        if "account_number" in changes and changes["account_number"]:
            key = account_key(str(changes["account_number"]))
            if key in claimed:
                result.rejected[customer_id] = ValidationFailed(
                    [FieldError("account_number", "account_number_duplicate_in_grid")]
                )
            claimed.setdefault(key, customer_id)
    for customer_id in result.rejected:
        pending.pop(customer_id)

    while pending:
        failed: dict[int, Exception] = {}

        def work(uow: UnitOfWork, batch=pending, failed=failed) -> list[int]:
            failed.clear()  # a retried attempt starts over
            done = []
            rules = card_rules(uow.cur, uow.today)  # once for the batch, not per row
            for customer_id, (version, changes) in batch.items():
                try:
                    card.apply_update(uow, Edit(customer_id, version, changes), rules)
                    done.append(customer_id)
                except (ValidationFailed, StaleRecord, NotFound) as refusal:
                    failed[customer_id] = refusal
            if failed:
                # Roll back and retry without the refused rows: nothing half-written.
                raise _RetryWithout()
            return done

        try:
            result.saved = unit_of_work.run(actor, "customers.edit", SCREEN_GRID, work, moment)
            break
        except _RetryWithout:
            for customer_id, exc in failed.items():
                pending.pop(customer_id)
                if isinstance(exc, ValidationFailed):
                    result.rejected[customer_id] = exc
                else:
                    result.conflicts[customer_id] = {}
    if result.conflicts:
        with db.cursor() as cur:
            for customer_id in result.conflicts:
                result.conflicts[customer_id] = repo.get(cur, customer_id) or {}
    return result


class _RetryWithout(Exception):
    """Internal: abort the batch so the refused rows can be dropped."""


def maintain_search_index(threshold: int = RESORT_THRESHOLD) -> bool:
    """Rewrite the search index sorted when many rows were appended; True if done."""
    with db.cursor() as cur:
        if repo.unsorted_tokens(cur) < threshold:
            return False
    db.run_in_transaction(repo.rebuild_search_index_sorted)
    return True


def phone_for_display(e164: str | None, shop_region: str) -> str:
    """National format for the shop's country, international for others."""
    return display_phone(e164, shop_region)


def discount_warning(current: object, typed: object) -> bool:
    """True when the typed discount sets a new, non-zero discount."""
    try:
        return discount_needs_warning(parse_discount(current), parse_discount(typed))
    except FieldProblem:
        return False
