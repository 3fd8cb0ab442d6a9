"""The workshop: serviced items, customer orders and jobs, deposits, collection at the till.

Money for an order moves only through sales: a deposit is a sale of a deposit
line, a collection is a sale of the order's lines less the deposits: each composes
operations/sale_closing.py and operations/workshop_orders.py in one unit of work, so the
order and its sale commit together. Reminders live in services/reminders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import products as products_repo
from comptoir.data import sales as sales_repo
from comptoir.data import settings as settings_repo
from comptoir.data import workshop as repo
from comptoir.i18n import t
from comptoir.logic.accounts import parse_amount
from comptoir.logic.audit import FieldChange, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, FieldProblem, NotFound, StaleRecord, ValidationFailed
from comptoir.logic.messages import clean_body, pick_channel
from comptoir.logic.pricing import ZERO, SaleTotals, parse_percent, parse_quantity, unit_price
from comptoir.logic.text import clean_text
from comptoir.logic.workshop import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    DayLoad,
    MoveRefused,
    can_collect,
    check_conversion,
    check_item,
    check_move,
    check_order,
    diary_load,
    next_status,
    parse_capacity,
    parse_hours,
    serial_key,
)
from comptoir.operations import (
    catalogue,
    clock,
    outbox,
    printouts,
    sale_closing,
    sender,
    unit_of_work,
    workshop_orders,
)
from comptoir.operations.sale_closing import LineRequest
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.layout import job_ticket_layout
from comptoir.printing.model import JobTicket
from comptoir.printing.pdf_a4 import job_ticket_pdf

SCREEN_ITEMS = "serviced_items"
SCREEN_ORDERS = "orders"
SCREEN_WORKSHOP = "workshop"
BOARD_LIMIT = 500
DIARY_DAYS = 14


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


def _insert_item(uow: UnitOfWork, customer_id: int, clean: dict[str, str]) -> int:
    cur, moment = uow.cur, uow.now
    item_id = repo.insert_item(
        cur, {"customer_id": customer_id, **clean, "created_at": moment, "updated_at": moment}
    )
    changes = [
        FieldChange(f"item.{k}", None, v) for k, v in clean.items() if v and k != "serial_key"
    ]
    uow.audit("create", "customer", customer_id, changes, screen=SCREEN_ITEMS)
    return item_id


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
        return _insert_item(uow, customer_id, clean)

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ITEMS, work, moment)


def edit_item(
    actor: Actor,
    item_id: int,
    version: int,
    raw: Mapping[str, object],
    now: datetime | None = None,
) -> int:
    """Change an item's fields (name, serial…) with the old values kept in the audit trail."""
    require(actor, "workshop.edit")
    clean = _item_values(raw)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        before = repo.item(cur, item_id)
        if before is None:
            raise NotFound(item_id)
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
            chosen = _insert_item(uow, customer_id, item_clean)
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
        uow.audit(
            "create",
            "customer",
            customer_id,
            [FieldChange("order", None, f"{number} ({clean['kind']})")],
        )
        return order_id

    return unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, moment)


def order_detail(actor: Actor, order_id: int) -> dict[str, Any]:
    """An order with customer, item, lines, history and deposits."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        found = repo.order(cur, order_id)
    if found is None:
        raise NotFound(order_id)
    return found


WHICH = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES, "all": OPEN_STATUSES + CLOSED_STATUSES}


def customer_orders(actor: Actor, customer_id: int, which: str = "open") -> list[dict[str, Any]]:
    """The customer's orders: open (default), closed or all; newest first."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        return repo.orders_of(cur, customer_id, WHICH[which])


def _line_text(line: Mapping[str, Any]) -> str:
    return f"{line['description']} x {line['quantity']} @ {line['unit_price']}"


