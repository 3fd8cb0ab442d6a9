"""The page's safety net: named refusals in words, anything else as an incident id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import streamlit as st

from logic.errors import Busy, DatabaseUnavailable
from ui.session import tr

LOG = logging.getLogger("comptoir.incidents")


def report_incident(exc: BaseException) -> str:
    """Log the full traceback under a short id the user can quote."""
    incident = uuid.uuid4().hex[:8].upper()
    LOG.error("incident %s", incident, exc_info=exc)
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


def show_unavailable(exc: DatabaseUnavailable) -> None:
    """Why the database cannot be opened, and what to do about it."""
    # The path and details go to the server log only; the browser gets what to do.
    incident = report_incident(exc)
    holder = exc.holder or tr("database.unknown_holder")
    st.error(tr(f"database.{exc.reason}", holder=holder, incident=incident))
