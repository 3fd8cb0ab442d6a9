"""How a print outcome and a document's print history look on screen."""

from __future__ import annotations

import streamlit as st

from comptoir.services.printing import PrintOutcome, print_history
from comptoir.ui.downloads import download_button
from comptoir.ui.session import tr, when
from comptoir.ui.text import literal_table


def show_outcome(outcome: PrintOutcome, key: str) -> None:
    """Which document; printed, or why not; the PDF to download either way; the
    receipt-printer preview."""
    st.caption(tr("printing.document", name=outcome.filename))
    if outcome.printed:
        st.success(tr("printing.sent", printer=outcome.printer))
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
    download_button(
        tr("printing.download"),
        lambda: outcome.pdf,
        file_name=outcome.filename,
        mime="application/pdf",
        key=f"{key}.download",
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
