"""Insights (managers): sales, customers, products, segments and balances; click a bar or a
segment to list the sales or customers behind it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import streamlit as st
from babel.dates import format_date

from comptoir.i18n import format_date as medium_date
from comptoir.i18n import format_money, format_month, t
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.insights import GRAINS, LAPSED_MONTHS, SEGMENTS, Filters
from comptoir.operations import clock
from comptoir.services import accounts, customers, insights, products, shop
from comptoir.ui import insights_charts as charts
from comptoir.ui.auth import require_page
from comptoir.ui.insights_list import show_list
from comptoir.ui.session import date_format, language, show_refusal, tr, tr_plain, worded
from comptoir.ui.shop_picker import shop_picker

actor = require_page("insights.view")
ss = st.session_state
lang = language()
currency = shop.get_settings().get("currency", "EUR")
LIST = "insights.list"  # (kind, key) of the list shown under the charts


@st.cache_data(ttl=120, max_entries=32, show_spinner=False)
def _overview(filters: Filters, grain: str, months: int, stamp: tuple, role: str):
    """The page's figures, kept two minutes; a sale or an account movement changes the
    stamp, so a write is never hidden (the actor's role is in the key: another role is
    checked again)."""
    return insights.overview(actor, filters, grain, months)


def money(amount: object) -> str:
    return format_money(Decimal(str(amount or 0)), currency, lang)


def _pick(kind: str, chart_key: str) -> None:
    """A chart's click: show the list behind the clicked bar, product or segment."""
    value = charts.clicked(ss.get(chart_key))
    if value is None:
        return
    if kind == "segment":  # the pick-list below names segments: it shows the click
        ss["insights.show"] = f"segment:{value}"
        ss.pop(LIST, None)
    else:
        ss[LIST] = (kind, value)
        ss["insights.show"] = ""


def _clickable(figure: object, kind: str, key: str) -> None:
    """A chart whose bars list what is behind them when clicked."""
    st.plotly_chart(
        figure,
        key=key,
        on_select=lambda: _pick(kind, key),
        selection_mode="points",
        width="stretch",
    )


st.title(tr("insights.title"))
today = clock.local_day()
row = st.columns([2.2, 1.3, 1.2, 1.2])
period = row[0].date_input(
    tr("insights.period"),
    value=(today.replace(day=1) - timedelta(days=334), today),
    format=date_format(),
    key="insights.period",
)
grain = (
    row[1].segmented_control(
        tr("insights.grain"),
        GRAINS,
        format_func=worded("insights.grain"),
        default="month",
        key="insights.grain",
    )
    or "month"
)
months = row[2].selectbox(
    tr("insights.lapsed_months"), LAPSED_MONTHS, index=2, key="insights.months"
)
with row[3]:
    chain = shop_picker("insights.shop")

every = tr_plain("filter.all")  # captured now: format_func may run after this run
more = st.columns(6)
levels = ["", *products.price_levels()]
level = more[0].selectbox(
    tr("field.price_level"),
    levels,
    format_func=lambda c: c or every,
    key="insights.level",
)
types = {a["id"]: a["name"] for a in accounts.account_types()}
account_type = more[1].selectbox(
    tr("field.account_type"),
    [0, *types],
    format_func=lambda i: types.get(i) or every,
    key="insights.type",
)
items = {p["id"]: f"{p['sku']} — {p['name']}" for p in products.search_products(page_size=2000)[0]}
product = more[2].selectbox(
    tr("insights.product"),
    [0, *items],
    format_func=lambda i: items.get(i) or every,
    key="insights.product",
)
groups = ["", *insights.product_groups()]
group = more[3].selectbox(
    tr("field.product_group"),
    groups,
    format_func=lambda g: g or every,
    key="insights.group",
)
exempt = more[4].selectbox(
    tr("field.tax_exempt"),
    ("all", "yes", "no"),
    format_func=worded("insights.exempt"),
    key="insights.exempt",
)
tag = more[5].selectbox(
    tr("field.tags"),
    ["", *customers.known_tags()],
    format_func=lambda g: g or every,
    key="insights.tag",
)

if not isinstance(period, tuple) or len(period) != 2:
    st.info(tr("insights.pick_end"))
    st.stop()
filters = Filters(
    start=period[0],
    end=period[1],
    shop_code=chain.chosen,
    price_level=level or None,
    account_type_id=account_type or None,
    product_id=product or None,
    product_group=group or None,
    tax_exempt={"all": None, "yes": True, "no": False}[exempt],
    tag=tag or None,
)
try:
    seen = _overview(filters, grain, months, insights.stamp(), actor.role)
except ValidationFailed as exc:
    show_refusal(exc)
    st.stop()

