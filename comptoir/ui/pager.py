"""Previous / Next buttons under a paged table."""

from __future__ import annotations

import streamlit as st

from comptoir.ui.session import tr, trn


def _go(page_key: str, page: int) -> None:
    st.session_state[page_key] = page


def back_to_first(page_key: str) -> None:
    """Callback for a filter or sort: its results start on the first page."""
    st.session_state[page_key] = 0


def current_page(page_key: str) -> int:
    """The page the user is on (0 until they move)."""
    return int(st.session_state.get(page_key, 0))


def pager(page_key: str, total: int, page_size: int) -> None:
    """Buttons to move between pages, and 'N entries · page x of y'."""
    pages = max(1, -(-total // page_size))
    page = min(current_page(page_key), pages - 1)
    columns = st.columns([1, 1, 4])
    columns[0].button(
        tr("customers.previous"),
        disabled=page == 0,
        key=f"{page_key}.prev",
        on_click=_go,
        args=(page_key, page - 1),
    )
    columns[1].button(
        tr("customers.next"),
        disabled=page + 1 >= pages,
        key=f"{page_key}.next",
        on_click=_go,
        args=(page_key, page + 1),
    )
    columns[2].caption(trn("audit.count", total, total=total, page=page + 1, pages=pages))
