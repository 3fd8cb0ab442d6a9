"""The page's safety net: named refusals in words, anything else as an incident id."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable

import streamlit as st

from comptoir.i18n import LANGUAGES, t
from comptoir.logic.errors import Busy, DatabaseUnavailable
from comptoir.ui.run_timing import fragment_run
from comptoir.ui.session import LANGUAGE_KEY, tr
from comptoir.ui.text import md

LOG = logging.getLogger("comptoir.incidents")


PAGE_KEY = "_comptoir_page"  # the page being run, set by app.py (for the System page)


def report_incident(exc: BaseException) -> str:
    """Log the full traceback under a short id the user can quote."""
    incident = uuid.uuid4().hex[:8].upper()
    page = str(st.session_state.get(PAGE_KEY, ""))
    where = " on page %s" if page else ""
    LOG.error(
        "incident %s" + where,
        incident,
        *([page] if page else []),
        exc_info=exc,
        extra={"incident": incident, "page": page},
    )
    return incident


def run_guarded(run: Callable[[], None]) -> None:
    """Run a page; a busy database or an unexpected error becomes a short message."""
    try:
        run()
    except Busy:
        st.warning(tr("error.busy"))
    except DatabaseUnavailable as exc:
        show_unavailable(exc)
    except Exception as exc:  # noqa: BLE001 - the net under every page
        st.error(tr("error.incident", incident=report_incident(exc)))


def guarded_fragment(body: Callable[[], None]) -> Callable[[], None]:
    """st.fragment whose every run, alone or within the page, goes through run_guarded: an
    error in a card tab or the till's basket is a short message with an incident id,
    never Streamlit's own error box."""

    @functools.wraps(body)
    def guarded() -> None:
        with fragment_run(body.__name__):
            run_guarded(body)

    return st.fragment(guarded)


def show_unavailable(exc: DatabaseUnavailable) -> None:
    """Why the database cannot be opened, and what to do about it."""
    # The path and details go to the server log only; the browser gets what to do.
    # No settings to read the shop's language from: the session's, else both.
    incident = report_incident(exc)
    chosen = st.session_state.get(LANGUAGE_KEY)
    for lang in [chosen] if chosen in LANGUAGES else list(LANGUAGES):
        holder = md(exc.holder or t("database.unknown_holder", lang))
        st.error(t(f"database.{exc.reason}", lang, holder=holder, incident=incident))
