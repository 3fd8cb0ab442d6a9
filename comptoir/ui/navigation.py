"""The app's pages, and which a role sees in the navigation."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from comptoir.logic.auth import can
from comptoir.ui.session import tr


@dataclass(frozen=True)
class PageSpec:
    """One screen: its script, title, icon, URL and the permission it needs."""

    section: str
    script: str
    title: str
    icon: str
    url: str
    permission: str


PAGES = (
    PageSpec(
        "nav.section.shop",
        "pages/customers.py",
        "nav.customers",
        "groups",
        "customers",
        "customers.view",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/customer_card.py",
        "nav.card",
        "badge",
        "customer",
        "customers.view",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/new_sale.py",
        "nav.new_sale",
        "point_of_sale",
        "sale",
        "sales.record",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/workshop.py",
        "nav.workshop",
        "pedal_bike",
        "workshop",
        "workshop.view",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/products.py",
        "nav.products",
        "inventory_2",
        "products",
        "products.view",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/balances.py",
        "nav.balances",
        "account_balance_wallet",
        "balances",
        "accounts.balances",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/insights.py",
        "nav.insights",
        "insights",
        "insights",
        "insights.view",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/vouchers.py",
        "nav.vouchers",
        "redeem",
        "vouchers",
        "vouchers.manage",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/duplicates.py",
        "nav.duplicates",
        "join_inner",
        "duplicates",
        "duplicates.view",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/import_customers.py",
        "nav.import",
        "upload_file",
        "import",
        "customers.import",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/import_openings.py",
        "nav.openings",
        "account_balance",
        "openings",
        "customers.import",
    ),
    PageSpec(
        "nav.section.shop",
        "pages/export.py",
        "nav.export",
        "download",
        "export",
        "customers.export",
    ),
    PageSpec(
        "nav.section.admin",
        "pages/settings.py",
        "nav.settings",
        "settings",
        "settings",
        "settings.edit",
    ),
    PageSpec(
        "nav.section.admin",
        "pages/staff_admin.py",
        "nav.staff",
        "manage_accounts",
        "staff",
        "staff.manage",
    ),
    PageSpec(
        "nav.section.admin", "pages/audit_log.py", "nav.audit", "history", "audit", "audit.view"
    ),
    PageSpec(
        "nav.section.admin",
        "pages/system.py",
        "nav.system",
        "monitor_heart",
        "system",
        "system.view",
    ),
)
DEFAULT = "pages/customers.py"
# Pages anyone may open without signing in (app.py runs them before the sign-in gate).
PUBLIC = {"unsubscribe": "pages/unsubscribe.py"}


def visible_scripts(role: str | None) -> list[str]:
    """The pages a role sees in the navigation."""
    return [p.script for p in PAGES if can(role, p.permission)]


def navigation(role: str | None) -> dict[str, list[st.Page]]:
    """Every page, by section; the ones the role may not use are hidden.

    Hidden pages stay routable so a typed URL reaches the page, which then
    refuses clearly (and the services refuse too).
    """
    visible = set(visible_scripts(role))
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        sections.setdefault(tr(spec.section), []).append(
            st.Page(
                spec.script,
                title=tr(spec.title),
                icon=f":material/{spec.icon}:",
                url_path=spec.url,
                default=spec.script == DEFAULT,
                visibility="visible" if spec.script in visible else "hidden",
            )
        )
    for url, script in PUBLIC.items():
        sections.setdefault(tr(PAGES[0].section), []).append(
            st.Page(script, title=tr(f"nav.{url}"), url_path=url, visibility="hidden")
        )
    return sections


# On a phone the sidebar covers the page: once a page is picked in it, close it (Streamlit
# leaves it open). Narrow is below Streamlit's own breakpoint for the mobile layout.
_CLOSE_AFTER_PICK = """<script>
if (!window.comptoirClosesSidebar) {
  window.comptoirClosesSidebar = true;
  document.addEventListener("click", (event) => {
    if (window.innerWidth >= 768 || !event.target.closest("[data-testid=stSidebarNav] a")) {
      return;
    }
    const close = document.querySelector("[data-testid=stSidebarCollapseButton] button");
    if (close) { setTimeout(() => close.click(), 0); }
  }, true);
}
</script>"""


def close_sidebar_after_pick() -> None:
    """On a narrow screen the sidebar closes once a page is picked in it."""
    st.sidebar.html(_CLOSE_AFTER_PICK, unsafe_allow_javascript=True)
