"""Customer import on both engines: a dry run writes nothing; the batch creates, updates,
skips duplicates and names bad rows; export → import round trip; undo removes exactly the
batch and is refused once a customer of it has a sale."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from comptoir.data import db
from comptoir.logic.customer_import import guess_mapping, read_file
from comptoir.logic.errors import ValidationFailed
from comptoir.services import audit, customer_import, customers, exports, products, till
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF

FILE = (
    "Numéro client;Civilité;Prénom;Nom;Société;Adresse;Code postal;Ville;Pays;Portable;"
    "Courriel;Date de naissance;Remise;Newsletter\n"
    ";;Anne;Durand;;3 rue Royale;74000;Annecy;France;06 12 34 56 78;anne@example.org;"
    "31/12/1980;12,5;oui\n"
    ";;Bruno;Martin;;;69001;Lyon;FR;;bruno@example.org;;;non\n"
    ";;;;Sans Nom SARL;;;;;;;;;\n"
    ";;Chloé;Petit;;;75001;Paris;FR;;pas-une-adresse;;;\n"
    "C-OLD-1;;Denis;Ancien;;;;;FR;;denis@new.example.org;;5;\n"
).encode("cp1252")


def _counts(plan) -> dict[str, int]:
    return {k: v for k, v in plan.counts().items() if v}


@pytest.fixture
def shop(database):
    old = customers.create_customer(
        {"account_number": "C-OLD-1", "last_name": "Ancien", "first_name": "Denis"}, STAFF
    )
    twin = customers.create_customer(
        {"last_name": "Martin", "first_name": "Bruno", "postcode": "69001"}, STAFF
    )
    return {"old": old, "twin": twin}


def _table():
    table = read_file(FILE, "clients.csv")
    return table, guess_mapping(table.headers)


def test_french_file_read_and_mapped(shop):
    table, mapping = _table()
    assert (table.encoding, table.separator) == ("cp1252", ";")
    assert mapping == [
        "account_number",
        "title",
        "first_name",
        "last_name",
        "company",
        "address1",
        "postcode",
        "city",
        "country_code",
        "mobile",
        "email",
        "date_of_birth",
        "discount_percent",
        "marketing_opt_in",
    ]


def test_the_dry_run_names_each_outcome_and_writes_nothing(shop):
    table, mapping = _table()
    before = customers.search_customers("", page_size=1).total
    plan = customer_import.dry_run(MANAGER, table, mapping)
    assert [(r.line, r.outcome) for r in plan.rows] == [
        (2, "create"),
        (3, "duplicate"),
        (4, "create"),
        (5, "create"),
        (6, "update"),
    ]
    assert plan.rows[1].customer_id == shop["twin"] and plan.rows[1].match == "name"
    # One bad field never sinks a row: it is imported without it, the field named.
    assert [(e.field, e.code, e.params["line"]) for e in plan.rows[2].to_check] == [
        ("last_name", "import_name_made_up", "4")
    ]
    assert plan.rows[2].values["last_name"] == "Sans Nom SARL"
    assert [(e.field, e.code) for e in plan.rows[3].to_check] == [("email", "email_invalid")]
    assert plan.rows[3].values["email"] is None and plan.rows[3].values["last_name"] == "Petit"
    assert plan.rows[4].values == {
        "email": "denis@new.example.org",
        "discount_percent": Decimal("5.00"),
        "country_code": "FR",
    }
    anne = plan.rows[0].values
    assert (anne["date_of_birth"], str(anne["discount_percent"]), anne["country_code"]) == (
        date(1980, 12, 31),
        "12.50",
        "FR",
    )
    assert anne["mobile"] == "+33612345678" and anne["marketing_opt_in"] is True
    assert customers.search_customers("", page_size=1).total == before
    assert audit.search_audit(ADMIN, entity="import_batch")[1] == 0


def test_the_import_writes_one_audited_batch_and_undo_removes_exactly_it(shop):
    table, mapping = _table()
    before = customers.search_customers("", page_size=1).total
    done = customer_import.run_import(MANAGER, table, mapping, "clients.csv")
    assert (done.created, done.updated, done.skipped) == (3, 1, 1)
    [anne] = customers.search_customers("durand").rows
    assert customers.get_customer(anne["id"])["discount_percent"] == pytest.approx(12.5)
    assert customers.search_customers("annecy").total == 0  # the city is not a search word
    assert customers.search_customers("0612345678").total == 1  # the index knows her mobile
    assert customers.get_customer(shop["old"])["email"] == "denis@new.example.org"
    [entry] = audit.search_audit(ADMIN, entity="import_batch")[0]
    assert {c.field: c.after for c in entry.changes}["create"] == 3
    assert customers.consent_history(anne["id"])[0]["screen"] == "import"

    assert customer_import.undo(MANAGER, done.batch_id) == 4
    assert customers.search_customers("", page_size=1).total == before
    assert customers.search_customers("durand").total == 0
    assert customers.get_customer(shop["old"])["email"] is None
    with pytest.raises(ValidationFailed) as again:
        customer_import.undo(MANAGER, done.batch_id)
    assert again.value.errors[0].code == "import_already_undone"


def test_undo_is_refused_once_a_customer_of_the_batch_has_a_sale(shop):
    table, mapping = _table()
    done = customer_import.run_import(MANAGER, table, mapping, "clients.csv")
    [anne] = customers.search_customers("durand").rows
    tube = products.save_product(
        MANAGER, None, None, {"sku": "T", "name": "Tube", "price": "10", "tax_rate": "20"}
    )
    till.record_sale(
        STAFF, anne["id"], [LineRequest(tube, "1")], [("cash", "10")], uuid.uuid4().hex
    )
    with pytest.raises(ValidationFailed) as refused:
        customer_import.undo(MANAGER, done.batch_id)
    assert [(e.field, e.code, e.params) for e in refused.value.errors] == [
        ("batch", "import_has_activity", {"customers": "1"})
    ]
    assert customers.search_customers("durand").total == 1


def test_export_then_import_round_trip_is_equal(shop, tmp_path):
    for i in range(5):
        customers.create_customer(
            {
                "last_name": f"Rond{i}",
                "first_name": "É=1",
                "city": "Lyon",
                "email": f"r{i}@example.org",
                "discount_percent": "2,5",
                "date_of_birth": "1990-01-0" + str(i + 1),
            },
            STAFF,
        )
    made = exports.export(MANAGER, exports.customers_view("rond", False), "csv")
    data = made.read()
    made.discard()
    fields = ("first_name", "last_name", "city", "email", "discount_percent", "date_of_birth")
    before = {
        r["id"]: {f: customers.get_customer(r["id"])[f] for f in fields}
        for r in customers.search_customers("rond").rows
    }
    # Into an empty shop: the same customers come back.
    with db.transaction() as cur:
        rond = "SELECT id FROM customers WHERE last_name LIKE 'Rond%'"
        for table in ("customer_search", "consent_history"):
            cur.execute(f"DELETE FROM {table} WHERE customer_id IN ({rond})")
        cur.execute(f"DELETE FROM customers WHERE id IN ({rond})")
    table = read_file(data, "export.csv")
    mapping = guess_mapping(table.headers)
    assert "account_number" in mapping and "marketing_opt_in" in mapping
    done = customer_import.run_import(MANAGER, table, mapping, "export.csv")
    assert done.created == 5
    after = [
        {f: customers.get_customer(r["id"])[f] for f in fields}
        for r in customers.search_customers("rond").rows
    ]
    assert sorted(after, key=str) == sorted(before.values(), key=str)


def test_a_mapping_naming_nobody_or_with_a_field_twice_is_refused(shop):
    table, mapping = _table()
    nobody = [None if m in ("last_name", "company", "mobile", "email") else m for m in mapping]
    with pytest.raises(ValidationFailed) as refused:
        customer_import.dry_run(MANAGER, table, nobody)
    assert [e.code for e in refused.value.errors] == ["import_needs_identity"]
    twice = ["email" if m == "mobile" else m for m in mapping]
    with pytest.raises(ValidationFailed) as doubled:
        customer_import.dry_run(MANAGER, table, twice)
    assert [(e.code, e.params) for e in doubled.value.errors] == [
        ("import_mapped_twice", {"fields": "email"})
    ]


def test_a_customer_added_after_the_dry_run_is_seen_by_the_import(shop):
    table, mapping = _table()
    plan = customer_import.dry_run(MANAGER, table, mapping)
    assert plan.rows[0].outcome == "create"
    # Anne is typed in at the counter between the dry run and the import.
    anne = customers.create_customer(
        {"last_name": "Durand", "first_name": "Anne", "email": "anne@example.org"}, STAFF
    )
    done = customer_import.run_import(MANAGER, table, mapping, "clients.csv", checked=plan)
    assert (done.created, done.updated) == (2, 2)
    assert customers.search_customers("durand").total == 1
    assert customers.get_customer(anne)["city"] == "Annecy"


def test_an_unchanged_shop_reuses_the_dry_run(shop, monkeypatch):
    table, mapping = _table()
    plan = customer_import.dry_run(MANAGER, table, mapping)

    def again(*args, **kwargs):
        raise AssertionError("checked again although nothing changed")

    monkeypatch.setattr(customer_import, "_plan_rows", again)
    done = customer_import.run_import(MANAGER, table, mapping, "clients.csv", checked=plan)
    assert (done.created, done.updated) == (3, 1)
