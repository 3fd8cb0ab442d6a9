"""Serviced items: what a customer brings in (a bike, its serial), found by serial."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from comptoir.data import db
from comptoir.data import workshop as repo
from comptoir.logic.audit import FieldChange, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import StaleRecord, ValidationFailed, present
from comptoir.logic.records import Edit
from comptoir.logic.workshop import (
    check_item,
    serial_key,
)
from comptoir.operations import (
    clock,
    sale_closing,
    unit_of_work,
    workshop_orders,
)
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_ITEMS = "serviced_items"


# ---- serviced items ---------------------------------------------------------


def items(actor: Actor, customer_id: int) -> list[dict[str, Any]]:
    """The customer's serviced items, each with its job count and a flag when its serial
    is also on another customer's item."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        return repo.items_of(cur, customer_id)


def item_jobs(actor: Actor, item_id: int) -> list[dict[str, Any]]:
    """The jobs on a serviced item, newest first."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        return repo.orders_of_item(cur, item_id)


def find_serial(actor: Actor, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Items whose serial number is the one typed (spaces, dashes and case ignored)."""
    require(actor, "workshop.view")
    key = serial_key(text)
    if len(key) < 4:  # too short to be a frame number: names and numbers, not serials
        return []
    with db.cursor() as cur:
        return repo.by_serial(cur, key, limit)


def _item_values(raw: Mapping[str, object]) -> dict[str, str]:
    clean, errors = check_item(raw)
    if errors:
        raise ValidationFailed(errors)
    return clean


def add_item(
    actor: Actor, customer_id: int, raw: Mapping[str, object], now: datetime | None = None
) -> int:
    """A serviced item brought in by a customer ("New"); returns its id."""
    require(actor, "workshop.edit")
    clean = _item_values(raw)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        sale_closing.live_customer(cur, customer_id, hold=True)
        return workshop_orders.insert_item(uow, customer_id, clean)

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ITEMS, work, moment)


def edit_item(actor: Actor, edit: Edit, now: datetime | None = None) -> int:
    """Change an item's fields (name, serial…) with the old values kept in the audit trail."""
    item_id, version, raw = edit.record_id, edit.version, edit.changes
    require(actor, "workshop.edit")
    clean = _item_values(raw)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        before = present(repo.item(cur, item_id), item_id)
        new_version = repo.update_item(cur, item_id, version, clean, moment)
        if new_version is None:
            raise StaleRecord(item_id, before["version"])
        names = [n for n in clean if n != "serial_key"]
        changes = [
            FieldChange(f"item.{c.field}", c.before, c.after) for c in diff(before, clean, names)
        ]
        if changes:
            owner = before["customer_id"]
            uow.audit("update", "customer", owner, changes)
        return new_version

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ITEMS, work, moment)
