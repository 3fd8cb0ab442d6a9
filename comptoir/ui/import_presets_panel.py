"""The import's saved mappings: one that fits a new file is applied to it; any can be
applied by hand, saved from the columns as mapped, or removed."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from comptoir.logic.auth import Actor
from comptoir.logic.import_presets import MAX_NAME, Preset
from comptoir.services import import_presets
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.session import tr


def _map(headers: Sequence[str], mapping: Sequence[str | None]) -> None:
    for index in range(len(headers)):
        st.session_state[f"import.map.{index}"] = mapping[index] or ""


def fitting(actor: Actor, headers: Sequence[str], guessed: Sequence[str | None]) -> str | None:
    """Map a new file's columns by the saved mapping made for exactly its columns, if any
    (else as guessed); the name of the mapping used."""
    found = next((p for p in import_presets.presets(actor) if p.fits(headers)), None)
    _map(headers, found.applied(headers, guessed) if found else guessed)
    return found.name if found else None


def presets_panel(actor: Actor, headers: Sequence[str], mapping: Sequence[str | None]) -> None:
    """Apply, save or remove saved mappings."""
    ss = st.session_state
    saved = {p.name: p for p in import_presets.presets(actor)}
    with st.expander(tr("import.presets"), icon=":material/bookmark:"):
        if saved:
            left, apply, remove = st.columns([3, 1, 1], vertical_alignment="bottom")
            name = left.selectbox(tr("import.preset"), list(saved), key="import.preset")

            def applied(preset: Preset = saved[name]) -> None:
                _map(headers, preset.applied(headers, mapping))
                ss["import.preset_used"] = preset.name

            apply.button(tr("import.preset_apply"), key="import.preset.apply", on_click=applied)
            if (
                remove.button(tr("import.preset_delete"), key="import.preset.delete")
                and attempt(lambda: import_presets.delete_preset(actor, name)) is not FAILED
            ):
                ss["import.flash"] = tr("import.preset_removed", name=name)
                st.rerun()
        else:
            st.caption(tr("import.preset_none"))
        left, save = st.columns([3, 2], vertical_alignment="bottom")
        new_name = left.text_input(
            tr("field.preset_name"), max_chars=MAX_NAME, key="import.preset.name"
        )
        if save.button(tr("import.preset_save"), key="import.preset.save"):
            done = attempt(lambda: import_presets.save_preset(actor, new_name, headers, mapping))
            if isinstance(done, Preset):
                ss["import.flash"] = tr("import.preset_saved", name=done.name)
                st.rerun()
