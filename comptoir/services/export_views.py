"""The lists that can be exported, each as it is shown: the same filters, the same order.

Each builder checks that the actor may see the list; exports.export() then
checks that they may export.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Unpack

from comptoir.data import accounts as accounts_repo
from comptoir.data import audit as audit_repo
from comptoir.data import products as products_repo
from comptoir.data import sales as sales_repo
from comptoir.data import vouchers as vouchers_repo
from comptoir.data import workshop as workshop_repo
from comptoir.logic.accounts import ActivityFilters
from comptoir.logic.audit import AuditFilters
from comptoir.logic.auth import Actor, require
from comptoir.logic.workshop import serial_key
from comptoir.operations import clock
from comptoir.operations import settings as shop_settings
from comptoir.operations.export_files import View

__all__ = [
    "activity",
    "audit_trail",
    "balances",
    "orders",
    "products",
    "purchase_history",
    "reminders",
    "vouchers",
]


def _given(**filters: object) -> tuple[tuple[str, object], ...]:
    """The filters that narrow the list, as the audit trail records them."""
    return tuple((k, str(v)) for k, v in filters.items() if v not in (None, "", (), []))


def purchase_history(actor: Actor, customer_id: int, shop_code: str | None = None) -> View:
    """A customer's sales, newest first."""
    require(actor, "sales.view")
    sql, params = sales_repo.history_query(customer_id, shop_code)
    return View(
        f"purchases-{customer_id}",
        sql,
        tuple(params),
        _given(customer=customer_id, shop=shop_code),
        entity="purchase_history",
    )


def activity(actor: Actor, customer_id: int, **filters: Unpack[ActivityFilters]) -> View:
    """A customer's account entries with the running balance, newest first."""
    require(actor, "accounts.view")
    sql, params = accounts_repo.activity_query(customer_id, **filters)
    since, until, kinds = filters.get("since"), filters.get("until"), filters.get("kinds")
    shown = _given(customer=customer_id, since=since, until=until, kinds=",".join(kinds or ()))
    return View(f"account-{customer_id}", sql, tuple(params), shown, entity="account_activity")


def balances(
    actor: Actor,
    only: str | None = None,
    sort: str = "balance",
    descending: bool = True,
    shop_code: str | None = None,
    today: date | None = None,
) -> View:
    """The Balances page's accounts, aged, in its order."""
    require(actor, "accounts.balances")
    day = today or clock.local_day()
    sql, params = accounts_repo.aged_balances_query(
        day, only=only, sort=sort, descending=descending, shop_code=shop_code
    )
    return View("balances", sql, tuple(params), _given(only=only, shop=shop_code, day=day))


def products(term: str = "", active_only: bool = False) -> View:
    """The Products page's list by name."""
    sql, params = products_repo.export_query(term, active_only)
    return View(
        "products", sql, tuple(params), _given(search=term.strip(), active=active_only or None)
    )


def audit_trail(actor: Actor, **filters: Unpack[AuditFilters]) -> View:
    """The Audit trail page's entries, newest first."""
    require(actor, "audit.view")
    cleaned = filters.copy()
    cleaned["text"] = typed = (filters.get("text") or "").strip() or None
    sql, params = audit_repo.export_query(**cleaned)
    get = filters.get
    shown = _given(
        entity=get("entity"),
        staff=get("staff_id"),
        action=get("action"),
        search=typed,
        since=get("since"),
        until=get("until"),
    )
    return View("audit", sql, tuple(params), shown, entity="audit_trail")


def vouchers(
    actor: Actor, code: str, states: Sequence[str], expires_before: date | None = None
) -> View:
    """The Vouchers page's list, newest first."""
    require(actor, "vouchers.manage")
    typed = "".join(c for c in code.upper() if c.isalnum())
    sql, params = vouchers_repo.export_query(typed, states, clock.local_day(), expires_before)
    filters = _given(code=typed, states=",".join(states), expires_before=expires_before)
    return View("vouchers", sql, tuple(params), filters, entity="voucher_list")


def orders(
    actor: Actor, statuses: Sequence[str], search: str = "", shop_code: str | None = None
) -> View:
    """The Workshop list by promised date (this shop's unless shop_code; "" for all)."""
    require(actor, "workshop.view")
    text = " ".join(search.split())
    key = serial_key(text) if len(serial_key(text)) >= 4 else ""
    shop_code = shop_settings.here() if shop_code is None else shop_code or None
    sql, params = workshop_repo.open_orders_query(shop_code, statuses, text, key)
    return View(
        "workshop", sql, tuple(params), _given(search=text, shop=shop_code), entity="order_list"
    )


def reminders(actor: Actor, customer_id: int) -> View:
    """A customer's service reminders, soonest first."""
    require(actor, "workshop.view")
    sql, params = workshop_repo.reminders_query(customer_id)
    return View(
        f"reminders-{customer_id}",
        sql,
        tuple(params),
        _given(customer=customer_id),
        entity="reminder_list",
    )
