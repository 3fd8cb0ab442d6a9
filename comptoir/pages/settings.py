"""Settings: shop details, country, currency, locale, account prefix, price levels."""

from decimal import Decimal

import pandas as pd
import streamlit as st

from comptoir.i18n import LANGUAGES, country_options, format_date, format_money, t
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.messages import TEMPLATE_FIELDS as FIELDS
from comptoir.logic.printers import CODE_PAGES, KINDS, WIDTHS
from comptoir.operations import clock
from comptoir.services import (
    accounts,
    backup_schedule,
    customers,
    messaging,
    printing,
    shop,
    templates,
)
from comptoir.ui.auth import require_page
from comptoir.ui.notices import confirmed
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.session import language, show_refusal, tr, tr_plain, when
from comptoir.ui.template_preview import template_preview

LOCALES = ("fr_FR", "en_GB", "fr_BE", "fr_CH", "fr_CA", "en_IE", "en_US", "de_DE", "nl_NL")
CURRENCIES = ("EUR", "GBP", "CHF", "USD", "CAD")

actor = require_page("settings.edit")
lang = language()
ss = st.session_state
values = shop.get_settings()
lists = shop.get_lists()
nonce = ss.setdefault("settings.nonce", 0)

st.title(tr("settings.title"))
confirmed("settings.flash")
warning = ss.pop("settings.warning", None)
if warning:
    st.warning(warning, icon=":material/warning:")


def k(name: str) -> str:
    return f"settings.{nonce}.{name}"


entered: dict[str, str] = {}
st.subheader(tr("settings.shop"))
# Name, address, time zone, prefixes and printers are this server's shop's own.
st.caption(tr("settings.this_shop_only", code=shop.here()))
columns = st.columns(2)
for position, name in enumerate(
    ("shop_name", "shop_phone", "shop_email", "shop_address", "receipt_footer")
):
    entered[name] = columns[position % 2].text_input(
        tr(f"field.{name}"), values.get(name, ""), key=k(name)
    )
