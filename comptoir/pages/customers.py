"""Customers: search-as-you-type grid with inline edits, paging, add and open."""

import streamlit as st

from comptoir.i18n import t, tn
from comptoir.i18n.errors import describe_all
from comptoir.logic.auth import can
from comptoir.services import customers, exports, printing, shop, workshop_items
from comptoir.ui.auth import require_page
from comptoir.ui.bulk_message import bulk_message
from comptoir.ui.customer_picker import customer_label
from comptoir.ui.export_panel import export_panel
from comptoir.ui.grid_state import (
    GRID_WIDTHS,
    collect_edits,
    conflict_entry,
    fold_into_pending,
    page_frame,
    picked_by_selection,
    rows_as_loaded,
    ticked_for_labels,
)
from comptoir.ui.new_customer import OPEN_KEY, show_new_customer_dialog_if_open
from comptoir.ui.notices import confirmed
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.search_box import search_box
from comptoir.ui.session import language, tr, tr_plain, trn
from comptoir.ui.text import md

actor = require_page("customers.view")
lang = language()
ss = st.session_state
ss.setdefault("grid.pending", {})
ss.setdefault("grid.nonce", 0)
ss.setdefault("grid.page", 0)
ss.setdefault("grid.rows", [])
ss.setdefault("grid.view_nonce", 0)
# A click on a row of the read-only grid opens the card before anything else runs.
opening = ss.pop("grid.open_id", None)
if opening is not None:
    ss["card_id"] = opening
    st.switch_page("pages/customer_card.py", query_params={"id": str(opening)})
settings = shop.get_settings()
lists = shop.get_lists()
region = settings.get("default_country", "FR")


def _editor_key() -> str:
    return f"grid.editor.{ss['grid.nonce']}"


def _text_columns() -> dict:
    return {
        name: st.column_config.TextColumn(tr(f"field.{name}"), width=width)
        for name, width in GRID_WIDTHS.items()
    }


def _view_key(shown_ids: list[int]) -> str:
    """The read-only grid's key names the rows it shows: a selection (by position)
    never carries over to other rows after a search, a sort or a page change."""
    return f"grid.view.{ss['grid.view_nonce']}.{hash(tuple(shown_ids))}"


def _picked() -> None:
    """Callback of the read-only grid: a clicked cell opens that customer's card."""
    shown = ss.get("grid.shown_ids", [])
    clicked, _ = picked_by_selection(ss.get(_view_key(shown)), shown)
    if clicked is not None:
        ss["grid.open_id"] = clicked
        ss["grid.view_nonce"] += 1  # back on this page, the grid comes without the click


def _keep_edits_and(page: int | None = None) -> None:
    """Callback: before the page or search changes, keep unsaved edits."""
    state = ss.get(_editor_key()) or {}
    if state.get("edited_rows"):
        ss["grid.pending"] = fold_into_pending(
            ss["grid.rows"], state["edited_rows"], ss["grid.pending"]
        )
        ss["grid.nonce"] += 1
    ss["grid.page"] = 0 if page is None else max(0, page)


st.title(tr("customers.title"))
# Always one slot, filled or not: an element appearing above the search box would
# move it, and the box would be drawn anew (an extra rerun that loses the message).
flash_slot = st.empty()
confirmed("grid.flash", flash_slot)

top = st.columns([3.2, 1.6, 1.3, 1.1])
term = search_box(
    tr("customers.search"),
    "grid.term",
    placeholder=tr("customers.search_placeholder"),
    on_change=_keep_edits_and,
    container=top[0],
)
sort = top[1].selectbox(
    tr("customers.sort"),
    customers.SORTABLE_COLUMNS,
    format_func=lambda c: t(f"field.{c}", lang),
    key="grid.sort",
    on_change=_keep_edits_and,
)
descending = top[2].toggle(tr("customers.descending"), key="grid.desc", on_change=_keep_edits_and)
page_size = top[3].selectbox(
    tr("customers.page_size"),
    customers.PAGE_SIZES,
    index=1,
    key="grid.size",
    on_change=_keep_edits_and,
)

# The second row: the count (filled once known), switches, pager and New customer.
bar = st.columns([1.7, 1.55, 1.85, 1.4, 1.15, 1.35])
archived = bar[1].toggle(
    tr("customers.include_archived"), key="grid.archived", on_change=_keep_edits_and
)
editing = bar[2].toggle(tr("customers.edit_mode"), key="grid.edit", on_change=_keep_edits_and)

result = customers.search_customers(
    term, ss["grid.page"], page_size, sort, descending, include_archived=archived
)
if not result.rows and ss["grid.page"] > 0:
    ss["grid.page"] = result.pages - 1
    result = customers.search_customers(
        term, ss["grid.page"], page_size, sort, descending, include_archived=archived
    )
# A frame number typed in the search finds the bike and its owner (or owners).
for found in (
    workshop_items.find_serial(actor, term or "") if can(actor.role, "workshop.view") else []
):
    owner = " ".join(p for p in (found["first_name"], found["last_name"]) if p)
    line = st.columns([5, 1])
    line[0].info(
        md(
            tr_plain(
                "customers.serial_found",
                serial=found["serial"],
                item=found["name"],
                owner=f"{owner} ({found['account_number']})",
            )
        ),
        icon=":material/pedal_bike:",
    )
    if line[1].button(tr("customers.open_owner"), key=f"grid.serial.{found['id']}"):
        ss["card_id"] = found["customer_id"]
        st.switch_page("pages/customer_card.py", query_params={"id": str(found["customer_id"])})

# Edits belong to the rows the editor was drawn with (ids, versions), not to positions.
rows = rows_as_loaded(
    ss.setdefault("grid.loaded", {}), _editor_key(), result.rows, ss.get(_editor_key())
)
ss["grid.rows"] = rows

