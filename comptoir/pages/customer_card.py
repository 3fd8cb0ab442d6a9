"""Customer card: header, Account information, General and GDPR tabs."""

import streamlit as st

from comptoir.i18n import format_date
from comptoir.logic.errors import NotFound, StaleRecord, ValidationFailed
from comptoir.operations import clock
from comptoir.services import customers, merges, printing, shop
from comptoir.ui.account_tab import account_tab
from comptoir.ui.auth import guard_fragment, require_page
from comptoir.ui.card_fields import field_widget
from comptoir.ui.card_sections import EDITABLE, GROUP_OF, GROUPS, IN_BROWSER, TABS
from comptoir.ui.customer_picker import customer_picker
from comptoir.ui.delivery_tab import delivery_tab
from comptoir.ui.errors import guarded_fragment
from comptoir.ui.gdpr_panel import gdpr_requests
from comptoir.ui.history import history_table
from comptoir.ui.messages_tab import messages_tab, send_buttons, sent_flash
from comptoir.ui.notices import confirmed
from comptoir.ui.params import query_id
from comptoir.ui.printing import keep, show_history, show_kept
from comptoir.ui.sale_view import history_tab as purchase_history
from comptoir.ui.session import labelled, language, show_refusal, tr, when, worded
from comptoir.ui.text import literal_table, md
from comptoir.ui.vouchers_rewards_tabs import rewards_tab, vouchers_tab
from comptoir.ui.workshop_tabs import items_tab, orders_tab, reminders_tab

ACCOUNT_FIELDS = {
    "card.section.basic": ("account_number", "title", "first_name", "last_name"),
    "card.section.contact": (
        "postcode",
        "company",
        "phone",
        "mobile",
        "fax",
        "email",
        "contact_preference",
        "language",
    ),
    "card.section.address": ("address1", "address2", "city", "region", "country_code"),
}
GENERAL_FIELDS = (
    "date_of_birth",
    "gender",
    "tax_exempt",
    "tax_number",
    "price_level",
    "discount_percent",
    "tags",
    "notes",
)

actor = require_page("customers.view")
ss = st.session_state
lang = language()
settings = shop.get_settings()
region = settings.get("default_country", "FR")

linked, bad_link = query_id("id")
if bad_link:  # an odd link lands on the picker, saying so
    del st.query_params["id"]
    ss.pop("card_id", None)
    st.warning(tr("card.bad_link"))
elif linked is not None:
    ss["card_id"] = linked
customer_id = ss.get("card_id")

if st.button(tr("card.back"), key="card.back"):
    st.switch_page("pages/customers.py")

if customer_id is None:
    st.title(tr("card.title"))
    picked = customer_picker()
    if picked is not None:
        ss["card_id"] = picked
        st.query_params["id"] = str(picked)
        st.rerun()
    st.stop()

try:
    customer = customers.get_customer(customer_id)
except NotFound:
    typed = ss.get(f"card.draft.{customer_id}.{ss.get(f'card.nonce.{customer_id}', 0)}")
    if typed:  # removed while open (an import undone): what was typed, to copy
        st.error(tr("card.removed_meanwhile"))
        literal_table(
            [
                {tr("card.field"): tr(f"field.{name}"), tr("card.value"): value}
                for name, value in typed.items()
                if value not in (None, "", False)
            ]
        )
    else:
        st.error(tr("card.not_found"))
    ss.pop("card_id", None)
    st.stop()
st.query_params["id"] = str(customer_id)

lists = shop.get_lists()
today = clock.local_day()
nonce = ss.setdefault(f"card.nonce.{customer_id}", 0)
# The version the user's edits are based on; kept across reruns until saved.
base_version = ss.setdefault(f"card.base.{customer_id}.{nonce}", customer["version"])


def key(name: str) -> str:
    return f"card.{customer_id}.{nonce}.{name}"


full_name = " ".join(p for p in (customer["first_name"], customer["last_name"]) if p)
st.title(md(full_name))
st.caption(
    labelled(tr("field.account_number"), f"**{md(customer['account_number'])}**")
    + (f" · {md(customer['company'])}" if customer["company"] else "")
)
confirmed("card.flash")
went = merges.merged_into(customer_id) if customer["merged_into"] else None
if went:
    st.info(
        tr("merge.merged_banner", survivor=went["account_number"], when=when(went["merged_at"]))
    )
    if st.button(
        tr("merge.open_survivor", survivor=went["account_number"]), key="card.open_survivor"
    ):
        ss["card_id"] = went["id"]
        st.switch_page("pages/customer_card.py", query_params={"id": str(went["id"])})
