"""The customer grid's frame and write-back, as pure functions (no Streamlit).

AppTest cannot type into a data_editor, so the mapping from the editor's
state (edited rows by position) to per-customer changes is tested here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

import pandas as pd

from comptoir.i18n import t
from comptoir.logic.phones import display_phone

EDITABLE = (
    "account_number",
    "title",
    "first_name",
    "last_name",
    "company",
    "email",
    "mobile",
    "phone",
    "postcode",
    "city",
    "country_code",
)
COLUMNS = ("open", "label") + EDITABLE + ("problem", "id")
# Column widths in pixels, in display order (the browser tests click by them).
GRID_WIDTHS = {
    "account_number": 130,
    "title": 70,
    "first_name": 120,
    "last_name": 130,
    "company": 140,
    "email": 220,
    "mobile": 130,
    "phone": 130,
    "postcode": 90,
    "city": 110,
    "country_code": 70,
}
PHONES = ("mobile", "phone")

Pending = dict[int, dict[str, Any]]
Rows = list[dict[str, Any]]


def has_edits(editor_state: Mapping[str, Any] | None) -> bool:
    """True while the editor holds typed changes, added or deleted rows."""
    state = editor_state or {}
    return bool(state.get("edited_rows") or state.get("added_rows") or state.get("deleted_rows"))


def rows_as_loaded(
    store: MutableMapping[str, Any],
    editor_key: str,
    fresh: Sequence[Mapping[str, Any]],
    editor_state: Mapping[str, Any] | None,
) -> Rows:
    """The rows (ids and versions) the editor was drawn with.

    The editor reports edits by row position. While it holds edits, the rows it
    was drawn with are kept and drawn again, so a rerun that reads the rows in
    another order (someone renamed a customer) cannot move an edit to another
    record, and the version each edit is checked against is the one the user
    saw. Without edits, the fresh rows replace them.
    """
    kept = store.get("loaded")
    if kept is not None and kept[0] == editor_key and has_edits(editor_state):
        return kept[1]
    rows = [dict(row) for row in fresh]
    store["loaded"] = (editor_key, rows)
    return rows


def differences(
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    shown: Callable[[str, Any], Any] = lambda name, value: value,
) -> list[tuple[str, str, str]]:
    """(field, theirs, yours) for each edited field whose stored value is now another."""
    found = []
    for name, yours in changes.items():
        theirs = shown(name, current.get(name))
        if str("" if theirs is None else theirs) != str("" if yours is None else yours):
            found.append((name, "" if theirs is None else str(theirs), str(yours or "")))
    return found


def described_differences(found: Sequence[tuple[str, str, str]], lang: str) -> str:
    """ "City: theirs “Paris”, yours “Nice”; …" in the language."""
    return "; ".join(
        t("customers.conflict_field", lang, field=t(f"field.{n}", lang), theirs=a, yours=b)
        for n, a, b in found
    )


def stale_row_message(
    name: str,
    current: Mapping[str, Any] | None,
    changes: Mapping[str, Any],
    lang: str,
    shown: Callable[[str, Any], Any] = lambda name, value: value,
    loaded: Mapping[str, Any] | None = None,
) -> str:
    """For grids that cannot overwrite: what someone else saved beside what was typed.
    With the row as it was loaded, the fields named are those the other person changed
    (theirs now, yours as typed or as you saw it), not merely those typed."""
    if current is None:
        return t("grid.gone_meanwhile", lang, name=name)
    if loaded is not None:
        mine = {k: changes.get(k, v) for k, v in loaded.items()}
        theirs = {k: current.get(k) for k, v in loaded.items() if str(v) != str(current.get(k))}
        found = differences(theirs, {k: mine[k] for k in theirs}, shown)
    else:
        found = differences(current, changes, shown)
    if not found:
        return t("grid.changed_meanwhile", lang, name=name)
    return t("grid.conflict_row", lang, name=name, fields=described_differences(found, lang))


def conflict_entry(
    current: Mapping[str, Any], changes: Mapping[str, Any], shop_region: str, lang: str
) -> dict[str, Any]:
    """A pending row for an edit someone else overtook: their values beside the user's.

    The entry carries the current version, so saving again deliberately keeps
    the user's values; Discard keeps theirs. Its message (shown in the grid's
    Problem column) names each field with both values.
    """
    theirs = differences(
        current,
        changes,
        lambda name, value: display_phone(value, shop_region) if name in PHONES else value,
    )
    message = (
        t("customers.conflict_row", lang, fields=described_differences(theirs, lang))
        if theirs
        else t("customers.conflict_row_other", lang)
    )
    return {
        "version": current["version"],
        "changes": dict(changes),
        "theirs": theirs,
        "message": message,
    }


def page_frame(
    rows: Sequence[Mapping[str, Any]], pending: Pending, shop_region: str
) -> pd.DataFrame:
    """One page of customers for the editor, unsaved edits laid over them."""
    records = []
    for row in rows:
        record: dict[str, Any] = {"open": False, "label": False, "id": row["id"], "problem": ""}
        for name in EDITABLE:
            value = row.get(name)
            record[name] = display_phone(value, shop_region) if name in PHONES else value
        waiting = pending.get(row["id"])
        if waiting:
            record.update(waiting["changes"])
            record["problem"] = waiting.get("message", "")
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["open"] = frame["open"].astype(bool)
    frame["label"] = frame["label"].astype(bool)
    return frame


def collect_edits(
    rows: Sequence[Mapping[str, Any]],
    edited_rows: Mapping[int | str, Mapping[str, Any]],
    pending: Pending,
) -> tuple[dict[int, tuple[int, dict[str, Any]]], int | None]:
    """Changes per customer id as (version, fields), and the row ticked Open."""
    edits = {cid: (p["version"], dict(p["changes"])) for cid, p in pending.items()}
    opened = None
    for position, change in edited_rows.items():
        index = int(position)
        if index >= len(rows):
            continue
        row = rows[index]
        fields = {k: v for k, v in change.items() if k in EDITABLE}
        if change.get("open"):
            opened = row["id"]
        if fields:
            version, known = edits.get(row["id"], (row["version"], {}))
            known.update(fields)
            edits[row["id"]] = (version, known)
    return edits, opened


def fold_into_pending(
    rows: Sequence[Mapping[str, Any]],
    edited_rows: Mapping[int | str, Mapping[str, Any]],
    pending: Pending,
) -> Pending:
    """Keep the editor's unsaved edits when the page or search changes."""
    edits, _ = collect_edits(rows, edited_rows, pending)
    merged = dict(pending)
    for cid, (version, changes) in edits.items():
        merged[cid] = {**pending.get(cid, {}), "version": version, "changes": changes}
    return merged


def ticked_for_labels(
    rows: Sequence[Mapping[str, Any]], edited_rows: Mapping[int | str, Mapping[str, Any]]
) -> list[int]:
    """Ids of the rows whose Label box is ticked, in grid order."""
    ticked = []
    for position, change in sorted(edited_rows.items(), key=lambda item: int(item[0])):
        index = int(position)
        if index < len(rows) and change.get("label"):
            ticked.append(rows[index]["id"])
    return ticked


def picked_by_selection(
    selection: Mapping[str, Any] | None, shown_ids: Sequence[int]
) -> tuple[int | None, list[int]]:
    """From a read-only grid's selection: the customer whose cell was clicked, and the ids
    whose rows are ticked (for labels), both by the ids the grid was drawn with."""
    chosen = (selection or {}).get("selection") or {}
    clicked = None
    for cell in chosen.get("cells") or ():
        position = int(cell[0])
        if 0 <= position < len(shown_ids):
            clicked = shown_ids[position]
    ticked = [shown_ids[int(p)] for p in chosen.get("rows") or () if 0 <= int(p) < len(shown_ids)]
    return clicked, ticked
