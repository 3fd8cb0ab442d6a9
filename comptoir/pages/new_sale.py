"""New sale: a simple till. Customer or walk-in, items by SKU or name, tenders, receipt."""

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

import streamlit as st

from comptoir.i18n import format_money, t
from comptoir.logic.accounts import CreditLimitExceeded
from comptoir.logic.errors import Busy, NotFound, ValidationFailed
from comptoir.logic.tenders import so_far
from comptoir.services import (
    accounts,
    customers,
    delivery,
    products,
    receipts,
    rewards,
    shop,
    till,
    vouchers,
)
from comptoir.services.till import LineRequest
from comptoir.ui import run_timing
from comptoir.ui.auth import guard_fragment, require_page, rerun_part
from comptoir.ui.customer_picker import customer_label
from comptoir.ui.errors import guarded_fragment, report_incident
from comptoir.ui.job_collect import collect_job_panel
from comptoir.ui.notices import confirmed
from comptoir.ui.sale_lines import lines_table, priced_lines
from comptoir.ui.sale_view import show_sale
from comptoir.ui.search_box import search_box
from comptoir.ui.session import (
    date_format,
    labelled,
    language,
    percent,
    show_refusal,
    tr,
    tr_plain,
    trn,
)
from comptoir.ui.text import md
from comptoir.ui.till_bar import close_bar

actor = require_page("sales.record")
ss = st.session_state
lang = language()
currency = shop.get_settings().get("currency", "EUR")
ss.setdefault("till.lines", [])
ss.setdefault("till.key", uuid.uuid4().hex)
ss.setdefault("till.nonce", 0)
ss.setdefault("till.sales", 0)
ss.setdefault("till.finds", 0)
ss.setdefault("till.line_ids", 0)


def _append(line: dict) -> None:
    """A basket line, with an id of its own: an edit acts on the line picked, never on
    whichever line sits at that place by then."""
    ss["till.line_ids"] += 1
    ss["till.lines"].append({**line, "id": ss["till.line_ids"]})


def _requests(lines: list[dict]) -> list[LineRequest]:
    return [LineRequest(**{k: v for k, v in line.items() if k != "id"}) for line in lines]


def _add_sku(typed: str, at_nonce: int) -> bool:
    """Add the active product with that SKU, with the quantity and discount typed before."""
    found = products.active_by_sku(typed) if typed else None
    if found is None:
        return False
    _append(
        {
            "product_id": found["id"],
            "quantity": ss.get(f"till.quantity.{at_nonce}") or "1",
            "line_discount": ss.get(f"till.discount.{at_nonce}") or "",
        }
    )
    ss["till.nonce"] = at_nonce + 1
    return True


@run_timing.callback
def _scan(at_nonce: int) -> None:
    """Enter in the scan box (a scanner ends each code with one): add it, box emptied.

    The box keeps its key, so it keeps the focus: the next scan goes straight in.
    An unknown code moves to the search by name below, which lists its matches.
    """
    typed = str(ss.get("till.sku") or "").strip()
    ss["till.sku"] = ""
    if typed and not _add_sku(typed, at_nonce):
        ss["till.scan_missed"] = typed
        ss["till.finds"] += 1
        ss["till.find_seed"] = typed


def _find_submitted(at_nonce: int) -> None:
    """Enter in the search by name: an exact SKU is added as if scanned."""
    typed = str(ss.get(f"till.product_term.{ss['till.finds']}") or "").strip()
    if _add_sku(typed, at_nonce):
        ss["till.finds"] += 1
        ss.pop("till.find_seed", None)
    elif typed:
        ss["till.scan_missed"] = typed


def money(amount: object) -> str:
    return format_money(Decimal(str(amount)), currency, lang)


st.title(tr("sales.title"))
confirmed("till.flash")
collect_job_panel(actor, currency)

st.subheader(tr("field.customer"))
who = st.columns(2)
term = search_box(
    tr("sales.customer_search"),
    f"till.customer_term.{ss['till.sales']}",  # a new box after each sale
    placeholder=tr("customers.search_placeholder"),
    container=who[0],
)
found = customers.search_customers(term, page_size=20).rows if term.strip() else []
if term.strip() and term != ss.get("till.customer_term_seen") and len(found) == 1:
    # A search that finds one customer picks them (a pick-list made anew to show it).
    ss["till.customer"] = found[0]["id"]
    ss["till.customer_picks"] = ss.get("till.customer_picks", 0) + 1
