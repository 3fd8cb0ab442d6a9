"""Collect a workshop job from New sale: found by its number, its customer or the bike's
serial, opened over the till in the order's own dialog (its lines, deposit and Collect)."""

from __future__ import annotations

import streamlit as st

from comptoir.logic.auth import Actor
from comptoir.services import workshop_board
from comptoir.ui.order_view import order_dialog
from comptoir.ui.session import tr, tr_plain
from comptoir.ui.text import md

CHOSEN = "till.job_chosen"
SHOWN = 5


def _choose(order_id: int) -> None:
    st.session_state[CHOSEN] = order_id


def collect_job_panel(actor: Actor, currency: str) -> None:
    """The search box and its matches; the job picked opens in a dialog."""
    typed = st.session_state.get("till.job_search", "")
    with st.expander(tr("till.collect_job"), icon=":material/build:", expanded=bool(typed)):
        typed = st.text_input(
            tr("till.job_search"),
            key="till.job_search",
            placeholder=tr_plain("till.job_placeholder"),
        )
        found = workshop_board.board(actor, search=typed, limit=SHOWN + 1) if typed.strip() else []
        if typed.strip() and not found:
            st.caption(tr("till.job_none"))
        for order in found[:SHOWN]:
            row = st.columns([5, 1], vertical_alignment="center")
            name = " ".join(p for p in (order["first_name"], order["last_name"]) if p)
            status = tr_plain(f"workshop.status.{order['status']}")
            row[0].markdown(f"**{md(order['number'])}** · {md(name)} · {md(status)}")
            row[1].button(
                tr("workshop.open"),
                key=f"till.job_open.{order['id']}",
                on_click=_choose,
                args=(order["id"],),
            )
        if len(found) > SHOWN:
            st.caption(tr("till.job_more"))
    chosen = st.session_state.get(CHOSEN)
    if chosen is not None:
        order_dialog(actor, int(chosen), currency, f"till.order.{chosen}", forget=(CHOSEN,))
