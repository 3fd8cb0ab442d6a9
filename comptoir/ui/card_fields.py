"""Widgets for the card's fields, shared by the card and the new-customer dialog."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from comptoir.i18n import LANGUAGES, country_options, t
from comptoir.services.customers import oldest_birth_date, phone_for_display
from comptoir.services.shop import ShopLists
from comptoir.ui.session import date_format, language, tr

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


def _choices(name: str, lists: ShopLists, lang: str) -> dict[str, str] | None:
    """Code -> label for the pick-list fields ("" first where the field is optional).

    "No choice" is the code "", never None: Streamlit keeps a pick-list's choice
    by its label, and only a real code can be re-stated in a new language.
    """
    if name == "title":
        return {"": "", **{x["code"]: x[lang] for x in lists.titles}}
    if name == "country_code":
        return {"": "", **dict(country_options(lang))}
    if name == "contact_preference":
        return {c: t(f"choice.{c or 'none'}", lang) for c in ("", "email", "sms")}
    if name == "language":
        return {"": t("choice.shop_language", lang), **LANGUAGES}
    if name == "gender":
        return {x["code"]: x[lang] for x in lists.genders}
    if name == "price_level":
        return {"": "", **{x["code"]: f"{x['code']} · {x['name']}" for x in lists.price_levels}}
    return None


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
    # A widget whose value is already in the session (a draft restored, a language
    # switch) is drawn without a default: Streamlit warns, with a stack trace, otherwise.
    seeded = key in st.session_state

    def initial(shown: Any) -> dict[str, Any]:
        return {} if seeded else {"value": shown}

    none = t("choice.none", lang)
    label = t(f"field.{name}", lang)
    if name in TEXT_FIELDS:
        return container.text_input(label, key=key, **initial(value or ""))
    if name in PHONE_FIELDS:
        shown = phone_for_display(value, shop_region) if not seeded else None
        return container.text_input(label, key=key, **initial(shown))
    choices = _choices(name, lists, lang)
    if choices is not None:
        options = list(choices)
        return container.selectbox(
            label,
            options,
            key=key,
            **({} if seeded else {"index": _index(options, value or "")}),
            format_func=lambda c: choices.get(c) or none,
        )
    if name == "date_of_birth":
        oldest = oldest_birth_date(today)
        return container.date_input(
            label,
            **initial(value),
            min_value=oldest,
            max_value=today,
            key=key,
            format=date_format(),
        )
    if name == "discount_percent":
        text = "" if value in (None, "") else f"{value}"
        return container.text_input(label, key=key, **initial(text))
    if name in ("tax_exempt", "marketing_opt_in", "sms_opt_in"):
        return container.checkbox(label, key=key, **initial(bool(value)))
    if name == "tags":
        return container.text_input(
            label, key=key, help=tr("card.tags_help"), **initial(value or "")
        )
    if name == "notes":
        return container.text_area(
            label, key=key, help=tr("card.notes_help"), **initial(value or "")
        )
    raise ValueError(f"no widget for {name}")
