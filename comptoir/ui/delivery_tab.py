"""The card's Delivery addresses tab: the list, the billing address copied, add, edit,
remove, and a courier label to a chosen address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from comptoir.i18n import country_options
from comptoir.logic.auth import Actor
from comptoir.logic.records import Edit
from comptoir.services import delivery, shop
from comptoir.ui.actions import FAILED, attempt, refused
from comptoir.ui.notices import confirmed
from comptoir.ui.picks import forget_gone, pick
from comptoir.ui.printing import keep, show_kept
from comptoir.ui.session import language, tr, tr_plain
from comptoir.ui.text import literal_table

TEXT_FIELDS = ("name", "company", "address1", "address2", "city", "region", "postcode", "phone")


def _fields(prefix: str, current: dict[str, Any] | None) -> dict[str, object]:
    """The address's boxes (seeded with current), as typed."""
    lang = language()
    values = current or {}
    columns = st.columns(3)
    raw: dict[str, object] = {
        name: columns[i % 3].text_input(
            tr(f"field.{name}"), values.get(name) or "", key=f"{prefix}.{name}"
        )
        for i, name in enumerate(TEXT_FIELDS)
    }
    countries = dict(country_options(lang))
    chosen = values.get("country_code") or shop.get_settings().get("default_country", "FR")
    codes = list(countries)
    raw["country_code"] = columns[2].selectbox(
        tr("field.country_code"),
        codes,
        index=codes.index(chosen) if chosen in codes else 0,
        format_func=countries.get,
        key=f"{prefix}.country_code",
    )
    return raw


def _one_line(address: dict[str, Any]) -> str:
    parts = (address["name"], address["address1"], address["postcode"], address["city"])
    return ", ".join(str(p) for p in parts if p)


def delivery_tab(actor: Actor, customer: dict[str, Any]) -> None:
    """Delivery addresses, default first; actions on the one chosen."""
    customer_id = int(customer["id"])
    base = f"delivery.{customer_id}"
    ss = st.session_state
    confirmed(f"{base}.flash")
    has_billing = bool(customer["address1"] and customer["city"])
    top = st.columns([2, 1])
    if top[0].button(
        tr("delivery.add_billing"),
        key=f"{base}.billing",
        disabled=not has_billing,
        help=None if has_billing else tr("card.label_needs_address"),
        icon=":material/content_copy:",
    ) and not refused(lambda: delivery.add_billing(actor, customer_id)):
        ss[f"{base}.flash"] = tr("delivery.added")
        st.rerun()
    nonce = ss.setdefault(f"{base}.nonce", 0)
    with top[1].popover(tr("delivery.add"), icon=":material/add_location:"):
        raw = _fields(f"{base}.new.{nonce}", None)
        if st.button(tr("workshop.add"), key=f"{base}.new.go") and not refused(
            lambda: delivery.add(actor, customer_id, raw)
        ):
            ss[f"{base}.nonce"] = nonce + 1
            ss[f"{base}.flash"] = tr("delivery.added")
            st.rerun()
    rows = delivery.addresses(actor, customer_id)
    if not rows:
        st.caption(tr("delivery.none"))
        return
    literal_table(
        [
            {
                tr("field.name"): r["name"] or "",
                tr("field.address1"): " ".join(p for p in (r["address1"], r["address2"]) if p),
                tr("field.postcode"): r["postcode"] or "",
                tr("field.city"): r["city"],
                tr("field.country_code"): r["country_code"],
                tr("field.phone"): r["phone"] or "",
                tr("delivery.source"): tr_plain(f"delivery.source.{r['source']}"),
                tr("delivery.default"): "✓" if r["is_default"] else "",
            }
            for r in rows
        ]
    )
    picked = pick(tr("delivery.choose"), rows, _one_line, f"{base}.chosen")
    if picked is None:
        return
    chosen = picked.row
    if chosen is None:  # removed by someone else since it was shown: nothing acts on it
        st.warning(tr("delivery.gone"))
        forget_gone(f"{base}.chosen")
        return

    def act(action: Callable[[], object]) -> object:
        """The action on the address as it was shown; refused, in words, if it changed."""
        return attempt(action, gone="delivery.gone", changed="delivery.changed")

    with st.expander(tr("delivery.edit")):
        raw = _fields(f"{base}.edit.{chosen['id']}.{chosen['version']}", chosen)
        raw["is_default"] = st.checkbox(
            tr("delivery.make_default"),
            chosen["is_default"],
            key=f"{base}.edit.{chosen['id']}.{chosen['version']}.default",
        )
        if (
            st.button(tr("card.save"), key=f"{base}.edit.go")
            and act(lambda: delivery.edit(actor, Edit(chosen["id"], picked.version, raw)))
            is not FAILED
        ):
            ss[f"{base}.flash"] = tr("card.saved")
            st.rerun()
    actions = st.columns(2)
    if actions[0].button(
        tr("delivery.print_label"), key=f"{base}.label", icon=":material/local_shipping:"
    ):
        made = act(lambda: delivery.print_label(actor, customer_id, chosen["id"]))
        if made is not FAILED:
            keep(made, f"{base}.label.outcome")
    if (
        actions[1].button(tr("delivery.remove"), key=f"{base}.remove", icon=":material/delete:")
        and act(lambda: delivery.remove(actor, chosen["id"], picked.version)) is not FAILED
    ):
        ss[f"{base}.flash"] = tr("delivery.removed")
        st.rerun()
    show_kept(f"{base}.label.outcome")
