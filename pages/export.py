"""Export customers (managers): the customers of a search as CSV or XLSX."""

import streamlit as st

from i18n.errors import describe
from logic.errors import FieldError, ValidationFailed
from services import clock, customers, delivery, exports
from ui.auth import require_page
from ui.downloads import download_button
from ui.session import language, show_refusal, tr, trn

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
total = customers.search_customers(term, page_size=1, include_archived=archived).total
st.caption(trn("export.matches", total, total=total))
try:
    exports.check_size(fmt, total)
except ValidationFailed as exc:
    show_refusal(exc)
else:
    # The file is made (and the export audited) when the button is clicked; nothing
    # is kept in the session.
    download_button(
        tr("export.download"),
        lambda: exports.export_customers(actor, term, archived, fmt).data,
        file_name=exports.file_name(fmt, clock.local(clock.now())),
        mime=exports.MIME[fmt],
        key="export.download",
        type="primary",
        disabled=total == 0,
    )

st.divider()
st.subheader(tr("delivery.import_title"))
st.caption(tr("delivery.import_help"))
upload = st.file_uploader(tr("delivery.import_file"), type=["csv", "json"], key="export.web_orders")
if upload is not None and st.button(tr("delivery.import_go"), key="export.web_import"):
    try:
        report = delivery.import_web_orders(actor, upload.getvalue(), upload.name)
    except ValidationFailed as exc:
        show_refusal(exc)
    else:
        st.success(
            tr(
                "delivery.import_done",
                added=report.added,
                duplicates=len(report.duplicates),
                unmatched=len(report.unmatched),
                invalid=len(report.invalid),
            )
        )
        if report.unmatched:
            st.warning(tr("delivery.import_unmatched", lines=", ".join(map(str, report.unmatched))))
        for line, field, code in report.invalid:
            st.warning(
                tr(
                    "delivery.import_invalid",
                    line=line,
                    reason=describe(FieldError(field, code), language()),
                )
            )
