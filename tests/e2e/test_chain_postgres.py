"""Two app servers (two ports, two shops) on one PostgreSQL, in Chromium: each says
which shop it is; an edit saved on one is seen on the other; a concurrent edit of
the same card is refused with the conflict message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.data import db, migrate
from comptoir.operations import context
from comptoir.services import customers, shop
from comptoir.startup import create_demo_accounts
from tests.conftest import ADMIN, application
from tests.e2e.conftest import _chromium_or_skip, acting, new_page, running_app, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def two_servers(postgres_cluster, tmp_path_factory) -> Iterator[tuple[str, str, int]]:
    """Both servers' URLs and a customer, on one fresh PostgreSQL database."""
    _chromium_or_skip()
    url = postgres_cluster.new_database()
    with application(db.PostgresServer(url)):
        try:
            migrate.migrate()
            create_demo_accounts()
            shop.save_settings({"locale": "en_GB"}, [("A", "A")], ADMIN)
            shop.add_shop(
                ADMIN,
                {
                    "shop_code": "LYON",
                    "shop_name": "Comptoir Lyon",
                    "time_zone": "Europe/Paris",
                    "receipt_prefix": "L",
                },
            )
            customer_id = customers.create_customer(
                {"last_name": "Chaîne", "first_name": "Camille", "city": "Annecy"}, ADMIN
            )
            db.close()
            folder = tmp_path_factory.mktemp("chain")
            with (
                running_app({db.URL_ENV: url}, folder / "one.log") as one,
                running_app({db.URL_ENV: url, context.SHOP_ENV: "LYON"}, folder / "two.log") as two,
            ):
                yield one, two, customer_id
        finally:
            db.close()


def _city(page):
    return page.get_by_role("textbox", name="City", exact=True)


def _type_city(page, value: str) -> None:
    _city(page).fill(value)
    acting(page, lambda: _city(page).press("Enter"))


def test_an_edit_on_one_server_shows_on_the_other_and_a_stale_one_is_refused(
    two_servers, browser, page
):
    one, two, customer_id = two_servers
    other = new_page(browser)
    other_context = other.context
    try:
        sign_in(page, f"{one}/customer?id={customer_id}", "staff")
        sign_in(other, f"{two}/customer?id={customer_id}", "manager")
        expect(_city(other)).to_have_value("Annecy")
        expect(page.get_by_text("Shop: Comptoir (MAIN)")).to_be_visible()
        expect(other.get_by_text("Shop: Comptoir Lyon (LYON)")).to_be_visible()

        _type_city(page, "Grenoble")
        acting(page, lambda: page.get_by_role("button", name="Save", exact=True).click())
        expect(page.get_by_text("Saved.")).to_be_visible()

        # The other server, reloaded, reads the same database.
        sign_in(other, f"{two}/customer?id={customer_id}", "manager")
        expect(_city(other)).to_have_value("Grenoble")

        # Both edit; the first save wins, the second is told and keeps its input.
        _type_city(other, "Lyon")
        _type_city(page, "Chambéry")
        acting(page, lambda: page.get_by_role("button", name="Save", exact=True).click())
        expect(page.get_by_text("Saved.")).to_be_visible()
        acting(other, lambda: other.get_by_role("button", name="Save", exact=True).click())
        expect(other.get_by_text("Someone else saved this customer")).to_be_visible()
        expect(_city(other)).to_have_value("Lyon")
        assert customers.get_customer(customer_id)["city"] == "Chambéry"
    finally:
        other_context.close()