def update_order(
    actor: Actor,
    order_id: int,
    version: int,
    raw: Mapping[str, object],
    now: datetime | None = None,
) -> int:
    """Change an open order's reported fault, agreement, estimate, mechanic or days."""
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
    require(actor, "workshop.edit")
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        order = workshop_orders.locked_open(uow, order_id)
        try:
            check_conversion(order["kind"], order["status"], to_kind)
        except FieldProblem as problem:
            raise ValidationFailed([FieldError("kind", problem.code, problem.params)]) from None
        repo.update_order(cur, order_id, order["version"], {"kind": to_kind}, moment)
        repo.insert_event(cur, order_id, "open", f"quote -> {to_kind}", moment, actor)
        workshop_orders.audit(uow, order, [FieldChange("order.kind", "quote", to_kind)])

    unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, moment)


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
                    _line_text(values),
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
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, check in (
        ("hours", lambda: parse_hours(hours, allow_zero=False)),
        ("rate", lambda: None if rate in (None, "") else parse_amount(rate)),
        ("description", lambda: clean_text(description, 200, multiline=False)),
    ):
        try:
            clean[name] = check()
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))
    if errors:
        raise ValidationFailed(errors)

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
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, check in (
        ("quantity", lambda: parse_quantity(quantity)),
        ("line_discount", lambda: parse_percent(line_discount)),
    ):
        try:
            clean[name] = check()
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))
    if not errors and clean["quantity"] <= 0:
        errors.append(FieldError("quantity", "quantity_invalid"))
    if errors:
        raise ValidationFailed(errors)

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
    require(actor, "workshop.edit")
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        order = workshop_orders.locked_open(uow, order_id)
        if order["status"] not in OPEN_STATUSES:
            raise ValidationFailed([FieldError("status", "order_closed")])
        removed = repo.remove_line(cur, order_id, line_no)
        if removed is None:
            raise NotFound(line_no)
        repo.touch_order(cur, order_id, moment)
        workshop_orders.audit(
            uow,
            order,
            [
                FieldChange(
                    f"order.line{line_no}",
                    _line_text(removed),
                    None,
                )
            ],
        )

    unit_of_work.run(actor, "workshop.edit", SCREEN_ORDERS, work, moment)


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
        order = repo.order(cur, order_id)
    if order is None:
        raise NotFound(order_id)

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
        order = repo.order(cur, order_id)
    if order is None:
        raise NotFound(order_id)
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


# ---- the shop's view ------------------------------------------------------------


def board(
    actor: Actor, search: str = "", shop_code: str | None = None, limit: int = BOARD_LIMIT
) -> list[dict[str, Any]]:
    """Every open order of the shop (all shops when shop_code is ""), by promised date;
    search by order number, customer or serial number."""
    require(actor, "workshop.view")
    text = " ".join(search.split())
    with db.cursor() as cur:
        return repo.open_orders(
            cur,
            here() if shop_code is None else shop_code or None,
            OPEN_STATUSES,
            text,
            serial_key(text) if len(serial_key(text)) >= 4 else "",
            limit,
        )


def capacity(shop_code: str | None = None) -> Decimal:
    """The shop's daily capacity in mechanic hours (Settings)."""
    with db.cursor() as cur:
        values = settings_repo.get_all(cur, shop_code or here())
    try:
        return parse_capacity(values.get("workshop_capacity_hours", "16"))
    except FieldProblem:
        return Decimal("16")


def diary(start: date, days: int = DIARY_DAYS) -> list[DayLoad]:
    """Booked hours against capacity for each day from start."""
    with db.cursor() as cur:
        booked = repo.booked_hours(cur, here(), start, start + timedelta(days=days - 1))
    return diary_load(booked, start, days, capacity())


def day_load(day: date) -> DayLoad:
    """One day's booked hours against capacity (shown while booking a job)."""
    return diary(day, 1)[0]


# ---- job tickets ----------------------------------------------------------------


