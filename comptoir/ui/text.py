"""Stored text shown as text: Markdown-rendering elements get it escaped.

st.markdown, st.caption, st.title, messages, widget labels and st.table cells
render Markdown (links, images the browser fetches, :color[...] directives).
Every value that comes from the database or the user goes through md() before
it reaches one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

# ASCII punctuation CommonMark and Streamlit's directives give a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^&\"'%@])")
# GFM turns bare URLs, www. names and e-mail addresses into links after parsing,
# escaped or not; an invisible word joiner inside "://", "www." and after "@"
# breaks those patterns without changing what the reader sees (amounts and
# ordinary text are left alone, so searching the page still finds them).
WORD_JOINER = "\u2060"
_LINK_PARTS = re.compile(r"(://)|(www\.)|(@)", re.IGNORECASE)


def _break_links(text: str) -> str:
    def joined(match: re.Match[str]) -> str:
        part = match.group(0)
        cut = {"://": 1, "@": 1}.get(part, 3)  # ":|//", "@|", "www|."
        return part[:cut] + WORD_JOINER + part[cut:]

    return _LINK_PARTS.sub(joined, text)


def md(value: object) -> str:
    """The value as literal text inside Markdown (None shows as nothing)."""
    if value is None:
        return ""
    text = _break_links(str(value).replace("\r", " ").replace("\n", " "))
    return _SPECIAL.sub(r"\\\1", text)


def literal_table(
    records: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None
) -> None:
    """st.table whose headers and cells all show literally."""
    frame = pd.DataFrame(
        [{md(k): md(v) for k, v in row.items()} for row in records],
        columns=[md(c) for c in columns] if columns is not None else None,
    )
    st.table(frame, hide_index=True)
