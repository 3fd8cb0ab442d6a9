"""A shop with sales in November 2026, November 2025 and January 2024 (for Insights)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from comptoir.services import customers, products, till
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF


def _sell(customer_id: int | None, product_id: int, quantity: str, when: datetime) -> int:
    lines = [LineRequest(product_id, quantity)]
    _, basket = till.preview(customer_id, lines)
    return till.record_sale(
        STAFF, customer_id, lines, [("card", basket.total)], uuid.uuid4().hex, now=when
    )


def make_insights_shop() -> dict[str, Any]:
    """A road bike and a tube (grouped), Anna (2025 and twice in November 2026), Bruno (new
    in November 2026), Chloe (last seen January 2024), and a walk-in sale on 1 December
    in Paris (23:30 UTC on 30 November)."""
    bike = products.save_product(
        MANAGER,
        None,
        None,
        {
            "sku": "BIKE",
            "name": "Road bike",
            "price": "1000",
            "tax_rate": "20",
            "product_group": "Road bikes",
        },
    )
    tube = products.save_product(
        MANAGER,
        None,
        None,
        {"sku": "TUBE", "name": "Tube", "price": "10", "tax_rate": "20", "product_group": "Tyres"},
    )
    people = {
        name: customers.create_customer({"last_name": name, "city": "Lyon"}, STAFF)
        for name in ("Anna", "Bruno", "Chloe")
    }
    made = {
        "a_last_year": _sell(people["Anna"], bike, "1", datetime(2025, 11, 10, 9, tzinfo=UTC)),
        "a_1": _sell(people["Anna"], tube, "1", datetime(2026, 11, 2, 9, tzinfo=UTC)),
        "a_2": _sell(people["Anna"], tube, "2", datetime(2026, 11, 10, 9, tzinfo=UTC)),
        "b_1": _sell(people["Bruno"], bike, "1", datetime(2026, 11, 3, 9, tzinfo=UTC)),
        "c_old": _sell(people["Chloe"], tube, "1", datetime(2024, 1, 5, 9, tzinfo=UTC)),
        "late": _sell(None, tube, "1", datetime(2026, 11, 30, 23, 30, tzinfo=UTC)),
    }
    return {"bike": bike, "tube": tube, "people": people, "sales": made}
