"""Widgets for the card's fields, shared by the card and the new-customer dialog."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from i18n import country_options, t
from services.customers import phone_for_display
from services.shop import ShopLists
from ui.session import language, tr

TEXT_FIELDS = {
    "account_number",
    "first_name",
    "last_name",
    "company",
    "postcode",
    "address1",
    "address2",
    "city",
    "region",
    "tax_number",
    "email",
}
PHONE_FIELDS = {"phone", "mobile", "fax"}


def _none_first(options: list[str]) -> list[str | None]:
    return [None, *options]


def _index(options: list[Any], value: Any) -> int:
    return options.index(value) if value in options else 0


def field_widget(
    name: str,
    value: Any,
    key: str,
    lists: ShopLists,
    shop_region: str,
    today: date,
    container: Any = st,
) -> Any:
    """Render the widget for one card field and return what the user entered."""
    # Format functions capture the language: AppTest calls them outside a run.
    lang = language()
    none = t("choice.none", lang)
    label = t(f"field.{name}", lang)
    if name in TEXT_FIELDS:
        return container.text_input(label, value=value or "", key=key)
    if name in PHONE_FIELDS:
        return container.text_input(label, value=phone_for_display(value, shop_region), key=key)
    if name == "title":
        labels = {x["code"]: x[lang] for x in lists.titles}
        options = _none_first(list(labels))
        return container.selectbox(
            label,
            options,
            index=_index(options, value),
            key=key,
            format_func=lambda c: labels.get(c, none),
        )
    if name == "country_code":
        names = dict(country_options(lang))
        options = _none_first(list(names))
        return container.selectbox(
            label,
            options,
            index=_index(options, value),
            key=key,
            format_func=lambda c: names.get(c, none),
        )
    if name == "contact_preference":
        options = [None, "email", "sms"]
        return container.selectbox(
            label,
            options,
            index=_index(options, value),
            key=key,
            format_func=lambda c: t(f"choice.{c or 'none'}", lang),
        )
    if name == "gender":
        labels = {x["code"]: x[lang] for x in lists.genders}
        options = list(labels)
        return container.selectbox(
            label, options, index=_index(options, value), key=key, format_func=labels.get
        )
    if name == "price_level":
        labels = {x["code"]: f"{x['code']} · {x['name']}" for x in lists.price_levels}
        options = _none_first(list(labels))
        return container.selectbox(
            label,
            options,
            index=_index(options, value),
            key=key,
            format_func=lambda c: labels.get(c, none),
        )
    if name == "date_of_birth":
        oldest = (
            today.replace(year=today.year - 120)
            if not (today.month == 2 and today.day == 29)
            else today.replace(year=today.year - 120, day=28)
        )
        return container.date_input(
            label,
            value=value,
            min_value=oldest,
            max_value=today,
            key=key,
            format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
        )
    if name == "discount_percent":
        text = "" if value in (None, "") else f"{value}"
        return container.text_input(label, value=text, key=key)
    if name in ("tax_exempt", "marketing_opt_in"):
        return container.checkbox(label, value=bool(value), key=key)
    if name == "notes":
        return container.text_area(label, value=value or "", key=key, help=tr("card.notes_help"))
    raise ValueError(f"no widget for {name}")
