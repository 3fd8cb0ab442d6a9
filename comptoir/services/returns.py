"""Returns: items of a sale given back, as a new sale pointing at the original."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from comptoir.data import db
from comptoir.data import sales as repo
from comptoir.logic.auth import Actor, require
from comptoir.operations import sale_closing, unit_of_work
from comptoir.operations.sale_closing import SCREEN_TILL
from comptoir.operations.unit_of_work import UnitOfWork


def returnable_lines(actor: Actor, sale_id: int) -> dict[int, Decimal]:
    """Per line number of a sale, how many items may still be returned."""
    require(actor, "sales.view")
    with db.cursor() as cur:
        so_far = repo.refunded_so_far(cur, sale_id)
    return {
        line_no: Decimal(row["sold_quantity"]) - Decimal(row["returned_quantity"])
        for line_no, row in so_far.items()
    }


def refund_sale(
    actor: Actor,
    sale_id: int,
    quantities: Mapping[int, object],
    tender_method: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Return items of a sale (a deposit only through its order); the return's id.

    Everything refunded comes from the stored lines; a repeated key returns nothing twice.
    """
    require(actor, "sales.record")
    sale_closing.check_refund_method(tender_method)

    def work(uow: UnitOfWork) -> int:
        done = sale_closing.done(uow, idempotency_key)
        if done is not None:
            return done
        return sale_closing.refund(uow, sale_id, quantities, tender_method, idempotency_key)

    hold = sale_closing.hold(sale_closing.customer_of(sale_id))
    return unit_of_work.run(actor, "sales.record", SCREEN_TILL, work, now, hold)
