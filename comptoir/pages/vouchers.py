"""Gift vouchers (managers): find by code, filter by state and expiry, what the shop owes
on them, export."""

from datetime import date
from decimal import Decimal

import streamlit as st

from comptoir.i18n import format_money
from comptoir.logic.vouchers import STATES
from comptoir.services import export_views, shop, vouchers
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.auth import require_page
from comptoir.ui.export_panel import export_panel
from comptoir.ui.pager import back_to_first, pager
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.session import date_format, day, language, tr, when, worded
from comptoir.ui.text import literal_table

actor = require_page("vouchers.manage")
ss = st.session_state
lang = language()
currency = shop.get_settings().get("currency", "EUR")


def money(amount: object) -> str:
    return format_money(Decimal(str(amount)), currency, lang)


st.title(tr("vouchers.title"))
st.metric(tr("vouchers.liability"), money(vouchers.liability(actor)))
top = st.columns([2, 3, 2])
code = top[0].text_input(
    tr("vouchers.code"), key="vouchers.code", on_change=back_to_first, args=("vouchers.page",)
)
states = top[1].multiselect(
    tr("field.status"),
    STATES,
    default=["active"],
    format_func=worded("vouchers.state"),
    key="vouchers.states",
    on_change=back_to_first,
    args=("vouchers.page",),
)
before: date | None = top[2].date_input(
    tr("vouchers.expiring_before"),
    None,
    format=date_format(),
    key="vouchers.before",
    on_change=back_to_first,
    args=("vouchers.page",),
)
page = ss.get("vouchers.page", 0)
rows, total = vouchers.search(actor, code, states, before, page)
if not rows:
    st.caption(tr("vouchers.none_found"))
else:
    literal_table(
        [
            {
                tr("vouchers.code"): v["shown_code"],
                tr("workshop.customer"): " ".join(
                    p for p in (v["first_name"], v["last_name"]) if p
                ),
                tr("vouchers.amount"): money(v["amount"]),
                tr("vouchers.balance"): money(v["balance"]),
                tr("field.status"): worded("vouchers.state")(v["state"]),
                tr("vouchers.expires"): day(v["expires_on"]),
                tr("vouchers.issued"): when(v["issued_at"]),
            }
            for v in rows
        ]
    )
    pager("vouchers.page", total, vouchers.PAGE_SIZE)
    labels = {v["id"]: f"{v['shown_code']} · {money(v['balance'])}" for v in rows}
    columns = st.columns([3, 1])
    picked = columns[0].selectbox(
        tr("vouchers.choose"), list(labels), format_func=labels.get, key="vouchers.picked"
    )
    if picked is not None and columns[1].button(
        tr("vouchers.reprint"), key="vouchers.reprint", icon=":material/print:"
    ):
        made = attempt(lambda: vouchers.reprint(actor, picked))
        if made is not FAILED:
            keep(made, "vouchers.print")
    show_kept("vouchers.print")


export_panel(lambda: export_views.vouchers(actor, code, states, before), "vouchers.export")
