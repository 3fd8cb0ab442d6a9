"""AppTest: the customer card."""

from __future__ import annotations

import pytest

from comptoir.logic.records import Edit
from comptoir.services import customers
from tests.conftest import ADMIN, STAFF
from tests.ui.conftest import open_tab, table, texts, type_into


def table_count(app) -> int:
    return len(app.get("table"))


@pytest.fixture
def card(app):
    """The card of a demo customer with a mobile, opened through the URL parameter."""
    target = next(r for r in customers.search_customers("", page_size=60).rows if r["mobile"])
    app.query_params["id"] = str(target["id"])
    app.switch_page("pages/customer_card.py").run()
    assert not app.exception, app.exception
    return app, target["id"]


def key(customer_id: int, name: str, nonce: int = 0) -> str:
    return f"card.{customer_id}.{nonce}.{name}"


def test_card_shows_name_number_and_national_phone(card):
    app, customer_id = card
    stored = customers.get_customer(customer_id)
    assert app.title[0].value == f"{stored['first_name']} {stored['last_name']}"
    assert app.text_input(key=key(customer_id, "account_number")).value == stored["account_number"]
    shown = app.text_input(key=key(customer_id, "mobile")).value
    assert not shown.startswith("+33") or stored["country_code"] != "FR"
    # The sections in six groups (at 1,024 px 13 tabs in one strip hid the open one).
    groups = app.segmented_control(key=f"card.group.{customer_id}")
    assert (groups.value, groups.options) == (
        "customer",
        ["Customer", "Money", "Sales", "Workshop", "Messages", "History"],
    )
    assert [t.label for t in app.tabs] == ["Account information", "General", "GDPR"]
    # The card's own fields are all drawn (their tabs switch in the browser, no run).
    for name in ("first_name", "tax_number"):
        assert app.text_input(key=key(customer_id, name)).value is not None
    assert app.checkbox(key=key(customer_id, "marketing_opt_in")).value is not None
    seen = []
    for group in ("money", "sales", "workshop", "messages", "history"):
        app.segmented_control(key=f"card.group.{customer_id}").set_value(group).run()
        assert not app.exception
        seen += [t.label for t in app.tabs]
    assert seen == [
        "Customer rewards",
        "Account",
        "Gift vouchers",
        "Purchase history",
        "Delivery addresses",
        "Orders and workshop jobs",
        "Serviced items",
        "Service reminders",
        "Messages and communications",
        "History",
    ]


def test_edit_and_save(card):
    app, customer_id = card
    app.text_input(key=key(customer_id, "city")).input("Chamonix").run()
    app.button(key="card.save").click().run()
    assert "Saved." in texts(app, "toast")
    assert customers.get_customer(customer_id)["city"] == "Chamonix"
    # The form now shows the stored values under a fresh key.
    assert app.text_input(key=key(customer_id, "city", 1)).value == "Chamonix"


def test_invalid_email_is_named_and_other_edits_stay(card):
    app, customer_id = card
    before = customers.get_customer(customer_id)
    app.text_input(key=key(customer_id, "first_name")).input("Zoé").run()
    app.text_input(key=key(customer_id, "email")).input("zoe@@example").run()
    app.button(key="card.save").click().run()
    errors = " ".join(texts(app, "error"))
    assert "Not saved" in errors and "E-mail is not a valid address" in errors
    assert app.text_input(key=key(customer_id, "first_name")).value == "Zoé"
    after = customers.get_customer(customer_id)
    assert (after["first_name"], after["version"]) == (before["first_name"], before["version"])


def test_someone_else_saved_first_keeps_my_input(card):
    app, customer_id = card
    app.text_input(key=key(customer_id, "city")).input("Mine").run()
    customers.update_customer(
        customer_id, customers.get_customer(customer_id)["version"], {"city": "Theirs"}, ADMIN
    )
    app.button(key="card.save").click().run()
    assert any("Someone else saved this customer" in w for w in texts(app, "warning"))
    assert app.text_input(key=key(customer_id, "city")).value == "Mine"
    assert customers.get_customer(customer_id)["city"] == "Theirs"
    app.button(key="card.overwrite").click().run()
    assert customers.get_customer(customer_id)["city"] == "Mine"


