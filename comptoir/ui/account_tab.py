"""The card's Account tab: type and limit, balance, money movements, receivables, activity."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pandas as pd
import streamlit as st

from comptoir.i18n import format_date, format_money, t
from comptoir.logic.accounts import (
    PAYMENT_METHODS,
    CreditLimitExceeded,
    OverpaymentNeedsConfirmation,
)
from comptoir.logic.auth import Actor, can
from comptoir.logic.errors import NotFound, ValidationFailed
from comptoir.operations import clock
from comptoir.services import accounts, export_views
from comptoir.services.accounts import EntryRequest
from comptoir.ui.downloads import download_button
from comptoir.ui.export_panel import export_panel
from comptoir.ui.messages_tab import show_outcome as show_message_outcome
from comptoir.ui.notices import confirmed
from comptoir.ui.pager import back_to_first, pager
from comptoir.ui.session import date_format, labelled, language, show_refusal, tr
from comptoir.ui.text import literal_table, md

KINDS = ("payment", "charge", "credit_note", "refund", "adjustment")


def _money(amount: object, currency: str) -> str:
    return format_money(Decimal(str(amount)), currency, language())


def _key(customer_id: int) -> str:
    """The idempotency key of the form being filled; a new one after each success."""
    name = f"acct.key.{customer_id}"
    st.session_state.setdefault(name, uuid.uuid4().hex)
    return st.session_state[name]


def _done(customer_id: int, message: str) -> None:
    st.session_state[f"acct.key.{customer_id}"] = uuid.uuid4().hex
    st.session_state.pop(f"acct.confirm.{customer_id}", None)
    st.session_state["acct.flash"] = message
    st.session_state[f"acct.nonce.{customer_id}"] = (
        st.session_state.get(f"acct.nonce.{customer_id}", 0) + 1
    )
    st.rerun()


def _open_account_form(actor: Actor, customer_id: int, current: dict | None, currency: str) -> None:
    lang = language()
    types = {x["id"]: x for x in accounts.account_types()}
    names = {
        i: f"{x['name']} · {_money(x['default_credit_limit'], currency)} · "
        f"{x['payment_terms_days']} {t('account.days', lang)}"
        for i, x in types.items()
    }
    ids = list(types)
    index = ids.index(current["account_type_id"]) if current else 0
    chosen = st.selectbox(
        tr("field.account_type"),
        ids,
        index=index,
        format_func=names.get,
        key=f"acct.type.{customer_id}.{lang}",
    )
    default = _money(types[chosen]["default_credit_limit"], currency)
    own = st.radio(
        tr("account.limit_choice"),
        ("default", "custom"),
        horizontal=True,
        format_func=lambda c: t(f"account.limit_{c}", lang, amount=default),
        key=f"acct.limit_choice.{customer_id}.{lang}",
    )
    limit = None
    if own == "custom":
        limit = st.text_input(
            tr("field.credit_limit"),
            str(current["credit_limit"]) if current else "",
            key=f"acct.limit.{customer_id}",
        )
    label = tr("account.change_terms") if current else tr("account.open")
    if st.button(label, key=f"acct.assign.{customer_id}", type="primary"):
        try:
            accounts.assign_account_type(actor, customer_id, chosen, limit)
        except ValidationFailed as exc:
            show_refusal(exc)
        else:
            _done(customer_id, tr("account.terms_saved"))


def _movement_form(actor: Actor, customer_id: int, view, currency: str) -> None:
    lang = language()
    allowed = [k for k in KINDS if can(actor.role, accounts.PERMISSION[k])]
    nonce = st.session_state.get(f"acct.nonce.{customer_id}", 0)
    kind = st.radio(
        tr("account.movement"),
        allowed,
        horizontal=True,
        format_func=lambda k: t(f"account.kind.{k}", lang),
        key=f"acct.kind.{customer_id}.{lang}",  # labels are translated: new widget per language
    )
    cols = st.columns(3)
    amount = cols[0].text_input(tr("field.amount"), key=f"acct.amount.{customer_id}.{nonce}")
    on = cols[1].date_input(
        tr("field.entry_date"),
        value=clock.local_day(),
        max_value=clock.local_day(),
        format=date_format(),
        key=f"acct.on.{customer_id}.{nonce}",
    )
    request: dict[str, object] = {"kind": kind, "amount": amount, "on": on}
    if kind == "payment":
        request["method"] = cols[2].selectbox(
            tr("field.payment_method"),
            PAYMENT_METHODS,
            format_func=lambda m: t(f"account.method.{m}", lang),
            key=f"acct.method.{customer_id}.{nonce}.{lang}",
        )
        open_items = {r["id"]: r for r in view.receivables if Decimal(r["owed"]) > 0}
        request["chosen"] = st.multiselect(
            tr("account.tick_receivables"),
            list(open_items),
            format_func=lambda i: (
                f"{format_date(open_items[i]['occurred_on'], lang)} · "
                f"{open_items[i]['reference'] or open_items[i]['kind']} · "
                f"{_money(open_items[i]['owed'], currency)}"
            ),
            key=f"acct.chosen.{customer_id}.{nonce}",
            help=tr("account.tick_help"),
        )
    elif kind == "adjustment":
        request["direction"] = cols[2].radio(
            tr("field.direction"),
            ("increase", "decrease"),
            format_func=lambda d: t(f"account.direction.{d}", lang),
            key=f"acct.direction.{customer_id}.{nonce}.{lang}",
        )
    if kind == "charge":
        request["reference"] = cols[2].text_input(
            tr("field.reference"), key=f"acct.reference.{customer_id}.{nonce}"
        )
    if kind in ("adjustment", "credit_note", "refund"):
        request["reason"] = st.text_input(
            tr("field.reason"), key=f"acct.reason.{customer_id}.{nonce}"
        )
    confirm_key = f"acct.confirm.{customer_id}"
    if st.session_state.get(confirm_key) is not None:
        balance, paid = st.session_state[confirm_key]
        st.warning(
            tr(
                "account.overpayment",
                balance=_money(balance, currency),
                credit=_money(Decimal(paid) - Decimal(balance), currency),
            )
        )
        request["confirm_overpayment"] = st.checkbox(
            tr("account.confirm_overpayment"), key=f"acct.confirm_box.{customer_id}"
        )
    if st.button(tr(f"account.submit.{kind}"), type="primary", key=f"acct.submit.{customer_id}"):
        try:
            accounts.record_entry(actor, customer_id, EntryRequest(**request), _key(customer_id))
        except ValidationFailed as exc:
            show_refusal(exc)
        except CreditLimitExceeded as refusal:
            st.error(
                tr(
                    "account.limit_refused",
                    balance=_money(refusal.balance, currency),
                    limit=_money(refusal.limit, currency),
                    excess=_money(refusal.excess, currency),
                )
            )
        except OverpaymentNeedsConfirmation as question:
            st.session_state[confirm_key] = (question.balance, question.amount)
            st.rerun()
        else:
            _done(customer_id, tr(f"account.done.{kind}"))


def _reverse_form(actor: Actor, customer_id: int, currency: str) -> None:
    lang = language()
    rows, _ = accounts.activity(actor, customer_id, page_size=50)
    candidates = {r["id"]: r for r in rows if r["kind"] != "reversal"}
    if not candidates:
        return
    kind_names = {k: t(f"account.kind.{k}", lang) for k in KINDS}
    chosen = st.selectbox(
        tr("account.reverse_which"),
        list(candidates),
        format_func=lambda i: (
            f"{format_date(candidates[i]['occurred_on'], lang)} · "
            f"{kind_names[candidates[i]['kind']]} · "
            f"{_money(candidates[i]['amount'], currency)}"
        ),
        key=f"acct.reverse.{customer_id}.{lang}",
    )
    reason = st.text_input(tr("field.reason"), key=f"acct.reverse_reason.{customer_id}")
    if st.button(tr("account.reverse"), key=f"acct.reverse_button.{customer_id}"):
        try:
            accounts.reverse_entry(actor, customer_id, chosen, reason, _key(customer_id))
        except (ValidationFailed, NotFound) as exc:
            if isinstance(exc, ValidationFailed):
                show_refusal(exc)
        else:
            _done(customer_id, tr("account.done.reversal"))


def _activity(actor: Actor, customer_id: int, currency: str) -> None:
    lang = language()
    page_key = f"acct.page.{customer_id}"
    refilter = {"on_change": back_to_first, "args": (page_key,)}
    cols = st.columns([1, 1, 2])
    since = cols[0].date_input(
        tr("audit.since"),
        value=None,
        format=date_format(),
        key=f"acct.since.{customer_id}",
        **refilter,
    )
    until = cols[1].date_input(
        tr("audit.until"),
        value=None,
        format=date_format(),
        key=f"acct.until.{customer_id}",
        **refilter,
    )
    kinds = cols[2].multiselect(
        tr("account.kinds"),
        (*KINDS, "reversal"),
        format_func=lambda k: t(f"account.kind.{k}", lang),
        key=f"acct.kinds.{customer_id}.{lang}",
        **refilter,
    )
    page = st.session_state.get(page_key, 0)
    rows, total = accounts.activity(
        actor, customer_id, since=since, until=until, kinds=kinds, page=page
    )
    if not rows and page > 0:  # never stranded past the last page
        st.session_state[page_key] = page = 0
        rows, total = accounts.activity(actor, customer_id, since=since, until=until, kinds=kinds)
    if not rows:
        st.caption(tr("account.no_activity"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    tr("print.date"): format_date(r["occurred_on"], lang),
                    tr("print.type"): tr(f"account.kind.{r['kind']}"),
                    tr("print.reference"): r["reference"] or "",
                    tr("field.reason"): r["reason"]
                    or (tr(f"account.method.{r['method']}") if r["method"] else ""),
                    tr("audit.staff"): r["staff_name"],
                    tr("print.amount"): _money(r["amount"], currency),
                    tr("print.balance"): _money(r["balance"], currency),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    pager(page_key, total, accounts.PAGE_SIZE)
    if can(actor.role, "customers.export"):  # managers: any format, audited
        export_panel(
            lambda: export_views.activity(
                actor, customer_id, since=since, until=until, kinds=kinds
            ),
            f"acct.export.{customer_id}",
        )
        return
    download_button(
        tr("account.export_csv"),
        # Built only when clicked.
        lambda: accounts.activity_csv(actor, customer_id, since=since, until=until, kinds=kinds),
        file_name=f"activity-{customer_id}.csv",
        mime="text/csv",
        key=f"acct.csv.{customer_id}",
    )


def account_tab(actor: Actor, customer_id: int, currency: str, email: str | None = None) -> None:
    """Everything about the customer's credit account."""
    lang = language()
    confirmed("acct.flash")
    view = accounts.overview(actor, customer_id)
    if view.account is None:
        st.info(tr("account.none"))
        if can(actor.role, "accounts.limits"):
            _open_account_form(actor, customer_id, None, currency)
        return
    account = view.account
    # The type (the shop's own wording, any length) and the day opened as a line of text:
    # as big figures beside the amounts, "Club member" was cut to "Club memb…".
    st.caption(
        labelled(tr("field.account_type"), md(account["account_type"]))
        + " · "
        + labelled(tr("field.account_opened"), format_date(account["opened_on"], lang))
    )
    cols = st.columns(3)
    cols[0].metric(tr("field.credit_limit"), _money(account["credit_limit"], currency))
    cols[1].metric(tr("field.balance"), _money(view.balance, currency))
    cols[2].metric(tr("account.available"), _money(view.available, currency))
    if view.unallocated_credit:
        st.caption(
            tr("account.credit_on_account", amount=_money(view.unallocated_credit, currency))
        )
    if can(actor.role, "accounts.limits"):
        with st.expander(tr("account.change_terms")):
            _open_account_form(actor, customer_id, account, currency)
    st.subheader(tr("account.movement"))
    _movement_form(actor, customer_id, view, currency)
    if can(actor.role, "accounts.reverse"):
        with st.expander(tr("account.reverse")):
            _reverse_form(actor, customer_id, currency)
    st.subheader(tr("account.receivables"))
    open_rows = [r for r in view.receivables if Decimal(r["owed"]) > 0]
    if open_rows:
        terms = int(account["payment_terms_days"])
        # A plain table: short, and readable by screen readers and browser tests.
        literal_table(
            [
                {
                    tr("print.date"): format_date(r["occurred_on"], lang),
                    tr("print.type"): tr(f"account.kind.{r['kind']}"),
                    tr("print.reference"): r["reference"] or "",
                    tr("print.amount"): _money(r["amount"], currency),
                    tr("account.paid"): _money(r["paid"], currency),
                    tr("account.owed"): _money(r["owed"], currency),
                    tr("account.age"): t(
                        "account.age_days",
                        lang,
                        days=(clock.local_day() - r["occurred_on"]).days,
                        overdue=max(0, (clock.local_day() - r["occurred_on"]).days - terms),
                    ),
                }
                for r in open_rows
            ]
        )
    else:
        st.caption(tr("account.nothing_owed"))
    st.subheader(tr("account.activity"))
    _activity(actor, customer_id, currency)
    st.subheader(tr("account.statement"))
    cols = st.columns([1, 1, 2])
    today = clock.local_day()
    start = cols[0].date_input(
        tr("audit.since"),
        value=today.replace(day=1),
        format=date_format(),
        key=f"acct.st_start.{customer_id}",
    )
    end = cols[1].date_input(
        tr("audit.until"), value=today, format=date_format(), key=f"acct.st_end.{customer_id}"
    )
    if start > end:
        st.error(tr("error.period_invalid", field=tr("field.period")))
    else:
        download_button(
            tr("account.download_statement"),
            lambda: accounts.statement(actor, customer_id, start, end),
            file_name=f"statement-{customer_id}-{end:%Y%m%d}.pdf",
            mime="application/pdf",
            key=f"acct.statement.{customer_id}",
            container=cols[2],
        )
        if email and cols[2].button(
            tr("account.email_statement"),
            key=f"acct.email_statement.{customer_id}",
            icon=":material/mail:",
        ):
            # One key per click: a rerun of the same click sends nothing more.
            idempotency = st.session_state.setdefault(
                f"acct.email_statement.{customer_id}.key", uuid.uuid4().hex
            )
            try:
                message_id = accounts.email_statement(actor, customer_id, start, end, idempotency)
            except ValidationFailed as exc:
                show_refusal(exc)
            else:
                st.session_state.pop(f"acct.email_statement.{customer_id}.key", None)
                show_message_outcome(message_id)
