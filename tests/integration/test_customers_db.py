"""Customer use cases on a real DuckDB file: create, edit, lock, consent, archive."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from comptoir.data import db
from comptoir.logic.errors import StaleRecord, ValidationFailed
from comptoir.services import customers
from tests.conftest import STAFF

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


def make(**fields) -> int:
    raw = {"last_name": "Dupont", "first_name": "Jean"}
    raw.update(fields)
    return customers.create_customer(raw, STAFF, now=NOW)


def codes(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


def test_created_customer_gets_next_generated_number(database):
    assert customers.preview_account_number() == "C000001"
    first = customers.get_customer(make())
    second = customers.get_customer(make(last_name="Martin"))
    assert (first["account_number"], second["account_number"]) == ("C000001", "C000002")
    assert first["created_at"] == NOW and first["version"] == 1


def test_generation_skips_numbers_typed_by_hand(database):
    make(account_number="c000001")
    assert customers.get_customer(make())["account_number"] == "C000002"


def test_offered_number_taken_meanwhile_is_replaced_by_the_next_free(database):
    offered = customers.preview_account_number()
    make(account_number=offered)  # someone else got it first
    late = customers.create_customer(
        {"last_name": "Roux", "account_number": offered}, STAFF, generated_number=offered, now=NOW
    )
    assert customers.get_customer(late)["account_number"] == "C000002"


def test_account_number_unique_ignoring_case_and_spaces_names_the_holder(database):
    make(account_number="AB-12", first_name="Léa", last_name="Martin")
    with pytest.raises(ValidationFailed) as info:
        make(account_number="  ab-12 ")
    (error,) = info.value.errors
    assert (error.field, error.code) == ("account_number", "account_number_taken")
    assert error.params["holder"] == "Léa Martin"


def test_renaming_to_a_taken_number_is_refused(database):
    make(account_number="X1")
    other = make(account_number="X2")
    with pytest.raises(ValidationFailed) as info:
        customers.update_customer(other, 1, {"account_number": "x1"}, STAFF)
    assert codes(info.value) == {"account_number": "account_number_taken"}
    assert customers.get_customer(other)["account_number"] == "X2"


def test_two_concurrent_creates_of_one_number_store_exactly_one(database):
    results: list[object] = []
    barrier = threading.Barrier(2)

    def create(name: str) -> None:
        barrier.wait()
        try:
            results.append(make(account_number="SAME-1", last_name=name))
        except ValidationFailed as exc:
            results.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(r, int) for r in results) == 1
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(refused) == 1 and codes(refused[0]) == {"account_number": "account_number_taken"}
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM customers").fetchall() == [(1,)]


def test_concurrent_generated_numbers_never_collide(database):
    created: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        for n in range(10):
            customer_id = make(last_name=f"W{index}-{n}")
            with lock:
                created.append(customer_id)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = [customers.get_customer(c)["account_number"] for c in created]
    assert len(numbers) == 60 and len(set(numbers)) == 60


def test_update_stores_normalised_values_and_bumps_version(database):
    customer_id = make()
    version = customers.update_customer(
        customer_id,
        1,
        {"mobile": "06 12 34 56 78", "email": "Jean@Example.com", "discount_percent": "12,5"},
        STAFF,
    )
    stored = customers.get_customer(customer_id)
    assert version == 2 == stored["version"]
    assert stored["mobile"] == "+33612345678"
    assert stored["email"] == "Jean@example.com"
    assert stored["discount_percent"] == Decimal("12.50")


def test_invalid_update_stores_nothing(database):
    customer_id = make()
    with pytest.raises(ValidationFailed) as info:
        customers.update_customer(
            customer_id, 1, {"first_name": "Jacques", "email": "jean@"}, STAFF
        )
    assert codes(info.value) == {"email": "email_invalid"}
    stored = customers.get_customer(customer_id)
    assert stored["first_name"] == "Jean" and stored["version"] == 1


def test_someone_else_saved_first(database):
    customer_id = make()
    customers.update_customer(customer_id, 1, {"city": "Annecy"}, STAFF)
    with pytest.raises(StaleRecord) as info:
        customers.update_customer(customer_id, 1, {"city": "Lyon"}, STAFF)
    assert info.value.current_version == 2
    assert customers.get_customer(customer_id)["city"] == "Annecy"


def test_unchanged_save_keeps_the_version(database):
    customer_id = make(city="Annecy")
    assert customers.update_customer(customer_id, 1, {"city": " Annecy "}, STAFF) == 1


def test_consent_is_dated_and_every_change_kept(database):
    customer_id = make(marketing_opt_in=True)
    assert customers.get_customer(customer_id)["marketing_opt_in_at"] == NOW
    later = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    customers.update_customer(customer_id, 1, {"marketing_opt_in": False}, STAFF, now=later)
    stored = customers.get_customer(customer_id)
    assert stored["marketing_opt_in"] is False and stored["marketing_opt_in_at"] is None
    history = customers.consent_history(customer_id)
    assert [(h["marketing_opt_in"], h["changed_at"], h["screen"]) for h in history] == [
        (False, later, "customer_card"),
        (True, NOW, "customer_new"),
    ]


def test_archive_hides_from_search_and_restore_brings_back(database):
    customer_id = make(last_name="Zébulon")
    assert customers.search_customers("zebulon").total == 1
    version = customers.set_archived(customer_id, 1, True, STAFF)
    assert customers.search_customers("zebulon").total == 0
    assert customers.search_customers("zebulon", include_archived=True).total == 1
    customers.set_archived(customer_id, version, False, STAFF)
    assert customers.search_customers("zebulon").total == 1
    with db.cursor() as cur:  # never deleted
        assert cur.execute("SELECT count(*) FROM customers").fetchall() == [(1,)]


def test_grid_save_keeps_good_rows_and_rejects_bad_ones(database):
    a, b, c = make(last_name="A"), make(last_name="B"), make(last_name="C")
    customers.update_customer(c, 1, {"city": "Elsewhere"}, STAFF)  # c moves to version 2
    outcome = customers.save_grid_edits(
        {
            a: (1, {"city": "Lille"}),
            b: (1, {"email": "broken@", "city": "Nantes"}),
            c: (1, {"city": "Stale"}),
        },
        STAFF,
    )
    assert outcome.saved == [a]
    assert codes(outcome.rejected[b]) == {"email": "email_invalid"}
    assert list(outcome.conflicts) == [c]
    assert customers.get_customer(a)["city"] == "Lille"
    assert customers.get_customer(b)["city"] is None  # nothing half-written
    assert customers.get_customer(c)["city"] == "Elsewhere"


def test_grid_rows_cannot_share_a_new_account_number(database):
    a, b = make(), make()
    outcome = customers.save_grid_edits(
        {a: (1, {"account_number": "Z9"}), b: (1, {"account_number": "z9 "})}, STAFF
    )
    assert outcome.saved == [a]
    assert codes(outcome.rejected[b]) == {"account_number": "account_number_duplicate_in_grid"}
