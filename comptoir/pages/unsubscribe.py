"""The public unsubscribe page a marketing e-mail links to: one click withdraws marketing
consent (not the visit itself, so a mail scanner following links unsubscribes nobody)."""

from __future__ import annotations

import streamlit as st

from comptoir.i18n import t
from comptoir.logic.errors import ValidationFailed
from comptoir.services import shop, unsubscribe
from comptoir.ui.text import md

token = st.query_params.get("t", "")
language = unsubscribe.link_language(token)
words = language or "en"
shop_name = md(shop.current().values.get("shop_name", "Comptoir"))  # shown as typed
st.title(t("unsubscribe.title", words))
if language is None:
    st.error(t("unsubscribe.invalid", words))
    st.stop()
if st.session_state.get("unsubscribe.done") == token:
    st.success(t("unsubscribe.done", words, shop=shop_name))
    st.stop()
st.write(t("unsubscribe.question", words, shop=shop_name))
if st.button(t("unsubscribe.confirm", words), key="unsubscribe.confirm", type="primary"):
    try:
        unsubscribe.unsubscribe(token)
    except ValidationFailed:
        st.error(t("unsubscribe.invalid", words))
        st.stop()
    st.session_state["unsubscribe.done"] = token
    st.rerun()
