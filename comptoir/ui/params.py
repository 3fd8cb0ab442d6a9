"""Query parameters read strictly: a link is outside input like any other."""

from __future__ import annotations

import re

import streamlit as st

# ASCII digits only (str.isdigit() takes "²", which int() refuses), and no id has more.
_ID = re.compile(r"[0-9]{1,18}")


def query_id(name: str) -> tuple[int | None, bool]:
    """The record id a link names: (id, False); (None, False) when it names none; (None,
    True) when the parameter is unusable (repeated, not plain digits, far too long)."""
    values = st.query_params.get_all(name)
    if not values:
        return None, False
    if len(values) != 1 or not _ID.fullmatch(values[0]):
        return None, True
    return int(values[0]), False
