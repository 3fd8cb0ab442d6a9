"""The GDPR tab's requests: the subject-access file (managers) and erasure (administrators)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from comptoir.logic.auth import Actor, can
from comptoir.services import gdpr
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.downloads import offer_file
from comptoir.ui.session import tr, tr_plain, when


def gdpr_requests(actor: Actor, customer: dict[str, Any]) -> None:
    """Below the consent history: the flags, then what the actor may ask for."""
    customer_id = int(customer["id"])
    base = f"gdpr.{customer_id}"
    ss = st.session_state
    if customer.get("erased_at"):
        st.info(tr("gdpr.erased_on", when=when(customer["erased_at"])))
    elif gdpr.is_suppressed(customer.get("email"), customer.get("mobile")):
        st.warning(tr("gdpr.suppressed_flag"))
    if can(actor.role, "gdpr.access"):
        st.subheader(tr("gdpr.access_title"))
        st.caption(tr("gdpr.access_help"))
        if st.button(tr("gdpr.access"), key=f"{base}.access", icon=":material/folder_zip:"):
            made = attempt(lambda: gdpr.subject_access(actor, customer_id))
            if made is not FAILED:
                ss[f"{base}.file"] = made
        offer_file(f"{base}.file", f"{base}.download", tr("export.download"))
    if can(actor.role, "gdpr.erase") and not customer.get("erased_at"):
        with st.expander(tr("gdpr.erase_title")):
            st.caption(tr("gdpr.erase_help"))
            typed = st.text_input(
                tr("gdpr.erase_confirm", number=customer["account_number"]),
                key=f"{base}.confirm",
            )
            if st.button(
                tr("gdpr.erase_go"),
                key=f"{base}.erase",
                type="primary",
                disabled=typed.strip() != str(customer["account_number"]),
            ):
                done = attempt(
                    lambda: gdpr.erase(actor, customer_id, int(customer["version"])),
                    gone="card.not_found",
                )
                if done is not FAILED:
                    ss.pop(f"{base}.confirm", None)
                    ss["card.flash"] = ("success", tr_plain("gdpr.erased"))
                    st.rerun()