elif customer["archived"]:
    st.warning(tr("card.archived_banner", when=when(customer["archived_at"])))

has_address = bool(customer["address1"] or customer["city"])
if st.button(
    tr("card.print_label"),
    key="card.print_label",
    icon=":material/local_shipping:",
    disabled=not has_address,
    help=None if has_address else tr("card.label_needs_address"),
):
    keep(printing.print_courier_label(actor, customer_id), f"card.label.{customer_id}")
show_kept(f"card.label.{customer_id}")
print_jobs = st.expander(tr("printing.history"), key="card.print_history", on_change="rerun")
if print_jobs.open:  # read only when opened
    with print_jobs:
        show_history(f"customer:{customer_id}")

# The sections in groups (ui/card_sections.py): the card's own fields all drawn and
# switched in the browser; in the other groups only the open tab runs (its ledger,
# history or sales queries included). What the user typed is kept in a draft, so
# switching groups or the language loses nothing.
tab_labels = {code: tr(f"card.tab.{code}") for code in TABS}
tab_state = f"card.tab.{customer_id}"


@guarded_fragment
def tabs_and_actions() -> None:
    """The sections, Save and Archive: a section switch or an edit reruns only this part."""
    guard_fragment("customers.view")
    group = st.segmented_control(
        tr("card.sections"),
        list(GROUPS),
        required=True,
        default=GROUP_OF[ss.get(tab_state, "account")],
        format_func=worded("card.group"),
        key=f"card.group.{customer_id}",
        label_visibility="collapsed",
    )
    group = group or GROUP_OF[ss.get(tab_state, "account")]
    codes = GROUPS[group]
    # Per language: a lazy group's tabs are a widget whose value is a label.
    tabs_key = f"card.tabs.{group}.{lang}"
    if group in IN_BROWSER:
        # Every section of the group drawn, the tab switched in the browser: no run.
        tabs = dict(zip(codes, st.tabs([tab_labels[c] for c in codes], key=tabs_key), strict=True))
        drawn = codes
        ss[tab_state] = codes[0]
    else:
        # The default opens the section last seen (after a language switch, a new widget)
        # and stays the same while the widget lives: a default that changed with each
        # switch would make Streamlit take the tabs for a new widget and snap back to it.
        default_key = f"card.tabs_default.{customer_id}.{group}.{lang}"
        if tabs_key not in ss or default_key not in ss:
            seen = ss.get(tab_state, "account")
            ss[default_key] = tab_labels[seen if seen in codes else codes[0]]
        tab_list = st.tabs(
            [tab_labels[c] for c in codes],
            key=tabs_key,
            on_change="rerun",
            default=ss[default_key],
        )
        tabs = dict(zip(codes, tab_list, strict=True))
        open_code = next((code for code, tab in tabs.items() if tab.open), codes[0])
        ss[tab_state] = open_code
        drawn = (open_code,)
    draft: dict[str, object] = ss.setdefault(f"card.draft.{customer_id}.{nonce}", {})

    def card_field(name: str, container=st) -> None:
        """One editable field, seeded from the draft when the user already typed in it."""
        widget_key = key(name)
        if name in draft and widget_key not in ss:
            ss[widget_key] = draft[name]
        draft[name] = field_widget(
            name, customer[name], widget_key, lists, region, today, container=container
        )

    if "account" in drawn:
        with tabs["account"]:
            for section, names in ACCOUNT_FIELDS.items():
                st.subheader(tr(section))
                for position, name in enumerate(names):
                    if position % 2 == 0:  # row by row: Tab goes along a row, then down
                        columns = st.columns(2)
                    card_field(name, columns[position % 2])
                if section == "card.section.contact":
                    # Where the reference POS puts them: by the e-mail address and mobile.
                    sent_flash()
                    send_buttons(actor, customer, list(st.columns(2)))
    if "general" in drawn:
        with tabs["general"]:
            for position, name in enumerate(GENERAL_FIELDS):
                if position % 2 == 0 and name != "notes":
                    columns = st.columns(2)
                card_field(name, st if name == "notes" else columns[position % 2])
            if customers.discount_warning(customer["discount_percent"], draft["discount_percent"]):
                st.warning(tr("card.discount_warning"))
    if "gdpr" in drawn:
        with tabs["gdpr"]:
            for flag in ("marketing_opt_in", "sms_opt_in"):
                card_field(flag)
                if customer[f"{flag}_at"]:
                    st.caption(labelled(tr(f"field.{flag}_at"), md(when(customer[f"{flag}_at"]))))
            st.subheader(tr("card.consent_history"))
            history = customers.consent_history(customer_id)
            if not history:
                st.caption(tr("card.consent_none"))
            else:
                st.dataframe(
                    [
                        {
                            tr("card.consent_change"): tr(
                                "card.consent_on" if h["marketing_opt_in"] else "card.consent_off"
                            ),
                            tr("card.consent_channel"): tr(
                                f"card.consent_channel.{h['channel'] or 'both'}"
                            ),
                            tr("card.consent_when"): when(h["changed_at"]),
                            tr("card.consent_screen"): tr(f"screen.{h['screen']}"),
                            tr("card.consent_by"): h["changed_by"] or "",
                            tr("card.consent_source"): h["source"] or "",
                            tr("card.consent_source_at"): when(h["source_at"])
                            if h["source_at"]
                            else "",
                        }
                        for h in history
                    ],
                    hide_index=True,
                    width="stretch",
                )
            gdpr_requests(actor, customer)
    currency = settings.get("currency", "EUR")
    # The tabs that draw a section of their own (only the open one runs).
    sections = {
        "credit": lambda: account_tab(actor, customer_id, currency, customer["email"]),
        "rewards": lambda: rewards_tab(actor, customer, currency),
        "delivery": lambda: delivery_tab(actor, customer),
        "vouchers": lambda: vouchers_tab(actor, customer, currency),
        "orders": lambda: orders_tab(actor, customer, currency),
        "items": lambda: items_tab(actor, customer),
        "reminders": lambda: reminders_tab(actor, customer),
        "sales": lambda: purchase_history(actor, customer_id, currency),
        "messages": lambda: messages_tab(actor, customer),
        "history": lambda: history_table(actor, customer_id),
    }
    for code in drawn:
        if code in sections:
            with tabs[code]:
                sections[code]()
    raw = dict(draft)

    def _save(version: int) -> None:
        try:
            new_version = customers.update_customer(customer_id, version, raw, actor)
        except ValidationFailed as exc:
            if not any(e.code == "customer_merged" for e in exc.errors):
                st.error(tr("card.fix_errors"))
            show_refusal(exc)
            return
        except StaleRecord:
            ss[f"card.stale.{customer_id}"] = True
            st.rerun()
        except NotFound:
            # Removed meanwhile (an import undone): nothing written; the fields above
            # still hold what was typed, to copy.
            st.error(tr("card.removed_meanwhile"))
            return
        ss.pop(f"card.stale.{customer_id}", None)
        ss[f"card.nonce.{customer_id}"] = nonce + 1
        ss["card.flash"] = (
            "success",
            tr("card.saved") if new_version != version else tr("card.nothing_changed"),
        )
        st.rerun()

    if not set(drawn) & set(EDITABLE):
        return  # Save and Archive act on the card's fields: shown where those are
    st.divider()
    if ss.get(f"card.stale.{customer_id}"):
        st.warning(tr("card.stale", when=when(customer["updated_at"])))
        choice = st.columns([1.2, 1.2, 4])
        if choice[0].button(tr("card.overwrite"), key="card.overwrite", type="primary"):
            _save(customer["version"])
        if choice[1].button(tr("card.reload"), key="card.reload"):
            ss.pop(f"card.stale.{customer_id}", None)
            ss[f"card.nonce.{customer_id}"] = nonce + 1
            st.rerun()
    actions = st.columns([1, 1.4, 4])
    if actions[0].button(tr("card.save"), type="primary", key="card.save"):
        _save(base_version)
    archive_label = tr("card.restore") if customer["archived"] else tr("card.archive")
    if actions[1].button(archive_label, key="card.archive"):
        try:
            customers.set_archived(
                customer_id, customer["version"], not customer["archived"], actor
            )
        except StaleRecord:
            ss[f"card.stale.{customer_id}"] = True
        else:
            ss[f"card.nonce.{customer_id}"] = nonce + 1
            ss["card.flash"] = (
                "success",
                tr("card.restored_done" if customer["archived"] else "card.archived_done"),
            )
        st.rerun()
    st.caption(
        labelled(tr("field.created_at"), md(format_date(customer["created_at"], lang)))
        + " · "
        + labelled(tr("field.updated_at"), md(when(customer["updated_at"])))
    )


tabs_and_actions()