zones = shop.TIME_ZONES
entered["time_zone"] = columns[1].selectbox(
    tr("field.time_zone"),
    zones,
    index=zones.index(values["time_zone"]) if values.get("time_zone") in zones else None,
    key=k("time_zone"),
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
        date=format_date(clock.local_day(), lang, entered["default_country"]),
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

st.subheader(tr("settings.sales"))
columns = st.columns(5)
entered["prices_include_tax"] = (
    "true"
    if columns[0].toggle(
        tr("field.prices_include_tax"),
        values.get("prices_include_tax", "true") == "true",
        key=k("prices_include_tax"),
    )
    else "false"
)
entered["tax_rates"] = columns[1].text_input(
    tr("field.tax_rates"), values.get("tax_rates", ""), key=k("tax_rates")
)
entered["receipt_prefix"] = columns[2].text_input(
    tr("field.receipt_prefix"), values.get("receipt_prefix", "R"), key=k("receipt_prefix")
)
entered["invoice_prefix"] = columns[3].text_input(
    tr("field.invoice_prefix"), values.get("invoice_prefix", ""), key=k("invoice_prefix")
)
numbering = shop.INVOICE_NUMBERING
entered["invoice_numbering"] = columns[4].selectbox(
    tr("field.invoice_numbering"),
    numbering,
    index=numbering.index(values.get("invoice_numbering", "chain")),
    format_func=lambda code: t(f"settings.invoice_numbering.{code}", lang),
    key=k("invoice_numbering"),
)

st.subheader(tr("settings.workshop"))
columns = st.columns([1, 1, 3])
entered["workshop_capacity_hours"] = columns[0].text_input(
    tr("field.workshop_capacity_hours"),
    values.get("workshop_capacity_hours", "16"),
    key=k("workshop_capacity_hours"),
)
entered["order_prefix"] = columns[1].text_input(
    tr("field.order_prefix"), values.get("order_prefix", "J"), key=k("order_prefix")
)
entered["service_reminder_intervals"] = columns[2].text_input(
    tr("field.service_reminder_intervals"),
    values.get("service_reminder_intervals", ""),
    help=tr("settings.intervals_help"),
    key=k("service_reminder_intervals"),
)

st.subheader(tr("settings.vouchers_rewards"))
columns = st.columns(4)
for position, name in enumerate(
    (
        "voucher_validity_months",
        "rewards_points_per_unit",
        "rewards_point_value",
        "rewards_min_redeem",
        "rewards_expiry_months",
        "rewards_excluded_tenders",
        "rewards_excluded_skus",
    )
):
    entered[name] = columns[position % 4].text_input(
        tr(f"field.{name}"), values.get(name, ""), key=k(name)
    )

st.subheader(tr("settings.security"))
columns = st.columns(4)
for position, name in enumerate(
    ("session_timeout_minutes", "lockout_attempts", "lockout_minutes", "messages_per_minute")
):
    entered[name] = columns[position].text_input(
        tr(f"field.{name}"), values.get(name, "60"), key=k(name)
    )

st.subheader(tr("settings.backups"))
last_backup = backup_schedule.last_good()
st.caption(
    tr("settings.backups_last", last=when(last_backup))
    if last_backup
    else tr("settings.backups_none")
)
columns = st.columns([1, 2, 2])
for position, name in enumerate(("backup_time", "backup_second_folder", "backup_alert_email")):
    entered[name] = columns[position].text_input(
        tr(f"field.{name}"),
        values.get(name, "02:30" if name == "backup_time" else ""),
        key=k(name),
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

st.divider()
st.subheader(tr("settings.shops"))
st.caption(tr("settings.shops_help"))
st.dataframe(
    pd.DataFrame(
        [
            {
                "code": row["code"],
                "shop_name": row.get("shop_name", ""),
                "time_zone": row.get("time_zone", ""),
                "receipt_prefix": row.get("receipt_prefix", ""),
                "here": row["code"] == shop.here(),
            }
            for row in lists.shops
        ],
        columns=["code", "shop_name", "time_zone", "receipt_prefix", "here"],
    ),
    hide_index=True,
    column_config={
        "code": st.column_config.TextColumn(tr("field.shop_code")),
        "shop_name": st.column_config.TextColumn(tr("field.shop_name")),
        "time_zone": st.column_config.TextColumn(tr("field.time_zone")),
        "receipt_prefix": st.column_config.TextColumn(tr("field.receipt_prefix")),
        "here": st.column_config.CheckboxColumn(tr("settings.this_server")),
    },
)
with st.form(f"settings.{nonce}.new_shop", border=True):
    st.markdown(f"**{tr('settings.add_shop')}**")
    columns = st.columns(4)
    new_shop = {
        "shop_code": columns[0].text_input(tr("field.shop_code"), key=k("new_shop.code")),
        "shop_name": columns[1].text_input(tr("field.shop_name"), key=k("new_shop.name")),
        "time_zone": columns[2].selectbox(
            tr("field.time_zone"),
            zones,
            index=zones.index(values["time_zone"]) if values.get("time_zone") in zones else None,
            key=k("new_shop.time_zone"),
        ),
        "receipt_prefix": columns[3].text_input(
            tr("field.receipt_prefix"), key=k("new_shop.receipt_prefix")
        ),
    }
    if st.form_submit_button(tr("settings.add_shop")):
        try:
            added = shop.add_shop(actor, new_shop)
        except ValidationFailed as exc:
            show_refusal(exc)
        else:
            ss["settings.nonce"] = nonce + 1
            ss["settings.flash"] = tr("settings.shop_added", code=added)
            st.rerun()

st.divider()
st.subheader(tr("settings.account_types"))
st.caption(tr("settings.account_types_help"))
types = accounts.account_types()
types_key = f"settings.{nonce}.types"
st.data_editor(
    # Text columns: amounts are typed like everywhere else ("1 000,50"), checked on save.
    pd.DataFrame(
        [
            {
                **x,
                "default_credit_limit": str(x["default_credit_limit"]),
                "payment_terms_days": str(x["payment_terms_days"]),
            }
            for x in types
        ],
        columns=["id", "name", "default_credit_limit", "payment_terms_days"],
    ),
    num_rows="add",
    hide_index=True,
    key=types_key,
    disabled=["id"],
    column_config={
        "id": None,
        "name": st.column_config.TextColumn(tr("field.account_type_name"), width=220),
        "default_credit_limit": st.column_config.TextColumn(tr("field.default_credit_limit")),
        "payment_terms_days": st.column_config.TextColumn(tr("field.payment_terms_days")),
    },
)
if st.button(tr("settings.save_account_types"), key="settings.save_types"):
    state = ss.get(types_key) or {}
    changes = [(types[int(p)], c) for p, c in (state.get("edited_rows") or {}).items()]
    changes += [(None, row) for row in state.get("added_rows") or []]
    refused = False
    for current, change in changes:
        merged = {**(current or {}), **change}
        try:
            accounts.save_account_type(
                actor,
                current["id"] if current else None,
                merged.get("name"),
                merged.get("default_credit_limit"),
                merged.get("payment_terms_days", 30),
            )
        except ValidationFailed as exc:
            refused = True
            show_refusal(exc)
    if not refused:
        ss["settings.nonce"] = nonce + 1
        ss["settings.flash"] = tr("settings.saved")
        st.rerun()

st.divider()
st.subheader(tr("settings.printers"))
kinds = KINDS
FIELDS_BY_KIND = {
    "network": ("host", "port"),
    "usb": ("usb_vendor", "usb_product"),
    "serial": ("serial_device", "baudrate"),
    "file": ("path",),
}
for column, role in zip(st.columns(2), ("receipts", "labels"), strict=True):
    with column:
        st.markdown(f"**{tr(f'settings.printer_role.{role}')}**")
        current = printing.printer_for(role)
        raw: dict[str, object] = {}
        raw["kind"] = st.selectbox(
            tr("field.printer_kind"),
            kinds,
            index=kinds.index(current.kind),
            format_func=lambda kind: t(f"printer.kind.{kind}", lang),
            key=k(f"{role}.kind"),
        )
        for name in FIELDS_BY_KIND.get(raw["kind"], ()):
            raw[name] = st.text_input(
                tr(f"field.printer_{name}"),
                str(getattr(current, name) or ""),
                key=k(f"{role}.{name}"),
            )
        raw["columns"] = st.selectbox(
            tr("field.printer_columns"),
            WIDTHS,
            index=WIDTHS.index(current.columns),
            key=k(f"{role}.columns"),
        )
        raw["code_page"] = st.selectbox(
            tr("field.printer_code_page"),
            CODE_PAGES,
            index=CODE_PAGES.index(current.code_page),
            key=k(f"{role}.code_page"),
        )
        buttons = st.columns(2)
        if buttons[0].button(tr("settings.save_printer"), key=f"settings.save_printer.{role}"):
            try:
                saved = printing.save_printer(actor, role, raw)
            except ValidationFailed as exc:
                show_refusal(exc)
            else:
                st.success(tr("settings.printer_saved", printer=saved.describe()))
        if buttons[1].button(tr("settings.test_page"), key=f"settings.test_page.{role}"):
            keep(printing.print_test_page(actor, role), f"settings.test.{role}")
        show_kept(f"settings.test.{role}")

st.divider()
st.subheader(tr("settings.channels"))
configured = messaging.channels()
for channel, ready in (("email", configured.email), ("sms", configured.sms)):
    label = tr_plain(f"messages.channel.{channel}")
    if ready:
        st.success(tr("settings.channel_ok", channel=label))
    else:
        st.warning(tr("settings.channel_missing", channel=label))
test_to = st.text_input(tr("settings.test_to"), key="settings.test_to")
if st.button(tr("settings.send_test"), key="settings.send_test"):
    try:
        sent, detail = messaging.send_test(actor, test_to)
    except ValidationFailed as exc:
        show_refusal(exc)
    else:
        if sent:
            st.success(tr("messages.sent", to=detail))
        else:
            st.warning(tr("settings.test_failed", reason=detail))

st.divider()
st.subheader(tr("settings.templates"))
st.caption(tr("settings.templates_help", fields=", ".join(f"{{{f}}}" for f in sorted(FIELDS))))
stored = {(row["code"], row["language"]): row for row in templates.templates()}
codes = sorted({code for code, _ in stored})
columns = st.columns(2)
code = columns[0].selectbox(
    tr("field.template"),
    codes,
    format_func=lambda c: t(f"template.{c}", lang),
    key="settings.template.code",
)
template_lang = columns[1].selectbox(
    tr("field.language"),
    list(LANGUAGES),
    format_func=lambda code: LANGUAGES[code],
    key="settings.template.language",
)
current_template = stored.get((code, template_lang), {"subject": "", "body": ""})
template_key = f"settings.template.{nonce}.{code}.{template_lang}"
subject = st.text_input(
    tr("field.subject"), current_template["subject"], key=f"{template_key}.subject"
)
body = st.text_area(tr("field.body"), current_template["body"], key=f"{template_key}.body")
template_preview(subject, body, template_lang)
if st.button(tr("settings.save_template"), key="settings.template.save"):
    try:
        saved = templates.save_template(actor, code, template_lang, subject, body)
    except ValidationFailed as exc:
        show_refusal(exc)
    else:
        ss["settings.nonce"] = nonce + 1
        ss["settings.flash"] = tr("settings.template_saved")
        if saved.empty:
            ss["settings.warning"] = tr(
                "settings.template_empty", fields=", ".join(f"{{{f}}}" for f in saved.empty)
            )
        st.rerun()
