"""In Chromium: a database that cannot be reached is named in words, with no traceback,
path or password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.data import db
from tests.e2e.conftest import _chromium_or_skip, new_page, running_app
from tests.holders import held_database

pytestmark = pytest.mark.e2e


def _first_alert(browser, base: str):
    page = new_page(browser)
    page.goto(f"{base}/")
    return page.context, page


def test_a_database_held_by_another_program(tmp_path, browser):
    _chromium_or_skip()
    path = tmp_path / "held" / "shop.duckdb"
    with (
        held_database(path) as holder,
        running_app({db.ENV_VAR: str(path)}, tmp_path / "server.log") as base,
    ):
        context, page = _first_alert(browser, base)
        try:
            alert = page.locator("[data-testid=stAlert]").first
            expect(alert).to_contain_text("The shop's database is in use by another program")
            expect(alert).to_contain_text(f"(PID {holder.pid})")
            body = page.locator("body").inner_text()
            assert "Traceback" not in body and str(tmp_path) not in body
        finally:
            context.close()
    assert "incident" in (tmp_path / "server.log").read_text()


@pytest.mark.postgres
def test_a_postgres_server_refusing_the_password(tmp_path, browser, postgres_cluster):
    _chromium_or_skip()
    wrong = postgres_cluster.url().replace(postgres_cluster.password, "Wr0ng-Passw0rd")
    env = {db.URL_ENV: wrong, "COMPTOIR_DB_CONNECT_TIMEOUT": "2"}
    with running_app(env, tmp_path / "server.log") as base:
        context, page = _first_alert(browser, base)
        try:
            alert = page.locator("[data-testid=stAlert]").first
            expect(alert).to_contain_text("The shop's database server does not answer")
            body = page.locator("body").inner_text()
            assert "Traceback" not in body and "Wr0ng-Passw0rd" not in body
        finally:
            context.close()
    assert "Wr0ng-Passw0rd" not in (tmp_path / "server.log").read_text()


def test_a_server_for_a_shop_the_database_does_not_have(tmp_path, browser):
    _chromium_or_skip()
    env = {db.ENV_VAR: str(tmp_path / "shop.duckdb"), "COMPTOIR_SHOP": "lyno"}
    with running_app(env, tmp_path / "server.log") as base:
        context, page = _first_alert(browser, base)
        try:
            alert = page.locator("[data-testid=stAlert]").first
            expect(alert).to_contain_text(
                "This server is set to run for shop LYNO (COMPTOIR_SHOP), which this database"
                " does not have."
            )
            assert page.get_by_role("button", name="Sign in").count() == 0
        finally:
            context.close()
