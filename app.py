"""Comptoir: page config, database start-up, sign-in gate and the page router."""

import os

import streamlit as st

from logic.errors import DatabaseUnavailable
from services import auth, messaging, reminders, shop
from services.bootstrap import database_target, prepare_database
from ui.auth import refresh_session, sidebar_identity
from ui.downloads import start_sweeper
from ui.errors import run_guarded, show_unavailable
from ui.navigation import PUBLIC, navigation
from ui.session import demo_banner, language_picker
from ui.sign_in import first_admin_form, sign_in_form


@st.cache_resource(show_spinner="Comptoir: preparing the database… / préparation de la base…")
def _database_ready(target: str) -> dict[str, object]:
    # Keyed by database so tests pointing COMPTOIR_DB elsewhere get their own start-up.
    return prepare_database()


st.set_page_config(page_title="Comptoir", page_icon=":material/pedal_bike:", layout="wide")
try:
    _database_ready(database_target())
except DatabaseUnavailable as unavailable:
    show_unavailable(unavailable)
    st.stop()
language_picker()
start_sweeper()
if os.environ.get("COMPTOIR_SENDER") == "1":
    messaging.start_sender()  # once per process: retries what failed or was left queued
    reminders.start_scheduler()  # the process owning the database sends due reminders
actor = refresh_session()
page = st.navigation(
    navigation(actor.role if actor else None), position="sidebar" if actor else "hidden"
)
if shop.is_demo() and page.url_path not in PUBLIC:
    demo_banner()  # (its published passwords are not for a customer's eyes)
if page.url_path in PUBLIC:
    run_guarded(page.run)  # a customer's own link (its token is the proof): no sign-in
elif actor is not None:
    sidebar_identity(actor)
    run_guarded(page.run)
elif auth.has_staff():
    sign_in_form()  # the requested page (same URL) runs once signed in
else:
    first_admin_form()