def test_discount_warning_and_french_decimal(card):
    app, customer_id = card
    customers.update_customer(
        customer_id,
        customers.get_customer(customer_id)["version"],
        {"discount_percent": "0"},
        ADMIN,
    )
    app.run()
    open_tab(app, "General")
    app.text_input(key=key(customer_id, "discount_percent")).input("12,5").run()
    assert any("even items already discounted" in w for w in texts(app, "warning"))


def test_consent_change_is_dated_and_listed(card):
    app, customer_id = card
    opted = customers.get_customer(customer_id)["marketing_opt_in"]
    open_tab(app, "GDPR")
    app.checkbox(key=key(customer_id, "marketing_opt_in")).set_value(not opted).run()
    app.button(key="card.save").click().run()
    history = customers.consent_history(customer_id)
    assert history[0]["marketing_opt_in"] is (not opted)
    assert history[0]["screen"] == "customer_card"
    table = app.dataframe[0].value
    assert table.iloc[0]["Change"] == ("Opted in" if not opted else "Opted out")


def test_archive_and_restore(card):
    app, customer_id = card
    app.button(key="card.archive").click().run()
    assert customers.get_customer(customer_id)["archived"] is True
    assert "Customer archived." in texts(app, "toast")
    assert any("hidden from search" in w for w in texts(app, "warning"))
    app.button(key="card.archive").click().run()
    assert customers.get_customer(customer_id)["archived"] is False


def test_card_in_french(card):
    app, customer_id = card
    app.sidebar.selectbox(key="ui_language_picker").set_value("fr").run()
    assert app.segmented_control(key=f"card.group.{customer_id}").options == [
        "Client",
        "Argent",
        "Ventes",
        "Atelier",
        "Messages",
        "Historique",
    ]
    assert [t.label for t in app.tabs] == ["Information du compte", "Général", "RGPD"]
    assert app.text_input(key=key(customer_id, "last_name")).label == "Nom de famille"


def test_without_a_customer_the_card_offers_a_search(app):
    app.switch_page("pages/customer_card.py").run()
    assert app.title[0].value == "Customer card"
    first = customers.search_customers("", page_size=1).rows[0]
    type_into(app, "picker.term", first["account_number"])
    app.button(key="picker.open").click().run()
    assert app.title[0].value.endswith(first["last_name"])


def test_print_courier_label_offers_the_pdf_and_logs_it(card):
    app, customer_id = card
    app.button(key="card.print_label").click().run()
    assert "No printer is set for this: the PDF is ready." in texts(app, "info")
    number = customers.get_customer(customer_id)["account_number"]
    # The box names its document.
    assert [c for c in texts(app, "caption") if c.startswith("Document: ")] == [
        f"Document: label-{number}.pdf"
    ]
    assert app.get("download_button")
    assert table_count(app) == 0  # the print history is read only when opened
    app.session_state["card.print_history"] = True
    app.run()
    history = table(app, 0)
    assert list(history["Document"]) == ["Courier label"]
    assert list(history["Outcome"]) == ["PDF"]


def test_switching_language_keeps_pick_list_codes_and_unsaved_input(card):
    app, customer_id = card
    stored = customers.get_customer(customer_id)
    app.selectbox(key=key(customer_id, "country_code")).set_value("GB").run()
    app.selectbox(key=key(customer_id, "title")).set_value("dr").run()
    app.text_input(key=key(customer_id, "city")).input("Oxford").run()
    app.sidebar.selectbox(key="ui_language_picker").set_value("fr").run()
    assert not app.exception
    country = app.selectbox(key=key(customer_id, "country_code"))
    assert (country.value, country.format_func(country.value)) == ("GB", "Royaume-Uni")
    assert app.selectbox(key=key(customer_id, "title")).value == "dr"
    assert app.text_input(key=key(customer_id, "city")).value == "Oxford"
    app.text_input(key=key(customer_id, "postcode")).input("OX1 2JD").run()
    app.button(key="card.save").click().run()
    assert texts(app, "error") == []
    saved = customers.get_customer(customer_id)
    assert (saved["country_code"], saved["title"], saved["city"]) == ("GB", "dr", "Oxford")
    assert saved["version"] == stored["version"] + 1


