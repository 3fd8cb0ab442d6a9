"""The shop filter of lists (purchase history, balances), shown once a chain has two shops."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from comptoir.services import shop
from comptoir.ui.pager import back_to_first
from comptoir.ui.session import tr_plain


@dataclass(frozen=True)
class ShopChoice:
    """The shop picked (None: every shop), and each shop's name for tables."""

    chosen: str | None
    names: dict[str, str]
    several: bool

    def name(self, code: str) -> str:
        return self.names.get(code, code)


def shop_picker(key: str, page_key: str | None = None) -> ShopChoice:
    """A select box of the chain's shops (codes as values); nothing for a single shop."""
    shops = shop.current().shops
    names = {s["code"]: f"{s.get('shop_name', '')} ({s['code']})" for s in shops}
    if len(shops) < 2:
        return ShopChoice(None, names, False)
    chosen = st.selectbox(
        tr_plain("field.shop"),
        ["", *names],
        format_func=lambda code: names.get(code) or tr_plain("filter.all_shops"),
        key=key,
        on_change=back_to_first if page_key else None,
        args=(page_key,) if page_key else None,
    )
    return ShopChoice(chosen or None, names, True)