ss["till.customer_term_seen"] = term
# 0 is the walk-in: a pick-list holds codes, never None (see keep_values_across_languages).
options = [0] + [r["id"] for r in found]
if ss.get("till.customer") and ss["till.customer"] not in options:
    options.append(ss["till.customer"])
labels = {r["id"]: customer_label(r) for r in found}
current = ss.get("till.customer")
if current and current not in labels:
    labels[current] = customer_label(customers.get_customer(current))
walk_in = t("sales.walk_in", lang)
customer_id = (
    who[1].selectbox(
        tr("sales.customer_choice"),
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda c: labels.get(c, walk_in),
        key=f"till.customer_choice.{ss['till.sales']}.{ss.get('till.customer_picks', 0)}",
    )
    or None
)
ss["till.customer"] = customer_id
account = None
if customer_id:
    customer = customers.get_customer(customer_id)
    facts = []
    if customer["price_level"]:
        facts.append(tr("sales.fact_level", level=customer["price_level"]))
    if customer["discount_percent"]:
        facts.append(tr("sales.fact_discount", percent=percent(customer["discount_percent"])))
    if customer["tax_exempt"]:
        facts.append(tr("print.tax_exempt"))
    if customer["tax_number"]:
        facts.append(f"{tr('field.tax_number')} {md(customer['tax_number'])}")
    account = accounts.overview(actor, customer_id)
    if account.account:
        facts.append(tr("sales.fact_account", available=money(account.available)))
    st.caption(" · ".join(facts) or tr("sales.fact_none"))


def _so_far(
    total: Decimal,
    tenders: list[tuple[str, str]],
    voucher_code: str,
    voucher_amount: str,
    points: str | None,
) -> None:
    """What the payments typed come to: left to pay, or the change to give. Points are
    valued when the sale closes, so nothing is said while some are typed."""
    if total <= 0 or (points or "").strip():
        return
    typed = [*tenders, ("voucher", voucher_amount if voucher_code.strip() else "")]
    status = so_far(Decimal(total), typed)
    if status is None or status.paid == 0:
        return
    paid = money(status.paid)
    if status.over > 0:
        st.warning(tr("sales.so_far_over", paid=paid, over=money(status.over)))
    elif status.left > 0:
        st.markdown(tr("sales.so_far_left", paid=paid, left=money(status.left)))
    elif status.change > 0:
        st.markdown(tr("sales.so_far_change", paid=paid, change=money(status.change)))
    else:
        st.markdown(tr("sales.so_far_exact", paid=paid))


def _line_editor(priced: list) -> None:
    """Any line of the basket: pick it, change its quantity or remove it."""
    held = ss["till.lines"]
    names = {line["id"]: p.name for line, p in zip(held, priced, strict=True)}
    labels = {
        line["id"]: f"{n} · {names[line['id']]} × {line['quantity']}"
        for n, line in enumerate(held, start=1)
    }
    # Stacked, not in a row: the basket's column is 300 px on a counter tablet (in a row the
    # buttons were cut off).
    # Made anew after each edit (its labels changed): it keeps the line picked, if any.
    edits = ss.setdefault("till.line_edits", 0)
    kept = ss.get("till.line_picked")
    picked = st.selectbox(
        tr("sales.line"),
        list(labels),
        index=list(labels).index(kept) if kept in labels else 0,
        format_func=labels.get,
        key=f"till.line_pick.{edits}",
    )
    line = next((x for x in held if x["id"] == picked), None)
    if line is None:
        return
    quantity = st.text_input(
        tr("field.quantity"), str(line["quantity"]), key=f"till.line_quantity.{picked}"
    )
    row = st.columns(2)
    if row[0].button(tr("sales.change_quantity"), key="till.line_change", width="stretch"):
        changed = [{**x, "quantity": quantity} if x["id"] == picked else x for x in held]
        try:
            till.preview(ss.get("till.customer"), _requests(changed))
        except ValidationFailed as exc:
            show_refusal(exc)  # the basket stays as it was
            return
        ss["till.lines"] = changed
        ss["till.line_picked"], ss["till.line_edits"] = picked, edits + 1
        rerun_part()
    if row[1].button(tr("sales.remove_line"), key="till.line_remove", width="stretch"):
        ss["till.lines"] = [x for x in held if x["id"] != picked]
        ss["till.line_picked"], ss["till.line_edits"] = None, edits + 1
        rerun_part()


@dataclass(frozen=True)
class Drawn:
    """What the payment part showed when Close was drawn: the click acts on that."""

    customer_id: int | None
    methods: tuple[str, ...]
    nonce: int
    points: bool  # the points box was drawn
    delivery: bool  # the delivery pick-list was drawn


