"""One order or workshop job on screen: status, details, lines, deposit, collection,
ticket, history and messages. Shared by the card's tab and the Workshop page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import streamlit as st

from comptoir.i18n import format_money, t
from comptoir.logic.auth import Actor
from comptoir.logic.pricing import TENDERS
from comptoir.logic.records import Edit
from comptoir.logic.workshop import KINDS, allowed_moves, is_overdue, next_status, over_estimate
from comptoir.operations import clock
from comptoir.services import (
    messaging,
    products,
    receipts,
    workshop,
    workshop_board,
    workshop_lines,
)
from comptoir.ui.actions import FAILED, attempt, once
from comptoir.ui.downloads import download_button
from comptoir.ui.messages_tab import show_outcome as show_message_outcome
from comptoir.ui.notices import confirmed
from comptoir.ui.picks import forget_gone, pick, shown_version
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.session import (
    date_format,
    day,
    labelled,
    language,
    number,
    percent,
    tr,
    tr_plain,
    when,
    worded,
)
from comptoir.ui.text import literal_table, md


def status_word(status: str) -> str:
    """A status in the session's language."""
    return tr_plain(f"workshop.status.{status}")


# One message after an order's action, shown by whichever screen draws next (the
# order may have left the list it was in, e.g. once collected).
FLASH = "order.flash"


def _flash(key: str, text: str) -> None:
    st.session_state[FLASH] = text
    st.rerun()


def show_flash() -> None:
    """The message of the last order action, once."""
    confirmed(FLASH)


def _run(action: Callable[[], object]) -> object:
    """A service's result, or FAILED with the reason on screen."""
    return attempt(action, gone="workshop.not_found", changed="workshop.changed_meanwhile")


def _act(key: str, action: Callable[[], object], message: str) -> bool:
    """Run a service; on success say so (after a rerun). False when refused."""
    if _run(action) is FAILED:
        return False
    _flash(key, message)
    return True


def order_dialog(
    actor: Actor, order_id: int, currency: str, key: str, forget: tuple[str, ...]
) -> None:
    """One order over the screen the staff member is looking at (the workshop board),
    not below it; closing the dialog forgets the pick (the session keys in forget)."""

    def forgotten() -> None:
        for name in forget:
            st.session_state.pop(name, None)

    @st.dialog(" ", width="large", on_dismiss=forgotten)
    def dialog() -> None:
        show_order(actor, order_id, currency, key)

    dialog()


def show_order(actor: Actor, order_id: int, currency: str, key: str) -> None:
    """Everything about one order, with its actions."""
    lang = language()
    order = workshop.order_detail(actor, order_id)
    today = clock.local_day()
    show_flash()

    def money(amount: object) -> str:
        return format_money(Decimal(str(amount)), currency, lang)

    name = " ".join(p for p in (order["first_name"], order["last_name"]) if p)
    facts = [
        f"**{md(order['number'])}**",
        tr_plain(f"workshop.kind.{order['kind']}"),
        f"**{status_word(order['status'])}**",
        md(f"{name} ({order['account_number']})"),
    ]
    if order["item_name"]:
        facts.append(md(f"{order['item_name']} {order['serial'] or ''}".strip()))
    if order["promised_on"]:
        facts.append(tr("workshop.promised", day=day(order["promised_on"])))
    st.markdown(" · ".join(facts))
    if is_overdue(order["status"], order["promised_on"], today):
        st.error(tr("workshop.overdue_banner"), icon=":material/schedule:")
    open_order = order["status"] in ("open", "in_progress", "waiting_parts", "ready")
    # A status button acts on the order as the previous run showed it.
    order["shown_version"] = shown_version(f"{key}.order", order["version"])
    if open_order:
        _status_buttons(actor, order, key, money)
        if st.session_state.get(f"{key}.offer_notify"):
            _notify(actor, order, key)
    totals = workshop_lines.order_totals(order)  # priced once for the lines and the till
    _lines(actor, order, key, money, open_order, totals)
    if open_order:
        _details_form(actor, order, key, today)
        _money_actions(actor, order, key, money, totals)
    _ticket(actor, order, key)
    _history_and_messages(actor, order, key)


