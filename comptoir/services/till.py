"""The till: a basket priced as it is typed, and a sale closed in one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from comptoir.logic.auth import Actor, require
from comptoir.operations import sale_closing, unit_of_work
from comptoir.operations.sale_closing import SCREEN_TILL, LineRequest, PricedLine
from comptoir.operations.unit_of_work import UnitOfWork

__all__ = ["LineRequest", "PricedLine", "preview", "record_sale"]


def preview(customer_id: int | None, lines: Sequence[LineRequest]) -> tuple[list[PricedLine], Any]:
    """Price a basket without storing anything (the till shows it as you type)."""
    return sale_closing.preview(customer_id, lines)


def record_sale(
    actor: Actor,
    customer_id: int | None,
    lines: Sequence[LineRequest],
    tenders: Sequence[tuple[str, object]],
    idempotency_key: str,
    now: datetime | None = None,
    vouchers: Sequence[tuple[object, object]] = (),
    points: object = None,
    delivery_address_id: int | None = None,
) -> int:
    """Close a sale in one transaction; returns its id (the same one for a repeated key).

    vouchers: (code, amount) gift vouchers spent; points: rewards points spent (the
    customer's); delivery_address_id: one of the customer's delivery addresses.
    Lines may sell gift vouchers.
    """
    require(actor, "sales.record")
    basket = sale_closing.basket(lines, vouchers, points)

    def work(uow: UnitOfWork) -> int:
        done = sale_closing.done(uow, idempotency_key)
        if done is not None:
            return done
        return sale_closing.close(
            uow, customer_id, basket, tenders, idempotency_key, delivery_address_id
        )

    hold = sale_closing.hold(customer_id)
    return unit_of_work.run(actor, "sales.record", SCREEN_TILL, work, now, hold)
