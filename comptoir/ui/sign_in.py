"""The sign-in form and the first-administrator form, shown in place of any page."""

from __future__ import annotations

import streamlit as st

from comptoir.logic.errors import ValidationFailed
from comptoir.services import auth
from comptoir.ui.auth import NOTICE_KEY, sign_in_as
from comptoir.ui.session import show_refusal, tr


def sign_in_form() -> None:
    """Username and password; on success the requested page runs (same URL)."""
    st.title(tr("auth.sign_in_title"))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    with st.form("login"):
        username = st.text_input(tr("field.username"), key="login.username")
        password = st.text_input(tr("field.password"), type="password", key="login.password")
        submitted = st.form_submit_button(tr("auth.sign_in"), type="primary")
    if not submitted:
        return
    try:
        actor = auth.sign_in(username, password)
    except auth.SignInRefused:
        # One answer for unknown user, wrong password and locked account.
        st.error(tr("auth.bad_credentials"))
        return
    sign_in_as(actor)
    st.rerun()


def first_admin_form() -> None:
    """First start: create the administrator account and sign in."""
    st.title(tr("auth.setup_title"))
    st.write(tr("auth.setup_intro"))
    with st.form("setup"):
        username = st.text_input(tr("field.username"), key="setup.username")
        display_name = st.text_input(tr("field.display_name"), key="setup.display_name")
        password = st.text_input(tr("field.password"), type="password", key="setup.password")
        confirm = st.text_input(tr("field.password_confirm"), type="password", key="setup.confirm")
        submitted = st.form_submit_button(tr("auth.setup_create"), type="primary")
    if not submitted:
        return
    try:
        actor = auth.create_first_admin(username, display_name, password, confirm)
    except ValidationFailed as exc:
        show_refusal(exc)
        return
    sign_in_as(actor)
    st.rerun()
