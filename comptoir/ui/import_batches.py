"""What the import pages share about their batches: how an undone batch reads, and its
Undo button."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.picks import now_shown, shown_version
from comptoir.ui.session import tr, tr_plain, when


def undone_note(batch: Mapping[str, Any]) -> str:
    """' — undone on …' for an undone batch, else nothing."""
    if batch["undone_at"] is None:
        return ""
    return f" — {tr('import.undone', when=when(batch['undone_at']))}"


def undo_button(
    cell: Any, prefix: str, batch: Mapping[str, Any], undo: Callable[[int], object]
) -> None:
    """The batch's Undo, drawn as the previous run showed it: a click on a batch someone
    else undid meanwhile is refused in words, not dropped. Done: the page's flash says so."""
    key = f"{prefix}.undo.{batch['id']}"
    offered = shown_version(f"{key}.offered", batch["undone_at"] is None)
    if not (offered and cell.button(tr("import.undo"), key=key, icon=":material/undo:")):
        return
    if attempt(lambda: undo(batch["id"])) is not FAILED:
        now_shown(f"{key}.offered", False)
        st.session_state[f"{prefix}.flash"] = tr_plain("import.undone_now", id=batch["id"])
        st.rerun()
