"""The card's Messages and communications tab: send e-mail or SMS, add a note, the log."""

from __future__ import annotations

from typing import Any

import streamlit as st

from comptoir.logic.auth import Actor
from comptoir.logic.errors import Busy, NotFound, ValidationFailed
from comptoir.logic.messages import sms_encoding, sms_segments
from comptoir.services import messaging, replies, templates
from comptoir.ui.actions import once
from comptoir.ui.pager import pager
from comptoir.ui.session import show_refusal, tr, tr_plain, when
from comptoir.ui.text import literal_table


def _done(names: list[str], flash: str) -> None:
    for name in names:
        st.session_state.pop(name, None)
    st.session_state["messages.flash"] = flash
    st.rerun()


def show_outcome(message_id: int) -> None:
    """Sent, or not sent with the reason (it stays queued for the background sender)."""
    sent, text = _outcome_of(message_id)
    (st.success if sent else st.warning)(text)


def _outcome(message_id: int) -> str:
    return _outcome_of(message_id)[1]


def _outcome_of(message_id: int) -> tuple[bool, str]:
    found = messaging.status_of(message_id)
    if found["status"] == "sent":
        return True, tr("messages.sent", to=found["recipient"])
    reason = _reason(found["error"])
    return False, tr("messages.failed", to=found["recipient"], reason=reason)


def _reason(error: str | None) -> str:
    if error in ("not_configured", "no_marketing_consent"):
        return tr_plain(f"messages.reason.{error}")
    return error or ""


def sent_flash() -> None:
    """What the last send did (sent, or kept with the reason)."""
    flash = st.session_state.pop("messages.flash", None)
    if flash:
        st.info(flash)


def send_buttons(actor: Actor, customer: dict[str, Any], places: list[Any]) -> None:
    """*Send e-mail* and *Send SMS* (for an address, a mobile on the card), each opening
    its form with that channel, drawn in the two places given (what was sent is said
    above them: sent_flash)."""
    customer_id = int(customer["id"])
    configured = messaging.channels()
    codes = sorted({row["code"] for row in templates.templates()})  # read once for both forms
    if customer.get("email"):
        with places[0].popover(tr("messages.send_email"), icon=":material/mail:"):
            if not configured.email:
                st.warning(tr("messages.email_not_configured"))
            else:
                _email_form(actor, customer_id, customer["email"], codes)
    if customer.get("mobile"):
        with places[1].popover(tr("messages.send_sms"), icon=":material/sms:"):
            if not configured.sms:
                st.warning(tr("messages.sms_not_configured"))
            else:
                _sms_form(actor, customer_id, customer["mobile"], codes)


def messages_tab(actor: Actor, customer: dict[str, Any]) -> None:
    """Send buttons where the seed puts them (an e-mail address, a mobile), notes, the log."""
    customer_id = int(customer["id"])
    sent_flash()
    buttons = st.columns(3)
    send_buttons(actor, customer, buttons[:2])
    with buttons[2].popover(tr("messages.add_note"), icon=":material/edit_note:"):
        _note_form(actor, customer_id)
    if messaging.channels().sms:
        _replies(actor, customer_id)
    _log(actor, customer_id)


def _replies(actor: Actor, customer_id: int) -> None:
    """Check for replies now; file a reply from an unknown number on this customer."""
    if st.button(tr("messages.check_replies"), key="messages.check", icon=":material/inbox:"):
        try:
            found = replies.check_replies(actor)
        except messaging.SendFailed as failure:
            st.warning(tr("messages.check_failed", reason=_reason(failure.reason)))
        else:
            _done(
                [],
                tr(
                    "messages.replies_found",
                    matched=found.matched,
                    unmatched=found.unmatched,
                    stops=found.stops,
                ),
            )
    strangers = replies.unmatched_replies(actor)
    if not strangers:
        return
    with st.expander(tr("messages.unmatched", count=len(strangers))):
        labels = {
            r["id"]: f"{when(r['created_at'])} · {r['recipient']} · {r['body'][:80]}"
            for r in strangers
        }
        chosen = st.selectbox(
            tr("messages.reply"), list(labels), format_func=labels.get, key="messages.stranger"
        )
        if st.button(tr("messages.attach"), key="messages.attach") and chosen is not None:
            replies.attach_reply(actor, chosen, customer_id)
            _done([], tr("messages.attached"))


