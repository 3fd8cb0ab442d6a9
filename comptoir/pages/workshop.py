"""Workshop: every open job as a board by status and as a list by promised date, the
next 14 days' load, customers to phone, and sending due service reminders."""

import plotly.graph_objects as go
import streamlit as st

from comptoir.logic.auth import can
from comptoir.logic.errors import Busy, StaleRecord, ValidationFailed
from comptoir.logic.workshop import BOARD_COLUMNS, OPEN_STATUSES, is_overdue, next_status
from comptoir.operations import clock
from comptoir.services import export_views, reminders, shop, workshop, workshop_board
from comptoir.ui.auth import require_page
from comptoir.ui.export_panel import export_panel
from comptoir.ui.notices import confirmed
from comptoir.ui.order_view import order_dialog, show_flash
from comptoir.ui.search_box import search_box
from comptoir.ui.session import day, language, number, short_day, tr, tr_plain, worded
from comptoir.ui.text import literal_table, md

actor = require_page("workshop.view")
ss = st.session_state
lang = language()
currency = shop.get_settings().get("currency", "EUR")
today = clock.local_day()
VIEWS = ("board", "list", "diary", "phone")
PER_COLUMN = 30

st.title(tr("workshop.title"))
confirmed("workshop.flash")
show_flash()
top = st.columns([2, 3])
with top[0]:
    term = search_box(
        tr("workshop.search"), "workshop.search", placeholder=tr("workshop.search_hint")
    )
view = top[1].segmented_control(
    tr("workshop.view"),
    VIEWS,
    format_func=worded("workshop.view"),
    default="board",
    key="workshop.view",
)
orders = workshop_board.board(actor, term or "")


def _customer(order: dict) -> str:
    return " ".join(p for p in (order["first_name"], order["last_name"]) if p)


def _open(order_id: int) -> None:
    ss["workshop.chosen"] = order_id


def _advance(order_id: int) -> None:
    try:
        moved = workshop.advance(actor, order_id)
    except (ValidationFailed, StaleRecord, Busy):  # moved meanwhile by someone else
        ss["workshop.flash"] = tr_plain("workshop.changed_meanwhile")
        return
    if moved:
        ss["workshop.flash"] = tr_plain(
            "workshop.moved", status=tr_plain(f"workshop.status.{moved}")
        )
        if moved == "ready":
            ss["workshop.chosen"] = order_id
            ss[f"workshop.order.{order_id}.offer_notify"] = True


def _load_chart(height: int) -> list:
    """The next 14 days: booked hours as bars (red over capacity), capacity as a line."""
    load = workshop_board.diary(today)
    days = [short_day(d.day) for d in load]
    figure = go.Figure()
    figure.add_bar(
        x=days,
        y=[float(d.booked) for d in load],
        marker_color=["#d62728" if d.over else "#1f77b4" for d in load],
        name=tr_plain("workshop.booked"),
    )
    figure.add_scatter(
        x=days,
        y=[float(d.capacity) for d in load],
        mode="lines",
        name=tr_plain("workshop.capacity"),
    )
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    st.plotly_chart(
        figure, width="stretch", key=f"workshop.load.{height}", config={"displayModeBar": False}
    )
    return load


if view == "board" or view is None:
    _load_chart(160)
    if not orders:
        st.caption(tr("workshop.no_open"))
    columns = st.columns(len(BOARD_COLUMNS))
    for column, status in zip(columns, BOARD_COLUMNS, strict=True):
        in_status = [o for o in orders if o["status"] == status]
        column.markdown(f"**{tr_plain(f'workshop.status.{status}')}** ({len(in_status)})")
        for order in in_status[:PER_COLUMN]:
            card = column.container(border=True, key=f"workshop-card-{order['id']}")
            late = is_overdue(order["status"], order["promised_on"], today)
            head = f"**{md(order['number'])}** · {md(_customer(order))}"
            card.markdown(head)
            if order["item_name"]:
                card.caption(md(f"{order['item_name']} {order['serial'] or ''}".strip()))
            if order["promised_on"]:
                promised = short_day(order["promised_on"])
                if late:
                    card.badge(tr_plain("workshop.overdue_on", day=promised), color="red")
                else:
                    card.caption(tr("workshop.promised", day=promised))
            card.button(
                tr("workshop.open"),
                key=f"workshop.open.{order['id']}",
                on_click=_open,
                args=(order["id"],),
                width="stretch",
            )
            wanted = next_status(order["kind"], order["status"])
            if wanted:
                card.button(
                    "→ " + tr_plain(f"workshop.status.{wanted}"),
                    key=f"workshop.next.{order['id']}",
                    on_click=_advance,
                    args=(order["id"],),
                    help=tr("workshop.move_to", status=tr_plain(f"workshop.status.{wanted}")),
                    width="stretch",
                    type="primary",
                )
        if len(in_status) > PER_COLUMN:
            column.caption(tr("workshop.more", count=len(in_status) - PER_COLUMN))

