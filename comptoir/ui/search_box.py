"""Search as you type: the box reports its text after a short pause, Enter not needed."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import streamlit as st
from st_keyup import st_keyup

# Milliseconds after the last keystroke before the page reruns with the text.
DEBOUNCE_MS = 100


def search_box(
    label: str,
    key: str,
    *,
    value: str = "",
    placeholder: str = "",
    on_change: Callable[..., None] | None = None,
    on_submit: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
    container: Any = st,
) -> str:
    """The box's current text; on_submit runs on Enter; value fills a box drawn the first time."""
    with nullcontext() if container is st else container:
        return st_keyup(
            label,
            key=key,
            value=value,
            debounce=DEBOUNCE_MS,
            placeholder=placeholder,
            on_change=on_change,
            args=args,
            on_submit=on_submit,
            submit_args=args,
        )
