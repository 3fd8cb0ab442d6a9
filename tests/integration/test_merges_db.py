"""Merging two records of one customer, on both engines: everything moves in one
transaction, the balance is the sum of both ledgers, the old account number finds the
survivor, and undo gives each record back exactly what it had while neither changed."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from comptoir.data import db
from comptoir.data import merges as merges_repo
from comptoir.logic.auth import PermissionDenied
from comptoir.logic.errors import StaleRecord, ValidationFailed
from comptoir.logic.merges import TAKE
from comptoir.services import (
    accounts,
    customers,
    delivery,
    merges,
    messaging,
    printing,
    receipts,
    rewards,
    till,
    workshop,
)
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.sales_samples import make_sales_shop


def _key() -> str:
    return uuid.uuid4().hex


def _trade() -> int:
    return next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")


def _club() -> int:
    return next(t["id"] for t in accounts.account_types() if t["name"] == "Club members")


def _held(customer_id: int) -> dict[str, int]:
    with db.cursor() as cur:
        return merges_repo.counts(cur, customer_id)


def _balance(customer_id: int) -> Decimal | None:
    with db.cursor() as cur:
        found = merges_repo.account(cur, customer_id)
        ledger = cur.execute(
            "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE customer_id = ?",
            [customer_id],
        ).fetchall()[0][0]
    if found is None:
        assert ledger == 0
        return None
    assert found["balance"] == ledger  # the stored balance is always its ledger's sum
    return Decimal(found["balance"])


@pytest.fixture
def pair(database):
    shop = make_sales_shop()
    anna = customers.create_customer(
        {"last_name": "Durand", "first_name": "Anna", "postcode": "69001", "city": "Lyon"},
        STAFF,
    )
    twin = customers.create_customer(
        {
            "last_name": "Durand",
            "first_name": "Anna",
            "email": "anna@example.org",
            "mobile": "06 11 22 33 44",
            "notes": "Prefers e-mail",
            "marketing_opt_in": True,
            "address1": "2 rue Centrale",
            "city": "Annecy",
            "postcode": "74000",
        },
        STAFF,
    )
    for who in (anna, twin):
        accounts.assign_account_type(MANAGER, who, _trade(), "500")
    accounts.record_entry(STAFF, anna, EntryRequest("charge", "40"), _key())
    accounts.record_entry(STAFF, twin, EntryRequest("charge", "25"), _key())
    till.record_sale(STAFF, anna, [LineRequest(shop["light"], "1")], [("card", "24.00")], _key())
    twin_sale = till.record_sale(
        STAFF, twin, [LineRequest(shop["light"], "2")], [("card", "48.00")], _key()
    )
    messaging.add_note(STAFF, twin, "Called about the wheel", _key())
    delivery.add(
        STAFF,
        twin,
        {
            "address1": "8 quai Perrière",
            "city": "Annecy",
            "postcode": "74000",
            "country_code": "FR",
        },
    )
    workshop.create_order(
        STAFF,
        twin,
        {"kind": "job", "reported": "Brakes"},
        _key(),
        {"name": "Trek", "serial": "WTU1"},
    )
    rewards.create(STAFF, twin)
    printing.print_courier_label(STAFF, twin)
    return {"anna": anna, "twin": twin, "twin_sale": twin_sale}


def _merge(survivor: int, other: int, choices: dict[str, str] | None = None) -> int:
    a, b = customers.get_customer(survivor), customers.get_customer(other)
    return merges.merge(ADMIN, survivor, a["version"], other, b["version"], choices or {})


def test_a_merge_moves_everything_and_undo_gives_it_back(pair):
    anna, twin = pair["anna"], pair["twin"]
    held_before = {anna: _held(anna), twin: _held(twin)}
    card_before = customers.get_customer(anna)

    preview = merges.preview(ADMIN, anna, twin, {"email": TAKE})
    assert preview.allowed
    assert preview.balance == (Decimal("40.00"), Decimal("25.00"))
    assert preview.balance_after == Decimal("65.00")
    assert preview.moves["sales"] == 1 and preview.moves["orders"] == 1
    assert preview.result["email"] == "anna@example.org"
    # Blanks are filled from the other record; consent is never taken over by default.
    assert preview.result["mobile"] == "+33611223344"
    assert preview.result["marketing_opt_in"] is False
    assert preview.choices["notes"] == TAKE

    merge_id = _merge(anna, twin, preview.choices | {"email": TAKE})
    survivor = customers.get_customer(anna)
    assert (survivor["email"], survivor["notes"]) == ("anna@example.org", "Prefers e-mail")
    assert survivor["postcode"] == "69001"  # the survivor's own address was kept
    gone = customers.get_customer(twin)
    assert gone["archived"] and gone["merged_into"] == anna
    assert _held(twin) == dict.fromkeys(merges_repo.MOVED, 0)
    assert _held(anna) == {
        t: held_before[anna][t] + held_before[twin][t] for t in merges_repo.MOVED
    }
    assert _balance(anna) == Decimal("65.00") and _balance(twin) is None
    history, total = receipts.purchase_history(STAFF, anna)
    assert total == 2 and pair["twin_sale"] in {row["id"] for row in history}
    assert rewards.balance(STAFF, anna) is not None
    assert len(printing.print_history(f"customer:{anna}")) == 1
    # The old account number finds the survivor (live search); the archived record only
    # with the archived ones.
    found = customers.search_customers(gone["account_number"])
    assert [row["id"] for row in found.rows] == [anna]
    assert merges.merged_into(twin)["account_number"] == survivor["account_number"]
    with pytest.raises(ValidationFailed) as archived:
        till.record_sale(STAFF, twin, [LineRequest(1, "1")], [("card", "6.50")], _key())
    assert [e.code for e in archived.value.errors] == ["customer_archived"]

    merges.undo(ADMIN, merge_id)
    assert _held(anna) == held_before[anna] and _held(twin) == held_before[twin]
    assert _balance(anna) == Decimal("40.00") and _balance(twin) == Decimal("25.00")
    back = customers.get_customer(anna)
    assert {k: back[k] for k in customers.FIELDS} == {k: card_before[k] for k in customers.FIELDS}
    restored = customers.get_customer(twin)
    assert not restored["archived"] and restored["merged_into"] is None
    assert rewards.balance(STAFF, twin) is not None and rewards.balance(STAFF, anna) is None
    assert len(printing.print_history(f"customer:{twin}")) == 1
    assert printing.print_history(f"customer:{anna}") == []
    assert [row["id"] for row in customers.search_customers(gone["account_number"]).rows] == [twin]
    with pytest.raises(ValidationFailed) as again:
        merges.undo(ADMIN, merge_id)
    assert [e.code for e in again.value.errors] == ["merge_already_undone"]


def test_the_survivor_without_an_account_takes_the_others(pair):
    shop_customer = customers.create_customer({"last_name": "Durand"}, STAFF)
    twin = pair["twin"]
    merge_id = _merge(shop_customer, twin)
    assert _balance(shop_customer) == Decimal("25.00") and _balance(twin) is None
    merges.undo(ADMIN, merge_id)
    assert _balance(shop_customer) is None and _balance(twin) == Decimal("25.00")


def test_undo_is_refused_once_either_record_changed(pair):
    anna, twin = pair["anna"], pair["twin"]
    merge_id = _merge(anna, twin)
    accounts.record_entry(STAFF, anna, EntryRequest("payment", "10", method="cash"), _key())
    with pytest.raises(ValidationFailed) as refused:
        merges.undo(ADMIN, merge_id)
    assert [e.code for e in refused.value.errors] == ["merge_changed_since"]
    assert customers.get_customer(twin)["merged_into"] == anna  # nothing was undone


def test_a_card_edit_after_the_merge_also_blocks_undo(pair):
    anna, twin = pair["anna"], pair["twin"]
    merge_id = _merge(anna, twin)
    card = customers.get_customer(anna)
    customers.update_customer(anna, card["version"], {"city": "Villeurbanne"}, STAFF)
    with pytest.raises(ValidationFailed) as refused:
        merges.undo(ADMIN, merge_id)
    assert [e.code for e in refused.value.errors] == ["merge_changed_since"]


def test_refusals_name_their_reason_and_write_nothing(pair):
    anna, twin = pair["anna"], pair["twin"]
    club = customers.create_customer({"last_name": "Durand", "first_name": "Ana"}, STAFF)
    accounts.assign_account_type(MANAGER, club, _club(), "100")
    with pytest.raises(ValidationFailed) as types:
        _merge(anna, club)
    assert [e.code for e in types.value.errors] == ["merge_account_types"]
    rewards.create(STAFF, anna)
    with pytest.raises(ValidationFailed) as cards:
        _merge(anna, twin)
    assert [e.code for e in cards.value.errors] == ["merge_two_rewards_cards"]
    with pytest.raises(ValidationFailed) as same:
        _merge(anna, anna)
    assert [e.code for e in same.value.errors] == ["merge_same"]
    assert customers.get_customer(twin)["merged_into"] is None
    assert _balance(anna) == Decimal("40.00")


def test_a_stale_card_or_a_manager_is_refused(pair):
    anna, twin = pair["anna"], pair["twin"]
    a, b = customers.get_customer(anna), customers.get_customer(twin)
    customers.update_customer(twin, b["version"], {"city": "Chambéry"}, STAFF)
    with pytest.raises(StaleRecord):
        merges.merge(ADMIN, anna, a["version"], twin, b["version"], {})
    assert _balance(anna) == Decimal("40.00") and _balance(twin) == Decimal("25.00")
    with pytest.raises(PermissionDenied):
        merges.preview(MANAGER, anna, twin)


def test_a_merged_record_cannot_be_merged_again(pair):
    anna, twin = pair["anna"], pair["twin"]
    _merge(anna, twin)
    third = customers.create_customer({"last_name": "Durand"}, STAFF)
    with pytest.raises(ValidationFailed) as again:
        _merge(third, twin)
    assert [e.code for e in again.value.errors] == ["merge_already_merged"]
