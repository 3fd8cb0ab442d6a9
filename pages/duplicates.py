"""Duplicates (managers): pairs of customers that are likely the same person, surest first,
with why; open either card."""

from __future__ import annotations

import streamlit as st

from services import duplicates
from ui.auth import require_page
from ui.pager import pager
from ui.session import tr, tr_plain
from ui.text import literal_table

actor = require_page("duplicates.view")
ss = st.session_state
st.title(tr("duplicates.title"))
st.caption(tr("duplicates.intro"))
page = ss.get("duplicates.page", 0)
rows, total = duplicates.pairs(actor, page)
st.caption(tr("duplicates.count", total=f"{total:,}"))
if not rows:
    st.info(tr("duplicates.none"))
    st.stop()


def _who(person: dict) -> str:
    name = " ".join(p for p in (person["first_name"], person["last_name"]) if p)
    return f"{person['account_number']} — {name}"


def _contact(person: dict) -> str:
    return " · ".join(p for p in (person["email"], person["mobile"], person["postcode"]) if p)


literal_table(
    [
        {
            tr_plain("duplicates.score"): r["score"],
            tr_plain("duplicates.why"): ", ".join(
                tr_plain(f"duplicates.reason.{x}") for x in r["reasons"]
            ),
            tr_plain("duplicates.first"): _who(r["a"]),
            tr_plain("duplicates.first_contact"): _contact(r["a"]),
            tr_plain("duplicates.second"): _who(r["b"]),
            tr_plain("duplicates.second_contact"): _contact(r["b"]),
            tr_plain("duplicates.similarity"): f"{r['similarity']} %",
        }
        for r in rows
    ]
)
pager("duplicates.page", total, duplicates.PAGE_SIZE)
labels = {index: f"{_who(r['a'])}  ⇄  {_who(r['b'])}" for index, r in enumerate(rows)}
picked = st.selectbox(
    tr("duplicates.pick"), list(labels), format_func=labels.__getitem__, key="duplicates.pick"
)
if picked is not None:
    columns = st.columns(2)
    for column, side in zip(columns, ("a", "b"), strict=True):
        person = rows[picked][side]
        if column.button(
            tr("duplicates.open", who=_who(person)), key=f"duplicates.open.{side}.{person['id']}"
        ):
            ss["card_id"] = person["id"]
            st.switch_page("pages/customer_card.py", query_params={"id": str(person["id"])})
