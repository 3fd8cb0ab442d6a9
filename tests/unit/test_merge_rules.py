"""The merge rules: what differs, the default choices, the card after, the refusals."""

from __future__ import annotations

from comptoir.logic.merges import (
    BOTH,
    KEEP,
    TAKE,
    Side,
    default_choices,
    differing,
    merge_refusals,
    merged_card,
)

KEPT = {
    "first_name": "Léa",
    "last_name": "Fusion",
    "city": "Lyon",
    "postcode": "69001",
    "address1": "1 rue A",
    "email": None,
    "notes": "Pays cash",
    "marketing_opt_in": False,
}
OTHER = {
    "first_name": "Lea",
    "last_name": "Fusion",
    "city": "Annecy",
    "postcode": None,
    "address1": None,
    "email": "lea@example.org",
    "notes": "Road bike",
    "marketing_opt_in": True,
}


def test_only_differing_groups_need_a_choice():
    assert differing(KEPT, OTHER) == ["first_name", "address", "email", "notes", "marketing_opt_in"]
    assert differing(KEPT, KEPT) == []


def test_defaults_fill_blanks_join_notes_and_never_assume_consent():
    assert default_choices(KEPT, OTHER) == {
        "first_name": KEEP,
        "address": KEEP,
        "email": TAKE,
        "notes": BOTH,
        "marketing_opt_in": KEEP,
    }


def test_an_address_is_taken_whole():
    card = merged_card(KEPT, OTHER, {"address": TAKE})
    assert (card["address1"], card["city"], card["postcode"]) == (None, "Annecy", None)
    assert merged_card(KEPT, OTHER, {"notes": BOTH})["notes"] == "Pays cash\nRoad bike"
    assert merged_card(KEPT, OTHER, {})["first_name"] == "Léa"


def test_refusals_name_each_reason():
    def codes(a: Side, b: Side) -> list[str]:
        return [e.code for e in merge_refusals(a, b)]

    assert codes(Side(1), Side(1)) == ["merge_same"]
    assert codes(Side(1), Side(2)) == []
    assert codes(Side(1, archived=True), Side(2, erased=True)) == [
        "merge_erased",
        "merge_survivor_archived",
    ]
    assert codes(Side(1), Side(2, merged_into=3)) == ["merge_already_merged"]
    assert codes(Side(1, account_type_id=1), Side(2, account_type_id=2)) == ["merge_account_types"]
    assert codes(Side(1, account_type_id=1), Side(2, account_type_id=1)) == []
    assert codes(Side(1, rewards_card="R1"), Side(2, rewards_card="R2")) == [
        "merge_two_rewards_cards"
    ]
    assert codes(Side(1, rewards_card="R1"), Side(2)) == []


def test_tags_of_both_records_are_kept_once_each():
    survivor = {**KEPT, "tags": "club, Trade"}
    other = {**OTHER, "tags": "trade, gravel"}
    assert default_choices(survivor, other)["tags"] == BOTH
    assert merged_card(survivor, other, {"tags": BOTH})["tags"] == "club, Trade, gravel"
    assert merged_card(survivor, other, {"tags": TAKE})["tags"] == "trade, gravel"
    assert default_choices({**KEPT, "tags": None}, other)["tags"] == TAKE


def test_sms_consent_is_never_taken_by_default():
    survivor = {**KEPT, "sms_opt_in": False}
    other = {**OTHER, "sms_opt_in": True}
    assert default_choices(survivor, other)["sms_opt_in"] == KEEP
