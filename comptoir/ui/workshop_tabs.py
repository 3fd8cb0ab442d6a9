"""The card's workshop tabs: customer orders and workshop jobs, serviced items, and
scheduled service reminders."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from comptoir.i18n import tn
from comptoir.logic.auth import Actor
from comptoir.logic.records import Edit
from comptoir.logic.workshop import KINDS, REMINDER_CHANNELS
from comptoir.operations import clock
from comptoir.services import export_views, reminders, workshop, workshop_board, workshop_items
from comptoir.ui.actions import once, refused
from comptoir.ui.export_panel import export_panel
from comptoir.ui.grid_state import rows_as_loaded
from comptoir.ui.notices import confirmed
from comptoir.ui.order_view import FLASH, show_flash, show_order, status_word
from comptoir.ui.picks import shown_version
from comptoir.ui.reminders_grid import reminder_edits
from comptoir.ui.session import date_format, day, language, number, tr, tr_plain, when, worded
from comptoir.ui.text import literal_table, md

ITEM_FIELDS = ("name", "make", "model", "serial", "colour")
WHICH = ("open", "all", "closed")
NEW_ITEM = -1


def _day(value: date | None) -> str:
    return day(value)


# ---- orders -------------------------------------------------------------------


def orders_tab(actor: Actor, customer: dict[str, Any], currency: str) -> None:
    """The customer's orders (open by default, "Show all", "Show closed"), a form to open
    one or check a bike in, and the chosen order in full."""
    customer_id = int(customer["id"])
    base = f"orders.{customer_id}"
    show_flash()
    if not customer["archived"]:
        _new_order(actor, customer_id, base)
    which = st.radio(
        tr("workshop.show"),
        WHICH,
        format_func=worded("workshop.show"),
        horizontal=True,
        key=f"{base}.which",
    )
    rows = workshop.customer_orders(actor, customer_id, which)
    if not rows:
        st.caption(tr("workshop.no_orders"))
        return
    literal_table(
        [
            {
                tr("workshop.number"): r["number"],
                tr("field.kind"): tr_plain(f"workshop.kind.{r['kind']}"),
                tr("field.status"): tr_plain(f"workshop.status.{r['status']}"),
                tr("field.item_id"): r["item_name"] or "",
                tr("field.promised_on"): _day(r["promised_on"]),
                tr("field.created_at"): when(r["created_at"]),
            }
            for r in rows
        ]
    )
    labels = {r["id"]: f"{r['number']} · {status_word(r['status'])}" for r in rows}
    chosen_key = f"{base}.chosen"
    if st.session_state.get(chosen_key) not in labels:
        st.session_state[chosen_key] = next(iter(labels))
    chosen = st.selectbox(
        tr("workshop.open_order"), list(labels), format_func=labels.get, key=chosen_key
    )
    if chosen is not None:
        show_order(actor, chosen, currency, f"order.{chosen}")


def _new_order(actor: Actor, customer_id: int, base: str) -> None:
    """Open an order or check a bike in: kind, item (existing or new), fault, days."""
    items = workshop_items.items(actor, customer_id)
    with st.expander(tr("workshop.new_order"), icon=":material/add_circle:"):
        nonce = st.session_state.setdefault(f"{base}.new.nonce", 0)
        k = f"{base}.new.{nonce}"
        columns = st.columns(3)
        kind = columns[0].selectbox(
            tr("field.kind"),
            KINDS,
            format_func=worded("workshop.kind"),
            key=f"{k}.kind",
        )
        choices = {NEW_ITEM: tr_plain("workshop.new_item"), 0: tr_plain("workshop.no_item")}
        choices.update({i["id"]: f"{i['name']} {i['serial']}".strip() for i in items})
        item_choice = columns[1].selectbox(
            tr("field.item_id"),
            list(choices),
            format_func=choices.get,
            index=2 if items else 0,
            key=f"{k}.item",
        )
        new_item = None
        if item_choice == NEW_ITEM:
            item_columns = st.columns(len(ITEM_FIELDS))
            new_item = {
                name: item_columns[i].text_input(tr(f"field.{name}"), key=f"{k}.item.{name}")
                for i, name in enumerate(ITEM_FIELDS)
            }
        texts = st.columns(2)
        raw: dict[str, object] = {
            "kind": kind,
            "item_id": item_choice if item_choice > 0 else None,
            "reported": texts[0].text_area(tr("field.reported"), key=f"{k}.reported"),
            "agreed": texts[1].text_area(tr("field.agreed"), key=f"{k}.agreed"),
        }
        columns = st.columns(5)
        raw["estimate_limit"] = columns[0].text_input(
            tr("field.estimate_limit"), key=f"{k}.estimate"
        )
        raw["promised_on"] = columns[1].date_input(
            tr("field.promised_on"), None, format=date_format(), key=f"{k}.promised"
        )
        raw["booked_on"] = columns[2].date_input(
            tr("field.booked_on"), None, format=date_format(), key=f"{k}.booked"
        )
        raw["booked_hours"] = columns[3].text_input(tr("field.booked_hours"), key=f"{k}.hours")
        raw["mechanic"] = columns[4].text_input(tr("field.mechanic"), key=f"{k}.mechanic")
        booked_on = raw["booked_on"]
        if isinstance(booked_on, date):
            load = workshop_board.day_load(booked_on)
            text = tr(
                "workshop.day_load",
                booked=number(load.booked),
                capacity=number(load.capacity),
            )
            (st.warning if load.over else st.caption)(text)
        if st.button(tr("workshop.create_order"), key=f"{k}.go", type="primary"):
            created: list[int] = []
            if not refused(
                lambda: created.append(
                    workshop.create_order(
                        actor, customer_id, raw, once(f"{k}.key"), new_item=new_item
                    )
                )
            ):
                order = workshop.order_detail(actor, created[0])
                st.session_state[f"{base}.new.nonce"] = nonce + 1
                st.session_state[f"{base}.chosen"] = created[0]
                st.session_state[f"{base}.which"] = "open"
                st.session_state[FLASH] = tr("workshop.created", number=order["number"])
                st.rerun()


# ---- serviced items --------------------------------------------------------------


def items_tab(actor: Actor, customer: dict[str, Any]) -> None:
    """The customer's serviced items: each expands to its jobs; New, Edit, and
    "Send service reminder"."""
    customer_id = int(customer["id"])
    base = f"items.{customer_id}"
    confirmed(f"{base}.flash")
    rows = workshop_items.items(actor, customer_id)
    shared = [r["serial"] for r in rows if r["serial_elsewhere"]]
    if shared:
        st.warning(tr("workshop.serial_shared", serials=", ".join(shared)))
    _new_item(actor, customer_id, base)
    if not rows:
        st.caption(tr("workshop.no_items"))
        return
    for item in rows:
        title = f"{item['name']} · {item['serial']}" if item["serial"] else item["name"]
        flag = " ⚠" if item["serial_elsewhere"] else ""
        # An expander's identity includes its label: renamed by someone else, it would
        # come back closed and drop a click made inside. Whether it is open is remembered
        # by the item's id and handed back as its default.
        opened = f"{base}.opened.{item['id']}"
        with st.expander(
            # An expander's label renders Markdown: the item's name shows as typed.
            f"{tn('workshop.item_jobs', int(item['jobs']), language())} — {md(title)}{flag}",
            expanded=bool(st.session_state.get(opened, False)),
            key=f"{base}.item.{item['id']}",
            on_change="rerun",
        ) as section:
            st.session_state[opened] = bool(section.open)
            if section.open:
                _item_detail(actor, customer_id, item, base)


def _new_item(actor: Actor, customer_id: int, base: str) -> None:
    with st.popover(tr("workshop.new_item"), icon=":material/pedal_bike:"):
        nonce = st.session_state.setdefault(f"{base}.new.nonce", 0)
        with st.form(f"{base}.new.{nonce}", border=False):
            raw = {
                name: st.text_input(tr(f"field.{name}"), key=f"{base}.new.{nonce}.{name}")
                for name in (*ITEM_FIELDS, "notes")
            }
            if st.form_submit_button(tr("workshop.add")) and not refused(
                lambda: workshop_items.add_item(actor, customer_id, raw)
            ):
                st.session_state[f"{base}.new.nonce"] = nonce + 1
                st.session_state[f"{base}.flash"] = tr("workshop.item_added")
                st.rerun()


def _item_detail(actor: Actor, customer_id: int, item: dict[str, Any], base: str) -> None:
    jobs = workshop_items.item_jobs(actor, item["id"])
    if jobs:
        literal_table(
            [
                {
                    tr("workshop.number"): j["number"],
                    tr("field.status"): tr_plain(f"workshop.status.{j['status']}"),
                    tr("field.reported"): j["reported"],
                    tr("field.created_at"): when(j["created_at"]),
                }
                for j in jobs
            ]
        )
    else:
        st.caption(tr("workshop.no_jobs"))
    # The form is the one the previous run drew (the version shown): a click made while
    # someone else saved reaches it and is refused as changed, never lost; the next run
    # draws the item as it is now.
    shown = shown_version(f"{base}.edit.{item['id']}", item["version"])
    k = f"{base}.edit.{item['id']}.{shown}"
    with st.form(k, border=False):
        columns = st.columns(len(ITEM_FIELDS))
        raw = {
            name: columns[i].text_input(tr(f"field.{name}"), item[name], key=f"{k}.{name}")
            for i, name in enumerate(ITEM_FIELDS)
        }
        raw["notes"] = st.text_area(tr("field.notes"), item["notes"], key=f"{k}.notes")
        if st.form_submit_button(tr("workshop.edit_item")) and not refused(
            lambda: workshop_items.edit_item(actor, Edit(item["id"], shown, raw)),
            gone="workshop.item_changed",
            changed="workshop.item_changed",
        ):
            st.session_state[f"{base}.flash"] = tr("card.saved")
            st.rerun()
    send_key = f"{base}.remind.{item['id']}"
    if st.button(tr("workshop.send_reminder"), key=send_key, icon=":material/notifications:"):
        sent: list[dict[str, Any]] = []
        if not refused(
            lambda: sent.append(
                reminders.send_now(actor, customer_id, item["id"], once(f"{send_key}.key"))
            )
        ):
            st.session_state.pop(f"{send_key}.key", None)
            st.session_state[f"{base}.flash"] = reminder_outcome(sent[0])
            st.rerun()


def reminder_outcome(reminder: dict[str, Any]) -> str:
    """A reminder's state in words: sent, failed with the reason, to phone…"""
    if reminder["status"] == "queued":
        status = reminder["message_status"] or "queued"
        if status == "failed":
            return tr_plain("workshop.reminder_failed", reason=_reason(reminder["message_error"]))
        return tr_plain(f"messages.status.{status}")
    if reminder["status"] == "phone":
        return tr_plain("workshop.reminder_phone", reason=_reason(reminder["reason"]))
    return tr_plain(f"workshop.reminder_status.{reminder['status']}")