@run_timing.callback
def _close(drawn: Drawn) -> None:
    """Close's callback: record the sale, then one full run starts the till afresh.

    The boxes' values are read now: a text box typed into just before the click
    sends its value with the click. A refusal is kept for the fragment to show
    under the button (a callback's own elements would land at the page's top).
    """
    at = drawn.nonce
    actor = guard_fragment("sales.record")
    tenders = [(m, str(ss.get(f"till.tender.{m}.{at}") or "")) for m in drawn.methods]
    code = str(ss.get(f"till.voucher_code.{at}") or "")
    spent = [(code, str(ss.get(f"till.voucher_pays.{at}") or ""))] if code.strip() else []
    try:
        sale_id = till.record_sale(
            actor,
            drawn.customer_id,
            _requests(ss["till.lines"]),
            tenders,
            ss["till.key"],
            vouchers=spent,
            points=ss.get(f"till.points.{at}") if drawn.points else None,
            delivery_address_id=(ss.get(f"till.deliver_to.{at}") or None)
            if drawn.delivery
            else None,
        )
        receipt = receipts.sale_detail(actor, sale_id)["receipt_number"]
    except (ValidationFailed, Busy, CreditLimitExceeded) as exc:
        ss["till.close_refused"] = exc
        return
    except Exception as exc:  # noqa: BLE001 - a callback runs outside the page's net
        ss["till.close_refused"] = report_incident(exc)  # its id, said under the button
        return
    ss["till.done"] = sale_id
    ss["till.lines"] = []
    ss["till.customer"] = None  # the next sale starts as a walk-in
    ss["till.sales"] += 1
    ss["till.key"] = uuid.uuid4().hex
    ss["till.nonce"] = at + 1
    ss["till.flash"] = tr("sales.closed", receipt=receipt)
    st.rerun()


def _close_refused() -> None:
    """Why the last Close was refused, under the button; the basket stays as it was."""
    refused = ss.pop("till.close_refused", None)
    if isinstance(refused, str):  # an incident's id: the traceback is in the log
        st.error(tr("error.incident", incident=refused))
    elif isinstance(refused, ValidationFailed):
        show_refusal(refused)
    elif isinstance(refused, Busy):
        st.warning(tr("error.busy"))  # the basket stays; try again
    elif isinstance(refused, CreditLimitExceeded):
        st.error(
            tr(
                "account.limit_refused",
                balance=money(refused.balance),
                limit=money(refused.limit),
                excess=money(refused.excess),
            )
        )


