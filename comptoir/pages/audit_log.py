"""Audit trail (administrators): search every change, who made it and from where."""

from datetime import timedelta

import streamlit as st

from comptoir.i18n import t
from comptoir.operations import clock
from comptoir.services import audit, auth, export_views
from comptoir.ui.auth import require_page
from comptoir.ui.export_panel import export_panel
from comptoir.ui.history import entries_frame
from comptoir.ui.pager import pager
from comptoir.ui.session import date_format, language, tr
from comptoir.ui.text import literal_table

actor = require_page("audit.view")
ss = st.session_state
lang = language()
ss.setdefault("audit.page", 0)


def _reset_page() -> None:
    ss["audit.page"] = 0


st.title(tr("audit.title"))
staff = {s["id"]: s["display_name"] for s in auth.list_staff(actor)}
columns = st.columns([1.8, 1.1, 1.1, 1.1, 1.35, 1.35])
text = columns[0].text_input(
    tr("audit.search"), key="audit.text", on_change=_reset_page, help=tr("audit.search_help")
)
entity = columns[1].selectbox(
    tr("audit.entity"),
    ["", "customer", "settings", "staff", "shop", "template", "account_type", "product", "sale"],
    format_func=lambda e: t(f"entity.{e}", lang) if e else t("audit.all", lang),
    key="audit.entity",
    on_change=_reset_page,
)
who = columns[2].selectbox(
    tr("audit.staff"),
    ["", *staff],
    format_func=lambda s: staff.get(s, t("audit.all", lang)),
    key="audit.who",
    on_change=_reset_page,
)
action = columns[3].selectbox(
    tr("audit.action"),
    [
        "",
        "create",
        "update",
        "archive",
        "restore",
        "export",
        "sign_in",
        "sign_in_failed",
        "locked",
        "password",
    ],
    format_func=lambda a: t(f"action.{a}", lang) if a else t("audit.all", lang),
    key="audit.action",
    on_change=_reset_page,
)
since = columns[4].date_input(
    tr("audit.since"), value=None, format=date_format(), key="audit.since", on_change=_reset_page
)
until = columns[5].date_input(
    tr("audit.until"), value=None, format=date_format(), key="audit.until", on_change=_reset_page
)

# The same filters narrow the page and its export.
filters = dict(
    entity=entity or None,  # "" is "all": pick-lists hold codes, never None
    staff_id=who or None,
    action=action or None,
    text=text,
    # The shop's days: from its midnight to the next (stored moments are UTC).
    since=clock.day_start(since) if since else None,
    until=clock.day_start(until + timedelta(days=1)) if until else None,
)
entries, total = audit.search_audit(actor, **filters, page=ss["audit.page"])
if entries:
    literal_table(entries_frame(entries, with_entity=True))
else:
    st.info(tr("audit.none"))
pager("audit.page", total, audit.PAGE_SIZE)
export_panel(lambda: export_views.audit_trail(actor, **filters), "audit.export")
