"""Confirmations as toasts: said once, at the run after the action, gone by themselves.

A warning or a refusal stays on the page (it asks for something); "Saved." does not.
"""

from __future__ import annotations

import streamlit as st


def confirmed(key: str, place: object = st) -> None:
    """Say what an action left under key, once: a text or ("success", text) as a toast,
    ("warning" or "error", text) in place, where it stays until the next run."""
    said = st.session_state.pop(key, None)
    if not said:
        return
    kind, text = said if isinstance(said, tuple) else ("success", said)
    if kind == "success":
        st.toast(text, icon=":material/check_circle:")
    else:
        getattr(place, kind)(text)