def ticket_document(order: Mapping[str, Any]) -> JobTicket:
    """The printable ticket of an order (in the customer's language)."""
    with db.cursor() as cur:
        customer = customers_repo.get(cur, order["customer_id"])
        item = repo.item(cur, order["item_id"]) if order["item_id"] else None
    shop = printouts.shop_header(customer, order["shop_code"])
    name = " ".join(p for p in (order["first_name"], order["last_name"]) if p)
    return JobTicket(
        shop=shop,
        number=order["number"],
        kind=order["kind"],
        created_at=clock.local(order["created_at"], order["shop_code"]),
        promised_on=order["promised_on"],
        customer_name=name,
        account_number=order["account_number"],
        phone=(customer or {}).get("mobile") or (customer or {}).get("phone") or "",
        item_name=item["name"] if item else "",
        serial=item["serial"] if item else "",
        colour=item["colour"] if item else "",
        reported=order["reported"],
        agreed=order["agreed"],
        estimate_limit=order["estimate_limit"],
        deposit=Decimal(order["deposit"]),
        mechanic=order["mechanic"],
    )


def ticket_pdf(actor: Actor, order_id: int) -> tuple[str, bytes]:
    """The A4 job ticket with the customer's signature box: (file name, PDF)."""
    order = order_detail(actor, order_id)
    return f"ticket-{order['number']}.pdf", job_ticket_pdf(ticket_document(order))


def print_ticket(actor: Actor, order_id: int) -> printouts.PrintOutcome:
    """Print the job ticket and bike tag on the receipt printer (the A4 PDF otherwise)."""
    require(actor, "print.documents")
    order = order_detail(actor, order_id)
    ticket = ticket_document(order)
    config = printouts.printer_for("receipts")
    return printouts.deliver(
        actor,
        "receipts",
        "job_ticket",
        f"customer:{order['customer_id']}",
        job_ticket_layout(ticket, config.columns),
        job_ticket_pdf(ticket),
        f"ticket-{order['number']}.pdf",
    )


# ---- telling the customer ---------------------------------------------------------


def notify_ready(actor: Actor, order_id: int, idempotency_key: str) -> tuple[str, int]:
    """Tell the customer their order is ready, through their contact preference.

    Returns (outcome, message id): the message's status (sent, failed, queued) or
    "note" when no channel is usable or configured (a note on the order says so, for
    staff to phone).
    """
    require(actor, "messages.send")
    order = order_detail(actor, order_id)
    with db.cursor() as cur:
        customer = customers_repo.get(cur, order["customer_id"])
    if customer is None:
        raise NotFound(order["customer_id"])
    channel = pick_channel(
        None, customer["contact_preference"], customer["email"], customer["mobile"]
    )
    configured = sender.channels()
    if channel is None or not getattr(configured, channel):
        note = t("workshop.ready_note", printouts.shop_header(customer).language)
        message_id = _logged_note(
            actor, customer["id"], f"{order['number']}: {note}", idempotency_key, order_id
        )
        return "note", message_id
    extra = {"order_number": order["number"], "item_name": order["item_name"] or ""}
    with db.cursor() as cur:
        subject, body = outbox.rendered(cur, customer, "bike_ready", extra)
    message_id = sender.send(
        actor,
        customer["id"],
        channel,
        body,
        idempotency_key,
        subject=subject,
        kind="service",
        order_id=order_id,
    )
    return str(sender.status_of(message_id)["status"]), message_id


def add_order_note(actor: Actor, order_id: int, body: object, idempotency_key: str) -> int:
    """A staff note about an order, kept in the customer's communications log."""
    order = order_detail(actor, order_id)
    try:
        text = clean_body(body, "note")
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("note", problem.code, problem.params)]) from None
    return _logged_note(actor, order["customer_id"], text, idempotency_key, order_id)


def _logged_note(actor: Actor, customer_id: int, text: str, key: str, order_id: int) -> int:
    """A note about the order on its customer's communications log, in one unit of work."""
    return unit_of_work.run(
        actor,
        "customers.edit",
        SCREEN_ORDERS,
        lambda uow: outbox.note(uow, customer_id, text, key, order_id),
    )
