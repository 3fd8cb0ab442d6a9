"""An order's lines (labour, parts) and its money: priced as collection will charge it, a
deposit taken, the order collected. Money moves only through sales: each composes
operations/sale_closing.py and operations/workshop_orders.py in one unit of work, so the
order and its sale commit together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import products as products_repo
from comptoir.data import workshop as repo
from comptoir.logic.accounts import parse_amount
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import (
    Checked,
    FieldError,
    FieldProblem,
    ValidationFailed,
    check_fields,
    present,
)
from comptoir.logic.pricing import ZERO, SaleTotals, parse_percent, parse_quantity, unit_price
from comptoir.logic.text import clean_text
from comptoir.logic.workshop import (
    OPEN_STATUSES,
    can_collect,
    parse_hours,
)
from comptoir.operations import (
    catalogue,
    clock,
    sale_closing,
    unit_of_work,
    workshop_orders,
)
from comptoir.operations.sale_closing import LineRequest
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_ORDERS = "orders"


def _order(actor: Actor, order_id: int) -> dict[str, Any]:
    require(actor, "workshop.view")
    return workshop_orders.read(order_id)


# ---- lines and totals ---------------------------------------------------------


def labour_rate() -> Decimal:
    """The default hourly rate: the LABOUR product's price."""
    return catalogue.labour_rate()


def _add_line(actor: Actor, order_id: int, build, now: datetime | None) -> int:
    def work(uow: UnitOfWork) -> int:
        order = workshop_orders.locked_open(uow, order_id)
        if order["status"] not in OPEN_STATUSES:
            raise ValidationFailed([FieldError("status", "order_closed")])
        values = build(uow, order)
        number = repo.add_line(
            uow.cur, order_id, {**values, "added_at": uow.now, "staff_name": uow.staff}
        )
        repo.touch_order(uow.cur, order_id, uow.now)
        workshop_orders.audit(
            uow,
            order,
            [
                FieldChange(
                    f"order.line{number}",
                    None,
                    workshop_orders.line_text(values),
                )
            ],
        )
        return number

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, now)


def add_labour(
    actor: Actor,
    order_id: int,
    hours: object,
    rate: object = None,
    description: object = "",
    now: datetime | None = None,
) -> int:
    """Labour on an order: hours at a rate (default: the LABOUR product's price)."""
    require(actor, "workshop.edit")
    clean = check_fields(
        {
            "hours": lambda: parse_hours(hours, allow_zero=False),
            "rate": lambda: None if rate in (None, "") else parse_amount(rate),
            "description": lambda: clean_text(description, 200, multiline=False),
        }
    )

    def build(uow: UnitOfWork, order: Mapping[str, Any]) -> dict[str, Any]:
        product = catalogue.system_product(catalogue.LABOUR, uow)
        return {
            "kind": "labour",
            "product_id": product["id"],
            "description": clean["description"] or product["name"],
            "quantity": clean["hours"],
            "unit_price": clean["rate"] if clean["rate"] is not None else product["price"],
            "line_discount_percent": ZERO,
        }

    return _add_line(actor, order_id, build, now)


def add_part(
    actor: Actor,
    order_id: int,
    product_id: int,
    quantity: object = "1",
    line_discount: object = "",
    now: datetime | None = None,
) -> int:
    """A part from the products, priced for the order's customer (price level) now."""
    require(actor, "workshop.edit")
    checked = Checked()
    checked.take("quantity", lambda: parse_quantity(quantity))
    checked.take("line_discount", lambda: parse_percent(line_discount))
    if not checked.refused("quantity") and checked.values["quantity"] <= 0:
        checked.refuse("quantity", "quantity_invalid")
    clean = checked.done()

    def build(uow: UnitOfWork, order: Mapping[str, Any]) -> dict[str, Any]:
        product = products_repo.by_ids(uow.cur, [product_id]).get(product_id)
        if product is None or not product["active"]:  # the deposit line is inactive too
            raise ValidationFailed([FieldError("product", "product_unknown", {"line": "1"})])
        customer = customers_repo.get(uow.cur, order["customer_id"])
        level = customer["price_level"] if customer else None
        return {
            "kind": "part",
            "product_id": product_id,
            "description": product["name"],
            "quantity": clean["quantity"],
            "unit_price": unit_price(Decimal(product["price"]), product["levels"], level),
            "line_discount_percent": clean["line_discount"],
        }

    return _add_line(actor, order_id, build, now)


