"""The card's Gift vouchers and Customer rewards tabs."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import streamlit as st

from comptoir.i18n import format_money
from comptoir.logic.auth import Actor, can
from comptoir.logic.errors import ValidationFailed
from comptoir.services import rewards, vouchers
from comptoir.ui.actions import FAILED, attempt, refused
from comptoir.ui.messages_tab import show_outcome as show_message_outcome
from comptoir.ui.notices import confirmed
from comptoir.ui.picks import pick
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.session import (
    date_format,
    day,
    labelled,
    language,
    show_refusal,
    tr,
    tr_plain,
    when,
)
from comptoir.ui.text import literal_table, md


def _day(value) -> str:
    return day(value, tr_plain("vouchers.never"))


def _refused_voucher(action) -> bool:
    """Run a change to the voucher shown; True (the reason on screen) when refused."""
    return attempt(action, gone="vouchers.changed", changed="vouchers.changed") is FAILED


def vouchers_tab(actor: Actor, customer: dict[str, Any], currency: str) -> None:
    """Every voucher issued for the customer; adjust expiry, cancel, reprint, e-mail."""
    lang = language()
    customer_id = int(customer["id"])
    base = f"vouchers.{customer_id}"
    ss = st.session_state
    confirmed(f"{base}.flash")

    def money(amount: object) -> str:
        return format_money(Decimal(str(amount)), currency, lang)

    rows = vouchers.customer_vouchers(actor, customer_id)
    if not rows:
        st.caption(tr("vouchers.none"))
        return
    literal_table(
        [
            {
                tr("vouchers.code"): v["shown_code"],
                tr("vouchers.amount"): money(v["amount"]),
                tr("vouchers.balance"): money(v["usable"]),
                tr("field.status"): tr_plain(f"vouchers.state.{v['state']}"),
                tr("vouchers.expires"): _day(v["expires_on"]),
                tr("vouchers.issued"): when(v["issued_at"]),
            }
            for v in rows
        ]
    )
    picked = pick(
        tr("vouchers.choose"),
        rows,
        lambda v: f"{v['shown_code']} · {money(v['usable'])}",
        f"{base}.chosen",
    )
    if picked is None or picked.row is None:
        return
    # Its history as it is now; every action below names the version that was shown.
    voucher = {**vouchers.detail(actor, picked.row["id"]), "version": picked.version}
    live = voucher["status"] == "active"
    columns = st.columns(4)
    if live:
        with columns[0].popover(tr("vouchers.change_expiry"), icon=":material/event:"):
            until = st.date_input(
                tr("vouchers.expires"),
                voucher["expires_on"],
                format=date_format(),
                key=f"{base}.{voucher['id']}.expiry",
            )
            why = st.text_input(tr("vouchers.reason"), key=f"{base}.{voucher['id']}.expiry_why")
            if st.button(tr("card.save"), key=f"{base}.expiry.go") and not _refused_voucher(
                lambda: vouchers.change_expiry(actor, voucher["id"], voucher["version"], until, why)
            ):
                ss[f"{base}.flash"] = tr("vouchers.expiry_changed")
                st.rerun()
        with columns[1].popover(tr("vouchers.cancel"), icon=":material/block:"):
            st.caption(tr("vouchers.cancel_help"))
            why = st.text_input(tr("vouchers.reason"), key=f"{base}.{voucher['id']}.cancel_why")
            if st.button(
                tr("vouchers.cancel_confirm"), key=f"{base}.cancel.go", type="primary"
            ) and not _refused_voucher(
                lambda: vouchers.cancel(actor, voucher["id"], voucher["version"], why)
            ):
                ss[f"{base}.flash"] = tr("vouchers.cancelled")
                st.rerun()
    # Only a voucher the till would take goes out as paper or e-mail.
    valid = voucher["state"] == "active"
    if valid and columns[2].button(
        tr("vouchers.reprint"), key=f"{base}.reprint", icon=":material/print:"
    ):
        made = attempt(lambda: vouchers.reprint(actor, voucher["id"]))
        if made is not FAILED:
            keep(made, f"{base}.print")
    if (
        valid
        and customer.get("email")
        and columns[3].button(tr("vouchers.email"), key=f"{base}.email", icon=":material/mail:")
    ):
        idempotency = ss.setdefault(f"{base}.email.key", uuid.uuid4().hex)
        try:
            message_id = vouchers.email(actor, voucher["id"], idempotency)
        except ValidationFailed as exc:
            show_refusal(exc)
        else:
            ss.pop(f"{base}.email.key", None)
            show_message_outcome(message_id)
    show_kept(f"{base}.print")
    literal_table(
        [
            {
                tr("card.consent_when"): when(e["happened_at"]),
                tr("field.kind"): tr_plain(f"vouchers.entry.{e['kind']}"),
                tr("vouchers.amount"): money(e["amount"]) if e["amount"] else "",
                tr("vouchers.reason"): e["note"] if not e["note"].startswith("sale:") else "",
                tr("card.consent_by"): e["staff_name"],
            }
            for e in voucher["entries"]
        ]
    )


def rewards_tab(actor: Actor, customer: dict[str, Any], currency: str) -> None:
    """The rewards account: card number, balance in money, ledger; create, new card,
    a manager's adjustment."""
    lang = language()
    customer_id = int(customer["id"])
    base = f"rewards.{customer_id}"
    ss = st.session_state
    confirmed(f"{base}.flash")
    account = rewards.overview(actor, customer_id)
    if account is None:
        st.info(tr("rewards.none"))
        if st.button(tr("rewards.create"), key=f"{base}.create", type="primary") and not refused(
            lambda: rewards.create(actor, customer_id)
        ):
            ss[f"{base}.flash"] = tr("rewards.created")
            st.rerun()
        return
    columns = st.columns(3)
    columns[0].metric(tr("rewards.card_number"), account.card_number)
    columns[1].metric(tr("rewards.points"), f"{account.points:,}".replace(",", "\u202f"))
    columns[2].metric(tr("rewards.value"), format_money(account.value, currency, lang))
    st.caption(tr("rewards.read_only", when=when(account.last_activity_at)))
    actions = st.columns(2)
    if actions[0].button(
        tr("rewards.new_card"), key=f"{base}.new_card", icon=":material/credit_card:"
    ) and not refused(
        lambda: rewards.assign_new_card(actor, customer_id), changed="rewards.changed"
    ):
        ss[f"{base}.flash"] = tr("rewards.card_replaced")
        st.rerun()
    if can(actor.role, "rewards.adjust"):
        with actions[1].popover(tr("rewards.adjust"), icon=":material/tune:"):
            points = st.text_input(tr("field.points"), key=f"{base}.adjust.points")
            why = st.text_input(tr("vouchers.reason"), key=f"{base}.adjust.why")
            if st.button(tr("card.save"), key=f"{base}.adjust.go") and not refused(
                lambda: rewards.adjust(actor, customer_id, points, why), changed="rewards.changed"
            ):
                ss[f"{base}.flash"] = tr("rewards.adjusted")
                st.rerun()
    if account.old_cards:
        st.caption(
            md(
                labelled(
                    tr_plain("rewards.old_cards"),
                    ", ".join(c["card_number"] for c in account.old_cards),
                )
            )
        )
    if account.entries:
        literal_table(
            [
                {
                    tr("card.consent_when"): when(e["happened_at"]),
                    tr("field.kind"): tr_plain(f"rewards.entry.{e['kind']}"),
                    tr("field.points"): f"{e['points']:+d}",
                    tr("print.receipt"): e["receipt_number"] or "",
                    tr("vouchers.reason"): e["reason"]
                    if not e["reason"].startswith("sale:")
                    else "",
                    tr("card.consent_by"): e["staff_name"],
                }
                for e in account.entries
            ]
        )
