"""Export customers (managers): the customers of a search as CSV, XLSX or Parquet; web orders in."""

import streamlit as st

from comptoir.i18n.errors import describe
from comptoir.logic.auth import can
from comptoir.logic.errors import FieldError, ValidationFailed
from comptoir.services import customers, delivery, exports
from comptoir.ui.auth import require_page
from comptoir.ui.backup_panel import backup_panel
from comptoir.ui.export_panel import export_panel
from comptoir.ui.session import language, show_refusal, tr, tr_plain, trn

actor = require_page("customers.export")
st.title(tr("export.title"))
st.write(tr("export.intro"))
term = st.text_input(
    tr("customers.search"), key="export.term", placeholder=tr("customers.search_placeholder")
)
every = tr_plain("filter.all")  # captured now: format_func may run after this run
left, right = st.columns([1, 2], vertical_alignment="bottom")
tag = left.selectbox(
    tr("field.tags"),
    ["", *customers.known_tags()],
    format_func=lambda g: g or every,
    key="export.tag",
)
archived = right.toggle(tr("customers.include_archived"), key="export.archived")
view = exports.customers_view(term, archived, tag=tag or None)
if tag:  # counted as exported; the plain search's count is kept between runs
    total = exports.count(actor, view)
else:
    total = customers.search_customers(term, page_size=1, include_archived=archived).total
st.caption(trn("export.matches", total, total=total))
export_panel(lambda: view, "export")

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

if can(actor.role, "backup.make"):  # a backup holds every password hash: administrators
    st.divider()
    backup_panel(actor)
