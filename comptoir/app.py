"""Comptoir: page config, database start-up, sign-in gate and the page router."""

import streamlit as st

from comptoir import home, jobs, logs
from comptoir.logic.errors import DatabaseUnavailable
from comptoir.services import auth, shop
from comptoir.startup import application, database_target, prepare_database
from comptoir.ui.auth import hand_cookie, refresh_session, resume_from_cookie, sidebar_identity
from comptoir.ui.downloads import start_sweeper
from comptoir.ui.errors import PAGE_KEY, run_guarded, show_unavailable
from comptoir.ui.navigation import PUBLIC, close_sidebar_after_pick, navigation
from comptoir.ui.printing import new_run
from comptoir.ui.run_timing import begin, page_run
from comptoir.ui.session import demo_banner, language_picker
from comptoir.ui.sign_in import first_admin_form, sign_in_form
from comptoir.ui.system_status import backup_banner


@st.cache_resource(show_spinner="Comptoir: preparing the database… / préparation de la base…")
def _database_ready(target: str) -> DatabaseUnavailable | None:
    # Keyed by database so tests pointing COMPTOIR_DB elsewhere get their own start-up.
    try:
        prepare_database()
    except DatabaseUnavailable as unavailable:
        if unavailable.reason == "upgrade_failed":
            # Kept until the server restarts: not backed up and tried again at every page.
            return unavailable
        raise
    return None


begin()  # timed when COMPTOIR_RUN_LOG asks (bench/ui.py)
st.set_page_config(page_title="Comptoir", page_icon=":material/pedal_bike:", layout="wide")
SERVER = application().background  # a real server (AppTest runs are not)
if SERVER:
    logs.setup(home.logs_folder())  # size-bounded files in the data folder
else:
    logs.watch_incidents()
try:
    failed = _database_ready(database_target())
except DatabaseUnavailable as unavailable:
    failed = unavailable
if failed is not None:
    show_unavailable(failed)
    st.stop()
resume_from_cookie()  # a reload: the browser's remembered sign-in, in its language
language_picker()
start_sweeper()
if SERVER:
    jobs.start()  # the sender, the reminders' scheduler, the nightly backup (once)
actor = refresh_session()
page = st.navigation(
    navigation(actor.role if actor else None), position="sidebar" if actor else "hidden"
)
if shop.is_demo() and page.url_path not in PUBLIC:
    demo_banner()  # (its published passwords are not for a customer's eyes)
if page.url_path in PUBLIC:
    run_guarded(page.run)  # a customer's own link (its token is the proof): no sign-in
elif actor is not None:
    hand_cookie()
    sidebar_identity(actor)
    close_sidebar_after_pick()
    backup_banner(actor)
    st.session_state[PAGE_KEY] = page.url_path
    new_run()  # a print box the last run did not draw goes
    with page_run(page.url_path):
        run_guarded(page.run)
elif auth.has_staff():
    sign_in_form()  # the requested page (same URL) runs once signed in
else:
    first_admin_form()