def test_only_the_open_tab_runs_and_switching_tabs_keeps_typed_input(card):
    app, customer_id = card
    assert app.get("metric") == [] and app.table == []  # Account and History did not run
    app.text_input(key=key(customer_id, "city")).input("Megève").run()
    open_tab(app, "General")
    app.text_input(key=key(customer_id, "tax_number")).input("FR00123456789").run()
    open_tab(app, "History")
    assert [b.key for b in app.button if b.key == "card.save"] == []  # Save acts on fields
    open_tab(app, "Account information")
    assert app.text_input(key=key(customer_id, "city")).value == "Megève"
    app.button(key="card.save").click().run()
    saved = customers.get_customer(customer_id)
    assert (saved["city"], saved["tax_number"]) == ("Megève", "FR00123456789")


def test_the_customers_language_is_picked_on_the_card(card):
    app, customer_id = card
    picker = app.selectbox(key=key(customer_id, "language"))
    assert picker.label == "Language"
    assert picker.value == ""  # the shop's until chosen
    assert picker.options == ["— the shop's —", "English", "Français"]
    picker.set_value("en").run()
    app.button(key="card.save").click().run()
    assert "Saved." in texts(app, "toast")
    assert customers.get_customer(customer_id)["language"] == "en"


def test_history_names_changes_to_parts_of_the_card_as_the_card_does(card):
    from comptoir.services import delivery

    app, customer_id = card
    address = delivery.add(
        STAFF,
        customer_id,
        {"name": "Atelier", "address1": "1 rue A", "city": "Annecy", "country_code": "FR"},
    )
    (made,) = [a for a in delivery.addresses(STAFF, customer_id) if a["id"] == address]
    delivery.edit(STAFF, Edit(address, made["version"], {**made, "city": "Lyon"}))
    for lang, expected in (
        ("en", "Delivery address — City: Annecy → Lyon"),
        ("fr", "Adresse de livraison — Ville"),
    ):
        app.session_state["ui_language"] = lang
        app.run()
        open_tab(app, "History" if lang == "en" else "Historique")
        changes = table(app)["Changes" if lang == "en" else "Modifications"].tolist()
        assert expected in changes[0], changes[0]
        assert "delivery." not in " ".join(changes)


def test_tags_on_the_general_tab_saved_tidy_or_named_when_wrong(card):
    app, customer_id = card
    open_tab(app, "General")
    app.text_input(key=key(customer_id, "tags")).input("club ; Gravel,club").run()
    app.button(key="card.save").click().run()
    assert "Saved." in texts(app, "toast")
    assert customers.get_customer(customer_id)["tags"] == "club, Gravel"
    app.text_input(key=key(customer_id, "tags", 1)).input("ok, " + "x" * 41).run()
    app.button(key="card.save").click().run()
    assert any("Tags: the tag" in e and "at most 40 characters" in e for e in texts(app, "error"))
    assert customers.get_customer(customer_id)["tags"] == "club, Gravel"


def test_sms_consent_is_its_own_box_and_named_in_the_history(card):
    app, customer_id = card
    stored = customers.get_customer(customer_id)
    open_tab(app, "GDPR")
    app.checkbox(key=key(customer_id, "sms_opt_in")).set_value(not stored["sms_opt_in"]).run()
    app.button(key="card.save").click().run()
    after = customers.get_customer(customer_id)
    assert after["sms_opt_in"] is (not stored["sms_opt_in"])
    assert after["marketing_opt_in"] is stored["marketing_opt_in"]  # the other channel as it was
    latest = app.dataframe[0].value.iloc[0]
    assert (latest["Channel"], latest["Screen"]) == ("SMS", "Customer card")
