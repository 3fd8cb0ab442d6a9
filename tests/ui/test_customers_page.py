"""AppTest: the customers grid page."""

from __future__ import annotations

from comptoir.services import customers
from tests.ui.conftest import texts, type_into


def test_lists_customers_with_count_and_paging(app):
    assert [t.value for t in app.title] == ["Customers"]
    assert "60 customers · page 2 of 2".replace("2 of 2", "1 of 2") in texts(app, "caption")
    assert len(app.dataframe[0].value) == 50
    app.button[1].click().run()  # Next
    assert "60 customers · page 2 of 2" in texts(app, "caption")
    assert len(app.dataframe[0].value) == 10


def test_search_as_you_type_narrows_the_grid(app):
    target = customers.search_customers("", page_size=1).rows[0]
    type_into(app, "grid.term", target["account_number"].lower())
    assert "1 customer · page 1 of 1" in texts(app, "caption")
    assert list(app.dataframe[0].value["account_number"]) == [target["account_number"]]
    type_into(app, "grid.term", "zzzz-nobody")
    assert "No customer matches." in texts(app, "info")


def test_the_grid_is_read_only_until_edit_mode_is_switched_on(app):
    assert app.dataframe[0].editing_mode == "read_only"
    assert app.data_editor == []
    app.toggle(key="grid.edit").set_value(True).run()
    assert app.data_editor[0].editing_mode == "fixed"
    assert list(app.data_editor[0].value.columns[:2]) == ["open", "label"]


def test_rows_ticked_in_the_read_only_grid_print_address_labels(app):
    grid_key = app.dataframe[0].key
    app.session_state[grid_key] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    app.run()
    button = app.button(key="grid.print_labels")
    assert button.label == "Print address labels (2)"
    button.click().run()
    assert not app.exception
    assert "Document: address-labels-2.pdf" in texts(app, "caption")
    # Other rows on screen (a new page): the ticks, by position, do not follow.
    app.button[1].click().run()  # Next
    assert app.dataframe[0].key != grid_key
    assert app.button(key="grid.print_labels").label == "Print address labels (0)"


def test_french_labels_when_language_switched(app):
    app.sidebar.selectbox(key="ui_language_picker").set_value("fr").run()
    assert [t.value for t in app.title] == ["Clients"]
    assert app.selectbox(key="grid.sort").label == "Trier par"
    assert "60 clients · page 1 sur 2" in texts(app, "caption")


def test_open_card_from_the_page(app):
    first = app.dataframe[0].value.iloc[0]
    app.selectbox(key="grid.open_choice").set_value(int(first["id"])).run()
    app.button(key="grid.open_button").click().run()
    assert not app.exception
    stored = customers.get_customer(int(first["id"]))
    assert app.title[0].value == f"{stored['first_name']} {stored['last_name']}"


def test_new_customer_dialog_creates_and_opens_the_card(app):
    new_button = next(b for b in app.button if b.label == "New customer")
    new_button.click().run()
    assert app.text_input(key="new.account_number").value == "C000061"
    app.text_input(key="new.last_name").input("Nouveau").run()
    app.text_input(key="new.email").input("pas-une-adresse").run()
    app.button(key="new.create").click().run()
    assert any("E-mail is not a valid address" in e for e in texts(app, "error"))
    assert customers.search_customers("nouveau").total == 0
    app.text_input(key="new.email").input("nouveau@example.com").run()
    app.button(key="new.create").click().run()
    assert not app.exception
    found = customers.search_customers("nouveau").rows
    assert [r["account_number"] for r in found] == ["C000061"]
    assert app.title[0].value == "Nouveau"
    assert "Customer C000061 created." in texts(app, "toast")
