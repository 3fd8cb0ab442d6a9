"""The import's likely duplicates: a choice for all of them and one per row (skip, update
the customer it doubles, create anyway), kept as the lines of the file they were made for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from comptoir.logic.customer_import import DUPLICATE_CHOICES, DuplicateChoices
from comptoir.ui.session import tr, tr_plain, worded

PREFIX = "import.choices."  # the grid's key: this, then the choice for all


def chosen_lines(lines: Sequence[int], editor_state: Mapping[str, Any] | None) -> dict[int, str]:
    """The choices changed in the grid, by the file's line of the row drawn at each position
    (a position beyond the rows drawn is ignored)."""
    chosen: dict[int, str] = {}
    for position, change in ((editor_state or {}).get("edited_rows") or {}).items():
        index = int(position)
        if 0 <= index < len(lines) and "choice" in change:
            chosen[lines[index]] = str(change["choice"])
    return chosen


def forget_choices() -> None:
    """Drop the choices made in the grid: they were for the rows it showed, by position."""
    ss = st.session_state
    for key in [k for k in ss if str(k).startswith(PREFIX)]:
        del ss[key]


def duplicate_choices(twins: Sequence[Mapping[str, Any]]) -> DuplicateChoices:
    """Draw the choice for all and the grid of likely duplicates; the choices made."""
    ss = st.session_state
    st.subheader(tr("import.duplicates"))
    for_all = st.selectbox(
        tr("import.for_all"),
        DUPLICATE_CHOICES,
        format_func=worded("import.choice"),
        key="import.for_all",
    )
    lines = [int(t["line"]) for t in twins]
    frame = pd.DataFrame(
        {
            "line": lines,
            "customer": [str(t["customer"]) for t in twins],  # a grid shows text as text
            "why": [tr_plain(f"import.match.{t['match']}") for t in twins],
            "choice": [for_all] * len(twins),
        }
    )
    # A new choice for all starts the grid again: it is the choice for every row.
    key = f"{PREFIX}{for_all}"
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="content",
        disabled=["line", "customer", "why"],
        column_config={
            "line": st.column_config.NumberColumn(tr("import.line"), width=70),
            "customer": st.column_config.TextColumn(tr("import.existing"), width=260),
            "why": st.column_config.TextColumn(tr("import.detail"), width=260),
            "choice": st.column_config.SelectboxColumn(
                tr("import.choice"),
                options=list(DUPLICATE_CHOICES),
                format_func=worded("import.choice"),
                required=True,
                width=200,
            ),
        },
    )
    return DuplicateChoices.of_lines(for_all, chosen_lines(lines, ss.get(key)))
