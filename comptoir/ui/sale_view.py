"""One stored sale on screen: lines, tenders, links, receipt preview, reprint, invoice, refund."""

from __future__ import annotations

import uuid
from decimal import Decimal

import streamlit as st

from comptoir.i18n import format_money, t
from comptoir.i18n.catalog import product_name
from comptoir.logic.auth import Actor
from comptoir.logic.errors import Busy, ValidationFailed
from comptoir.logic.pricing import ALL_TENDERS, TENDERS
from comptoir.services import delivery, export_views, receipts, returns, vouchers
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.export_panel import export_panel
from comptoir.ui.messages_tab import show_outcome as show_message_outcome
from comptoir.ui.notices import confirmed
from comptoir.ui.pager import pager
from comptoir.ui.printing import keep, show_history, show_kept
from comptoir.ui.sale_lines import lines_table
from comptoir.ui.session import labelled, language, number, show_refusal, tr, tr_plain, when
from comptoir.ui.shop_picker import shop_picker
from comptoir.ui.text import literal_table, md


def show_sale(actor: Actor, sale_id: int, currency: str, key: str) -> None:
    """Everything about one sale, with its actions."""
    lang = language()
    sale = receipts.sale_detail(actor, sale_id)

    def money(amount: object) -> str:
        return format_money(Decimal(str(amount)), currency, lang)

    facts = [
        f"**{tr('print.receipt')} {md(sale['receipt_number'])}**",
        md(when(sale["sold_at"])),
        md(sale["staff_name"]),
    ]
    if sale["invoice_number"]:
        facts.append(f"{tr('print.invoice')} {md(sale['invoice_number'])}")
    if sale["refund_of_receipt"]:
        facts.append(tr("sales.refund_of", receipt=sale["refund_of_receipt"]))
    if sale["refunds"]:
        facts.append(
            tr(
                "sales.refunded_by",
                receipts=", ".join(r["receipt_number"] for r in sale["refunds"]),
            )
        )
    if sale["imported_batch"] is not None:
        facts.append(tr("sales.imported", reference=sale["source_reference"] or ""))
    st.markdown(" · ".join(facts))
    lines_table(sale["lines"], money)
    methods = {m: t(f"print.tender.{m}", lang) for m in ALL_TENDERS}
    tenders = ", ".join(f"{methods[x['method']]} {money(x['amount'])}" for x in sale["tenders"])
    st.caption(
        md(
            labelled(tr_plain("print.total"), money(sale["total"]))
            + f" · {tenders}"
            + (
                f" · {tr_plain('print.change')} {money(sale['change_given'])}"
                if sale["change_given"]
                else ""
            )
        )
    )
    if sale["imported_batch"] is not None:
        return  # another system's sale: no receipt, invoice or return of ours
    # Built only when opened: the receipt preview and the print history.
    preview = st.expander(tr("printing.preview"), key=f"{key}.preview", on_change="rerun")
    if preview.open:
        with preview:
            st.code(receipts.receipt_text(actor, sale_id), language=None)
    buttons = st.columns(3)
    if buttons[0].button(tr("sales.reprint"), key=f"{key}.reprint", icon=":material/print:"):
        keep(receipts.reprint_receipt(actor, sale_id), f"{key}.outcome")
    if buttons[1].button(tr("sales.invoice"), key=f"{key}.invoice", icon=":material/receipt_long:"):
        # The number is issued now (once per sale); the box offers its PDF.
        number, invoice = receipts.invoice_document(actor, sale_id)
        keep(invoice, f"{key}.outcome")
        st.toast(tr("sales.invoice_ready", number=number), icon=":material/receipt_long:")
    show_kept(f"{key}.outcome")
    if sale["customer_id"]:
        _email_buttons(actor, sale_id, key)
    for voucher in vouchers.sold_by(actor, sale_id):
        if st.button(
            tr("vouchers.print", code=voucher["shown_code"]),
            key=f"{key}.voucher.{voucher['id']}",
            icon=":material/redeem:",
        ):
            made = attempt(lambda voucher=voucher: vouchers.reprint(actor, voucher["id"]))
            if made is not FAILED:
                keep(made, f"{key}.outcome")
                st.rerun()
    if sale.get("delivery_address_id"):
        st.caption(
            md(
                labelled(
                    tr_plain("sales.deliver_to"), delivery.one_line(sale["delivery_address_id"])
                )
            )
        )
    history = st.expander(tr("printing.history"), key=f"{key}.history", on_change="rerun")
    if history.open:
        with history:
            show_history(f"sale:{sale_id}")
    if Decimal(sale["total"]) > 0 and not sale["refund_of"]:
        with buttons[2].popover(tr("sales.refund"), icon=":material/undo:"):
            _refund_form(actor, sale, key)


