"""Find a customer by typing, then choose one: used where no card is open yet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from comptoir.services import customers
from comptoir.ui.search_box import search_box
from comptoir.ui.session import tr


def customer_label(row: Mapping[str, Any]) -> str:
    """How a pick-list names a customer: account number — last and first name, then the
    postcode and city that tell namesakes apart."""
    name = f"{row['account_number']} — {row['last_name']} {row['first_name'] or ''}".strip()
    place = " ".join(str(row[k]) for k in ("postcode", "city") if row.get(k))
    return f"{name} · {place}" if place else name


def customer_picker(key: str = "picker") -> int | None:
    """Search box and result list; returns the chosen customer id, if any."""
    term = search_box(
        tr("card.pick"), f"{key}.term", placeholder=tr("customers.search_placeholder")
    )
    if not term.strip():
        return None
    found = customers.search_customers(term, page_size=25)
    if not found.rows:
        st.info(tr("customers.none"))
        return None
    labels = {
        r["id"]: " — ".join(
            p
            for p in (
                r["account_number"],
                f"{r['last_name']} {r['first_name'] or ''}".strip(),
                r["company"],
                r["postcode"],
            )
            if p
        )
        for r in found.rows
    }
    choice = st.selectbox(
        tr("card.pick"),
        list(labels),
        format_func=labels.get,
        key=f"{key}.choice",
        label_visibility="collapsed",
    )
    if st.button(tr("customers.open"), key=f"{key}.open", type="primary"):
        return choice
    return None