summary = seen.summary
baskets = int(summary["baskets"])
figures = st.columns(5)
figures[0].metric(tr("insights.revenue"), money(summary["revenue"]))
figures[1].metric(tr("insights.baskets"), f"{baskets:,}".replace(",", " "))
figures[2].metric(
    tr("insights.average_basket"), money(Decimal(summary["sold"]) / baskets if baskets else 0)
)
figures[3].metric(tr("insights.customers"), f"{int(summary['customers']):,}".replace(",", " "))
figures[4].metric(tr("insights.lapsed", months=months), f"{seen.lapsed:,}".replace(",", " "))

# A bucket by its first day (a week: its Monday), a month by its name.
pattern = {"day": "d MMM y", "week": "d MMM y", "month": "MMM y"}[grain]


def bucket_label(day: date) -> str:
    return format_date(day, pattern, locale=lang)


left, right = st.columns(2)
with left:
    _clickable(
        charts.sales_figure(
            seen.series,
            seen.last_year,
            {
                "title": tr_plain(f"insights.sales_by.{grain}"),
                "this": tr_plain("insights.this_period"),
                "last": tr_plain("insights.last_year"),
                "currency": currency,
            },
            bucket_label,
        ),
        "bucket",
        "insights.sales_chart",
    )
with right:
    _clickable(
        charts.customers_figure(
            seen.series,
            {
                "title": tr_plain("insights.new_vs_returning"),
                "new_customers": tr_plain("insights.new"),
                "returning_customers": tr_plain("insights.returning"),
            },
            bucket_label,
        ),
        "bucket",
        "insights.customers_chart",
    )

left, right = st.columns(2)


def _who(r: dict) -> str:
    return " ".join(p for p in (r["last_name"], r["first_name"]) if p) or r["account_number"]


with left:
    _clickable(
        charts.ranking_figure(
            seen.top_spend, _who, "spend", "customer_id", tr_plain("insights.top_spend"), "#3d6b99"
        ),
        "customer",
        "insights.spend_chart",
    )
    _clickable(
        charts.ranking_figure(
            seen.top_products,
            lambda r: r["name"],
            "revenue",
            "product_id",
            tr_plain("insights.top_products"),
            "#8cb369",
        ),
        "product",
        "insights.products_chart",
    )
with right:
    _clickable(
        charts.ranking_figure(
            seen.top_visits,
            _who,
            "visits",
            "customer_id",
            tr_plain("insights.top_visits"),
            "#2c6e91",
        ),
        "customer",
        "insights.visits_chart",
    )
    segment_words = {name: tr_plain(f"insights.segment.{name}") for name in SEGMENTS}
    _clickable(
        charts.segments_figure(seen.segments, segment_words, tr_plain("insights.segments")),
        "segment",
        "insights.segments_chart",
    )

st.plotly_chart(
    charts.ages_figure(
        seen.balances,
        [
            t(k, lang)
            for k in (
                "print.aged.current",
                "print.aged.1_30",
                "print.aged.31_60",
                "print.aged.61_90",
                "print.aged.over_90",
            )
        ],
        tr_plain("insights.balances", total=money(seen.balances.get("balance", 0))),
    ),
    key="insights.ages_chart",
    width="stretch",
)

# The list: picked by a click above, or here (also without a mouse).
choices = ["", *(f"segment:{name}" for name in SEGMENTS), "lapsed"]
shown_words = {
    "": tr_plain("insights.show_none"),
    "lapsed": tr_plain("insights.lapsed", months=months),
    **{f"segment:{name}": word for name, word in segment_words.items()},
}
chosen = st.selectbox(
    tr("insights.show"),
    choices,
    format_func=shown_words.__getitem__,
    key="insights.show",
    on_change=lambda: ss.pop(LIST, None),  # picked here: the list of a click goes
)
picked = ss.get(LIST)
if picked and picked[0] == "customer":
    ss.pop(LIST)
    ss["card_id"] = int(picked[1])
    st.switch_page("pages/customer_card.py", query_params={"id": str(int(picked[1]))})
if picked and picked[0] == "bucket" and (day := charts.as_day(picked[1])) is not None:
    view = insights.bucket_sales(actor, filters, grain, day)
    shown = format_month(day, lang) if grain == "month" else medium_date(day, lang)
    show_list(actor, view, tr_plain(f"insights.list.{grain}", day=shown), currency)
elif picked and picked[0] == "product":
    view = insights.product_sales(actor, filters, int(picked[1]))
    show_list(
        actor,
        view,
        # tr, not tr_plain: the product's name is stored text, escaped for the subheader.
        tr("insights.list.product", product=items.get(int(picked[1]), "")),
        currency,
    )
elif chosen == "lapsed":
    view = insights.lapsed_customers(actor, filters, months)
    show_list(actor, view, tr_plain("insights.lapsed", months=months), currency)
elif chosen:
    name = chosen.split(":", 1)[1]
    show_list(
        actor, insights.segment_customers(actor, filters, name), segment_words[name], currency
    )
