"""The import wizard in AppTest: a French file read and mapped, a dry run naming bad rows,
the import, then undo from the list of imports."""

from __future__ import annotations

from comptoir.services import audit, customers
from tests.conftest import ADMIN
from tests.ui.conftest import open_app, table, texts

FILE = (
    "Nom;Prénom;Courriel;Code postal;Remise\n"
    "Importé;Iris;iris@example.org;75001;5\n"
    "Importé;Ivan;pas-une-adresse;75001;\n"
    ";Sans;nom@example.org;;\n"
).encode("utf-8-sig")


def test_upload_map_dry_run_import_and_undo(shop_db):
    app = open_app("manager")
    app.switch_page("pages/import_customers.py").run()
    before = customers.search_customers("", page_size=1).total
    app.file_uploader[0].set_value(("clients.csv", FILE, "text/csv")).run()
    assert not app.exception, app.exception
    assert "3 rows read (utf-8-sig, semicolons)." in texts(app, "caption")
    assert [app.selectbox(key=f"import.map.{i}").value for i in range(5)] == [
        "last_name",
        "first_name",
        "email",
        "postcode",
        "discount_percent",
    ]
    app.button(key="import.dry_run").click().run()
    shown = {m.label: m.value for m in app.metric}
    assert (shown["To create"], shown["Invalid"], shown["To check"]) == ("3", "0", "2")
    assert "Not an export we know" in " ".join(texts(app, "caption"))
    report = table(app, -1)
    assert list(report["Why"]) == [
        "imported; to check: Line 3: E-mail is not a valid address: An email address must"
        " have an @-sign.",
        'imported; to check: Line 4: Last name: none in the file; "Nom" given, to complete'
        " by hand.",
    ]
    assert customers.search_customers("", page_size=1).total == before  # nothing written
    app.button(key="import.go").click().run()
    assert any("Imported: 3 created, 0 updated, 0 skipped." in s for s in texts(app, "toast"))
    assert customers.search_customers("iris").total == 1
    [batch] = audit.search_audit(ADMIN, entity="import_batch")[0]
    app.button(key=f"import.undo.{batch.entity_id}").click().run()
    assert customers.search_customers("iris").total == 0
    assert any("undone" in s for s in texts(app, "toast"))


def test_changing_a_column_asks_for_a_new_dry_run(shop_db):
    app = open_app("manager")
    app.switch_page("pages/import_customers.py").run()
    app.file_uploader[0].set_value(("clients.csv", FILE, "text/csv")).run()
    app.button(key="import.dry_run").click().run()
    app.selectbox(key="import.map.4").set_value("").run()
    assert "The columns changed: run the dry run again." in texts(app, "info")
    assert app.get("button") and not any(b.key == "import.go" for b in app.button)


def test_a_shopify_file_is_recognised_and_a_duplicate_names_who_it_doubles(shop_db):
    from pathlib import Path

    from tests.conftest import STAFF

    twin = customers.create_customer(
        {
            "last_name": "Fontaine",
            "first_name": "Léa",
            "account_number": "LF-1",
            "postcode": "75019",
        },
        STAFF,
    )
    assert twin
    data = (
        Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "shopify.csv"
    ).read_bytes()
    app = open_app("manager")
    app.switch_page("pages/import_customers.py").run()
    app.file_uploader[0].set_value(("customers_export.csv", data, "text/csv")).run()
    assert "Recognised: an export of Shopify; its columns are mapped below." in texts(
        app, "caption"
    )
    assert app.selectbox(key="import.map.4").value == "marketing_opt_in"  # Accepts Email Marketing
    app.button(key="import.dry_run").click().run()
    why = list(table(app, -1)["Why"])
    assert why[0].startswith("Likely the same person as Léa Fontaine (LF-1):")
    assert why[1].startswith("imported; to check: Line 3: Last name: none in the file;")


def test_likely_duplicates_are_listed_with_a_choice_for_all(shop_db):
    from tests.conftest import STAFF

    anne = customers.create_customer(
        {
            "last_name": "Durand",
            "first_name": "Anne",
            "postcode": "74000",
            "account_number": "AD-1",
        },
        STAFF,
    )
    data = "Nom;Prénom;Code postal;Ville\nDurand;Anne;74000;Seynod\nNeuf;Client;;\n".encode()
    app = open_app("manager")
    app.switch_page("pages/import_customers.py").run()
    app.file_uploader[0].set_value(("doubles.csv", data, "text/csv")).run()
    app.button(key="import.dry_run").click().run()
    assert {m.label: m.value for m in app.metric}["Likely duplicates"] == "1"
    assert list(app.data_editor[0].value["line"]) == [2]
    assert list(app.data_editor[0].value["customer"]) == ["Anne Durand (AD-1)"]
    app.selectbox(key="import.for_all").set_value("update").run()
    assert "run the dry run again" in " ".join(texts(app, "info"))
    assert not any(b.key == "import.go" for b in app.button)
    app.button(key="import.dry_run").click().run()
    shown = {m.label: m.value for m in app.metric}
    assert (shown["To update"], shown["Likely duplicates"]) == ("1", "0")
    assert list(table(app, -1)["Why"]) == [
        "Likely the same person as Anne Durand (AD-1): a customer has this name and postcode;"
        " updates that customer, as chosen"
    ]
    app.button(key="import.go").click().run()
    assert any("Imported: 1 created, 1 updated, 0 skipped." in s for s in texts(app, "toast"))
    assert customers.get_customer(anne)["city"] == "Seynod"


def test_a_saved_mapping_maps_the_next_file_of_that_system(shop_db):
    odd = "Col A;Col B;Col C\nImporté;Iris;iris@example.org\n".encode()
    app = open_app("manager")
    app.switch_page("pages/import_customers.py").run()
    app.file_uploader[0].set_value(("till.csv", odd, "text/csv")).run()
    assert [app.selectbox(key=f"import.map.{i}").value for i in range(3)] == ["", "", ""]
    for index, field in enumerate(("last_name", "first_name", "email")):
        app.selectbox(key=f"import.map.{index}").set_value(field).run()
    app.text_input(key="import.preset.name").input("Old *till*").run()
    app.button(key="import.preset.save").click().run()
    assert "Mapping saved as Old *till*." in texts(app, "toast")  # shown as typed
    # The next file with those columns is mapped by the saved mapping, and says so.
    app.file_uploader[0].set_value(("till2.csv", odd + b"Autre;Ivan;\n", "text/csv")).run()
    assert [app.selectbox(key=f"import.map.{i}").value for i in range(3)] == [
        "last_name",
        "first_name",
        "email",
    ]
    assert "Columns mapped by your saved mapping Old *till*." in texts(app, "caption")
    app.selectbox(key="import.map.2").set_value("").run()
    app.button(key="import.preset.apply").click().run()
    assert app.selectbox(key="import.map.2").value == "email"
    app.button(key="import.preset.delete").click().run()
    assert "No saved mapping yet." in texts(app, "caption")