def _status_buttons(actor: Actor, order: dict, key: str, money) -> None:
    wanted = next_status(order["kind"], order["status"])
    columns = st.columns(4)
    if (
        wanted
        and columns[0].button(
            tr("workshop.move_to", status=tr_plain(f"workshop.status.{wanted}")),
            key=f"{key}.next",
            type="primary",
            icon=":material/arrow_forward:",
        )
        and _run(lambda: workshop.move(actor, order["id"], wanted, version=order["shown_version"]))
        is not FAILED
    ):
        if wanted == "ready":
            st.session_state[f"{key}.offer_notify"] = True
        _flash(key, tr("workshop.moved", status=tr_plain(f"workshop.status.{wanted}")))
    others = [s for s in allowed_moves(order["kind"], order["status"]) if s != wanted]
    if others:
        with columns[1].popover(tr("workshop.change_status"), icon=":material/swap_horiz:"):
            chosen = st.selectbox(
                tr("field.status"),
                others,
                format_func=worded("workshop.status"),
                key=f"{key}.status_choice",
            )
            note = st.text_input(tr("field.note"), key=f"{key}.status_note")
            refund = None
            if chosen == "cancelled" and Decimal(order["deposit"]) > 0:
                st.caption(tr("workshop.cancel_refunds", amount=money(order["deposit"])))
                refund = st.selectbox(
                    tr("sales.refund_method"),
                    TENDERS,
                    format_func=worded("print.tender"),
                    key=f"{key}.cancel_refund",
                )
            if st.button(tr("workshop.apply_status"), key=f"{key}.status_go"):
                moved = tr("workshop.moved", status=tr_plain(f"workshop.status.{chosen}"))
                if chosen == "cancelled":
                    cancel_key = once(f"{key}.cancel.key")
                    _act(
                        key,
                        lambda: workshop.cancel(actor, order["id"], refund, cancel_key, note),
                        moved,
                    )
                    return
                if chosen == "ready":  # offered once the move is done
                    st.session_state[f"{key}.offer_notify"] = True
                shown = order["shown_version"]
                move = lambda: workshop.move(actor, order["id"], chosen, note, version=shown)  # noqa: E731
                if not _act(key, move, moved):
                    st.session_state.pop(f"{key}.offer_notify", None)
    if order["kind"] == "quote" and order["status"] == "open":
        with columns[2].popover(tr("workshop.convert"), icon=":material/task_alt:"):
            to_kind = st.selectbox(
                tr("field.kind"),
                [k for k in KINDS if k != "quote"],
                format_func=worded("workshop.kind"),
                key=f"{key}.convert_kind",
            )
            if st.button(tr("workshop.convert"), key=f"{key}.convert_go"):
                convert = lambda: workshop.convert_quote(actor, order["id"], to_kind)  # noqa: E731
                _act(key, convert, tr("workshop.converted"))
    offered = st.session_state.get(f"{key}.offer_notify")
    if (
        order["status"] == "ready"
        and not offered
        and columns[3].button(
            tr("workshop.notify"), key=f"{key}.notify_again", icon=":material/sms:"
        )
    ):
        st.session_state[f"{key}.offer_notify"] = True
        st.rerun()


def _notify(actor: Actor, order: dict, key: str) -> None:
    """Moving to ready offers to tell the customer (their contact preference)."""
    st.info(tr("workshop.offer_notify"))
    columns = st.columns([1, 1, 3])
    if columns[0].button(tr("workshop.notify"), key=f"{key}.notify_go", type="primary"):
        result = _run(
            lambda: workshop_board.notify_ready(actor, order["id"], once(f"{key}.notify.key"))
        )
        if isinstance(result, tuple):
            outcome, message_id = result
            st.session_state.pop(f"{key}.notify.key", None)
            st.session_state.pop(f"{key}.offer_notify", None)
            if outcome == "note":
                st.warning(tr("workshop.noted_for_phone"))
            else:
                show_message_outcome(message_id)
    if columns[1].button(tr("workshop.not_now"), key=f"{key}.notify_skip"):
        st.session_state.pop(f"{key}.offer_notify", None)
        st.rerun()


