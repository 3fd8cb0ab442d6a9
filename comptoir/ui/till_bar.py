"""The till's Close button kept in view on a phone: a bar fixed at the screen's foot."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

KEY = "till-close-bar"
# Below Streamlit's own breakpoint, where the till's columns stack and Close ended up
# screens below the scan box; the page keeps room at its foot so the bar hides nothing.
# Above the page's content, below the sidebar, dialogs and toasts. Our constant text, no
# value in it.
_PHONE = f"""<style>
@media (max-width: 640px) {{
  .st-key-{KEY} {{
    position: fixed; left: 0; right: 0; bottom: 0; z-index: 99;
    padding: 0.6rem 1rem calc(0.6rem + env(safe-area-inset-bottom));
    background: #ffffff; box-shadow: 0 -2px 8px rgba(0, 0, 0, 0.15);
  }}
  .st-key-{KEY} [data-testid=stElementContainer],
  .st-key-{KEY} [data-testid=stButton], .st-key-{KEY} button {{ width: 100%; }}
  [data-testid=stMain] {{ padding-bottom: 4rem; }}
}}
</style>"""


def close_bar() -> DeltaGenerator:
    """The container for Close the sale (and what its click says): in the page's flow on a
    wide screen, fixed at the foot of a phone's screen."""
    st.html(_PHONE)
    return st.container(key=KEY)
