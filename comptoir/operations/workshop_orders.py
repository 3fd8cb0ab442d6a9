"""A workshop order's changes inside a use case's unit of work: held open, a deposit taken
or given back, collected (with its service reminders). The workshop's use cases compose
these with sale closing, so an order and its sale commit together or not at all."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from comptoir.data import db
from comptoir.data import settings as settings_repo
from comptoir.data import workshop as repo
from comptoir.logic.audit import FieldChange
from comptoir.logic.errors import (
    FieldError,
    FieldProblem,
    StaleRecord,
    ValidationFailed,
    present,
)
from comptoir.logic.workshop import (
    DEFAULT_INTERVALS,
    OPEN_STATUSES,
    can_collect,
    parse_intervals,
    reminder_dates,
    takes_deposit,
)
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_ORDERS = "orders"
SCREEN_ITEMS = "serviced_items"


def intervals_of(values: Mapping[str, str]) -> Any:
    """The reminder intervals set in Settings (the defaults if the setting is unreadable)."""
    try:
        return parse_intervals(values.get("service_reminder_intervals", DEFAULT_INTERVALS))
    except FieldProblem:
        return parse_intervals(DEFAULT_INTERVALS)


def locked_open(uow: UnitOfWork, order_id: int, version: int | None = None) -> dict[str, Any]:
    """The order, locked for this transaction; refused when it changed since version."""
    order = present(repo.lock_order(uow.cur, order_id), order_id)
    if version is not None and order["version"] != version:
        raise StaleRecord(order_id, order["version"])
    return order


def audit(uow: UnitOfWork, order: Mapping[str, Any], changes: list[FieldChange]) -> None:
    """An order's change in the audit trail, on its customer, named by the order's number."""
    named = [FieldChange("order", None, order["number"]), *changes]
    uow.audit("update", "customer", order["customer_id"], named, screen=SCREEN_ORDERS)


def deposit_taken(uow: UnitOfWork, order_id: int, sale_id: int, value: Decimal) -> None:
    """The deposit sale just closed is held by the open order."""
    locked = locked_open(uow, order_id)
    if not takes_deposit(locked["kind"], locked["status"]):
        raise ValidationFailed([FieldError("deposit", "deposit_not_allowed")])
    repo.add_deposit(uow.cur, order_id, sale_id, value, uow.now)
    repo.insert_event(uow.cur, order_id, locked["status"], f"deposit {value}", uow.now, uow.actor)


def deposit_returned(uow: UnitOfWork, order_id: int, sale_id: int) -> None:
    """A deposit of the open order was just given back by a return."""
    locked = locked_open(uow, order_id)
    if locked["status"] not in OPEN_STATUSES:
        raise ValidationFailed([FieldError("status", "order_closed")])
    amount = repo.return_deposit(uow.cur, order_id, sale_id, uow.now)
    repo.insert_event(uow.cur, order_id, locked["status"], f"deposit -{amount}", uow.now, uow.actor)


def collected(uow: UnitOfWork, order_id: int, loaded_version: int, sale_id: int) -> None:
    """The order closed by its collection sale; a job on an item schedules its reminders."""
    locked = locked_open(uow, order_id)
    # Lines or deposits changed since they were read: the sale would not match.
    if locked["version"] != loaded_version:
        raise StaleRecord(order_id, locked["version"])
    if not can_collect(locked["kind"], locked["status"]):
        raise ValidationFailed([FieldError("status", "cannot_collect")])
    repo.update_order(
        uow.cur,
        order_id,
        locked["version"],
        {"status": "collected", "sale_id": sale_id, "closed_at": uow.now},
        uow.now,
    )
    repo.insert_event(uow.cur, order_id, "collected", "", uow.now, uow.actor)
    if locked["kind"] == "job" and locked["item_id"] is not None:
        schedule_reminders(uow, locked)


def schedule_reminders(uow: UnitOfWork, order: Mapping[str, Any]) -> list[int]:
    """Schedule the Settings' reminders for a job collected today."""
    values = settings_repo.get_all(uow.cur, order["shop_code"])
    ids = []
    for due_on, template in reminder_dates(uow.today, intervals_of(values)):
        ids.append(
            repo.insert_reminder(
                uow.cur,
                {
                    "customer_id": order["customer_id"],
                    "item_id": order["item_id"],
                    "order_id": order["id"],
                    "shop_code": order["shop_code"],
                    "due_on": due_on,
                    "channel": "auto",
                    "template": template,
                    "status": "scheduled",
                    "created_at": uow.now,
                    "staff_name": uow.staff,
                    "updated_at": uow.now,
                },
            )
        )
    return ids


def insert_item(uow: UnitOfWork, customer_id: int, clean: dict[str, str]) -> int:
    """A serviced item brought in by a customer, audited on their card."""
    cur, moment = uow.cur, uow.now
    item_id = repo.insert_item(
        cur, {"customer_id": customer_id, **clean, "created_at": moment, "updated_at": moment}
    )
    changes = [
        FieldChange(f"item.{k}", None, v) for k, v in clean.items() if v and k != "serial_key"
    ]
    uow.audit("create", "customer", customer_id, changes, screen=SCREEN_ITEMS)
    return item_id


def line_text(line: Mapping[str, Any]) -> str:
    """An order line as the audit trail names it."""
    return f"{line['description']} x {line['quantity']} @ {line['unit_price']}"


def read(order_id: int) -> dict[str, Any]:
    """An order with customer, item, lines, history and deposits (NotFound when none)."""
    with db.cursor() as cur:
        found = present(repo.order(cur, order_id), order_id)
    return found
