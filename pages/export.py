"""Export customers (managers): the customers of a search as CSV or XLSX."""

import streamlit as st

from logic.errors import ValidationFailed
from services import customers, exports
from ui.auth import require_page
from ui.session import show_refusal, tr

actor = require_page("customers.export")
st.title(tr("export.title"))
st.write(tr("export.intro"))
term = st.text_input(
    tr("customers.search"), key="export.term", placeholder=tr("customers.search_placeholder")
)
archived = st.toggle(tr("customers.include_archived"), key="export.archived")
fmt = st.radio(
    tr("export.format"),
    exports.FORMATS,
    horizontal=True,
    key="export.format",
    format_func=lambda f: f.upper(),
)
st.caption(
    tr(
        "export.matches",
        total=customers.search_customers(term, page_size=1, include_archived=archived).total,
    )
)
if st.button(tr("export.prepare"), type="primary", key="export.prepare"):
    try:
        ready = exports.export_customers(actor, term, archived, fmt)
    except ValidationFailed as exc:
        show_refusal(exc)
    else:
        st.session_state["export.ready"] = ready
ready = st.session_state.get("export.ready")
if ready is not None:
    st.success(tr("export.ready", rows=ready.rows, name=ready.filename))
    st.download_button(
        tr("export.download"),
        ready.data,
        file_name=ready.filename,
        mime=ready.mime,
        key="export.download",
    )