def _email_buttons(actor: Actor, sale_id: int, key: str) -> None:
    """E-mail the receipt or the invoice to the sale's customer (once per click's key)."""
    mails = st.columns(2)
    for column, document in zip(mails, ("receipt", "invoice"), strict=True):
        if column.button(
            tr(f"sales.email_{document}"), key=f"{key}.email_{document}", icon=":material/mail:"
        ):
            # One key per click on this sale's button: a rerun of the same click reuses it.
            idempotency = st.session_state.setdefault(
                f"{key}.email_{document}.key", uuid.uuid4().hex
            )
            try:
                message_id = receipts.email_document(actor, sale_id, document, idempotency)
            except ValidationFailed as exc:
                show_refusal(exc)
            else:
                st.session_state.pop(f"{key}.email_{document}.key", None)
                show_message_outcome(message_id)


def _refund_form(actor: Actor, sale: dict, key: str) -> None:
    lang = language()
    # Made when the form first shows and kept until the return succeeds: a double
    # click or a rerun sends the same key, so the items are returned once.
    idempotency = st.session_state.setdefault(f"{key}.refund.key", uuid.uuid4().hex)
    left = returns.returnable_lines(actor, sale["id"])
    quantities = {}
    for line in sale["lines"]:
        if line["line_no"] not in left:
            continue
        quantities[line["line_no"]] = st.text_input(
            md(
                f"{product_name(line['sku'], line['name'], language())}"
                f" (≤ {number(left[line['line_no']])})"
            ),
            "",
            key=f"{key}.refund.{line['line_no']}",
            disabled=left[line["line_no"]] <= 0,
        )
    # Paid by gift voucher: the return can go back to it.
    paid_by_voucher = any(t["method"] == "voucher" for t in sale["tenders"])
    method = st.selectbox(
        tr("sales.refund_method"),
        (*TENDERS, "voucher") if paid_by_voucher else TENDERS,
        format_func=lambda m: t(f"print.tender.{m}", lang),
        key=f"{key}.refund.method",
    )
    if st.button(tr("sales.refund_confirm"), key=f"{key}.refund.go"):
        try:
            new_id = returns.refund_sale(actor, sale["id"], quantities, method, idempotency)
        except ValidationFailed as exc:
            show_refusal(exc)
        except Busy:
            st.warning(tr("error.busy"))
        else:
            for name in [k for k in st.session_state if str(k).startswith(f"{key}.refund.")]:
                del st.session_state[name]
            st.session_state["sales.flash"] = tr(
                "sales.refunded", receipt=receipts.sale_detail(actor, new_id)["receipt_number"]
            )
            st.rerun()


def history_tab(actor: Actor, customer_id: int, currency: str) -> None:
    """The card's Purchase history: every sale, newest first, paged; open one to act on it."""
    lang = language()
    confirmed("sales.flash")
    page_key = f"history.sales.page.{customer_id}"
    chain = shop_picker(f"history.sales.shop.{customer_id}", page_key)
    page = st.session_state.get(page_key, 0)
    rows, total = receipts.purchase_history(actor, customer_id, page=page, shop_code=chain.chosen)
    if not rows:
        st.caption(tr("sales.none"))
        return

    def money(amount: object) -> str:
        return format_money(Decimal(str(amount)), currency, lang)

    literal_table(
        [
            {
                tr("print.date"): when(r["sold_at"]),
                tr("print.receipt"): r["receipt_number"],
                **({tr("field.shop"): chain.name(r["shop_code"])} if chain.several else {}),
                tr("sales.items"): number(Decimal(r["items"] or 0)),
                tr("print.total"): money(r["total"]),
                tr("field.tenders"): ", ".join(
                    t(f"print.tender.{m.strip()}", lang)
                    for m in (r["tenders"] or "").split(",")
                    if m.strip()
                ),
                tr("print.invoice"): r["invoice_number"] or "",
                tr("sales.link"): tr_plain("sales.refund_of", receipt=r["refund_of_receipt"])
                if r["refund_of_receipt"]
                else "",
            }
            for r in rows
        ]
    )
    pager(page_key, total, receipts.PAGE_SIZE)
    export_panel(
        lambda: export_views.purchase_history(actor, customer_id, chain.chosen),
        f"history.export.{customer_id}",
    )
    labels = {
        r["id"]: f"{r['receipt_number']} · {when(r['sold_at'])} · {money(r['total'])}" for r in rows
    }
    chosen = st.selectbox(
        tr("sales.open"),
        list(labels),
        format_func=labels.get,
        key=f"history.sales.choice.{customer_id}",
    )
    if chosen is not None:
        show_sale(actor, chosen, currency, f"history.sale.{chosen}")
