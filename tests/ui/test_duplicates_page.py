"""AppTest: the Duplicates page and the new-customer dialog's hints."""

from __future__ import annotations

from services import customers
from tests.conftest import STAFF
from tests.ui.conftest import open_app, table, texts


def test_the_page_lists_pairs_and_opens_a_card(shop_db):
    first = customers.create_customer({"last_name": "Double", "email": "d@example.org"}, STAFF)
    second = customers.create_customer({"last_name": "Doublet", "email": "D@example.org"}, STAFF)
    app = open_app("manager")
    app.switch_page("pages/duplicates.py").run()
    assert not app.exception, app.exception
    shown = table(app, 0)
    row = shown[shown["Why"] == "same e-mail"]
    assert list(row["Score"]) == ["100"]
    assert list(row["Customer"])[0].endswith("Double")
    labels = app.selectbox(key="duplicates.pick").options
    index = next(i for i, label in enumerate(labels) if "Doublet" in label)
    app.selectbox(key="duplicates.pick").set_value(index).run()
    app.button(key=f"duplicates.open.b.{second}").click().run()
    assert app.title[0].value == "Doublet"
    assert first != second


def test_the_new_customer_dialog_names_a_likely_duplicate(shop_db):
    existing = customers.create_customer(
        {"last_name": "Existant", "email": "existe@example.org"}, STAFF
    )
    app = open_app("staff")
    next(b for b in app.button if b.label == "New customer").click().run()
    app.text_input(key="new.last_name").input("Autre").run()
    app.text_input(key="new.email").input("EXISTE@example.org").run()
    assert "This may be a customer you already have:" in texts(app, "warning")
    assert "C000061 — Existant (same e-mail)" in texts(app, "caption")
    app.button(key=f"new.open_existing.{existing}").click().run()
    assert app.title[0].value == "Existant"
