"""A pick-list whose actions act on the record the staff member saw.

Streamlit moves a select box whose chosen option vanished to the first one left: a
click after another session removed the pick would act on another row. Here a vanished
pick stays chosen (shown as gone), and each action gets the id and the version that
were on screen, so the service refuses a record that changed or went meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from comptoir.ui.session import tr_plain


@dataclass(frozen=True)
class Picked:
    """The pick as it was on screen (id, version) and the row as it is now (None: gone)."""

    id: Hashable
    version: Any
    row: dict[str, Any] | None


def pick(
    label: str,
    rows: Sequence[dict[str, Any]],
    describe: Callable[[dict[str, Any]], str],
    key: str,
    id_of: Callable[[dict[str, Any]], Hashable] = lambda row: row["id"],
    version_of: Callable[[dict[str, Any]], Any] = lambda row: row.get("version"),
) -> Picked | None:
    """A select box over rows; the pick as the user saw it."""
    ss = st.session_state
    current = {id_of(row): row for row in rows}
    options = list(current)
    chosen = ss.get(key)
    forget = ss.pop(f"{key}.forget", False)
    if chosen is not None and chosen not in current and not forget:
        options.insert(0, chosen)  # gone meanwhile: kept, so nothing else is acted on
    if not options:
        return None
    gone = tr_plain("picks.gone")
    labels = {option: describe(row) for option, row in current.items()}
    picked = st.selectbox(label, options, format_func=lambda o: labels.get(o, gone), key=key)
    row = current.get(picked)
    # A click is made on what the previous run drew of this pick.
    version = shown_version(f"{key}.{picked}", version_of(row) if row is not None else None)
    return Picked(picked, version, row)


def forget_gone(key: str) -> None:
    """After a refusal about a vanished pick: the next run offers the rows left (the
    select box keeps its state; a value no longer among its options starts over)."""
    st.session_state[f"{key}.forget"] = True


def shown_version(key: str, now: Any) -> Any:
    """The version of a record the previous run drew under key (what a click in this run
    was made on), remembering now's for the next click."""
    ss = st.session_state
    seen = ss.get(f"{key}.shown", now)
    ss[f"{key}.shown"] = now
    return seen


def now_shown(key: str, value: Any) -> None:
    """After this session's own action: the next run draws the record as it now is."""
    st.session_state[f"{key}.shown"] = value
