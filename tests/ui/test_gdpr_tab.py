"""The GDPR tab in AppTest: the subject-access file for a manager, erasure for an
administrator (confirmed by typing the account number), refused with its reason."""

from __future__ import annotations

import zipfile

import pytest

from comptoir.services import customers
from tests.conftest import STAFF
from tests.ui.conftest import open_app, open_tab, texts


@pytest.fixture
def person(shop_db, monkeypatch):
    monkeypatch.setenv("COMPTOIR_SUPPRESSION_KEY", "ui-test-key")
    return customers.create_customer(
        {"last_name": "Effacer", "first_name": "Eva", "email": "eva@example.org"}, STAFF
    )


def _card(username: str, customer_id: int):
    app = open_app(username)
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "GDPR")
    assert not app.exception, app.exception
    return app


def test_a_manager_makes_the_subject_access_file_but_cannot_erase(person):
    app = _card("manager", person)
    app.button(key=f"gdpr.{person}.access").click().run()
    made = app.session_state[f"gdpr.{person}.file"]
    names = zipfile.ZipFile(made.path).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["json", "pdf"]
    assert [b for b in app.get("download_button") if b.proto.id.endswith(f"gdpr.{person}.download")]
    assert not [b for b in app.button if b.key == f"gdpr.{person}.erase"]


def test_an_administrator_erases_after_typing_the_account_number(person):
    number = customers.get_customer(person)["account_number"]
    app = _card("admin", person)
    erase = next(b for b in app.button if b.key == f"gdpr.{person}.erase")
    assert erase.disabled
    app.text_input(key=f"gdpr.{person}.confirm").input(number).run()
    app.button(key=f"gdpr.{person}.erase").click().run()
    assert not app.exception, app.exception
    assert "Customer erased: their sales and invoices remain." in texts(app, "toast")
    assert app.title[0].value == "Data removed"
    open_tab(app, "GDPR")
    assert any(s.startswith("Personal data erased on") for s in texts(app, "info"))
