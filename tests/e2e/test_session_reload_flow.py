"""Issue 26 in Chromium against the app as `make run` starts it: a reload keeps the staff
member signed in, in their language (the cookie HttpOnly and SameSite=Strict, nothing
secret in the URL; after sign-out a reload asks to sign in again); on a counter tablet
every card section's tab is in view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.i18n.catalog import t
from comptoir.ui.card_sections import GROUPS
from tests.e2e.conftest import PASSWORDS, acting, open_tab, prepared_app, settle, sign_in
from tests.e2e.test_customers_flow import choose

pytestmark = pytest.mark.e2e
COOKIE = "comptoir_session"
MADE: dict[str, int] = {}


def _customer() -> None:
    from comptoir.services import customers
    from tests.conftest import STAFF

    MADE["id"] = customers.create_customer({"last_name": "Tablette", "first_name": "Iris"}, STAFF)


@pytest.fixture(scope="module")
def reload_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("reload"), 5, _customer) as base:
        yield base


def test_a_reload_keeps_the_sign_in_and_the_language_until_sign_out(reload_app, page):
    page.goto(f"{reload_app}/")
    page.get_by_role("textbox", name="Username", exact=True).wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Username", exact=True).fill("manager")
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORDS["manager"])
    button = page.get_by_role("button", name="Sign in")
    # The browser trades its one-time code for the cookie right after the sign-in.
    with page.expect_response(lambda r: r.url.endswith("/_comptoir/session")) as traded:
        acting(page, button.click)
    assert traded.value.status == 204
    [cookie] = [c for c in page.context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.url
    choose(page, "Language / Langue", "Français")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.reload()
    settle(page)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("textbox", name="Identifiant", exact=True)).to_have_count(0)

    acting(page, lambda: page.get_by_role("button", name="Se déconnecter").click())
    page.reload()
    settle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_on_a_counter_tablet_every_card_section_is_in_view(reload_app, page):
    """At 1,024 × 768 with the sidebar open, each group's tabs fit the card's width: the
    open section's tab is never scrolled out of the strip (13 tabs in one strip were)."""
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, f"{reload_app}/customer?id={MADE['id']}", "staff")
    expect(page.locator("[data-testid=stSidebar]")).to_be_visible()
    for codes in GROUPS.values():
        for code in codes:
            open_tab(page, t(f"card.tab.{code}", "en"))
            tab = page.get_by_role("tab", name=t(f"card.tab.{code}", "en"), exact=True)
            strip = page.get_by_role("tablist").first
            box, within = tab.bounding_box(), strip.bounding_box()
            assert box and within
            assert (
                within["x"] <= box["x"] and box["x"] + box["width"] <= within["x"] + within["width"]
            ), code
            assert box["x"] + box["width"] <= 1024, code
