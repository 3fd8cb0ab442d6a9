"""Workshop orders and jobs: checked in, changed, moved along their statuses, converted
from a quote, cancelled (their deposits given back in the same unit of work).

Lines, deposits and collection at the till are services/workshop_lines.py; the board,
tickets and telling the customer services/workshop_board.py; items
services/workshop_items.py; reminders services/reminders.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import db
from comptoir.data import sales as sales_repo
from comptoir.data import settings as settings_repo
from comptoir.data import workshop as repo
from comptoir.logic.audit import FieldChange, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, FieldProblem, StaleRecord, ValidationFailed
from comptoir.logic.records import Edit
from comptoir.logic.text import clean_text
from comptoir.logic.workshop import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    MoveRefused,
    check_conversion,
    check_item,
    check_move,
    check_order,
    next_status,
)
from comptoir.operations import (
    clock,
    sale_closing,
    unit_of_work,
    workshop_orders,
)
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_ORDERS = "orders"


# ---- orders -----------------------------------------------------------------


def create_order(
    actor: Actor,
    customer_id: int,
    raw: Mapping[str, object],
    idempotency_key: str,
    new_item: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> int:
    """Open an order or check a bike in: kind, item (existing item_id, or new_item),
    reported fault, agreement, estimate limit, mechanic, promised and booked days."""
    require(actor, "workshop.edit")
    moment = clock.utc(now)
    today = clock.local_day(moment)
    clean, errors = check_order({"kind": "job", **raw}, today, creating=True)
    item_clean: dict[str, str] | None = None
    if new_item is not None:
        item_clean, item_errors = check_item(new_item)
        errors += item_errors
    if errors:
        raise ValidationFailed(errors)
    item_id = int(str(raw["item_id"])) if raw.get("item_id") is not None else None

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        existing = repo.order_by_key(cur, idempotency_key)
        if existing is not None:
            return existing
        sale_closing.live_customer(cur, customer_id, hold=True)
        chosen = item_id
        if item_clean is not None:
            chosen = workshop_orders.insert_item(uow, customer_id, item_clean)
        elif chosen is not None:
            found = repo.item(cur, chosen)
            if found is None or found["customer_id"] != customer_id:
                raise ValidationFailed([FieldError("item_id", "item_not_customers")])
        values = settings_repo.get_all(cur, here())
        prefix = values.get("order_prefix", "J")
        number = f"{prefix}{sales_repo.next_number(cur, 'order'):06d}"
        order_id = repo.insert_order(
            cur,
            {
                **clean,
                "number": number,
                "customer_id": customer_id,
                "shop_code": here(),
                "status": "open",
                "item_id": chosen,
                "created_at": moment,
                "updated_at": moment,
                "staff_name": actor.display_name,
                "idempotency_key": idempotency_key,
            },
        )
        repo.insert_event(cur, order_id, "open", "", moment, actor)
        uow.audit_change(
            "create", "customer", customer_id, "order", None, f"{number} ({clean['kind']})"
        )
        return order_id

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, moment)


def order_detail(actor: Actor, order_id: int) -> dict[str, Any]:
    """An order with customer, item, lines, history and deposits."""
    require(actor, "workshop.view")
    return workshop_orders.read(order_id)


WHICH = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES, "all": OPEN_STATUSES + CLOSED_STATUSES}


def customer_orders(actor: Actor, customer_id: int, which: str = "open") -> list[dict[str, Any]]:
    """The customer's orders: open (default), closed or all; newest first."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        return repo.orders_of(cur, customer_id, WHICH[which])


def update_order(actor: Actor, edit: Edit, now: datetime | None = None) -> int:
    """Change an open order's reported fault, agreement, estimate, mechanic or days."""
    order_id, version, raw = edit.record_id, edit.version, edit.changes
    require(actor, "workshop.edit")
    moment = clock.utc(now)
    clean, errors = check_order(raw, clock.local_day(moment), creating=False)
    if errors:
        raise ValidationFailed(errors)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        order = workshop_orders.locked_open(uow, order_id, version)
        if order["status"] not in OPEN_STATUSES:
            raise ValidationFailed([FieldError("status", "order_closed")])
        new_version = repo.update_order(cur, order_id, version, clean, moment)
        if new_version is None:
            raise StaleRecord(order_id, order["version"])
        changes = [
            FieldChange(f"order.{c.field}", c.before, c.after)
            for c in diff(order, clean, list(clean))
        ]
        if changes:
            workshop_orders.audit(uow, order, changes)
        return new_version

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, moment)