elif view == "list":
    if not orders:
        st.caption(tr("workshop.no_open"))
    else:
        literal_table(
            [
                {
                    tr("field.promised_on"): day(o["promised_on"]),
                    tr("workshop.late"): "⚠"
                    if is_overdue(o["status"], o["promised_on"], today)
                    else "",
                    tr("workshop.number"): o["number"],
                    tr("field.kind"): tr_plain(f"workshop.kind.{o['kind']}"),
                    tr("field.status"): tr_plain(f"workshop.status.{o['status']}"),
                    tr("workshop.customer"): f"{_customer(o)} ({o['account_number']})",
                    tr("field.item_id"): f"{o['item_name'] or ''} {o['serial'] or ''}".strip(),
                    tr("field.mechanic"): o["mechanic"],
                }
                for o in orders
            ]
        )
        labels = {o["id"]: f"{o['number']} · {_customer(o)}" for o in orders}
        picked = st.selectbox(
            tr("workshop.open_order"),
            list(labels),
            format_func=labels.get,
            index=None,
            key="workshop.list_choice",
        )
        if picked is not None:
            ss["workshop.chosen"] = picked
        export_panel(
            lambda: export_views.orders(actor, OPEN_STATUSES, term or ""), "workshop.export"
        )

elif view == "diary":
    load = _load_chart(320)
    literal_table(
        [
            {
                tr("workshop.day"): short_day(d.day, weekday=True),
                tr("workshop.booked"): number(d.booked),
                tr("workshop.capacity"): number(d.capacity),
                tr("workshop.free"): number(d.free),
                tr("workshop.late"): "⚠" if d.over else "",
            }
            for d in load
        ]
    )

else:
    calls = reminders.phone_list(actor)
    if not calls:
        st.caption(tr("workshop.nobody_to_phone"))
    for call in calls:
        row = st.columns([4, 1])
        name = " ".join(p for p in (call["first_name"], call["last_name"]) if p)
        row[0].markdown(
            md(
                f"{day(call['due_on'])} · {name} ({call['account_number']}) · "
                f"{call['phone'] or call['mobile'] or '—'} · {call['item_name'] or ''}"
            )
        )
        if row[1].button(tr("workshop.phoned"), key=f"workshop.phoned.{call['id']}"):
            reminders.mark_phoned(actor, call["id"])
            st.rerun()

if can(actor.role, "workshop.send_due"):
    st.divider()
    due = reminders.due_count(today)
    columns = st.columns([2, 3])
    columns[0].caption(tr("workshop.due_reminders", count=due))
    if columns[1].button(
        tr("workshop.send_due"), key="workshop.send_due", disabled=not due, icon=":material/send:"
    ):
        bar = st.progress(0.0, text=tr("workshop.sending"))
        counts = reminders.send_due_now(
            actor, progress=lambda done, total: bar.progress(done / max(total, 1))
        )
        ss["workshop.flash"] = tr_plain(
            "workshop.sent_summary",
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            phone=counts.get("phone", 0),
        )
        st.rerun()

chosen = ss.get("workshop.chosen")
if chosen is not None:
    order_dialog(
        actor,
        int(chosen),
        currency,
        f"workshop.order.{chosen}",
        forget=("workshop.chosen", "workshop.list_choice"),
    )