def _template_picker(actor: Actor, customer_id: int, base: str, codes: list[str]) -> None:
    """Pick a template: it fills the subject and message, filled for this customer."""

    def fill() -> None:
        chosen = st.session_state.get(f"{base}.template")
        if chosen:
            subject, body = templates.render_template(actor, customer_id, chosen)
            st.session_state[f"{base}.subject"] = subject
            st.session_state[f"{base}.body"] = body

    labels = {"": "—", **{code: tr_plain(f"template.{code}") for code in codes}}
    st.selectbox(
        tr("messages.use_template"),
        list(labels),
        format_func=labels.__getitem__,
        key=f"{base}.template",
        on_change=fill,
    )


def _email_form(actor: Actor, customer_id: int, address: str, codes: list[str]) -> None:
    base = f"messages.email.{customer_id}"
    st.caption(tr("messages.to", to=address))
    _template_picker(actor, customer_id, base, codes)
    subject = st.text_input(tr("field.subject"), key=f"{base}.subject", max_chars=200)
    body = st.text_area(tr("field.body"), key=f"{base}.body", height=160)
    if st.button(tr("messages.send"), key=f"{base}.go", type="primary"):
        try:
            message_id = messaging.send_message(
                actor, customer_id, "email", body, once(f"{base}.key"), subject=subject
            )
        except ValidationFailed as exc:
            show_refusal(exc)
        except Busy:
            st.warning(tr("error.busy"))
        except NotFound:  # removed meanwhile: the text stays in its box, to copy
            st.error(tr("card.removed_meanwhile"))
        else:
            names = [f"{base}.subject", f"{base}.body", f"{base}.key", f"{base}.template"]
            _done(names, _outcome(message_id))


def _sms_form(actor: Actor, customer_id: int, mobile: str, codes: list[str]) -> None:
    base = f"messages.sms.{customer_id}"
    st.caption(tr("messages.to", to=mobile))
    _template_picker(actor, customer_id, base, codes)
    body = st.text_area(tr("field.body"), key=f"{base}.body", height=120)
    text = body or ""
    st.caption(
        tr(
            "messages.sms_count",
            characters=len(text),
            segments=sms_segments(text),
            encoding=sms_encoding(text),
        )
    )
    if st.button(tr("messages.send"), key=f"{base}.go", type="primary"):
        try:
            message_id = messaging.send_message(
                actor, customer_id, "sms", body, once(f"{base}.key")
            )
        except ValidationFailed as exc:
            show_refusal(exc)
        except Busy:
            st.warning(tr("error.busy"))
        except NotFound:  # removed meanwhile: the text stays in its box, to copy
            st.error(tr("card.removed_meanwhile"))
        else:
            _done([f"{base}.body", f"{base}.key", f"{base}.template"], _outcome(message_id))


def _note_form(actor: Actor, customer_id: int) -> None:
    base = f"messages.note.{customer_id}"
    body = st.text_area(tr("field.note"), key=f"{base}.body", height=120)
    if st.button(tr("messages.save_note"), key=f"{base}.go"):
        try:
            messaging.add_note(actor, customer_id, body, once(f"{base}.key"))
        except ValidationFailed as exc:
            show_refusal(exc)
        except NotFound:  # removed meanwhile: the note stays in its box, to copy
            st.error(tr("card.removed_meanwhile"))
        else:
            _done([f"{base}.body", f"{base}.key"], tr("messages.note_saved"))


def _log(actor: Actor, customer_id: int) -> None:
    page_key = f"messages.page.{customer_id}"
    rows, total = messaging.communications(
        actor, customer_id, page=st.session_state.get(page_key, 0)
    )
    st.subheader(tr("messages.log"))
    if not rows:
        st.caption(tr("messages.none"))
        return
    literal_table(
        [
            {
                tr_plain("audit.when"): when(r["created_at"]),
                tr_plain("audit.staff"): r["staff_name"],
                tr_plain("field.channel"): tr_plain(f"messages.channel.{r['channel']}"),
                tr_plain("field.direction"): tr_plain(f"messages.direction.{r['direction']}"),
                tr_plain("field.recipient"): r["recipient"] or "",
                tr_plain("field.subject"): r["subject"] or "",
                tr_plain("field.body"): r["body"],
                tr_plain("field.status"): tr_plain(f"messages.status.{r['status']}")
                + (f" ({_reason(r['error'])})" if r["status"] == "failed" else ""),
            }
            for r in rows
        ]
    )
    pager(page_key, total, messaging.PAGE_SIZE)
    failed = {
        r["id"]: f"{when(r['created_at'])} · {r['recipient']}"
        for r in rows
        if r["status"] == "failed"
    }
    if failed:
        chosen = st.selectbox(
            tr("messages.retry_which"),
            list(failed),
            format_func=failed.get,
            key=f"{page_key}.retry",
        )
        if st.button(tr("messages.retry"), key=f"{page_key}.retry_go") and chosen is not None:
            messaging.retry(actor, chosen)
            _done([], _outcome(chosen))