@guarded_fragment
def items_and_payment() -> None:
    """Items, basket and payment: a scan or an edit reruns only this part of the till."""
    guard_fragment("sales.record")
    nonce = ss["till.nonce"]  # a scan moved it on since the page last ran
    lines = _requests(ss["till.lines"])
    priced, basket, refusal = [], None, None
    if lines:
        try:
            priced, basket = till.preview(customer_id, lines)
        except ValidationFailed as exc:
            refusal = exc
        except NotFound:
            pass
    left, right = st.columns([3, 2])
    with left:
        st.subheader(tr("sales.add_item"))
        # The running total just above the scan box: a phone shows both on its first screen
        # (one line always, so the box does not move at the first scan).
        if basket is not None:
            st.markdown(trn("sales.running_total", len(priced), total=money(basket.total)))
        else:
            st.markdown(tr("sales.running_empty"))
        cols = st.columns([3, 1, 1])
        cols[0].text_input(
            tr("sales.scan"),
            key="till.sku",
            on_change=_scan,
            args=(nonce,),
            placeholder=tr("sales.scan_placeholder"),
        )
        quantity = cols[1].text_input(tr("field.quantity"), "1", key=f"till.quantity.{nonce}")
        discount = cols[2].text_input(tr("field.line_discount"), "", key=f"till.discount.{nonce}")
        product_term = search_box(
            tr("sales.product_search"),
            f"till.product_term.{ss['till.finds']}",
            value=ss.get("till.find_seed", ""),
            placeholder=tr("sales.find_placeholder"),
            on_submit=_find_submitted,
            args=(nonce,),
        )
        # The unknown code is said for as long as it is what the search holds: the search
        # box reporting its seeded text reruns this part, which must not lose the word.
        missed = ss.get("till.scan_missed")
        if missed and product_term.strip().casefold() == missed.casefold():
            st.warning(tr("sales.scan_missed", sku=missed))
        else:
            ss.pop("till.scan_missed", None)
        matches, _ = (
            products.search_products(product_term, page_size=20, active_only=True)
            if product_term.strip()
            else ([], 0)
        )
        product_labels = {
            p["id"]: f"{p['sku']} — {p['name']} · {money(p['price'])}" for p in matches
        }
        product_id = st.selectbox(
            tr("field.product"),
            list(product_labels),
            format_func=product_labels.get,
            key=f"till.product.{nonce}.{product_term.strip().lower()}",
            placeholder=tr("sales.product_placeholder"),
            index=0 if product_labels else None,
        )
        if st.button(tr("sales.add"), key="till.add", disabled=product_id is None):
            _append({"product_id": product_id, "quantity": quantity, "line_discount": discount})
            ss["till.nonce"] = nonce + 1
            ss["till.finds"] += 1
            ss.pop("till.find_seed", None)
            rerun_part()
        with st.popover(tr("sales.sell_voucher"), icon=":material/redeem:"):
            amount = st.text_input(tr("field.voucher_amount"), key=f"till.voucher_amount.{nonce}")
            expires_on = st.date_input(
                tr("field.voucher_expires_on"),
                vouchers.default_expiry(),
                format=date_format(),
                key=f"till.voucher_expires.{nonce}",
            )
            if st.button(tr("sales.add"), key="till.voucher_add"):
                try:
                    line = vouchers.voucher_line(amount, expires_on)
                except ValidationFailed as exc:
                    show_refusal(exc)
                else:
                    _append(asdict(line))
                    ss["till.nonce"] = nonce + 1
                    rerun_part()

    with right:
        st.subheader(tr("sales.basket"))
        basket_total = None
        if not lines:
            st.caption(tr("sales.basket_empty"))
        else:
            if refusal is not None:
                show_refusal(refusal)
            if basket is not None:
                basket_total = basket.total
                lines_table(priced_lines(priced), money, compact=True)
                net = labelled(tr_plain("sales.net"), money(basket.net))
                tax = labelled(tr_plain("sales.tax"), money(basket.tax))
                st.markdown(
                    f"{md(net)} · {md(tax)}  \n### {tr('print.total')} {md(money(basket.total))}"
                )
            if priced:
                _line_editor(priced)
            if st.button(tr("sales.clear"), key="till.clear"):
                ss["till.lines"] = []
                rerun_part()

        if basket_total is not None:
            st.subheader(tr("field.tenders"))
            methods = ["card", "cash"] + (["account"] if account and account.account else [])
            tender_cols = st.columns(len(methods))
            tenders = [
                (
                    method,
                    tender_cols[i].text_input(
                        t(f"print.tender.{method}", lang), "", key=f"till.tender.{method}.{nonce}"
                    ),
                )
                for i, method in enumerate(methods)
            ]
            extra = st.columns(3)
            voucher_code = extra[0].text_input(
                tr("sales.voucher_code"), key=f"till.voucher_code.{nonce}"
            )
            voucher_amount = extra[1].text_input(
                tr("sales.voucher_pays"), key=f"till.voucher_pays.{nonce}"
            )
            points = None
            held = rewards.balance(actor, customer_id) if customer_id else None
            if held is not None:
                points = extra[2].text_input(
                    tr("sales.points", points=held[0], value=money(held[1])),
                    key=f"till.points.{nonce}",
                )
            addresses = delivery.addresses(actor, customer_id) if customer_id else []
            if addresses:
                shown = {
                    a["id"]: ", ".join(p for p in (a["address1"], a["city"]) if p)
                    for a in addresses
                }
                st.selectbox(
                    tr("sales.deliver_to"),
                    [0, *shown],
                    format_func=lambda i: shown.get(i, t("sales.no_delivery", lang)),
                    key=f"till.deliver_to.{nonce}",
                )
            _so_far(basket_total, tenders, voucher_code, voucher_amount, points)
            st.caption(tr("sales.tender_help", total=money(abs(basket_total))))
            drawn = Drawn(customer_id, tuple(methods), nonce, held is not None, bool(addresses))
            with close_bar():
                # Recorded in the click's callback, whose st.rerun() makes the click one
                # full run: recorded in the fragment, the sale drew the fragment and then
                # the whole till again (two runs).
                st.button(
                    tr("sales.close"),
                    type="primary",
                    key="till.close",
                    on_click=_close,
                    args=(drawn,),
                )
                _close_refused()


items_and_payment()

if ss.get("till.done"):
    st.divider()
    show_sale(actor, ss["till.done"], currency, f"till.sale.{ss['till.done']}")