def _reason(code: str | None) -> str:
    known = {
        "not_configured",
        "no_marketing_consent",
        "no_channel",
        "template_missing",
        "sms_too_long",
    }
    if code in known:
        return tr_plain(f"messages.reason.{code}")
    return code or ""


# ---- scheduled service reminders --------------------------------------------------


def reminders_tab(actor: Actor, customer: dict[str, Any]) -> None:
    """Reminders in an editable grid (date, channel and text while scheduled); tick and
    cancel; schedule one by hand."""
    customer_id = int(customer["id"])
    base = f"reminders.{customer_id}"
    ss = st.session_state
    confirmed(f"{base}.flash")
    _schedule_form(actor, customer_id, base)
    nonce = ss.setdefault(f"{base}.nonce", 0)
    editor_key = f"{base}.grid.{nonce}"
    # Edits belong to the rows the grid was drawn with (ids, versions) while it holds any.
    rows = rows_as_loaded(
        ss.setdefault(f"{base}.loaded", {}),
        editor_key,
        reminders.customer_reminders(actor, customer_id),
        ss.get(editor_key),
    )
    if not rows:
        st.caption(tr("workshop.no_reminders"))
        return
    frame = pd.DataFrame(
        [
            {
                "pick": False,
                "due_on": r["due_on"],
                "channel": r["channel"],
                "body": r["body"],
                "item": r["item_name"] or "",
                "status": reminder_outcome(r),
                "template": tr_plain(f"template.{r['template']}"),
                "id": r["id"],
            }
            for r in rows
        ]
    )
    st.data_editor(
        frame,
        key=editor_key,
        hide_index=True,
        width="content",
        disabled=["item", "status", "template", "id"],
        column_config={
            "pick": st.column_config.CheckboxColumn(tr("workshop.pick"), width=60),
            "due_on": st.column_config.DateColumn(
                tr("field.due_on"), format=date_format(), width=110
            ),
            "channel": st.column_config.SelectboxColumn(
                tr("field.channel"),
                options=list(REMINDER_CHANNELS),
                format_func=worded("workshop.channel"),
                width=110,
            ),
            "body": st.column_config.TextColumn(tr("workshop.own_text"), width=280),
            "item": st.column_config.TextColumn(tr("field.item_id"), width=140),
            "status": st.column_config.TextColumn(tr("field.status"), width=200),
            "template": st.column_config.TextColumn(tr("field.template"), width=160),
            "id": None,
        },
    )
    st.caption(tr("workshop.reminders_help"))
    export_panel(lambda: export_views.reminders(actor, customer_id), f"{base}.export")
    edits, ticked = reminder_edits(rows, ss.get(editor_key))
    columns = st.columns([1, 1, 3])
    if columns[0].button(
        tr("customers.save"), key=f"{base}.save", type="primary", disabled=not edits
    ) and not refused(
        lambda: reminders.save_edits(actor, edits),
        gone="workshop.reminder_changed",
        changed="workshop.reminder_changed",
    ):
        ss[f"{base}.nonce"] = nonce + 1
        ss[f"{base}.flash"] = tr("card.saved")
        st.rerun()
    if columns[1].button(
        tr("workshop.cancel_reminders", count=len(ticked)),
        key=f"{base}.cancel",
        disabled=not ticked,
    ):
        done: list[list[int]] = []
        # The versions the grid was drawn with: a reminder changed since is not cancelled.
        shown = {int(r["id"]): int(r["version"]) for r in rows if r["id"] in ticked}
        if not refused(
            lambda: done.append(reminders.cancel(actor, ticked, versions=shown)),
            gone="workshop.reminder_changed",
            changed="workshop.reminder_changed",
        ):
            ss[f"{base}.nonce"] = nonce + 1
            ss[f"{base}.flash"] = tr("workshop.reminders_cancelled", count=len(done[0]))
            st.rerun()


