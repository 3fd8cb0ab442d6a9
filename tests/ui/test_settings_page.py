"""AppTest: the settings page."""

from __future__ import annotations

from comptoir.services import shop
from tests.ui.conftest import texts


def test_settings_are_saved(app):
    app.switch_page("pages/settings.py").run()
    assert app.title[0].value == "Settings"
    app.text_input(key="settings.0.shop_name").input("Vélos & Co").run()
    app.text_input(key="settings.0.prefix").input("VC-").run()
    app.selectbox(key="settings.0.default_country").set_value("GB").run()
    app.selectbox(key="settings.0.currency").set_value("GBP").run()
    app.button(key="settings.save").click().run()
    assert "Settings saved." in texts(app, "toast")
    stored = shop.get_settings()
    assert (
        stored["shop_name"],
        stored["account_prefix"],
        stored["default_country"],
        stored["currency"],
    ) == ("Vélos & Co", "VC-", "GB", "GBP")
    assert any("VC-000061" in c for c in texts(app, "caption"))


def test_bad_settings_are_named_and_not_stored(app):
    app.switch_page("pages/settings.py").run()
    app.text_input(key="settings.0.prefix").input("C C").run()
    app.text_input(key="settings.0.shop_name").input("").run()
    app.button(key="settings.save").click().run()
    errors = " ".join(texts(app, "error"))
    assert "Account-number prefix" in errors and "Shop name is required" in errors
    assert shop.get_settings()["account_prefix"] == "C"


def test_settings_in_french(app):
    app.sidebar.selectbox(key="ui_language_picker").set_value("fr").run()
    app.switch_page("pages/settings.py").run()
    assert app.title[0].value == "Paramètres"
    assert app.button(key="settings.save").label == "Enregistrer les paramètres"


def test_printer_settings_and_test_page(app):
    from comptoir.services import printing

    app.switch_page("pages/settings.py").run()
    assert "Printers" in [s.value for s in app.subheader]
    app.selectbox(key="settings.0.labels.kind").set_value("network").run()
    app.text_input(key="settings.0.labels.host").input("").run()
    app.button(key="settings.save_printer.labels").click().run()
    assert any(
        "Host or IP address is required" in e or "Host or IP address must" in e
        for e in texts(app, "error")
    )
    app.text_input(key="settings.0.labels.host").input("192.168.1.50").run()
    app.text_input(key="settings.0.labels.port").input("9100").run()
    app.button(key="settings.save_printer.labels").click().run()
    assert "Printer saved: 192.168.1.50:9100." in texts(app, "success")
    assert printing.printer_for("labels").host == "192.168.1.50"
    app.button(key="settings.test_page.receipts").click().run()
    assert "No printer is set for this: the PDF is ready." in texts(app, "info")
    assert app.get("download_button")
    assert "TEST-0001" in app.code[0].value


def test_grid_rows_not_saved_are_named_with_their_reason():
    from streamlit.testing.v1 import AppTest

    def screen():
        import streamlit as st

        from comptoir.logic.errors import FieldError, ValidationFailed
        from comptoir.ui.session import show_row_refusals

        st.session_state["ui_language"] = "en"
        show_row_refusals(
            [
                ("SKU PUMP-1", ValidationFailed([FieldError("price", "price_invalid")])),
                ("SKU BELL-1", "SKU BELL-1 was changed by someone else meanwhile — *theirs*."),
            ]
        )

    app = AppTest.from_function(screen).run()
    assert texts(app, "error")[0] == "SKU PUMP-1:"
    assert "Price must be a positive price" in texts(app, "error")[1]
    # The conflict is told as built, literally (no Markdown in stored values).
    assert texts(app, "warning") == ["SKU BELL-1 was changed by someone else meanwhile — *theirs*."]


def test_a_shop_is_added_and_the_lists_offer_a_shop_filter(app):
    app.switch_page("pages/settings.py").run()
    assert "Shop: Cycles du Comptoir (MAIN)" in texts(app.sidebar, "caption")
    assert app.selectbox(key="settings.0.time_zone").value == "Europe/Paris"
    # A form: what is typed is sent with the button.
    app.text_input(key="settings.0.new_shop.code").input("lyon 2")
    app.text_input(key="settings.0.new_shop.name").input("Comptoir Lyon")
    app.text_input(key="settings.0.new_shop.receipt_prefix").input("R")
    next(b for b in app.button if b.label == "Add a shop").click().run()
    assert texts(app, "error") == ["- Shop code: 1 to 12 letters, digits, - or _ (not “LYON 2”)."]
    app.text_input(key="settings.0.new_shop.code").input("lyon")
    next(b for b in app.button if b.label == "Add a shop").click().run()
    assert texts(app, "error") == [
        "- Receipt number prefix: “R” is already used by shop MAIN, numbers would repeat."
    ]
    assert [s["code"] for s in shop.current().shops] == ["MAIN"]
    app.text_input(key="settings.0.new_shop.receipt_prefix").input("L")
    next(b for b in app.button if b.label == "Add a shop").click().run()
    assert texts(app, "toast") == [
        "Shop LYON added. Start its server with COMPTOIR_SHOP=LYON and set its address and "
        "printers there."
    ]
    listed = next(d.value for d in app.dataframe if "here" in d.value.columns)
    assert listed[["code", "shop_name", "receipt_prefix", "here"]].values.tolist() == [
        ["MAIN", "Cycles du Comptoir", "R", True],
        ["LYON", "Comptoir Lyon", "L", False],
    ]
    app.switch_page("pages/balances.py").run()
    picker = app.selectbox(key="balances.shop")
    assert picker.options == ["All shops", "Cycles du Comptoir (MAIN)", "Comptoir Lyon (LYON)"]
    picker.set_value("LYON").run()
    assert app.session_state["balances.shop"] == "LYON"


def test_a_template_is_previewed_with_the_shops_values_and_empty_fields_warned(app):
    app.switch_page("pages/settings.py").run()
    app.selectbox(key="settings.template.code").set_value("bike_ready").run()
    app.selectbox(key="settings.template.language").set_value("en").run()
    body_key = "settings.template.0.bike_ready.en.body"
    app.text_area(key=body_key).input("Hi {first_name}, call {shop_phone} at {shop_name}.").run()
    name = shop.get_settings()["shop_name"]
    assert f"Hi Anna, call  at {name}." in [t.value for t in app.text]
    warning = "These fields are empty for this shop and will print nothing: {shop_phone}."
    assert any(w.startswith(warning) for w in texts(app, "warning"))
    app.button(key="settings.template.save").click().run()
    assert "Template saved." in texts(app, "toast")
    assert any(w.startswith(warning) for w in texts(app, "warning"))


def test_a_template_with_a_format_is_refused_naming_it(app):
    app.switch_page("pages/settings.py").run()
    app.selectbox(key="settings.template.code").set_value("bike_ready").run()
    body_key = "settings.template.0.bike_ready.en.body"
    app.text_area(key=body_key).input("Balance {balance:>1000000}").run()
    app.button(key="settings.template.save").click().run()
    [error] = texts(app, "error")
    assert "{balance:>1000000} is not allowed" in error.replace("\\", "")
    assert "Template saved." not in texts(app, "success")
