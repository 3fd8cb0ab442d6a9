"""How a print outcome and a document's print history look on screen.

A session has one print box at a time (SLOT): a new print replaces the last, so
boxes never pile up. It shows where it was made and goes once its PDF is downloaded,
or at the first full run that did not draw it (the staff member left the card,
section or page), or OFFER_MINUTES after it was made.
"""

from __future__ import annotations

import time

import streamlit as st

from comptoir.services.printing import PrintOutcome, print_history
from comptoir.ui.downloads import OFFER_MINUTES
from comptoir.ui.session import tr, when
from comptoir.ui.text import literal_table

SLOT = "printout"
RUNS = "printout.runs"  # full script runs of the session, counted by app.py


def keep(outcome: PrintOutcome, where: str) -> None:
    """Make outcome the session's print box, shown by show_kept(where)."""
    runs = st.session_state.get(RUNS, 0)
    st.session_state[SLOT] = {
        "where": where,
        "outcome": outcome,
        "drawn": runs,
        "made": time.monotonic(),
    }


def new_run() -> None:
    """Count a full run; drop a box the last run did not draw, or too old to offer."""
    runs = st.session_state.get(RUNS, 0) + 1
    st.session_state[RUNS] = runs
    slot = st.session_state.get(SLOT)
    if slot is None:
        return
    stale = time.monotonic() - slot["made"] > OFFER_MINUTES * 60
    if slot["drawn"] < runs - 1 or stale:
        del st.session_state[SLOT]


def show_kept(where: str) -> None:
    """The session's print box, if it belongs here."""
    slot = st.session_state.get(SLOT)
    if slot is None or slot["where"] != where:
        return
    slot["drawn"] = st.session_state.get(RUNS, 0)
    show_outcome(slot["outcome"], where)


def _downloaded() -> None:
    st.session_state.pop(SLOT, None)


def show_outcome(outcome: PrintOutcome, key: str) -> None:
    """Which document; printed, or why not; the PDF to download either way; the
    receipt-printer preview."""
    st.caption(tr("printing.document", name=outcome.filename))
    if outcome.printed:
        st.success(tr("printing.sent", printer=outcome.printer))
    elif outcome.reason == "document":
        pass  # a document to download (an invoice): its name says it
    elif outcome.reason == "pdf_only":
        st.info(tr("printing.pdf_ready"))
    else:
        st.warning(
            tr(
                "printing.failed",
                printer=outcome.printer,
                reason=tr(f"printing.reason.{outcome.reason}"),
            )
        )
    # The PDF is made already: handed over as it is, so the click may rerun and take the
    # box away (Streamlit keeps a downloadable file one run after it is no longer drawn).
    st.download_button(
        tr("printing.download"),
        outcome.pdf,
        file_name=outcome.filename,
        mime="application/pdf",
        key=f"{key}.download",
        on_click=_downloaded,
        icon=":material/download:",
    )
    if outcome.preview:
        with st.expander(tr("printing.preview")):
            st.code(outcome.preview, language=None)


def show_history(reference: str) -> None:
    """The latest print jobs of a document."""
    jobs = print_history(reference)
    if not jobs:
        st.caption(tr("printing.none"))
        return
    rows = []
    for job in jobs:
        outcome = tr(f"printing.outcome.{job['outcome']}")
        if job["outcome"] == "failed" and job["detail"]:
            reason = job["detail"]
            outcome += f" ({tr(f'printing.reason.{reason}')})"
        rows.append(
            {
                tr("audit.when"): when(job["occurred_at"]),
                tr("audit.staff"): job["staff_name"],
                tr("field.shop"): job["shop_code"],
                tr("field.document"): tr(f"document.{job['document']}"),
                tr("field.printer"): job["printer"],
                tr("field.outcome"): outcome,
            }
        )
    literal_table(rows)
