"""Aged balances, below the use cases: the whole ledger aged into buckets, one page of it,
kept a short while and read again as soon as the ledger or an account changed (any
process). The Balances page and Insights read it through their own use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from comptoir.data import accounts as repo
from comptoir.data import db
from comptoir.operations import context

BALANCES_SECONDS = 30.0


def _kept() -> context.Kept[BalancesReport]:
    return context.current().kept("aged_balances", BALANCES_SECONDS)


@dataclass(frozen=True)
class BalancesReport:
    """One page of accounts with a balance, how many match, and the totals of all."""

    rows: list[dict[str, Any]]
    count: int
    totals: dict[str, Decimal]


BALANCE_PAGE = 50


class BalanceQuery(TypedDict, total=False):
    """Which page of the aged balances, in which order, for which shop (see report())."""

    only: str | None
    sort: str
    descending: bool
    page: int
    page_size: int
    shop_code: str | None


BALANCE_SORTS = repo.BALANCE_SORTS


def report(
    day: date,
    *,
    only: str | None = None,
    sort: str = "balance",
    descending: bool = True,
    page: int = 0,
    page_size: int = BALANCE_PAGE,
    shop_code: str | None = None,
) -> BalancesReport:
    """Aged balances (managers); only: over_limit, near_limit (>= 90 %) or overdue.

    shop_code keeps the accounts used at that shop (a charge, payment or other
    entry recorded there); their balances stay the chain's.

    The aged query reads the whole ledger; its answer is kept for a short while
    and read again as soon as the ledger or an account changed (any process).
    """
    key = (db.target(), day, only, sort, descending, page, page_size, shop_code)
    kept = _kept()
    with db.cursor() as cur:
        stamp = repo.ledger_stamp(cur)
        found = kept.get(key, stamp)
        if found is not None:
            return found
        rows, count, totals = repo.aged_balances_page(
            cur,
            day,
            only=only,
            sort=sort,
            descending=descending,
            limit=page_size,
            offset=page * page_size,
            shop_code=shop_code,
        )
    report = BalancesReport(rows, count, totals)
    kept.put(key, stamp, report)
    return report


def forget() -> None:
    """Drop the kept aged balances (benchmarks measure the query itself)."""
    _kept().clear()
