"""Balances (managers): every account with a balance, aged debt, filters and a chart."""

from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from comptoir.i18n import format_money, t
from comptoir.operations import clock
from comptoir.services import accounts, export_views, shop
from comptoir.ui.auth import require_page
from comptoir.ui.export_panel import export_panel
from comptoir.ui.pager import back_to_first, pager
from comptoir.ui.session import language, percent, tr
from comptoir.ui.shop_picker import shop_picker

actor = require_page("accounts.balances")
ss = st.session_state
lang = language()
currency = shop.get_settings().get("currency", "EUR")
BUCKET_COLUMNS = ("current", "d1_30", "d31_60", "d61_90", "over_90")
BUCKET_LABELS = (
    "print.aged.current",
    "print.aged.1_30",
    "print.aged.31_60",
    "print.aged.61_90",
    "print.aged.over_90",
)
SORTS = accounts.BALANCE_SORTS


def money(amount: object) -> str:
    return format_money(Decimal(str(amount)), currency, lang)


st.title(tr("balances.title"))
top = st.columns([2, 1.2, 1])
chain = shop_picker("balances.shop", "balances.page")
only = top[0].radio(
    tr("balances.show"),
    ("all", "over_limit", "near_limit", "overdue"),
    horizontal=True,
    key="balances.only",
    on_change=back_to_first,
    args=("balances.page",),
    format_func=lambda o: t(f"balances.only.{o}", lang),
)
only = None if only == "all" else only
sort = top[1].selectbox(
    tr("customers.sort"),
    SORTS,
    key="balances.sort",
    on_change=back_to_first,
    args=("balances.page",),
    format_func=lambda s: t(f"balances.sort.{s}", lang),
)
descending = top[2].toggle(
    tr("customers.descending"),
    value=True,
    key="balances.desc",
    on_change=back_to_first,
    args=("balances.page",),
)

page = ss.get("balances.page", 0)
today = clock.local_day()  # the shop's day, wherever the server is


def report_for(page: int) -> accounts.BalancesReport:
    return accounts.balances(
        actor,
        today,
        only=only,
        sort=sort,
        descending=descending,
        page=page,
        shop_code=chain.chosen,
    )


report = report_for(page)
pages = max(1, -(-report.count // accounts.BALANCE_PAGE))
if page >= pages:  # the filter shrank the list under the page the user was on
    ss["balances.page"] = page = 0
    report = report_for(0)
rows = report.rows

# The totals on one row, the five age buckets (which add up to the total) on the next:
# seven figures on one row are cut short ("2 295,…") at 1,400 px.
totals_row = st.columns(5)
totals_row[0].metric(tr("balances.accounts"), f"{report.count:,}".replace(",", " "))
totals_row[1].metric(tr("balances.total"), money(report.totals["balance"]))
metrics = st.columns(5)
for column, key, label in zip(metrics, BUCKET_COLUMNS, BUCKET_LABELS, strict=True):
    column.metric(tr(label), money(report.totals[key]))

shown = rows
if not shown:
    st.info(tr("balances.none"))  # no chart of empty axes
    st.stop()
figure = go.Figure(
    go.Bar(
        x=[t(label, lang) for label in BUCKET_LABELS],
        y=[float(report.totals[key]) for key in BUCKET_COLUMNS],
        marker_color=["#4c956c", "#f2c14e", "#f78154", "#d1495b", "#8c1c13"],
    )
)
figure.update_layout(
    title=tr("balances.chart"),
    height=300,
    margin=dict(t=40, b=20, l=20, r=20),
    yaxis_title=currency,
)
st.plotly_chart(figure, width="stretch", key="balances.chart")
st.dataframe(
    pd.DataFrame(
        [
            {
                tr("field.account_number"): r["account_number"],
                tr("field.name"): " ".join(p for p in (r["last_name"], r["first_name"]) if p),
                tr("field.company"): r["company"] or "",
                tr("field.account_type"): r["account_type"],
                tr("field.credit_limit"): money(r["credit_limit"]),
                tr("field.balance"): money(r["balance"]),
                tr("balances.used"): percent(r["used"]) if r["used"] is not None else "—",
                **{
                    tr(label): money(r[key])
                    for key, label in zip(BUCKET_COLUMNS, BUCKET_LABELS, strict=True)
                },
            }
            for r in shown
        ]
    ),
    hide_index=True,
    width="stretch",
)
pager("balances.page", report.count, accounts.BALANCE_PAGE)
labels = {
    r["customer_id"]: f"{r['account_number']} — {r['last_name']} · {money(r['balance'])}"
    for r in shown
}
choice = st.selectbox(
    tr("customers.open_card"), list(labels), format_func=labels.get, key="balances.open_choice"
)
if st.button(tr("customers.open"), key="balances.open"):
    ss["card_id"] = choice
    st.switch_page("pages/customer_card.py", query_params={"id": str(choice)})

export_panel(
    lambda: export_views.balances(actor, only, sort, descending, chain.chosen, today),
    "balances.export",
)
