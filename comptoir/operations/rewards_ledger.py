"""Customer rewards inside a sale's unit of work: points earned, spent as a tender, taken
back by returns. The user's actions on rewards are in services/rewards.py."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from comptoir.data import settings as settings_repo
from comptoir.data import vouchers as repo
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed
from comptoir.logic.rewards import (
    RewardsRules,
    check_redeem,
    clawback,
    earned,
    parse_rules,
    value_of,
)
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork


def rules(cur) -> RewardsRules:
    """The shop's rewards rules (the defaults if a setting is unreadable)."""
    try:
        return parse_rules(settings_repo.get_all(cur, here()))
    except FieldProblem:
        return parse_rules({})


def price_points(uow: UnitOfWork, customer_id: int | None, typed: object) -> tuple[int, Decimal]:
    """Points the customer wants to spend, checked against their balance and the
    minimum, and what they are worth."""
    cur = uow.cur
    account = repo.rewards_account(cur, customer_id) if customer_id else None
    if account is None:
        raise ValidationFailed([FieldError("rewards", "no_rewards_account")])
    found = rules(cur)
    try:
        points = check_redeem(typed, int(account["points"]), found)
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("rewards", problem.code, problem.params)]) from None
    return points, value_of(points, found)


def spend(uow: UnitOfWork, customer_id: int, points: int, sale_id: int) -> None:
    """Take the points for the sale; a concurrent sale that spent them first wins."""
    left = repo.move_points(
        uow.cur, customer_id, -points, "redeemed", sale_id, "", uow.now, uow.staff
    )
    if left is None:
        raise ValidationFailed([FieldError("rewards", "points_over_balance", {"balance": "?"})])


def earn(
    uow: UnitOfWork,
    customer_id: int | None,
    lines: Iterable[tuple[str, Decimal]],
    tenders: Iterable[tuple[str, Decimal]],
    sale_id: int,
) -> int | None:
    """Points the sale earns for a customer with a rewards account (None: no account)."""
    cur = uow.cur
    if customer_id is None or repo.rewards_account(cur, customer_id) is None:
        return None
    points = earned(lines, tenders, rules(cur))
    if points:
        repo.move_points(cur, customer_id, points, "earned", sale_id, "", uow.now, uow.staff)
    return points


def take_back(
    uow: UnitOfWork, original: dict[str, Any], refund_total: Decimal, refund_id: int
) -> None:
    """A return takes back its share of the points its sale earned (never below zero)."""
    cur = uow.cur
    customer_id = original["customer_id"]
    if customer_id is None:
        return
    earned_by_sale = repo.points_of_sale(cur, original["id"]).get("earned", 0)
    account = repo.rewards_account(cur, customer_id)
    if not earned_by_sale or account is None:
        return
    due = clawback(
        earned_by_sale,
        Decimal(original["total"]),
        refund_total,
        repo.clawed_for(cur, original["id"]),
    )
    taken = min(due, int(account["points"]))  # what was spent meanwhile is not owed
    if taken:
        repo.move_points(
            cur,
            customer_id,
            -taken,
            "clawed_back",
            refund_id,
            f"sale:{original['id']}",
            uow.now,
            uow.staff,
        )