def _lines(
    actor: Actor, order: dict, key: str, money, open_order: bool, totals: workshop_lines.OrderTotals
) -> None:
    st.markdown(f"**{tr('workshop.lines')}**")
    if order["lines"]:
        literal_table(
            [
                {
                    "#": line["line_no"],
                    tr("field.kind"): tr_plain(f"workshop.line.{line['kind']}"),
                    tr("field.description"): line["description"],
                    tr("field.quantity"): number(Decimal(line["quantity"])),
                    tr("print.unit_price"): money(line["unit_price"]),
                    tr("field.line_discount"): percent(Decimal(line["line_discount_percent"])),
                }
                for line in order["lines"]
            ]
        )
    else:
        st.caption(tr("workshop.no_lines"))
    # What is owed only while the order is open; a collected one says what was paid.
    amounts = [labelled(tr_plain("workshop.total"), money(totals.total))]
    if order["status"] != "cancelled":
        amounts.append(labelled(tr_plain("field.deposit"), money(totals.deposit)))
    if order["status"] == "collected":
        amounts.append(labelled(tr_plain("workshop.paid_at_collection"), money(totals.due)))
    elif order["status"] != "cancelled":
        amounts.append(labelled(tr_plain("workshop.due"), money(totals.due)))
    st.caption(md(" · ".join(amounts)))
    if open_order and over_estimate(totals.total, order["estimate_limit"]):
        st.warning(tr("workshop.over_estimate", limit=money(order["estimate_limit"])))
    if not open_order:
        return
    columns = st.columns(3)
    with (
        columns[0].popover(tr("workshop.add_labour"), icon=":material/build:"),
        st.form(f"{key}.labour", border=False),
    ):
        hours = st.text_input(tr("field.hours"), key=f"{key}.labour.hours")
        rate = st.text_input(
            tr("field.rate"),
            number(workshop_lines.labour_rate(), grouped=False),
            key=f"{key}.labour.rate",
        )
        text = st.text_input(tr("field.description"), key=f"{key}.labour.text")
        if st.form_submit_button(tr("workshop.add")) and (
            _run(lambda: workshop_lines.add_labour(actor, order["id"], hours, rate, text))
            is not FAILED
        ):
            _flash(key, tr("workshop.line_added"))
    with columns[1].popover(tr("workshop.add_part"), icon=":material/settings:"):
        term = st.text_input(tr("sales.product_search"), key=f"{key}.part.term")
        found, _ = (
            products.search_products(term, page_size=20, active_only=True)
            if term.strip()
            else ([], 0)
        )
        labels = {p["id"]: f"{p['sku']} · {p['name']} · {money(p['price'])}" for p in found}
        product_id = st.selectbox(
            tr("field.product"),
            list(labels),
            format_func=labels.get,
            index=0 if labels else None,
            key=f"{key}.part.product.{term.strip().lower()}",
        )
        quantity = st.text_input(tr("field.quantity"), "1", key=f"{key}.part.quantity")
        if st.button(tr("workshop.add"), key=f"{key}.part.go", disabled=product_id is None):
            add = lambda: workshop_lines.add_part(actor, order["id"], product_id, quantity)  # noqa: E731
            _act(key, add, tr("workshop.line_added"))
    if order["lines"]:
        with columns[2].popover(tr("workshop.remove_line"), icon=":material/delete:"):
            picked = pick(
                tr("workshop.line"),
                order["lines"],
                lambda line: f"{line['line_no']} · {line['description']}",
                f"{key}.remove.choice",
                id_of=lambda line: line["line_no"],
                # Lines carry no version: what was shown of the line stands in for one
                # (a number freed by a removal can come back on another line).
                version_of=_line_seen,
            )
            if picked is not None and st.button(tr("workshop.remove_line"), key=f"{key}.remove.go"):
                if picked.row is None or _line_seen(picked.row) != picked.version:
                    st.warning(tr("workshop.line_changed"))
                    forget_gone(f"{key}.remove.choice")
                else:
                    line_no = picked.row["line_no"]
                    remove = lambda: workshop_lines.remove_line(actor, order["id"], line_no)  # noqa: E731
                    _act(key, remove, tr("workshop.line_removed"))


def _line_seen(line: dict) -> tuple[str, ...]:
    return tuple(str(line.get(k)) for k in ("description", "quantity", "unit_price", "added_at"))


def _details_form(actor: Actor, order: dict, key: str, today: date) -> None:
    with st.expander(tr("workshop.details")):
        with st.form(f"{key}.details.{order['version']}", border=False):
            columns = st.columns(2)
            raw = {
                "reported": columns[0].text_area(tr("field.reported"), order["reported"]),
                "agreed": columns[1].text_area(tr("field.agreed"), order["agreed"]),
                "estimate_limit": columns[0].text_input(
                    tr("field.estimate_limit"),
                    number(order["estimate_limit"], grouped=False)
                    if order["estimate_limit"] is not None
                    else "",
                ),
                "mechanic": columns[1].text_input(tr("field.mechanic"), order["mechanic"]),
                "promised_on": columns[0].date_input(
                    tr("field.promised_on"), order["promised_on"], format=date_format()
                ),
                "booked_on": columns[1].date_input(
                    tr("field.booked_on"), order["booked_on"], format=date_format()
                ),
                "booked_hours": columns[0].text_input(
                    tr("field.booked_hours"), number(Decimal(order["booked_hours"]), grouped=False)
                ),
            }
            if st.form_submit_button(tr("card.save")):
                done = _run(
                    lambda: workshop.update_order(actor, Edit(order["id"], order["version"], raw))
                )
                if done is not FAILED:
                    _flash(key, tr("card.saved"))
        if order["booked_on"]:
            load = workshop_board.day_load(order["booked_on"])
            text = tr(
                "workshop.day_load",
                booked=number(load.booked),
                capacity=number(load.capacity),
            )
            (st.warning if load.over else st.caption)(text)


