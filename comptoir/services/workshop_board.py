"""The shop's view of the workshop: the board of open orders, the capacity diary, job
tickets, and telling the customer their order is ready."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import settings as settings_repo
from comptoir.data import workshop as repo
from comptoir.i18n import t
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed, present
from comptoir.logic.messages import clean_body, pick_channel
from comptoir.logic.workshop import (
    OPEN_STATUSES,
    DayLoad,
    diary_load,
    parse_capacity,
    serial_key,
)
from comptoir.operations import (
    clock,
    outbox,
    printouts,
    sender,
    unit_of_work,
    workshop_orders,
)
from comptoir.operations.settings import here
from comptoir.printing.model import JobTicket
from comptoir.printing.pdf_a4 import job_ticket_pdf

SCREEN_ORDERS = "orders"
BOARD_LIMIT = 500
DIARY_DAYS = 14


def _order(actor: Actor, order_id: int) -> dict[str, Any]:
    require(actor, "workshop.view")
    return workshop_orders.read(order_id)


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
    order = _order(actor, order_id)
    return f"ticket-{order['number']}.pdf", job_ticket_pdf(ticket_document(order))


def print_ticket(actor: Actor, order_id: int) -> printouts.PrintOutcome:
    """Print the job ticket and bike tag on the receipt printer (the A4 PDF otherwise)."""
    require(actor, "print.documents")
    order = _order(actor, order_id)
    about, name = f"customer:{order['customer_id']}", f"ticket-{order['number']}.pdf"
    return printouts.on_receipt_printer(actor, "job_ticket", ticket_document(order), about, name)


# ---- telling the customer ---------------------------------------------------------


def notify_ready(actor: Actor, order_id: int, idempotency_key: str) -> tuple[str, int]:
    """Tell the customer their order is ready, through their contact preference.

    Returns (outcome, message id): the message's status (sent, failed, queued) or
    "note" when no channel is usable or configured (a note on the order says so, for
    staff to phone).
    """
    require(actor, "messages.send")
    order = _order(actor, order_id)
    with db.cursor() as cur:
        customer = present(customers_repo.get(cur, order["customer_id"]), order["customer_id"])
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
    order = _order(actor, order_id)
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
