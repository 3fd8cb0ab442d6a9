"""Message a selection of customers: who receives it and who is left out, then send."""

from __future__ import annotations

import uuid

import streamlit as st

from comptoir.logic.auth import Actor, can
from comptoir.services import messaging, templates
from comptoir.ui.session import tr, tr_plain
from comptoir.ui.text import literal_table

KINDS = ("service", "marketing")
CHANNELS = ("", "email", "sms")


def bulk_message(actor: Actor, names: dict[int, str]) -> None:
    """The popover's content: kind, channel, template, the plan, then Send with progress.

    names: the selected customers' labels by id (what the grid shows).
    """
    customer_ids = list(names)
    kinds = [k for k in KINDS if k != "marketing" or can(actor.role, "messages.marketing")]
    kind_labels = {k: tr_plain(f"messages.kind.{k}") for k in kinds}
    kind = st.radio(
        tr("messages.kind"), kinds, format_func=kind_labels.__getitem__, key="bulk.kind"
    )
    channel_labels = {c: tr_plain(f"messages.bulk_channel.{c or 'preference'}") for c in CHANNELS}
    channel = st.selectbox(
        tr("field.channel"), CHANNELS, format_func=channel_labels.__getitem__, key="bulk.channel"
    )
    codes = sorted({row["code"] for row in templates.templates()})
    template_labels = {code: tr_plain(f"template.{code}") for code in codes}
    template = st.selectbox(
        tr("messages.use_template"),
        codes,
        format_func=template_labels.__getitem__,
        key="bulk.template",
    )
    plan = messaging.bulk_plan(actor, customer_ids, kind, channel or None)
    st.markdown(tr("messages.bulk_receive", count=len(plan.recipients)))
    for reason, count in sorted(plan.excluded.items()):
        st.caption(tr(f"messages.bulk_excluded.{reason}", count=count))
    st.caption(tr("messages.bulk_rate", rate=messaging.rate_per_minute()))
    # One key per batch shown: a rerun or a second click sends nobody twice.
    batch = st.session_state.setdefault("bulk.batch", uuid.uuid4().hex)
    if st.button(
        tr("messages.bulk_send", count=len(plan.recipients)),
        key="bulk.send",
        type="primary",
        disabled=not plan.recipients,
    ):
        bar = st.progress(0.0)

        def progress(done: int, total: int) -> None:
            bar.progress(
                done / total, text=tr_plain("messages.bulk_progress", done=done, total=total)
            )

        results = messaging.send_bulk(actor, plan, template, batch, progress)
        st.session_state.pop("bulk.batch", None)
        st.session_state["bulk.results"] = results
    results = st.session_state.get("bulk.results")
    if results:
        literal_table(
            [
                {
                    tr_plain("field.customer"): names.get(customer_id, str(customer_id)),
                    tr_plain("field.channel"): tr_plain(f"messages.channel.{channel}"),
                    tr_plain("field.status"): tr_plain(f"messages.status.{status}")
                    if status in ("sent", "failed", "queued")
                    else f"{tr_plain('messages.status.failed')} ({status})",
                }
                for customer_id, channel, status in results
            ]
        )