def _schedule_form(actor: Actor, customer_id: int, base: str) -> None:
    items = workshop_items.items(actor, customer_id)
    with st.popover(tr("workshop.schedule_reminder"), icon=":material/event:"):
        nonce = st.session_state.setdefault(f"{base}.form.nonce", 0)
        k = f"{base}.form.{nonce}"
        with st.form(k, border=False):
            due_on = st.date_input(
                tr("field.due_on"), clock.local_day(), format=date_format(), key=f"{k}.due"
            )
            channel = st.selectbox(
                tr("field.channel"),
                REMINDER_CHANNELS,
                format_func=worded("workshop.channel"),
                key=f"{k}.channel",
            )
            choices = {0: tr_plain("workshop.no_item")}
            choices.update({i["id"]: f"{i['name']} {i['serial']}".strip() for i in items})
            item_id = st.selectbox(
                tr("field.item_id"), list(choices), format_func=choices.get, key=f"{k}.item"
            )
            body = st.text_area(tr("workshop.own_text"), key=f"{k}.body")
            if st.form_submit_button(tr("workshop.schedule")) and not refused(
                lambda: reminders.schedule(
                    actor,
                    customer_id,
                    due_on,
                    body,
                    channel,
                    item_id or None,
                    once(f"{k}.key"),
                )
            ):
                st.session_state[f"{base}.form.nonce"] = nonce + 1
                st.session_state[f"{base}.nonce"] = st.session_state.get(f"{base}.nonce", 0) + 1
                st.session_state[f"{base}.flash"] = tr("workshop.reminder_scheduled")
                st.rerun()
