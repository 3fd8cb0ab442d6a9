"""AppTest: the card's Messages and communications tab, Settings' channels, e-mailed receipts."""

from __future__ import annotations

import pytest

from comptoir.services import customers
from devkit.messaging_servers import smtp_server, twilio_server, write_secrets
from tests.ui.conftest import open_tab, table, texts

TAB = "Messages and communications"


@pytest.fixture
def edges(tmp_path, monkeypatch):
    with smtp_server() as (mailbox, smtp_port), twilio_server() as (fake, twilio_port):
        secrets = write_secrets(tmp_path / "secrets.toml", smtp_port, twilio_port)
        monkeypatch.setenv("COMPTOIR_SECRETS", str(secrets))
        yield mailbox, fake


def open_messages(app, customer_id: int):
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, TAB)
    assert not app.exception, app.exception
    return app


def reachable() -> dict:
    return next(
        r for r in customers.search_customers("", page_size=60).rows if r["mobile"] and r["email"]
    )


def test_an_sms_is_sent_from_the_card_and_logged(app, edges):
    _, fake = edges
    target = reachable()
    open_messages(app, target["id"])
    body = app.text_area(key=f"messages.sms.{target['id']}.body")
    body.input("Bonjour, votre vélo est prêt ✔").run()
    assert "30 characters · 1 SMS (UCS-2)" in texts(app, "caption")
    app.button(key=f"messages.sms.{target['id']}.go").click().run()
    assert texts(app, "info") == [f"Sent to {target['mobile']}."]
    (request,) = fake.requests
    assert (request["To"], request["Body"]) == (target["mobile"], "Bonjour, votre vélo est prêt ✔")
    log = table(app)
    assert log["Channel"].tolist() == ["SMS"]
    assert log["Status"].tolist() == ["Sent"]
    assert log["Message"].tolist() == ["Bonjour, votre vélo est prêt ✔"]
    # The form is empty again; a rerun sends nothing more.
    assert app.text_area(key=f"messages.sms.{target['id']}.body").value == ""
    app.run()
    assert len(fake.requests) == 1


def test_an_email_and_a_note_show_in_the_log_as_typed(app, edges):
    mailbox, _ = edges
    target = reachable()
    open_messages(app, target["id"])
    app.text_input(key=f"messages.email.{target['id']}.subject").input("Rappel").run()
    app.text_area(key=f"messages.email.{target['id']}.body").input("Révision **samedi**").run()
    app.button(key=f"messages.email.{target['id']}.go").click().run()
    assert texts(app, "info") == [f"Sent to {target['email']}."]
    assert mailbox.wait_for(1)[0][1] == [target["email"]]
    app.text_area(key=f"messages.note.{target['id']}.body").input("Client _pressé_ <b>").run()
    app.button(key=f"messages.note.{target['id']}.go").click().run()
    assert texts(app, "info") == ["Note added."]
    log = table(app)
    assert log["Message"].tolist() == ["Client _pressé_ <b>", "Révision **samedi**"]
    assert log["Status"].tolist() == ["Noted", "Sent"]


