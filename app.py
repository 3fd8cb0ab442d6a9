"""Comptoir: page config, database start-up and the page router. Nothing else."""

import streamlit as st

from services.bootstrap import prepare_database
from ui.session import language_picker, tr


@st.cache_resource(show_spinner=False)
def _database_ready() -> dict[str, object]:
    return prepare_database()


st.set_page_config(page_title="Comptoir", page_icon="🚲", layout="wide")
_database_ready()
language_picker()

pages = {
    tr("nav.section.shop"): [
        st.Page(
            "pages/customers.py",
            title=tr("nav.customers"),
            icon="👥",
            url_path="customers",
            default=True,
        ),
        st.Page("pages/customer_card.py", title=tr("nav.card"), icon="🪪", url_path="customer"),
    ],
    tr("nav.section.admin"): [
        st.Page("pages/settings.py", title=tr("nav.settings"), icon="⚙️", url_path="settings"),
    ],
}
st.navigation(pages).run()
