"""Issue 26 in Chromium against the app as `make run` starts it: a reload keeps the staff
member signed in, in their language (the cookie HttpOnly and SameSite=Strict, nothing
secret in the URL; after sign-out a reload asks to sign in again); on a counter tablet
every card section's tab is in view and the till's basket, its buttons and Close fit;
on a phone the scan box and the running total share the first screen, Close is within
three screens and the sidebar closes after navigating."""

from __future__ import annotations

import re
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
    from comptoir.logic.auth import SYSTEM
    from comptoir.services import customers, products
    from tests.conftest import STAFF

    MADE["id"] = customers.create_customer({"last_name": "Tablette", "first_name": "Iris"}, STAFF)
    for sku, name, price in (
        ("TUBE-700", "Inner tube 700×25c", "6.50"),
        ("LIGHT-1", "Light", "24"),
    ):
        products.save_product(
            SYSTEM, None, None, {"sku": sku, "name": name, "price": price, "tax_rate": "20"}
        )


# Whether an element's text is cut (an ellipsis or overflow): its content is wider than it.
CUT = "e => [e, ...e.querySelectorAll('*')].some(x => x.scrollWidth > x.clientWidth + 1)"


def _scan(page, codes: list[str]) -> None:
    scan = page.get_by_role("textbox", name="Scan or SKU", exact=True)
    scan.click()
    for count, code in enumerate(codes, start=1):
        expect(scan).to_have_value("")  # the last scan's clearing landed
        page.keyboard.type(code)
        acting(page, lambda: page.keyboard.press("Enter"))
        expect(page.get_by_text(re.compile(rf"^Basket: {count} lines? · Total"))).to_be_visible()


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


def test_the_till_fits_a_counter_tablet(reload_app, page):
    """At 1,024 × 768 with the sidebar open the basket is 300 px wide: its table, the line
    buttons and Close show whole (the basket's seven columns and a row of four controls
    were cut)."""
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, f"{reload_app}/sale", "staff")
    expect(page.locator("[data-testid=stSidebar]")).to_be_visible()
    _scan(page, ["TUBE-700", "LIGHT-1", "TUBE-700"])
    basket = page.locator("[data-testid=stTable]").first
    expect(basket.locator("tbody tr")).to_have_count(3)
    assert not basket.evaluate(CUT)
    for name in ("Change", "Remove", "Empty the basket", "Close the sale"):
        button = page.get_by_role("button", name=name, exact=True)
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport()
        assert not button.evaluate(CUT), name
        box = button.bounding_box()
        assert box and box["x"] + box["width"] <= 1024, name


def test_the_till_on_a_phone(reload_app, page):
    """At 390 × 844 the scan box and the running total are on the first screen, Close is
    in a bar at the screen's foot (in view, hiding nothing, closing the sale), and the
    sidebar closes once a page is picked."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, f"{reload_app}/sale", "staff")
    _scan(page, ["TUBE-700", "LIGHT-1"])
    close = page.get_by_role("button", name="Close the sale", exact=True)
    for shown in (
        page.get_by_role("textbox", name="Scan or SKU", exact=True),
        page.get_by_text(re.compile(r"^Basket: 2 lines · Total")),
        close,  # without scrolling, the width of the screen
    ):
        box = shown.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert close.bounding_box()["width"] > 300
    # At the page's end, the last line is above the bar, not under it.
    page.locator("[data-testid=stMain]").evaluate("e => e.scrollTo(0, e.scrollHeight)")
    last = page.get_by_text(re.compile(r"^Payments must add up to")).bounding_box()
    bar = page.locator(".st-key-till-close-bar").bounding_box()
    assert last and bar and last["y"] + last["height"] <= bar["y"] <= 844 - bar["height"]
    page.get_by_role("textbox", name="Cash", exact=True).fill("100")
    acting(page, close.click)  # the cash typed is sent with the click
    expect(page.get_by_text(re.compile(r"^Sale closed: receipt R\d+"))).to_be_visible()
    expect(page.get_by_text("Basket: empty", exact=True)).to_be_visible()
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    page.locator("[data-testid=stExpandSidebarButton]").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    acting(page, lambda: sidebar.get_by_text("Customers", exact=True).click())
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(sidebar).to_have_attribute("data-collapsed", "true")
