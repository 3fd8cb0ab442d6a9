"""Settings: shop details, country, currency, locale, account prefix, price levels."""

from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from i18n import country_options, format_date, format_money
from logic.errors import ValidationFailed
from services import customers, shop
from ui.auth import require_page
from ui.session import language, show_refusal, tr

LOCALES = ("fr_FR", "en_GB", "fr_BE", "fr_CH", "fr_CA", "en_IE", "en_US", "de_DE", "nl_NL")
CURRENCIES = ("EUR", "GBP", "CHF", "USD", "CAD")

actor = require_page("settings.edit")
lang = language()
ss = st.session_state
values = shop.get_settings()
lists = shop.get_lists()
nonce = ss.setdefault("settings.nonce", 0)

st.title(tr("settings.title"))
flash = ss.pop("settings.flash", None)
if flash:
    st.success(flash)


def k(name: str) -> str:
    return f"settings.{nonce}.{name}"


entered: dict[str, str] = {}
st.subheader(tr("settings.shop"))
columns = st.columns(2)
for position, name in enumerate(("shop_name", "shop_phone", "shop_email", "shop_address")):
    entered[name] = columns[position % 2].text_input(
        tr(f"field.{name}"), values.get(name, ""), key=k(name)
    )

st.subheader(tr("settings.regional"))
columns = st.columns(3)
names = dict(country_options(lang))
codes = list(names)
entered["default_country"] = columns[0].selectbox(
    tr("field.default_country"),
    codes,
    index=codes.index(values.get("default_country", "FR")),
    format_func=names.get,
    key=k("default_country"),
)
currencies = list(dict.fromkeys((values.get("currency", "EUR"), *CURRENCIES)))
entered["currency"] = columns[1].selectbox(
    tr("field.currency"), currencies, index=0, key=k("currency"), accept_new_options=True
)
locales = list(dict.fromkeys((values.get("locale", "fr_FR"), *LOCALES)))
entered["locale"] = columns[2].selectbox(
    tr("field.locale"), locales, index=0, key=k("locale"), accept_new_options=True
)
try:
    example_money = format_money(
        Decimal("1234.5"), entered["currency"] or "EUR", lang, entered["default_country"]
    )
except Exception:  # an unknown currency is reported on save
    example_money = "—"
st.caption(
    tr(
        "settings.example",
        money=example_money,
        date=format_date(date.today(), lang, entered["default_country"]),
    )
)

st.subheader(tr("settings.accounts"))
entered["account_prefix"] = st.text_input(
    tr("field.account_prefix"), values.get("account_prefix", ""), key=k("prefix")
)
st.caption(tr("settings.next_number", number=customers.preview_account_number()))
st.markdown(f"**{tr('field.price_levels')}**")
st.caption(tr("settings.price_levels_help"))
levels = st.data_editor(
    pd.DataFrame(lists.price_levels, columns=["code", "name"]),
    num_rows="dynamic",
    hide_index=True,
    key=k("levels"),
    column_config={
        "code": st.column_config.TextColumn(tr("field.code"), max_chars=10, width=100),
        "name": st.column_config.TextColumn(tr("field.name"), width=240),
    },
)

st.subheader(tr("settings.security"))
columns = st.columns(3)
for position, name in enumerate(("session_timeout_minutes", "lockout_attempts", "lockout_minutes")):
    entered[name] = columns[position].text_input(
        tr(f"field.{name}"), values.get(name, ""), key=k(name)
    )

if st.button(tr("settings.save"), type="primary", key="settings.save"):
    pairs = [(row["code"], row["name"]) for row in levels.to_dict("records")]
    try:
        shop.save_settings(entered, pairs, actor)
    except ValidationFailed as exc:
        show_refusal(exc)
    else:
        ss["settings.nonce"] = nonce + 1
        ss["settings.flash"] = tr("settings.saved")
        st.rerun()
