"""Export customers (managers): the customers of a search as CSV, XLSX or Parquet; web orders in."""

import streamlit as st

from i18n.errors import describe
from logic.errors import FieldError, ValidationFailed
from services import backup, customers, delivery, exports
from ui.actions import FAILED, attempt
from ui.auth import require_page
from ui.downloads import offer_file
from ui.export_panel import export_panel
from ui.session import language, show_refusal, tr, trn

actor = require_page("customers.export")
st.title(tr("export.title"))
st.write(tr("export.intro"))
term = st.text_input(
    tr("customers.search"), key="export.term", placeholder=tr("customers.search_placeholder")
)
archived = st.toggle(tr("customers.include_archived"), key="export.archived")
total = customers.search_customers(term, page_size=1, include_archived=archived).total
st.caption(trn("export.matches", total, total=total))
export_panel(lambda: exports.customers_view(term, archived), "export")

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

st.divider()
st.subheader(tr("backup.title"))
st.caption(tr("backup.help"))
if st.button(tr("backup.make"), key="backup.make", icon=":material/backup:"):
    bar = st.progress(0.0)
    writing = tr("export.writing")
    made = attempt(
        lambda: backup.make_backup(
            actor, lambda share, step: bar.progress(min(share, 1.0), text=writing)
        )
    )
    bar.empty()
    if made is not FAILED:
        st.session_state["backup.file"] = made
ready = st.session_state.get("backup.file")
if ready is not None and ready.path.exists():
    st.caption(tr("backup.ready", name=ready.filename, rows=f"{ready.rows:,}"))
offer_file("backup.file", "backup.download", tr("export.download"))
with st.expander(tr("backup.check")):
    checked = st.file_uploader(tr("backup.check"), type=["zip"], key="backup.upload")
    if checked is not None and st.button(tr("backup.check_go"), key="backup.check_go"):
        result = attempt(lambda: backup.check_file(actor, checked.getvalue()))
        if result is not FAILED:
            st.success(
                tr(
                    "backup.checked",
                    tables=result.tables,
                    rows=f"{result.rows:,}",
                    version=result.schema_version,
                )
            )
