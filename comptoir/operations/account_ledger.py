"""Customer accounts inside a use case's unit of work: an entry posted, allocated against
open items, the balance moved, audited. The staff's actions are in services/accounts.py."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from decimal import Decimal
from typing import Any

from comptoir.data import accounts as repo
from comptoir.data import db
from comptoir.logic.accounts import OpenItem, allocate, check_charge
from comptoir.logic.audit import FieldChange
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.logic.pricing import ZERO
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_ACCOUNT = "customer_account"
# One writer at a time per customer inside this process; DuckDB's write
# conflict on the account row is the guarantee, the lock just spares retries.
_locks: defaultdict[int, threading.Lock] = defaultdict(threading.Lock)


def _open_items(rows: list[dict[str, Any]]) -> list[OpenItem]:
    return [OpenItem(r["id"], r["occurred_on"], Decimal(r["open_amount"])) for r in rows]


def post(
    uow: UnitOfWork,
    customer_id: int,
    values: dict[str, Any],
    chosen: Sequence[int] = (),
    first: Sequence[int] = (),
) -> int:
    """Insert an entry, allocate it, move the balance, audit it (on the account's screen,
    whichever use case posts it)."""
    cur, moment, actor = uow.cur, uow.now, uow.actor
    signed = Decimal(values["amount"])
    entry_id = repo.insert_entry(
        cur,
        {
            **values,
            "customer_id": customer_id,
            "recorded_at": moment,
            "staff_id": actor.staff_id,
            "staff_name": actor.display_name,
            "shop_code": here(),  # where the payment was taken, for shop filters
        },
    )
    order = list(first) + [i for i in chosen if i not in first]
    if signed > 0:  # a debit is paid first from credit already on the account
        pairs = spread(signed, _open_items(repo.open_credits(cur, customer_id)), order)
        repo.insert_allocations(cur, customer_id, [(c, entry_id, a) for c, a in pairs], moment)
    else:
        pairs = spread(-signed, _open_items(repo.open_debits(cur, customer_id)), order)
        repo.insert_allocations(cur, customer_id, [(entry_id, d, a) for d, a in pairs], moment)
    repo.add_to_balance(cur, customer_id, signed, moment)
    changes = [FieldChange("amount", None, str(signed))]
    for name in ("reference", "method", "reason", "reverses_id"):
        if values.get(name):
            changes.append(FieldChange(name, None, str(values[name])))
    uow.audit(values["kind"], "customer", customer_id, changes, screen=SCREEN_ACCOUNT)
    return entry_id


def spread(
    amount: Decimal, items: list[OpenItem], order: Sequence[int]
) -> list[tuple[int, Decimal]]:
    """The ordered items first, then the oldest others; what is left stays unallocated."""
    pairs, left = allocate(amount, items, order) if order else ([], amount)
    if left > 0:
        taken = dict(pairs)
        rest = [
            OpenItem(i.entry_id, i.on, i.open_amount - taken.get(i.entry_id, ZERO)) for i in items
        ]
        more, _ = allocate(left, rest)
        merged = dict(pairs)
        for entry_id, share in more:
            merged[entry_id] = merged.get(entry_id, ZERO) + share
        pairs = list(merged.items())
    return pairs


def post_sale_tender(uow: UnitOfWork, customer_id: int, amount: Decimal, reference: str) -> int:
    """Inside a sale's transaction: charge the account (or credit it for a refund).

    The credit-limit check and the balance row make concurrent sales to one
    customer as safe as concurrent charges.
    """
    account = repo.account(uow.cur, customer_id)
    if account is None:
        raise ValidationFailed([FieldError("tenders", "no_account")])
    if amount > 0:
        check_charge(Decimal(account["balance"]), Decimal(account["credit_limit"]), amount)
    values = {
        "kind": "charge" if amount > 0 else "credit_note",
        "amount": amount,
        "occurred_on": uow.today,
        "reference": reference,
        "reason": None if amount > 0 else f"refund {reference}",
    }
    return post(uow, customer_id, values)


def customer_lock(customer_id: int) -> AbstractContextManager:
    """The in-process lock that spares retries for one customer's money movements.

    Only an optimisation: with IN_PROCESS_LOCKS off (tests, or several processes
    on one database) the database's row conflicts and constraints still hold.
    """
    return _locks[customer_id] if db.IN_PROCESS_LOCKS else nullcontext()