def remove_line(actor: Actor, order_id: int, line_no: int, now: datetime | None = None) -> None:
    """Take a line off an open order (kept in the audit trail)."""

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        order = workshop_orders.locked_open(uow, order_id)
        if order["status"] not in OPEN_STATUSES:
            raise ValidationFailed([FieldError("status", "order_closed")])
        removed = present(repo.remove_line(cur, order_id, line_no), line_no)
        repo.touch_order(cur, order_id, uow.now)
        workshop_orders.audit(
            uow,
            order,
            [
                FieldChange(
                    f"order.line{line_no}",
                    workshop_orders.line_text(removed),
                    None,
                )
            ],
        )

    unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, now)


def _line_requests(order: Mapping[str, Any]) -> list[LineRequest]:
    return [
        LineRequest(
            product_id=int(line["product_id"]),
            quantity=Decimal(line["quantity"]),
            line_discount=Decimal(line["line_discount_percent"]),
            unit_price=Decimal(line["unit_price"]),
            name=str(line["description"]),
        )
        for line in order["lines"]
    ]


@dataclass(frozen=True)
class OrderTotals:
    """What the order comes to for its customer today, the deposits and what is left."""

    totals: SaleTotals | None
    deposit: Decimal
    due: Decimal

    @property
    def total(self) -> Decimal:
        """The lines' total (zero with no lines)."""
        return self.totals.total if self.totals else ZERO


def order_totals(order: Mapping[str, Any]) -> OrderTotals:
    """The order priced as its collection will charge it (customer discount, tax)."""
    deposit = Decimal(order["deposit"])
    if not order["lines"]:
        return OrderTotals(None, deposit, -deposit)
    _, found = sale_closing.preview(order["customer_id"], _line_requests(order))
    return OrderTotals(found, deposit, found.total - deposit)


def take_deposit(
    actor: Actor,
    order_id: int,
    amount: object,
    method: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Take a deposit for an open order (not a quote): a sale of a deposit line paid by
    cash, card or the customer's account; returns the sale's id."""
    require(actor, "sales.record")
    try:
        value = parse_amount(amount)
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("deposit", problem.code, problem.params)]) from None
    moment = clock.utc(now)
    with db.cursor() as cur:
        order = present(repo.order(cur, order_id), order_id)

    def work(uow: UnitOfWork) -> int:
        done = sale_closing.done(uow, idempotency_key)
        if done is not None:
            return done
        product = catalogue.system_product(catalogue.DEPOSIT, uow)
        line = LineRequest(
            int(product["id"]),
            "1",
            unit_price=value,
            name=f"{product['name']} {order['number']}",
            fixed=True,
        )
        basket = sale_closing.basket([line])
        sale_id = sale_closing.close(
            uow, order["customer_id"], basket, [(method, value)], idempotency_key
        )
        workshop_orders.deposit_taken(uow, order_id, sale_id, value)
        return sale_id

    hold = sale_closing.hold(order["customer_id"])
    return unit_of_work.run(actor, "sales.record", SCREEN_ORDERS, work, moment, hold)


def collect(
    actor: Actor,
    order_id: int,
    tenders: Sequence[tuple[str, object]],
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Close an order through the till: its lines become a sale for the customer, less
    the deposits; service reminders are scheduled for a job on an item. The sale's id."""
    require(actor, "sales.record")
    moment = clock.utc(now)
    with db.cursor() as cur:
        order = present(repo.order(cur, order_id), order_id)
    if not can_collect(order["kind"], order["status"]):
        raise ValidationFailed([FieldError("status", "cannot_collect")])
    lines = _line_requests(order)
    deposit = Decimal(order["deposit"])
    if not lines and not deposit:
        raise ValidationFailed([FieldError("lines", "order_empty")])
    loaded_version = order["version"]

    def work(uow: UnitOfWork) -> int:
        done = sale_closing.done(uow, idempotency_key)
        if done is not None:
            return done
        given = list(lines)
        if deposit:
            product = catalogue.system_product(catalogue.DEPOSIT, uow)
            given.append(
                LineRequest(
                    int(product["id"]),
                    "-1",
                    unit_price=deposit,
                    name=f"{product['name']} {order['number']}",
                    fixed=True,
                )
            )
        basket = sale_closing.basket(given)
        sale_id = sale_closing.close(uow, order["customer_id"], basket, tenders, idempotency_key)
        workshop_orders.collected(uow, order_id, loaded_version, sale_id)
        return sale_id

    hold = sale_closing.hold(order["customer_id"])
    return unit_of_work.run(actor, "sales.record", SCREEN_ORDERS, work, moment, hold)