bar[0].caption(
    trn(
        "customers.count",
        result.total,
        total=f"{result.total:,}".replace(",", " "),
        page=result.page + 1,
        pages=result.pages,
    )
)
bar[3].button(
    tr("customers.previous"),
    disabled=result.page == 0,
    on_click=_keep_edits_and,
    args=(result.page - 1,),
    width="stretch",
)
bar[4].button(
    tr("customers.next"),
    disabled=result.page + 1 >= result.pages,
    on_click=_keep_edits_and,
    args=(result.page + 1,),
    width="stretch",
)
if bar[5].button(tr("customers.new"), type="primary", width="stretch", key="grid.new"):
    ss[OPEN_KEY] = True
show_new_customer_dialog_if_open()

if not rows:
    st.info(tr("customers.none"))
elif not editing:
    titles = {x["code"]: x[lang] for x in lists.titles}
    frame = page_frame(rows, {}, region)
    frame["title"] = frame["title"].map(lambda code: titles.get(code, code or ""))
    ss["grid.shown_ids"] = [int(row["id"]) for row in rows]
    st.caption(tr("customers.view_help"))
    if ss["grid.pending"]:
        st.warning(tr("customers.pending_hidden"))
    view = st.dataframe(
        frame,
        key=_view_key(ss["grid.shown_ids"]),
        on_select=_picked,
        selection_mode=["multi-row", "single-cell"],
        column_order=list(GRID_WIDTHS),
        column_config=_text_columns(),
        hide_index=True,
        placeholder="",
        width="stretch",
    )
    _, ticked = picked_by_selection(view, ss["grid.shown_ids"])
    st.caption(tr("customers.labels_help_view"))
else:
    titles = {x["code"]: x[lang] for x in lists.titles}
    frame = page_frame(rows, ss["grid.pending"], region)
    column_config = {
        "open": st.column_config.CheckboxColumn(tr("field.open"), width=60),
        "label": st.column_config.CheckboxColumn(tr("customers.labels_column"), width=60),
        **_text_columns(),
        "title": st.column_config.SelectboxColumn(
            tr("field.title"), options=list(titles), format_func=titles.get, width=70
        ),
        "country_code": st.column_config.SelectboxColumn(
            tr("field.country_code"), options=customers.country_codes(), width=70
        ),
        "problem": st.column_config.TextColumn(tr("field.problem"), width=320),
        "id": None,
    }
    st.caption(tr("customers.grid_help"))
    st.data_editor(
        frame,
        key=_editor_key(),
        column_config=column_config,
        disabled=["problem", "id"],
        hide_index=True,
        placeholder="",
        width="stretch",
    )
    state = ss.get(_editor_key()) or {}
    edits, opened = collect_edits(rows, state.get("edited_rows", {}), ss["grid.pending"])
    if opened is not None:
        ss["grid.pending"] = fold_into_pending(
            rows, state.get("edited_rows", {}), ss["grid.pending"]
        )
        ss["grid.nonce"] += 1
        ss["card_id"] = opened
        st.switch_page("pages/customer_card.py", query_params={"id": str(opened)})

    if edits:
        st.warning(tr("customers.pending"))
    actions = st.columns([1.3, 1.3, 4])
    if actions[0].button(tr("customers.save"), type="primary", disabled=not edits, key="grid.save"):
        outcome = customers.save_grid_edits(edits, actor)
        ss["grid.pending"] = {
            cid: {
                "version": edits[cid][0],
                "changes": edits[cid][1],
                "message": describe_all(exc, lang),
            }
            for cid, exc in outcome.rejected.items()
        }
        for cid, current in outcome.conflicts.items():
            if not current:  # gone meanwhile: nothing to keep
                continue
            entry = conflict_entry(current, edits[cid][1], region, lang)
            ss["grid.pending"][cid] = entry
        ss["grid.nonce"] += 1
        level, parts = "success", [tn("customers.saved", len(outcome.saved), lang)]
        if outcome.rejected:
            level = "error"
            parts.append(tn("customers.rejected", len(outcome.rejected), lang))
        if outcome.conflicts:
            level = "warning" if level == "success" else level
            parts.append(tn("customers.conflict", len(outcome.conflicts), lang))
        ss["grid.flash"] = (level, " ".join(parts))
        st.rerun()
    if actions[1].button(tr("customers.discard"), disabled=not edits, key="grid.discard"):
        ss["grid.pending"] = {}
        ss["grid.nonce"] += 1
        st.rerun()

    ticked = ticked_for_labels(rows, state.get("edited_rows", {}))
    st.caption(tr("customers.labels_help"))

if rows:
    if st.button(
        tr("customers.print_labels", count=len(ticked)),
        disabled=not ticked,
        key="grid.print_labels",
        icon=":material/print:",
    ):
        keep(printing.address_label_sheet(actor, ticked), "grid.labels")
    show_kept("grid.labels")
    if ticked:
        names = {r["id"]: customer_label(r) for r in rows if r["id"] in set(ticked)}
        with st.popover(tr("messages.bulk", count=len(ticked)), icon=":material/campaign:"):
            bulk_message(actor, names)

    with st.expander(tr("customers.open_card"), expanded=False):
        labels = {r["id"]: customer_label(r) for r in rows}
        choice = st.selectbox(
            tr("customers.open_card"), list(labels), format_func=labels.get, key="grid.open_choice"
        )
        if st.button(tr("customers.open"), key="grid.open_button"):
            ss["card_id"] = choice
            st.switch_page("pages/customer_card.py", query_params={"id": str(choice)})

export_panel(lambda: exports.customers_view(term or "", archived, sort, descending), "grid.export")
