"""Customer rewards on the card: the account and its card number, the points ledger, a
manager's adjustment, and points lapsing after months without activity. Points move
with sales in operations/rewards_ledger.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import vouchers as repo
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import SYSTEM, Actor, require
from comptoir.logic.dates import add_months
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed, present
from comptoir.logic.rewards import card_number, expires, value_of
from comptoir.logic.text import clean_text
from comptoir.operations import clock, rewards_ledger, unit_of_work
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "rewards"


@dataclass(frozen=True)
class Rewards:
    """A customer's rewards account as the card shows it."""

    card_number: str
    points: int
    value: Decimal
    last_activity_at: datetime
    old_cards: list[dict[str, Any]]
    entries: list[dict[str, Any]]


def overview(actor: Actor, customer_id: int) -> Rewards | None:
    """The account (None: the customer has none), its value in money and its ledger."""
    require(actor, "customers.view")
    with db.cursor() as cur:
        account = repo.rewards_account(cur, customer_id)
        if account is None:
            return None
        rules = rewards_ledger.rules(cur)
        return Rewards(
            card_number=account["card_number"],
            points=int(account["points"]),
            value=value_of(int(account["points"]), rules),
            last_activity_at=account["last_activity_at"],
            old_cards=repo.old_cards(cur, customer_id),
            entries=repo.rewards_entries(cur, customer_id),
        )


def balance(actor: Actor, customer_id: int) -> tuple[int, Decimal] | None:
    """Points held and what they are worth (None: no rewards account): what the till
    shows, without the ledger."""
    require(actor, "customers.view")
    with db.cursor() as cur:
        account = repo.rewards_account(cur, customer_id)
        if account is None:
            return None
        points = int(account["points"])
        return points, value_of(points, rewards_ledger.rules(cur))


def create(actor: Actor, customer_id: int, now: datetime | None = None) -> str:
    """Open a rewards account with a new card number; the number (once per customer)."""

    def work(uow: UnitOfWork) -> str:
        cur = uow.cur
        present(customers_repo.get(cur, customer_id), customer_id)
        existing = repo.rewards_account(cur, customer_id)
        if existing is not None:
            return str(existing["card_number"])
        number = card_number(repo.next_card(cur))
        repo.open_rewards(cur, customer_id, number, uow.now)
        uow.audit(
            "create", "customer", customer_id, [FieldChange("rewards.card_number", None, number)]
        )
        return number

    return unit_of_work.run(actor, "customers.edit", SCREEN, work, now)


def assign_new_card(actor: Actor, customer_id: int, now: datetime | None = None) -> str:
    """A new card number (a lost card); the old one is kept in history. The new number."""

    def work(uow: UnitOfWork) -> str:
        cur = uow.cur
        if repo.rewards_account(cur, customer_id) is None:
            raise ValidationFailed([FieldError("rewards", "no_rewards_account")])
        number = card_number(repo.next_card(cur))
        old = repo.new_card(cur, customer_id, number, uow.now, actor.display_name)
        uow.audit(
            "update", "customer", customer_id, [FieldChange("rewards.card_number", old, number)]
        )
        return number

    return unit_of_work.run(actor, "customers.edit", SCREEN, work, now)


def adjust(
    actor: Actor, customer_id: int, points: object, reason: object, now: datetime | None = None
) -> int:
    """A manager adds or takes points (with the reason); the new balance. Never below 0."""
    require(actor, "rewards.adjust")
    errors: list[FieldError] = []
    text = str(points if points is not None else "").strip()
    try:
        change = int(text)
        if change == 0 or abs(change) > 10**7:
            raise ValueError
    except ValueError:
        errors.append(FieldError("points", "points_invalid"))
        change = 0
    try:
        why = clean_text(reason, 300, multiline=False)
        if not why:
            errors.append(FieldError("reason", "required"))
    except FieldProblem as problem:
        errors.append(FieldError("reason", problem.code, problem.params))
        why = ""
    if errors:
        raise ValidationFailed(errors)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        if repo.rewards_account(cur, customer_id) is None:
            raise ValidationFailed([FieldError("rewards", "no_rewards_account")])
        balance = repo.move_points(
            cur, customer_id, change, "adjusted", None, why, moment, actor.display_name
        )
        if balance is None:
            raise ValidationFailed([FieldError("points", "points_below_zero")])
        uow.audit_change(
            "update", "customer", customer_id, "rewards.points", None, f"{change:+d} ({why})"
        )
        return balance

    return unit_of_work.run(actor, "rewards.adjust", SCREEN, work, moment)


def expire_lapsed(now: datetime | None = None) -> int:
    """Points of accounts with no activity for the Settings' months lapse; how many
    accounts (run by the app's scheduler)."""
    moment = clock.utc(now)
    today = clock.local_day(moment)

    def work(cur) -> int:
        months = rewards_ledger.rules(cur).expiry_months
        if months <= 0:
            return 0
        cutoff = clock.day_start(add_months(today, -months))
        done = 0
        for customer_id, points in repo.lapsed_accounts(cur, cutoff):
            account = repo.rewards_account(cur, customer_id)
            last = clock.local_day(account["last_activity_at"]) if account else today
            if account is None or not expires(last, months, today):
                continue
            repo.move_points(
                cur, customer_id, -points, "expired", None, "", moment, SYSTEM.display_name
            )
            done += 1
        return done

    return db.run_in_transaction(work)
