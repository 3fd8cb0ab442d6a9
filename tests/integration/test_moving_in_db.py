"""Moving in (issue 23): the customer exports of other systems, as they write them (files
under tests/fixtures/imports built from each system's export documentation), recognised
and imported without losing a value; a bad field never sinks its row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from comptoir.logic.customer_import import guess, read_file
from comptoir.services import customer_import, customers
from tests.conftest import ADMIN, MANAGER, STAFF

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def _plan(name: str):
    table = read_file((FILES / name).read_bytes(), name)
    found = guess(table.headers)
    return found, table, customer_import.dry_run(MANAGER, table, found.mapping)


def _imported(name: str) -> dict[str, dict]:
    found, table, _ = _plan(name)
    customer_import.run_import(MANAGER, table, found.mapping, name)
    people = customers.search_customers("", page_size=100).rows
    return {p["last_name"]: customers.get_customer(p["id"]) for p in people}


def _checks(row) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in row.to_check]


@pytest.mark.parametrize(
    "name, code",
    [
        ("shopify.csv", "shopify"),
        ("shopify_2022.csv", "shopify_2022"),
        ("square.csv", "square"),
        ("lightspeed_r.csv", "lightspeed_r"),
        ("lightspeed_x.csv", "lightspeed_x"),
        ("woocommerce.csv", "woocommerce"),
        ("prestashop.csv", "prestashop"),
        ("prestashop_addresses.csv", "prestashop_addresses"),
        ("odoo.csv", "odoo"),
        ("odoo_de.csv", "odoo_labels"),
        ("mailchimp.csv", "mailchimp"),
        ("google.csv", "google"),
        ("outlook.csv", "outlook"),
        ("thunderbird.csv", "thunderbird"),
    ],
)
def test_each_systems_export_is_recognised_and_every_row_imported(database, name, code):
    found, table, plan = _plan(name)
    assert found.format is not None and found.format.code == code
    assert [r.outcome for r in plan.rows] == ["create"] * len(table.rows)


def test_shopify_keeps_addresses_consent_and_tags_and_names_a_subscriber(database):
    _, _, plan = _plan("shopify.csv")
    assert _checks(plan.rows[1]) == [("last_name", "import_name_made_up")]
    people = _imported("shopify.csv")
    lea = people["Fontaine"]
    # The guarding apostrophes are gone; the address, consent and tags are kept.
    assert (lea["postcode"], lea["city"], lea["country_code"]) == ("75019", "Paris", "FR")
    assert (lea["mobile"], lea["phone"]) == ("+33612345678", "+33145678901")
    assert lea["marketing_opt_in"] is True
    assert (lea["notes"], lea["tags"]) == ("Prefers Saturday pick-up", "vip, gravel")
    assert customers.search_customers("gravel").total == 1  # tags are searched
    reader = people["Newsletter Reader"]
    assert (reader["email"], reader["marketing_opt_in"]) == ("newsletter.reader@example.com", True)
    tom = people["Baker"]
    assert (tom["company"], tom["country_code"], tom["postcode"]) == (
        "Baker Cycles Ltd",
        "GB",
        "OX1 2JD",
    )
    assert tom["tax_exempt"] is True and tom["marketing_opt_in"] is False


def test_excel_damage_is_named_never_stored_and_lost_zeros_come_back(database):
    _, _, plan = _plan("excel_damaged.csv")
    roux, blanc = plan.rows
    assert roux.outcome == "create" and _checks(roux) == [
        ("mobile", "import_scientific"),
        ("account_number", "import_scientific"),
    ]
    assert roux.values["mobile"] is None and roux.values["postcode"] == "01000"
    assert roux.values["account_number"] is None  # a new number is given on import
    assert (blanc.values["mobile"], blanc.values["postcode"]) == ("+33612345679", "06000")
    assert _checks(blanc) == []


def test_odoo_names_split_and_countries_by_reference_and_by_name(database):
    people = _imported("odoo.csv")
    jean = people["de La Fontaine"]
    assert (jean["first_name"], jean["country_code"], jean["postcode"]) == ("Jean", "FR", "02400")
    assert people["Weber"]["country_code"] == "DE"
    greta = _imported("odoo_de.csv")["Schmidt"]
    assert (greta["first_name"], greta["country_code"], greta["city"]) == (
        "Greta",
        "DE",
        "München",
    )


def test_ragged_and_multiline_files_and_the_fields_that_only_look_alike(database):
    people = _imported("prestashop_addresses.csv")  # every line ends with a separator
    claire = people["Moreau"]
    assert (claire["country_code"], claire["postcode"], claire["city"]) == ("FR", "74000", "Annecy")
    lambert = _imported("google.csv")["Lambert"]
    assert lambert["address1"] == "5 rue Verte"  # a cell over two lines
    assert lambert["tags"] is None  # Google's own labels (* myContacts) are not tags
    # Thunderbird's "Birth Day" is a day of the month, never a date of birth.
    assert _imported("thunderbird.csv")["Girard"]["date_of_birth"] is None
    # Outlook writes month first: its file's 3/15/1987 says so.
    assert _imported("outlook.csv")["Wilson"]["date_of_birth"] == date(1987, 3, 15)
    rider = _imported("mailchimp.csv")["Rider One"]
    assert (rider["country_code"], rider["tags"], rider["notes"]) == ("FR", "spring ride", None)
    assert _imported("lightspeed_r.csv")["Meyer"]["tags"] == "Retail"  # its customer type


def test_a_relative_is_not_a_duplicate_and_a_bad_value_is_said_beside_a_duplicate(database):
    customers.create_customer(
        {"last_name": "Durand", "first_name": "Anne", "postcode": "74000"}, STAFF
    )
    data = (
        "Nom;Prénom;Code postal;Courriel\n"
        "Durand;Paul;74000;paul@example.org\n"
        "Durand;Anne;74000;pas-une-adresse\n"
        "Durand;Léo;74000;paul@example.org\n"
    ).encode()
    table = read_file(data, "famille.csv")
    plan = customer_import.dry_run(MANAGER, table, guess(table.headers).mapping)
    paul, anne, leo = plan.rows
    assert paul.outcome == "create"
    assert anne.outcome == "duplicate" and anne.match == "name"
    assert anne.current["first_name"] == "Anne" and anne.current["account_number"]
    assert _checks(anne) == [("email", "email_invalid")]
    # A family's shared e-mail is flagged, not refused: Léo is imported with it.
    assert leo.outcome == "create" and leo.values["email"] == "paul@example.org"
    assert [(e.field, e.code, e.params["first"]) for e in leo.to_check] == [
        ("email", "import_repeated", "2")
    ]


def test_a_card_whose_stored_value_breaks_todays_rules_refuses_its_row_only(database):
    from comptoir.data import db

    old = customers.create_customer({"account_number": "OLD-1", "last_name": "Ancien"}, STAFF)
    with db.transaction() as cur:  # written by an older release, before the rule
        cur.execute("UPDATE customers SET email = 'ancien-at-example' WHERE id = ?", [old])
    data = "Numéro client;Nom;Courriel\nOLD-1;Ancien;encore-faux\n;Nouveau;n@example.org\n"
    table = read_file(data.encode(), "clients.csv")
    plan = customer_import.dry_run(MANAGER, table, guess(table.headers).mapping)
    assert [r.outcome for r in plan.rows] == ["invalid", "create"]
    assert [(e.field, e.code) for e in plan.rows[0].errors] == [("email", "email_invalid")]


def _twins() -> tuple[int, int]:
    anne = customers.create_customer(
        {"last_name": "Durand", "first_name": "Anne", "postcode": "74000", "city": "Annecy"},
        STAFF,
    )
    marc = customers.create_customer(
        {"last_name": "Morel", "first_name": "Marc", "mobile": "+33612345678"}, STAFF
    )
    assert anne and marc
    return anne, marc


TWINS_FILE = (
    "Nom;Prénom;Code postal;Ville;Portable;Courriel\n"
    "Durand;Anne;74000;Annecy-le-Vieux;;anne@example.org\n"  # line 2: Anne by name
    "Morel;Marc;;;06 12 34 56 78;marc@example.org\n"  # line 3: Marc by mobile
    "Nouveau;Client;;;;n@example.org\n"  # line 4: nobody
).encode()


def test_likely_duplicates_skipped_updated_or_created_as_chosen_per_row(database):
    from comptoir.logic.customer_import import DuplicateChoices

    anne, marc = _twins()
    table = read_file(TWINS_FILE, "doubles.csv")
    mapping = guess(table.headers).mapping
    skipped = customer_import.dry_run(MANAGER, table, mapping)
    assert [r.outcome for r in skipped.rows] == ["duplicate", "duplicate", "create"]
    assert [r.customer_id for r in skipped.rows[:2]] == [anne, marc]
    # Anne's row updates Anne; Marc's is a new customer all the same.
    choices = DuplicateChoices.of_lines("skip", {2: "update", 3: "create"})
    plan = customer_import.dry_run(MANAGER, table, mapping, choices=choices)
    first, second, third = plan.rows
    assert (first.outcome, first.customer_id, first.twin, first.match) == (
        "update",
        anne,
        anne,
        "name",
    )
    assert first.values == {"city": "Annecy-le-Vieux", "email": "anne@example.org"}
    assert (second.outcome, second.twin, second.current["first_name"]) == ("create", marc, "Marc")
    assert third.outcome == "create"
    done = customer_import.run_import(
        MANAGER, table, mapping, "doubles.csv", checked=plan, choices=choices
    )
    assert (done.created, done.updated, done.skipped) == (2, 1, 0)
    assert customers.get_customer(anne)["city"] == "Annecy-le-Vieux"
    assert customers.search_customers("Morel").total == 2
    # Undone as a whole: Anne as she was, the second Marc gone.
    customer_import.undo(MANAGER, done.batch_id)
    assert customers.get_customer(anne)["city"] == "Annecy"
    assert customers.get_customer(anne)["email"] is None
    assert customers.search_customers("Morel").total == 1


def test_a_choice_for_all_and_one_customer_updated_by_one_line_only(database):
    from comptoir.logic.customer_import import DuplicateChoices

    anne, _ = _twins()
    data = TWINS_FILE + b"Durand;Anne;74000;Seynod;;\n"  # line 5: Anne again
    table = read_file(data, "doubles.csv")
    mapping = guess(table.headers).mapping
    choices = DuplicateChoices.of_lines("update", {3: "skip"})
    plan = customer_import.dry_run(MANAGER, table, mapping, choices=choices)
    assert [r.outcome for r in plan.rows] == ["update", "duplicate", "create", "invalid"]
    assert [(e.field, e.code, e.params["first"]) for e in plan.rows[3].errors] == [
        ("customer", "import_same_customer", "2")
    ]
    # The import checks again (no dry run given) with the same choices.
    done = customer_import.run_import(MANAGER, table, mapping, "doubles.csv", choices=choices)
    assert (done.created, done.updated, done.skipped) == (1, 1, 2)
    assert customers.get_customer(anne)["city"] == "Annecy-le-Vieux"


def test_a_dry_run_made_with_other_choices_is_not_reused(database):
    from comptoir.logic.customer_import import DuplicateChoices

    _twins()
    table = read_file(TWINS_FILE, "doubles.csv")
    mapping = guess(table.headers).mapping
    plan = customer_import.dry_run(MANAGER, table, mapping)  # every duplicate skipped
    done = customer_import.run_import(
        MANAGER,
        table,
        mapping,
        "doubles.csv",
        checked=plan,
        choices=DuplicateChoices.of_lines("create", {}),
    )
    assert (done.created, done.updated, done.skipped) == (3, 0, 0)


def test_an_unknown_choice_is_refused_naming_the_field():
    from comptoir.logic.customer_import import DuplicateChoices
    from comptoir.logic.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        DuplicateChoices.of_lines("skip", {2: "merge"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("duplicates", "not_in_list")]


def test_a_mapping_saved_is_listed_replaced_audited_and_removed(database):
    from comptoir.logic.auth import PermissionDenied
    from comptoir.logic.errors import NotFound, ValidationFailed
    from comptoir.logic.import_presets import MAX_PRESETS
    from comptoir.services import audit, import_presets

    headers = ("Nom", "Prénom", "Mél")
    import_presets.save_preset(MANAGER, "Old till", headers, ("last_name", "first_name", None))
    import_presets.save_preset(MANAGER, "Old till", headers, ("last_name", "first_name", "email"))
    [preset] = import_presets.presets(MANAGER)
    assert (preset.name, preset.mapping) == ("Old till", ("last_name", "first_name", "email"))
    assert preset.fits(["nom", "PRENOM", "mel"])
    actions = [e.action for e in audit.search_audit(ADMIN, entity="import_preset")[0]]
    assert sorted(actions) == ["create", "update"]
    with pytest.raises(PermissionDenied):
        import_presets.save_preset(STAFF, "Mine", headers, ("last_name", None, None))
    for number in range(MAX_PRESETS - 1):
        import_presets.save_preset(MANAGER, f"P{number}", headers, ("last_name", None, None))
    with pytest.raises(ValidationFailed) as refused:
        import_presets.save_preset(MANAGER, "One more", headers, ("last_name", None, None))
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("preset_name", "import_presets_full")
    ]
    import_presets.save_preset(MANAGER, "P0", headers, ("last_name", "first_name", None))  # kept
    import_presets.delete_preset(MANAGER, "Old till")
    assert "Old till" not in {p.name for p in import_presets.presets(MANAGER)}
    with pytest.raises(NotFound):
        import_presets.delete_preset(MANAGER, "Old till")


def test_consent_per_channel_with_its_source_and_date_goes_into_the_history(database):
    from datetime import UTC, datetime

    # Shopify: e-mail and SMS consent apart; no date in the file.
    people = _imported("shopify.csv")
    lea, tom = people["Fontaine"], people["Baker"]
    assert (lea["marketing_opt_in"], lea["sms_opt_in"]) == (True, False)
    assert (tom["marketing_opt_in"], tom["sms_opt_in"]) == (False, True)
    given = [
        (h["channel"], h["marketing_opt_in"], h["source"], h["source_at"])
        for h in customers.consent_history(lea["id"]) + customers.consent_history(tom["id"])
    ]
    assert given == [("email", True, "Shopify", None), ("sms", True, "Shopify", None)]
    # Another file: the date the source gives is kept, and is when the card says it was given.
    data = (
        "Nom;Courriel;Portable;Newsletter;SMS marketing;Date consentement\n"
        "Daté;d@example.org;06 12 00 00 01;oui;non;15/03/2024 10:30\n"
        "Futur;f@example.org;;oui;;01/01/2099\n"
        "Sans;s@example.org;;non;;\n"
    ).encode()
    table = read_file(data, "clients.csv")
    mapping = guess(table.headers).mapping
    assert mapping[-2:] == ["sms_opt_in", "consent_date"]
    plan = customer_import.dry_run(MANAGER, table, mapping)
    assert plan.rows[0].consent_at == datetime(2024, 3, 15, 10, 30, tzinfo=UTC)
    assert _checks(plan.rows[1]) == [("consent_date", "consent_date_future")]
    customer_import.run_import(MANAGER, table, mapping, "clients.csv", checked=plan)
    dated = customers.search_customers("Daté").rows[0]["id"]
    card = customers.get_customer(dated)
    assert (card["marketing_opt_in"], card["sms_opt_in"]) == (True, False)
    assert card["marketing_opt_in_at"] == datetime(2024, 3, 15, 10, 30, tzinfo=UTC)
    [given] = customers.consent_history(dated)
    assert (given["channel"], given["source"], given["source_at"]) == (
        "email",
        "clients.csv",
        datetime(2024, 3, 15, 10, 30, tzinfo=UTC),
    )
    # No consent in the file: none recorded.
    assert customers.consent_history(customers.search_customers("Sans").rows[0]["id"]) == []


EVERY_FIELD = {
    "account_number": ("Numéro client", "IMP-0001", "IMP-0001"),
    "title": ("Civilité", "mr", "mr"),
    "first_name": ("Prénom", "Élise", "Élise"),
    "last_name": ("Nom", "Lefèvre", "Lefèvre"),
    "company": ("Société", "Cycles Lefèvre", "Cycles Lefèvre"),
    "postcode": ("Code postal", "74000", "74000"),
    "address1": ("Adresse 1", "3 rue du Lac", "3 rue du Lac"),
    "address2": ("Adresse 2", "Bât. B", "Bât. B"),
    "city": ("Ville", "Annecy", "Annecy"),
    "region": ("Région", "Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes"),
    "country_code": ("Pays", "France", "FR"),
    "phone": ("Téléphone", "04 50 12 34 56", "+33450123456"),
    "mobile": ("Portable", "06 12 34 56 78", "+33612345678"),
    "fax": ("Fax", "04 50 12 34 57", "+33450123457"),
    "email": ("Courriel", "Elise@Example.org", "Elise@example.org"),
    "contact_preference": ("Préférence de contact", "sms", "sms"),
    "language": ("Langue", "fr", "fr"),
    "date_of_birth": ("Date de naissance", "14/07/1985", date(1985, 7, 14)),
    "gender": ("Genre", "female", "female"),
    "tax_exempt": ("Exonéré de TVA", "oui", True),
    "tax_number": ("Numéro de TVA", "FR12345678901", "FR12345678901"),
    "price_level": ("Niveau de prix", "B", "B"),
    "discount_percent": ("Remise", "12,5", "12.50"),
    "tags": ("Étiquettes", "club,gravel ,club", "club, gravel"),
    "notes": ("Notes", "Paye par virement", "Paye par virement"),
    "marketing_opt_in": ("Newsletter", "oui", True),
    "sms_opt_in": ("SMS marketing", "oui", True),
}


def test_every_field_of_the_card_is_read_back_as_imported_then_undone(database):
    from comptoir.services import shop

    shop.save_settings({}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)  # price levels
    header = ";".join(h for h, _, _ in EVERY_FIELD.values())
    row = ";".join(v for _, v, _ in EVERY_FIELD.values())
    table = read_file(f"{header}\n{row}\n".encode(), "tout.csv")
    mapping = guess(table.headers).mapping
    assert mapping == list(EVERY_FIELD)  # every column recognised by its French header
    plan = customer_import.dry_run(MANAGER, table, mapping)
    assert [(r.outcome, r.to_check, r.errors) for r in plan.rows] == [("create", (), ())]
    done = customer_import.run_import(MANAGER, table, mapping, "tout.csv", checked=plan)
    [found] = customers.search_customers("IMP-0001").rows
    card = customers.get_customer(found["id"])
    assert {name: card[name] for name in EVERY_FIELD} == {
        name: Decimal(want) if name == "discount_percent" else want
        for name, (_, _, want) in EVERY_FIELD.items()
    }
    customer_import.undo(MANAGER, done.batch_id)
    assert customers.search_customers("IMP-0001").total == 0


def test_an_updated_customers_earlier_history_does_not_block_undo_a_later_change_does(database):
    from comptoir.logic.errors import ValidationFailed

    known = customers.create_customer(
        {"last_name": "Connu", "email": "connu@example.org", "marketing_opt_in": True}, STAFF
    )
    table = read_file(b"Nom;Courriel;Ville\nConnu;connu@example.org;Annecy\n", "maj.csv")
    mapping = guess(table.headers).mapping
    done = customer_import.run_import(MANAGER, table, mapping, "maj.csv")
    assert done.updated == 1  # its consent given on the card before is no activity since
    customer_import.undo(MANAGER, done.batch_id)
    assert customers.get_customer(known)["city"] is None
    again = customer_import.run_import(MANAGER, table, mapping, "maj.csv")
    card = customers.get_customer(known)
    customers.update_customer(known, card["version"], {"sms_opt_in": True}, STAFF)
    with pytest.raises(ValidationFailed) as refused:
        customer_import.undo(MANAGER, again.batch_id)
    assert [e.code for e in refused.value.errors] == ["import_has_activity"]


def test_a_file_checked_and_written_in_chunks_gives_what_one_pass_gives(database, monkeypatch):
    from comptoir.logic.customer_import import DuplicateChoices

    _twins()
    data = TWINS_FILE + (
        b"Autre;Ami;;;;n@example.org\n"  # line 5: line 4's e-mail, in the next chunk
        b"Durand;Anne;74000;Seynod;;\n"  # line 6: Anne again, two chunks after line 2
        b"Neuf;Deux;;;;deux@example.org\n"
    )
    table = read_file(data, "doubles.csv")
    mapping = guess(table.headers).mapping
    choices = DuplicateChoices.of_lines("update", {})

    def seen(plan):
        return [(r.line, r.outcome, r.customer_id, r.errors, r.to_check) for r in plan.rows]

    whole = customer_import.dry_run(MANAGER, table, mapping, choices=choices)
    monkeypatch.setattr(customer_import, "CHUNK", 2)
    chunked = customer_import.dry_run(MANAGER, table, mapping, choices=choices)
    assert seen(chunked) == seen(whole)
    assert [r.outcome for r in chunked.rows] == [
        "update",
        "update",
        "create",
        "create",
        "invalid",
        "create",
    ]
    done = customer_import.run_import(MANAGER, table, mapping, "doubles.csv", choices=choices)
    assert (done.created, done.updated, done.skipped) == (3, 2, 1)
    for name in ("Nouveau", "Autre", "Neuf"):  # each found by its own name, once
        assert customers.search_customers(name).total == 1
    customer_import.undo(MANAGER, done.batch_id)
    assert customers.search_customers("Neuf").total == 0
