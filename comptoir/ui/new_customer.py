"""The "New customer" dialog: the generated account number and the main fields."""

from __future__ import annotations

import streamlit as st

from comptoir.logic.errors import ValidationFailed
from comptoir.operations import clock
from comptoir.services import customers, duplicates, shop
from comptoir.ui.auth import current_actor
from comptoir.ui.card_fields import field_widget
from comptoir.ui.session import show_refusal, tr, tr_plain

DIALOG_FIELDS = (
    "account_number",
    "title",
    "first_name",
    "last_name",
    "company",
    "email",
    "mobile",
    "phone",
    "address1",
    "postcode",
    "city",
    "country_code",
)


OPEN_KEY = "new.open"


def _likely_duplicates(raw: dict) -> None:
    """As the user types: existing customers this one may be, each with why and a way to
    open their card instead."""
    hints = duplicates.similar_to(raw)
    if not hints:
        return
    st.warning(tr("duplicates.hint"))
    for hint in hints:
        line = st.columns([4, 1])
        why = ", ".join(tr_plain(f"duplicates.reason.{r}") for r in hint["reasons"])
        place = " ".join(p for p in (hint["postcode"], hint["city"]) if p)
        line[0].caption(
            tr(
                "duplicates.hint_line" if place else "duplicates.hint_line_nowhere",
                number=hint["account_number"],
                name=" ".join(p for p in (hint["first_name"], hint["last_name"]) if p),
                place=place,
                why=why,
            )
        )
        if line[1].button(tr("customers.open"), key=f"new.open_existing.{hint['id']}"):
            _forget()
            st.session_state["card_id"] = hint["id"]
            st.switch_page("pages/customer_card.py", query_params={"id": str(hint["id"])})


def _forget() -> None:
    for key in [k for k in st.session_state if str(k).startswith("new.")]:
        del st.session_state[key]


def show_new_customer_dialog_if_open() -> None:
    """Keep the dialog open across full reruns until created or dismissed."""
    if st.session_state.get(OPEN_KEY):
        new_customer_dialog()


@st.dialog(" ", width="large", on_dismiss=_forget)
def new_customer_dialog() -> None:
    """Form for a new customer; opens the card once created."""
    ss = st.session_state
    st.subheader(tr("customers.new"))
    settings = shop.get_settings()
    lists = shop.get_lists()
    region = settings.get("default_country", "FR")
    if "new.generated" not in ss:
        ss["new.generated"] = customers.preview_account_number()
    raw = {}
    for position, name in enumerate(DIALOG_FIELDS):
        # Row by row (not column by column): Tab goes First name → Last name.
        if position % 2 == 0:
            columns = st.columns(2)
        default = ss["new.generated"] if name == "account_number" else None
        if name == "country_code":
            default = region
        raw[name] = field_widget(
            name,
            default,
            f"new.{name}",
            lists,
            region,
            clock.local_day(),
            container=columns[position % 2],
        )
    _likely_duplicates(raw)
    if st.button(tr("customers.create"), type="primary", key="new.create"):
        try:
            customer_id = customers.create_customer(
                raw, current_actor(), generated_number=ss["new.generated"]
            )
        except ValidationFailed as exc:
            show_refusal(exc)
            return
        created = customers.get_customer(customer_id)
        _forget()
        ss["card_id"] = customer_id
        ss["card.flash"] = ("success", tr("customers.created", number=created["account_number"]))
        st.switch_page("pages/customer_card.py", query_params={"id": str(customer_id)})
