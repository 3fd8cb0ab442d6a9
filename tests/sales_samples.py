"""Two products and a level-B, tax-exempt trade customer, for the sales tests."""

from __future__ import annotations

from comptoir.services import customers, products
from tests.conftest import MANAGER, STAFF


def make_sales_shop(**customer_fields: object) -> dict[str, int]:
    """A tube with a level-B price, a light without one, and the 'Pro Atelier' customer."""
    tube = products.save_product(
        MANAGER,
        None,
        None,
        {
            "sku": "TUBE-700",
            "name": "Chambre à air",
            "price": "6.50",
            "tax_rate": "20",
            "price_B": "5.00",
        },
    )
    light = products.save_product(
        MANAGER,
        None,
        None,
        {"sku": "LIGHT-1", "name": "Éclairage", "price": "24.00", "tax_rate": "20"},
    )
    pro = customers.create_customer(
        {
            "last_name": "Atelier",
            "first_name": "Pro",
            "price_level": "B",
            "tax_exempt": True,
            "tax_number": "FR99123456789",
            **customer_fields,
        },
        STAFF,
    )
    return {"tube": tube, "light": light, "pro": pro}
