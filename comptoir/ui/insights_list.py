"""The list behind a bar, a product or a segment: pick rows, then open a card, print
address labels, message them (with consent rules) or export the whole list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from comptoir.i18n import format_money
from comptoir.logic.auth import Actor, can
from comptoir.services import exports, insights, printing
from comptoir.ui.bulk_message import bulk_message
from comptoir.ui.customer_picker import customer_label
from comptoir.ui.export_panel import export_panel
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.session import language, tr, tr_plain, when


def _frame(rows: list[dict[str, Any]], currency: str) -> pd.DataFrame:
    lang = language()

    def money(value: object) -> str:
        return format_money(Decimal(str(value or 0)), currency, lang)

    def name(r: dict[str, Any]) -> str:
        return " ".join(p for p in (r.get("last_name"), r.get("first_name")) if p)

    if rows and "receipt_number" in rows[0]:
        shown = [
            {
                tr_plain("print.receipt"): r["receipt_number"],
                tr_plain("print.date"): when(r["sold_at"]),
                tr_plain("field.account_number"): r["account_number"] or "",
                tr_plain("field.name"): name(r),
                tr_plain("print.total"): money(r["total"]),
            }
            for r in rows
        ]
    else:
        shown = [
            {
                tr_plain("field.account_number"): r["account_number"],
                tr_plain("field.name"): name(r),
                tr_plain("field.company"): r["company"] or "",
                tr_plain("field.city"): r["city"] or "",
                tr_plain("insights.last_purchase"): when(r["last_at"]),
                tr_plain("insights.visits"): int(r["visits"]),
                tr_plain("insights.spend"): money(r["spend"]),
                **({"R": int(r["r"]), "F": int(r["f"]), "M": int(r["m"])} if "r" in r else {}),
            }
            for r in rows
        ]
    return pd.DataFrame(shown)


def show_list(actor: Actor, view: exports.View, title: str, currency: str) -> None:
    """The list's first rows (all of them in its export) and what can be done with them."""
    rows, total = insights.first_rows(actor, view)
    st.subheader(title)
    st.caption(tr("insights.list_count", shown=len(rows), total=total))
    if not rows:
        return
    event = st.dataframe(
        _frame(rows, currency),
        key=f"insights.table.{hash((view.sql, view.params)) & 0xFFFFFFFF:x}",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
    )
    picked = [rows[i] for i in event.selection.rows] if event.selection.rows else rows
    ids = list(dict.fromkeys(r["customer_id"] for r in picked if r.get("customer_id")))
    names = {r["customer_id"]: customer_label(r) for r in picked if r.get("customer_id")}
    st.caption(tr("insights.acting_on", count=len(ids)))
    buttons = st.columns(3)
    if buttons[0].button(
        tr("customers.open"), key="insights.open", disabled=len(ids) != 1, icon=":material/badge:"
    ):
        st.session_state["card_id"] = ids[0]
        st.switch_page("pages/customer_card.py", query_params={"id": str(ids[0])})
    if buttons[1].button(
        tr("insights.labels", count=len(ids)),
        key="insights.labels",
        disabled=not ids,
        icon=":material/print:",
    ):
        keep(printing.address_label_sheet(actor, ids), "insights.printed")
    show_kept("insights.printed")
    if ids and can(actor.role, "messages.send"):
        with buttons[2].popover(tr("messages.bulk", count=len(ids)), icon=":material/campaign:"):
            bulk_message(actor, names)
    export_panel(lambda: view, "insights.export")
