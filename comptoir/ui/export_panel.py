"""Export what a list shows: the format, a progress bar while the file is written, the download."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from comptoir.i18n.catalog import field_label
from comptoir.logic.auth import can
from comptoir.services import exports
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.auth import current_actor
from comptoir.ui.downloads import offer_file
from comptoir.ui.session import language, tr


def _signature(view: exports.View, fmt: str, bom: bool) -> tuple:
    return (view.sql, view.params, fmt, bom)


def export_panel(view: Callable[[], exports.View], key: str) -> None:
    """For managers: an expander that writes the list's rows (all pages) to CSV, XLSX or Parquet.

    view makes the list's current query; a file prepared for other filters is
    dropped as soon as they change, so the download is always what is shown.
    """
    actor = current_actor()
    if actor is None or not can(actor.role, "customers.export"):
        return
    with st.expander(tr("export.panel")):
        fmt = st.radio(
            tr("export.format"),
            exports.FORMATS,
            horizontal=True,
            key=f"{key}.format",
            format_func=str.upper,
        )
        bom = st.checkbox(tr("export.bom"), value=True, key=f"{key}.bom", disabled=fmt != "csv")
        current = view()
        signature = _signature(current, fmt, bom)
        ready_key, signed_key = f"{key}.file", f"{key}.signature"
        ready = st.session_state.get(ready_key)
        if ready is not None and st.session_state.get(signed_key) != signature:
            ready.discard()  # made for other filters: never offered for these
            del st.session_state[ready_key]
        if st.button(tr("export.prepare"), key=f"{key}.prepare"):
            bar = st.progress(0.0, text=tr("export.writing"))

            def progress(done: int, total: int) -> None:
                share = min(done / total, 1.0) if total else 1.0
                bar.progress(
                    share, text=tr("export.progress", done=f"{done:,}", total=f"{total:,}")
                )

            lang = language()
            made = attempt(
                lambda: exports.export(
                    actor,
                    current,
                    fmt,
                    bom=bom,
                    progress=progress,
                    label=lambda code: field_label(code, lang),
                )
            )
            bar.empty()
            if made is not FAILED:
                if st.session_state.get(ready_key) is not None:
                    st.session_state[ready_key].discard()
                st.session_state[ready_key] = made
                st.session_state[signed_key] = signature
        offered = st.session_state.get(ready_key)
        if offered is not None and offered.path.exists():
            st.caption(tr("export.ready", rows=f"{offered.rows:,}", name=offered.filename))
        offer_file(ready_key, f"{key}.download", tr("export.download"))
