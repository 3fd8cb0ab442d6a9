"""The reminders grid's write-back as a pure function of the rows drawn and the editor's
state (AppTest cannot type into a data_editor; this is tested on its own)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

EDITABLE = ("due_on", "channel", "body")


def _as_date(value: object) -> object:
    """The editor reports a changed date as ISO text; anything else is left for the rules."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def reminder_edits(
    rows: Sequence[Mapping[str, Any]], editor_state: Mapping[str, Any] | None
) -> tuple[dict[int, tuple[int, dict[str, object]]], list[int]]:
    """(edits by reminder id with the version drawn, ids ticked for cancelling)."""
    edits: dict[int, tuple[int, dict[str, object]]] = {}
    ticked: list[int] = []
    for position, change in ((editor_state or {}).get("edited_rows") or {}).items():
        row = rows[int(position)]
        fields = {
            name: _as_date(value) if name == "due_on" else value
            for name, value in change.items()
            if name in EDITABLE
        }
        if fields:
            edits[int(row["id"])] = (int(row["version"]), fields)
        if change.get("pick"):
            ticked.append(int(row["id"]))
    return edits, sorted(ticked)
