"""The session's language and how refusals are shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

import streamlit as st
from streamlit.errors import StreamlitAPIException

from comptoir.i18n import (
    LANGUAGES,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_short_day,
    language_of,
    t,
    tn,
)
from comptoir.i18n.catalog import labelled as catalog_labelled
from comptoir.i18n.errors import describe
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.operations import clock
from comptoir.services import shop
from comptoir.ui.text import md

LANGUAGE_KEY = "ui_language"
PICKER_KEY = "ui_language_picker"


def language() -> str:
    """The UI language: the user's choice, else the shop locale's language."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen in LANGUAGES:
        return chosen
    # Resolved once per session: every translated word asks, the settings need not.
    chosen = language_of(shop.get_settings().get("locale", "en"))
    st.session_state[LANGUAGE_KEY] = chosen
    return chosen


def tr(key: str, **params: object) -> str:
    """Translate key into the session's language, its values escaped for Markdown.

    Most messages land in elements that render Markdown; a customer's name or
    a typed SKU inside one must show as typed.
    """
    return t(key, language(), **{name: md(value) for name, value in params.items()})


def trn(key: str, n: int, **params: object) -> str:
    """Like tr, in the singular or plural form the number n takes in the session's language."""
    return tn(key, n, language(), **{name: md(value) for name, value in params.items()})


def date_format() -> str:
    """How date boxes show dates in the session's language (French: day first)."""
    return "DD/MM/YYYY" if language() == "fr" else "YYYY-MM-DD"


def day(value: date | None, empty: str = "") -> str:
    """A date in the session's language (Dec 10, 2026 / 10 déc. 2026); empty for None."""
    return format_date(value, language()) if value else empty


def short_day(value: date, weekday: bool = False) -> str:
    """Day and month in the session's language (Dec 10 / 10 déc.), with the weekday."""
    return format_short_day(value, language(), weekday)


def when(moment: datetime | None) -> str:
    """A stored moment as the shop's wall-clock time, in the session's language."""
    return format_datetime(clock.local(moment), language())


def number(value: Decimal | int, grouped: bool = True) -> str:
    """A quantity, hours or a rate in the session's language (2.5 / 2,5); grouped=False
    for a box's starting text, which must read back."""
    return format_number(value, language(), grouped)


def percent(value: Decimal | int) -> str:
    """A percentage in the session's language (12.5% / 12,5 %)."""
    return format_percent(value, language())


def labelled(label: str, value: str) -> str:
    """A label and its value as the language writes them (Total: €5 / Total : 5 €)."""
    return catalog_labelled(label, value, language())


def worded(prefix: str) -> Callable[[str], str]:
    """A pick list's format_func: code -> its word, in the language of this run (the
    function may be called after the run, when the session is no longer at hand)."""
    lang = language()
    return lambda code: t(f"{prefix}.{code}", lang)


def tr_plain(key: str, **params: object) -> str:
    """Translate for places that show plain text (pick-list labels, table cells)."""
    return t(key, language(), **params)


def language_picker() -> None:
    """Sidebar switch between English and French."""
    current = language()
    codes = list(LANGUAGES)

    def remember() -> None:
        # Kept in a plain key: widget state does not survive a page switch.
        st.session_state[LANGUAGE_KEY] = st.session_state[PICKER_KEY]
        keep_values_across_languages()

    st.sidebar.selectbox(
        t("app.language", current),
        codes,
        index=codes.index(current),
        format_func=LANGUAGES.get,
        key=PICKER_KEY,
        on_change=remember,
    )


def _restated(value: object) -> bool:
    """A value a pick-list, radio or text box holds (not a button's or checkbox's bool)."""
    restated = (str, int, float, Decimal, date, time, list, tuple)
    return isinstance(value, restated) and not isinstance(value, bool)


def keep_values_across_languages() -> None:
    """Re-state every widget's value so pick-lists keep their codes in the new language.

    Streamlit's browser side remembers a pick-list choice by its label; after a
    language switch no label matches and the old label would come back as the
    value ("ROYAUME-UNI" for GB). Setting each value again from Python makes
    Streamlit send it with the new labels, and keeps the user's unsaved input.
    """
    state = st.session_state
    for key in list(state):
        value = state[key]
        # Buttons and checkboxes hold booleans, uploads None or files, grids dicts:
        # none of them shows a label as its value, and buttons may not be set.
        if key in (PICKER_KEY, LANGUAGE_KEY) or not _restated(value):
            continue
        try:
            state[key] = value
        except StreamlitAPIException:
            continue


def show_row_refusals(problems: list[tuple[str, ValidationFailed | str]]) -> None:
    """Rows of a grid that were not saved: the rule they broke, or what someone else saved."""
    for name, exc in problems:
        if isinstance(exc, str):
            st.warning(md(exc))
        else:
            st.error(f"{md(name)}:")
            show_refusal(exc)


def show_refusal(exc: ValidationFailed) -> None:
    """One error line per refused field, in the session's language (typed values literal)."""
    lines = []
    for error in exc.errors:
        shown = FieldError(error.field, error.code, {k: md(v) for k, v in error.params.items()})
        lines.append(f"- {describe(shown, language())}")
    st.error("\n".join(lines))


def demo_banner() -> None:
    """Every page of the demo shop says so (its passwords are published)."""
    st.warning(tr("app.demo_banner"), icon=":material/science:")