def _money_actions(
    actor: Actor, order: dict, key: str, money, totals: workshop_lines.OrderTotals
) -> None:
    lang = language()
    columns = st.columns(2)
    if order["kind"] != "quote":
        with columns[0].popover(tr("workshop.take_deposit"), icon=":material/savings:"):
            amount = st.text_input(tr("field.deposit"), key=f"{key}.deposit.amount")
            method = st.selectbox(
                tr("field.payment_method"),
                TENDERS,
                format_func=lambda m: t(f"print.tender.{m}", lang),
                key=f"{key}.deposit.method",
            )
            if st.button(tr("workshop.take_deposit"), key=f"{key}.deposit.go"):
                sale_id = _run(
                    lambda: workshop_lines.take_deposit(
                        actor, order["id"], amount, method, once(f"{key}.deposit.key")
                    )
                )
                if isinstance(sale_id, int):
                    st.session_state.pop(f"{key}.deposit.key", None)
                    receipt = receipts.sale_detail(actor, sale_id)["receipt_number"]
                    _flash(key, tr("workshop.deposit_taken", receipt=receipt))
        with columns[1].popover(tr("workshop.collect"), icon=":material/point_of_sale:"):
            st.markdown(md(labelled(tr_plain("workshop.due"), money(totals.due))))
            tender_columns = st.columns(len(TENDERS))
            tenders = [
                (
                    method,
                    tender_columns[i].text_input(
                        t(f"print.tender.{method}", lang), key=f"{key}.collect.{method}"
                    ),
                )
                for i, method in enumerate(TENDERS)
            ]
            if st.button(tr("workshop.collect_confirm"), key=f"{key}.collect.go", type="primary"):
                sale_id = _run(
                    lambda: workshop_lines.collect(
                        actor, order["id"], tenders, once(f"{key}.collect.key")
                    )
                )
                if isinstance(sale_id, int):
                    st.session_state.pop(f"{key}.collect.key", None)
                    st.session_state[f"{key}.collected_sale"] = sale_id
                    receipt = receipts.sale_detail(actor, sale_id)["receipt_number"]
                    _flash(key, tr("workshop.collected", receipt=receipt))


def _ticket(actor: Actor, order: dict, key: str) -> None:
    columns = st.columns(3)
    if columns[0].button(tr("workshop.print_ticket"), key=f"{key}.ticket", icon=":material/print:"):
        keep(workshop_board.print_ticket(actor, order["id"]), f"{key}.ticket.outcome")
    name = f"ticket-{order['number']}.pdf"
    download_button(
        tr("workshop.ticket_pdf"),
        lambda: workshop_board.ticket_pdf(actor, order["id"])[1],
        file_name=name,
        mime="application/pdf",
        key=f"{key}.ticket.pdf",
        container=columns[1],
        icon=":material/picture_as_pdf:",
    )
    sale_id = st.session_state.get(f"{key}.collected_sale") or order["sale_id"]
    if sale_id and columns[2].button(
        tr("sales.reprint"), key=f"{key}.receipt", icon=":material/receipt:"
    ):
        keep(receipts.reprint_receipt(actor, int(sale_id)), f"{key}.ticket.outcome")
    show_kept(f"{key}.ticket.outcome")


def _history_and_messages(actor: Actor, order: dict, key: str) -> None:
    history = st.expander(tr("workshop.history"), key=f"{key}.history", on_change="rerun")
    if not history.open:
        return
    with history:
        literal_table(
            [
                {
                    tr("card.consent_when"): when(e["changed_at"]),
                    tr("field.status"): tr_plain(f"workshop.status.{e['status']}"),
                    tr("field.note"): e["note"],
                    tr("card.consent_by"): e["staff_name"],
                }
                for e in order["events"]
            ]
        )
        if order["deposits"]:
            st.caption(
                md(
                    ", ".join(
                        f"{tr_plain('field.deposit')} {d['receipt_number']} {d['amount']}"
                        for d in order["deposits"]
                    )
                )
            )
        notes = messaging.order_messages(actor, order["id"])
        if notes:
            literal_table(
                [
                    {
                        tr("card.consent_when"): when(m["created_at"]),
                        tr("field.channel"): tr_plain(f"messages.channel.{m['channel']}"),
                        tr("field.body"): m["body"],
                        tr("field.status"): tr_plain(f"messages.status.{m['status']}"),
                    }
                    for m in notes
                ]
            )
        with st.form(f"{key}.note", border=False, clear_on_submit=True):
            text = st.text_area(tr("field.note"), key=f"{key}.note.text")
            if st.form_submit_button(tr("messages.add_note")):
                done = _run(
                    lambda: workshop_board.add_order_note(
                        actor, order["id"], text, once(f"{key}.note.key")
                    )
                )
                if done is not FAILED:
                    st.session_state.pop(f"{key}.note.key", None)
                    _flash(key, tr("workshop.note_added"))