def _note(note: object) -> str:
    try:
        return clean_text(note, 500)
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("note", problem.code, problem.params)]) from None


def _moved(
    uow: UnitOfWork, order_id: int, to_status: str, text: str, version: int | None = None
) -> str:
    """The order moved to to_status inside the unit of work (the rules say from where)."""
    order = workshop_orders.locked_open(uow, order_id)
    if order["status"] == to_status:
        return to_status  # a double click: already there
    if version is not None and order["version"] != version:
        raise StaleRecord(order_id, order["version"])
    try:
        check_move(order["kind"], order["status"], to_status)
    except MoveRefused:
        raise ValidationFailed(
            [
                FieldError(
                    "status",
                    "move_refused",
                    {"current": order["status"], "wanted": to_status},
                )
            ]
        ) from None
    if to_status == "cancelled" and Decimal(order["deposit"]) > 0:
        raise ValidationFailed(
            [FieldError("status", "deposit_held", {"amount": str(order["deposit"])})]
        )
    closed = uow.now if to_status == "cancelled" else None
    repo.update_order(
        uow.cur, order_id, order["version"], {"status": to_status, "closed_at": closed}, uow.now
    )
    repo.insert_event(uow.cur, order_id, to_status, text, uow.now, uow.actor)
    workshop_orders.audit(uow, order, [FieldChange("order.status", order["status"], to_status)])
    return to_status


def move(
    actor: Actor,
    order_id: int,
    to_status: str,
    note: object = "",
    now: datetime | None = None,
    version: int | None = None,
) -> str:
    """Change an order's status by hand (the rules say from where to where); version: the
    order as it was shown (refused if it changed since, unless already there)."""
    require(actor, "workshop.edit")
    text = _note(note)
    return unit_of_work.run(
        actor,
        "workshop.edit",
        SCREEN_ORDERS,
        lambda uow: _moved(uow, order_id, to_status, text, version),
        now,
    )


def cancel(
    actor: Actor,
    order_id: int,
    refund_method: str | None,
    idempotency_key: str,
    note: object = "",
    now: datetime | None = None,
) -> list[int]:
    """Cancel an open order; its deposits are given back first through the till (a
    return of each deposit sale, by refund_method). The returns' sale ids."""
    require(actor, "workshop.edit")
    moment = clock.utc(now)
    text = _note(note)
    order = order_detail(actor, order_id)
    held = [d for d in order["deposits"] if d["returned_at"] is None]
    if held and refund_method is None:
        raise ValidationFailed(
            [FieldError("status", "deposit_held", {"amount": str(order["deposit"])})]
        )
    if held:
        sale_closing.check_refund_method(str(refund_method))
    deposits = [int(d["sale_id"]) for d in held]

    def work(uow: UnitOfWork) -> list[int]:
        returns = []
        for sale_id in deposits:
            key = f"{idempotency_key}:{sale_id}"
            done = sale_closing.done(uow, key)
            if done is None:
                done = sale_closing.refund(
                    uow, sale_id, {1: "1"}, str(refund_method), key, from_order=True
                )
                workshop_orders.deposit_returned(uow, order_id, sale_id)
            returns.append(done)
        _moved(uow, order_id, "cancelled", text)
        return returns

    hold = sale_closing.hold(order["customer_id"])
    return unit_of_work.run(actor, "sales.record", SCREEN_ORDERS, work, moment, hold)


def advance(actor: Actor, order_id: int, now: datetime | None = None) -> str | None:
    """The board's one click: the usual next status (None when there is none)."""
    order = order_detail(actor, order_id)
    wanted = next_status(order["kind"], order["status"])
    if wanted is None:
        return None
    return move(actor, order_id, wanted, now=now)


def convert_quote(actor: Actor, order_id: int, to_kind: str, now: datetime | None = None) -> None:
    """A quote the customer accepted becomes a job, special order or layaway."""

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        order = workshop_orders.locked_open(uow, order_id)
        try:
            check_conversion(order["kind"], order["status"], to_kind)
        except FieldProblem as problem:
            raise ValidationFailed([FieldError("kind", problem.code, problem.params)]) from None
        repo.update_order(cur, order_id, order["version"], {"kind": to_kind}, uow.now)
        repo.insert_event(cur, order_id, "open", f"quote -> {to_kind}", uow.now, actor)
        workshop_orders.audit(uow, order, [FieldChange("order.kind", "quote", to_kind)])

    unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, now)
