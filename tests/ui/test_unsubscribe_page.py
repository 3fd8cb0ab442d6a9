"""AppTest: the public unsubscribe page runs without signing in, in the customer's
language; one click withdraws consent; a bad link says so and offers nothing."""

from __future__ import annotations

import pytest

from comptoir.operations import suppression
from comptoir.services import customers
from tests.conftest import STAFF
from tests.ui.conftest import open_app, texts


@pytest.fixture
def linked(shop_db, monkeypatch):
    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    lea = customers.create_customer(
        {"last_name": "Roux", "language": "fr", "marketing_opt_in": True}, STAFF
    )
    return lea, suppression.link(lea).split("t=")[1]


def _page(token: str):
    app = open_app(None)
    app.query_params["t"] = token
    app.switch_page("pages/unsubscribe.py").run()
    assert not app.exception, app.exception
    return app


def test_one_click_without_signing_in(linked):
    lea, token = linked
    app = _page(token)
    assert app.title[0].value == "Messages commerciaux"
    assert not [t for t in app.text_input if t.key == "login.password"]  # no sign-in form
    app.button(key="unsubscribe.confirm").click().run()
    assert texts(app, "success")[0].startswith("C'est fait : ")
    assert customers.get_customer(lea)["marketing_opt_in"] is False


def test_a_bad_link_offers_nothing(linked):
    lea, token = linked
    app = _page(token[:-2])
    assert texts(app, "error")[0].startswith("This link is not valid")
    assert not [b for b in app.button if b.key == "unsubscribe.confirm"]
    assert customers.get_customer(lea)["marketing_opt_in"] is True