def test_an_unconfigured_channel_says_what_to_configure(app, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPTOIR_SECRETS", str(tmp_path / "missing.toml"))
    target = reachable()
    open_messages(app, target["id"])
    warnings = texts(app, "warning")
    assert any(w.startswith("E-mail is not configured: add an [smtp] section") for w in warnings)
    assert any(w.startswith("SMS is not configured: add a [twilio] section") for w in warnings)
    app.switch_page("pages/settings.py").run()
    assert "E-mail: not configured (see .streamlit/secrets.example.toml)." in texts(app, "warning")


def test_settings_send_a_test_sms(app, edges):
    _, fake = edges
    app.switch_page("pages/settings.py").run()
    assert "SMS: configured." in texts(app, "success")
    app.text_input(key="settings.test_to").input("06 11 22 33 44").run()
    app.button(key="settings.send_test").click().run()
    assert "Sent to +33611223344." in texts(app, "success")
    assert fake.requests[0]["To"] == "+33611223344"
    assert fake.requests[0]["Body"] == (  # in the shop's language (the demo shop: French)
        "Cycles du Comptoir : message de test de Comptoir. L'e-mail et le SMS fonctionnent."
    )


def test_messages_tab_in_french(app, edges):
    app.sidebar.selectbox(key="ui_language_picker").set_value("fr").run()
    target = reachable()
    app.query_params["id"] = str(target["id"])
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Messages et communications")
    assert app.button(key=f"messages.sms.{target['id']}.go").label == "Envoyer"
    assert "Aucun message ni note pour l'instant." in texts(app, "caption")


def test_check_for_replies_and_file_a_stranger_on_this_customer(app, edges):
    _, fake = edges
    target = reachable()
    fake.inbound = [
        ("SM" + "d" * 32, target["mobile"], "OK merci", "Mon, 30 Nov 2026 08:00:00 +0000"),
        (
            "SM" + "e" * 32,
            "+33688888888",
            "C'est Paul, nouveau numéro",
            "Mon, 30 Nov 2026 08:01:00 +0000",
        ),
    ]
    open_messages(app, target["id"])
    app.button(key="messages.check").click().run()
    assert texts(app, "info") == [
        "Replies: 1 filed on their customer, 1 from unknown numbers, 0 STOP."
    ]
    assert table(app)["Message"].tolist() == ["OK merci"]
    app.button(key="messages.attach").click().run()
    assert texts(app, "info") == ["Reply filed on this customer."]
    assert table(app)["Message"].tolist() == ["C'est Paul, nouveau numéro", "OK merci"]


def test_a_template_fills_the_sms_and_settings_edit_it(app, edges):
    target = reachable()
    app.switch_page("pages/settings.py").run()
    app.selectbox(key="settings.template.code").set_value("bike_ready").run()
    app.selectbox(key="settings.template.language").set_value("fr").run()
    body_key = "settings.template.0.bike_ready.fr.body"
    app.text_area(key=body_key).input("Salut {first_name} : vélo prêt chez {shop_name}.").run()
    app.button(key="settings.template.save").click().run()
    assert "Template saved." in texts(app, "toast")
    open_messages(app, target["id"])
    app.selectbox(key=f"messages.sms.{target['id']}.template").set_value("bike_ready").run()
    first = customers.get_customer(target["id"])["first_name"] or target["last_name"]
    assert app.text_area(key=f"messages.sms.{target['id']}.body").value == (
        f"Salut {first} : vélo prêt chez Cycles du Comptoir."
    )


def test_message_a_selection_from_the_customers_grid(shop_db, edges):
    from comptoir.services import shop
    from tests.conftest import ADMIN
    from tests.ui.conftest import open_app

    _, fake = edges
    levels = [(p["code"], p["name"]) for p in shop.get_lists().price_levels]
    shop.save_settings({"messages_per_minute": "600"}, levels, ADMIN)  # 0.1 s apart
    manager = open_app("manager")
    rows = customers.search_customers("", page_size=50).rows
    grid_key = manager.dataframe[0].key
    manager.session_state[grid_key] = {"selection": {"rows": [0, 1, 2], "columns": [], "cells": []}}
    manager.run()
    manager.radio(key="bulk.kind").set_value("service").run()
    manager.selectbox(key="bulk.channel").set_value("sms").run()
    with_mobile = [r for r in rows[:3] if r["mobile"]]
    assert f"**{len(with_mobile)}** will receive it." in [m.value for m in manager.markdown]
    manager.button(key="bulk.send").click().run()
    assert not manager.exception
    assert sorted(r["To"] for r in fake.requests) == sorted(r["mobile"] for r in with_mobile)
    shown = table(manager)
    assert shown["Status"].tolist() == ["Sent"] * len(with_mobile)
    # The same batch again (a rerun) sends nobody twice.
    manager.run()
    assert len(fake.requests) == len(with_mobile)


def test_send_sms_and_e_mail_sit_by_the_contact_fields_of_account_information(app, edges):
    mailbox, fake = edges
    target = reachable()
    app.query_params["id"] = str(target["id"])
    app.switch_page("pages/customer_card.py").run()  # Account information opens first
    assert not app.exception, app.exception
    labels = [p.proto.popover.label for p in app.get("popover")]
    assert "Send e-mail" in labels and "Send SMS" in labels
    app.text_area(key=f"messages.sms.{target['id']}.body").input("Your bike is ready").run()
    app.button(key=f"messages.sms.{target['id']}.go").click().run()
    assert texts(app, "info") == [f"Sent to {target['mobile']}."]
    (request,) = fake.requests
    assert (request["To"], request["Body"]) == (target["mobile"], "Your bike is ready")
    # Still on Account information, the card's fields as they were.
    assert app.text_input(key=f"card.{target['id']}.0.city").value == target["city"]
