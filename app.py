"""Comptoir: page config, database start-up and the page router. Nothing else."""

import streamlit as st

from services.bootstrap import database_path, prepare_database
from ui.session import language_picker, tr


@st.cache_resource(show_spinner=False)
def _database_ready(path: str) -> dict[str, object]:
    # Keyed by path so tests pointing COMPTOIR_DB elsewhere get their own start-up.
    return prepare_database()


st.set_page_config(page_title="Comptoir", page_icon=":material/pedal_bike:", layout="wide")
_database_ready(str(database_path()))
language_picker()

pages = {
    tr("nav.section.shop"): [
        st.Page(
            "pages/customers.py",
            title=tr("nav.customers"),
            icon=":material/groups:",
            url_path="customers",
            default=True,
        ),
        st.Page(
            "pages/customer_card.py",
            title=tr("nav.card"),
            icon=":material/badge:",
            url_path="customer",
        ),
    ],
    tr("nav.section.admin"): [
        st.Page(
            "pages/settings.py",
            title=tr("nav.settings"),
            icon=":material/settings:",
            url_path="settings",
        ),
    ],
}
st.navigation(pages).run()
