"""Sale lines on screen as on the receipt: each amount follows from the figures beside it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import streamlit as st

from comptoir.i18n.catalog import product_name
from comptoir.logic.pricing import ZERO, shown_line
from comptoir.ui.session import language, number, tr_plain
from comptoir.ui.text import literal_table, md


def lines_table(
    lines: Sequence[Mapping[str, Any]], money: Callable[[object], str], compact: bool = False
) -> None:
    """Unit price × quantity − line discount = amount; the customer's discount and the tax
    added or not charged follow below the table, as on the receipt.

    compact (the till's basket beside the scan box, 300 px on a counter tablet): the item
    with its unit price and discount, its quantity and its amount.
    """
    rows, customer_discount, adjustment = [], ZERO, ZERO
    for line in lines:
        view = shown_line(
            Decimal(line["unit_price"]),
            Decimal(line["quantity"]),
            Decimal(line["discount"]),
            Decimal(line["customer_discount"]),
            Decimal(line["gross"]),
        )
        customer_discount += Decimal(line["customer_discount"])
        adjustment += view.tax_adjustment
        name = product_name(line.get("sku"), line["name"], language())
        if compact:
            detail = [money(line["unit_price"])]
            if view.line_discount:
                detail.append(f"-{money(view.line_discount)}")
            rows.append(
                {
                    tr_plain("print.item"): f"{name} · {' '.join(detail)}",
                    tr_plain("print.qty"): number(Decimal(line["quantity"])),
                    tr_plain("print.amount"): money(view.amount),
                }
            )
            continue
        rows.append(
            {
                tr_plain("print.item"): name,
                tr_plain("print.qty"): number(Decimal(line["quantity"])),
                tr_plain("print.unit_price"): money(line["unit_price"]),
                tr_plain("print.discount"): money(view.line_discount) if view.line_discount else "",
                tr_plain("sales.tax"): money(line["tax"]),
                tr_plain("print.amount"): money(view.amount),
            }
        )
    literal_table(rows)
    below = []
    if customer_discount:
        below.append(f"{tr_plain('print.customer_discount_total')} -{money(customer_discount)}")
    if adjustment < 0:
        below.append(f"{tr_plain('print.tax_removed')} -{money(-adjustment)}")
    elif adjustment > 0:
        below.append(f"{tr_plain('print.tax_added')} +{money(adjustment)}")
    if below:
        st.caption(md(" · ".join(below)))


def priced_lines(priced: Sequence[Any]) -> list[dict[str, Any]]:
    """The till's priced basket in the shape of stored lines."""
    return [
        {
            "name": p.name,
            "quantity": p.amounts.quantity,
            "unit_price": p.amounts.unit_price,
            "discount": p.amounts.discount,
            "customer_discount": p.amounts.customer_discount,
            "gross": p.amounts.gross,
            "tax": p.amounts.tax,
        }
        for p in priced
    ]
