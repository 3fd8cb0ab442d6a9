"""Duplicates (managers): pairs of customers that are likely the same person, surest first,
with why; open either card. Administrators merge a pair (or two account numbers) and
undo a recent merge."""

from __future__ import annotations

import streamlit as st

from comptoir.i18n import tn
from comptoir.logic.auth import can
from comptoir.services import customers, duplicates, merges
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.auth import require_page
from comptoir.ui.merge_panel import merge_panel, recent_merges, who
from comptoir.ui.notices import confirmed
from comptoir.ui.pager import pager
from comptoir.ui.picks import forget_gone, pick
from comptoir.ui.session import language, percent, tr, tr_plain
from comptoir.ui.text import literal_table

actor = require_page("duplicates.view")
ss = st.session_state
may_merge = can(actor.role, "customers.merge")
st.title(tr("duplicates.title"))
confirmed("merge.flash")
st.caption(tr("duplicates.intro"))
page = ss.get("duplicates.page", 0)
rows, total = duplicates.pairs(actor, page)
st.caption(tn("duplicates.count", total, language(), count=f"{total:,}"))


def _contact(person: dict) -> str:
    return " · ".join(p for p in (person["email"], person["mobile"], person["postcode"]) if p)


def _pairs_list() -> None:
    """The candidate pairs, a pick, and opening (or merging) the picked pair."""
    literal_table(
        [
            {
                tr_plain("duplicates.score"): r["score"],
                tr_plain("duplicates.why"): ", ".join(
                    tr_plain(f"duplicates.reason.{x}") for x in r["reasons"]
                ),
                tr_plain("duplicates.first"): who(r["a"]),
                tr_plain("duplicates.first_contact"): _contact(r["a"]),
                tr_plain("duplicates.second"): who(r["b"]),
                tr_plain("duplicates.second_contact"): _contact(r["b"]),
                tr_plain("duplicates.similarity"): percent(r["similarity"]),
            }
            for r in rows
        ]
    )
    pager("duplicates.page", total, duplicates.PAGE_SIZE)
    # The pick holds the pair's two customer ids, never its place in the list (a merge or
    # an edit elsewhere moves the pairs); a pair gone meanwhile stays picked, shown as gone.
    picked = pick(
        tr("duplicates.pick"),
        rows,
        lambda r: f"{who(r['a'])}  ⇄  {who(r['b'])}",
        f"duplicates.pick.{page}",
        id_of=lambda r: (r["a"]["id"], r["b"]["id"]),
    )
    if picked is None:
        return
    if picked.row is None:
        st.warning(tr("duplicates.gone"))
        forget_gone(f"duplicates.pick.{page}")
        return
    pair = picked.row
    columns = st.columns(3 if may_merge else 2)
    for column, side in zip(columns, ("a", "b"), strict=False):
        person = pair[side]
        if column.button(
            tr("duplicates.open", who=who(person)), key=f"duplicates.open.{side}.{person['id']}"
        ):
            ss["card_id"] = person["id"]
            st.switch_page("pages/customer_card.py", query_params={"id": str(person["id"])})
    if may_merge and columns[2].button(
        tr("merge.compare"), key="duplicates.merge", icon=":material/merge:"
    ):
        ss["merge.pair"] = picked.id


def _by_numbers() -> None:
    """Two account numbers typed in, for records the pairs do not show."""
    with st.expander(tr("merge.by_number")):
        first = st.text_input(tr("field.survivor"), key="merge.first_number")
        second = st.text_input(tr("field.other"), key="merge.second_number")
        if st.button(tr("merge.compare"), key="merge.find"):
            found = attempt(lambda: merges.find_pair(actor, first, second))
            if found is not FAILED:
                ss["merge.pair"] = found


if rows:
    _pairs_list()
else:
    st.info(tr("duplicates.none"))
if may_merge:
    _by_numbers()
    pair = ss.get("merge.pair")
    if pair:
        people = [customers.get_customer(i) for i in pair]
        merge_panel(actor, people[0], people[1], "merge")
    st.subheader(tr("merge.recent"))
    recent_merges(actor, "merge")
