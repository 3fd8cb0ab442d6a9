"""Audit entries as a table: the card's History tab and the Audit trail page."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from comptoir.i18n.catalog import describe_changes as describe
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor
from comptoir.services import audit
from comptoir.services.audit import AuditEntry
from comptoir.ui.session import language, tr, when
from comptoir.ui.text import literal_table


def describe_changes(changes: Sequence[FieldChange]) -> str:
    """'City: Annecy → Lyon · Postcode: 74000 → 69003' in the session's language."""
    return describe(changes, language())


def entries_frame(entries: Sequence[AuditEntry], with_entity: bool = False) -> list[dict]:
    """Rows for st.dataframe in the UI language."""
    rows = []
    for e in entries:
        row = {
            tr("audit.when"): when(e.at),
            tr("audit.staff"): e.staff_name,
            tr("audit.action"): tr(f"action.{e.action}"),
            tr("audit.screen"): tr(f"screen.{e.screen}"),
        }
        if with_entity:
            row[tr("audit.entity")] = tr(f"entity.{e.entity}")
            row[tr("audit.entity_id")] = e.entity_id or ""
        row[tr("audit.changes")] = describe_changes(e.changes)
        rows.append(row)
    return rows


def history_table(actor: Actor, customer_id: int) -> None:
    """The customer's trail, newest first, paged."""
    page_key = f"history.page.{customer_id}"
    page = st.session_state.get(page_key, 0)
    entries, total = audit.customer_history(actor, customer_id, page=page)
    if not entries:
        st.caption(tr("audit.none"))
        return
    # A plain table: change lists wrap instead of being cut, and can be read aloud.
    literal_table(entries_frame(entries))
    pages = max(1, -(-total // audit.PAGE_SIZE))
    if pages > 1:
        st.number_input(
            tr("customers.page"),
            1,
            pages,
            page + 1,
            key=f"history.pick.{customer_id}",
            on_change=lambda: st.session_state.__setitem__(
                page_key, st.session_state[f"history.pick.{customer_id}"] - 1
            ),
        )
