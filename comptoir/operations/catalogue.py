"""The products the app itself sells (workshop labour, a deposit, a gift voucher)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from comptoir.data import db
from comptoir.data import products as repo
from comptoir.data import settings as settings_repo
from comptoir.i18n.catalog import system_product_names
from comptoir.operations import clock
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

LABOUR = "LABOUR"
DEPOSIT = "DEPOSIT"
VOUCHER = "VOUCHER"
IMPORTED = "IMPORTED"  # the product of a past sale's line whose SKU we do not sell
LABOUR_RATE = Decimal("60.00")
# Labour is an ordinary taxed product at the default hourly rate (a manager changes its
# price on the Products page); a deposit and a voucher carry no tax and are never sold
# by SKU at the till.
_MADE_AS = {
    LABOUR: (LABOUR_RATE, True),
    DEPOSIT: (Decimal("1.00"), False),
    VOUCHER: (Decimal("1.00"), False),
    IMPORTED: (Decimal("1.00"), False),
}


def by_sku(cur: Any, sku: str) -> dict[str, Any] | None:
    """A product by its SKU (any case), active or not."""
    product_id = repo.id_for_sku(cur, sku.upper())
    return repo.by_ids(cur, [product_id]).get(product_id) if product_id else None


def _made(cur: Any, sku: str) -> dict[str, Any]:
    found = by_sku(cur, sku)
    if found is not None:
        return found
    price, taxed = _MADE_AS[sku]
    values = settings_repo.get_all(cur, here())
    language = "fr" if values.get("locale", "").startswith("fr") else "en"
    product_id = repo.insert(
        cur,
        {
            "sku": sku,
            "sku_key": sku,
            "name": system_product_names(sku)[language],
            "price": price,
            "tax_rate": Decimal(values.get("default_tax_rate", "20")) if taxed else Decimal(0),
            "active": taxed,
        },
        clock.now(),
    )
    return repo.by_ids(cur, [product_id])[product_id]


def system_product(sku: str, uow: UnitOfWork | None = None) -> dict[str, Any]:
    """The system product, made in the shop's language the first time it is needed: in
    the caller's unit of work, else in a transaction of its own (reference data that no
    staff member's action owns)."""
    if uow is not None:
        return _made(uow.cur, sku)
    return db.run_in_transaction(lambda cur: _made(cur, sku))


def labour_rate() -> Decimal:
    """The default hourly rate: the LABOUR product's price."""
    with db.cursor() as cur:
        found = by_sku(cur, LABOUR)
    return Decimal(found["price"]) if found else LABOUR_RATE
