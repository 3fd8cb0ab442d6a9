"""Likely duplicates on both engines: one person's records found by e-mail, mobile, name and
postcode and similar names, surest first; a family sharing a surname, a postcode or an
e-mail is not a pair; archived customers left out; hints while typing a new one."""

from __future__ import annotations

import pytest

from comptoir.logic.auth import PermissionDenied
from comptoir.services import customers, duplicates
from tests.conftest import MANAGER, STAFF


def _make(**fields) -> int:
    return customers.create_customer(fields, STAFF)


@pytest.fixture
def people(database):
    made = {
        "mail_a": _make(last_name="Arnaud", first_name="Jo", email="jo@example.org"),
        "mail_b": _make(last_name="ARNAUD", first_name="jo", email="JO@example.org"),
        "mob_a": _make(last_name="Caron", first_name="Anne", mobile="06 11 22 33 44"),
        "mob_b": _make(last_name="Caron", first_name="Ane", mobile="+33611223344"),
        "family_a": _make(last_name="Bernard", first_name="Max", email="home@example.org"),
        "family_b": _make(last_name="Bernard", first_name="Maxime", email="home@example.org"),
        "place_a": _make(last_name="Fabre", first_name="Luc", postcode="69001"),
        "place_b": _make(last_name="Fabre", first_name="Lucie", postcode="69 001"),
        "like_a": _make(last_name="Dupont", first_name="Anne", postcode="75001"),
        "like_b": _make(last_name="Dupond", first_name="Anne", postcode="75001"),
        "alone": _make(last_name="Zola", email="zola@example.org", postcode="13001"),
        "gone": _make(last_name="Zola", email="zola@example.org", postcode="13001"),
    }
    customers.set_archived(
        made["gone"], customers.get_customer(made["gone"])["version"], True, STAFF
    )
    return made


def test_pairs_surest_first_with_their_reasons(people):
    rows, total = duplicates.pairs(MANAGER)
    found = [(r["a"]["id"], r["b"]["id"], r["reasons"], r["score"], r["similarity"]) for r in rows]
    # Luc and Lucie Fabre, Max and Maxime Bernard: two people each, not pairs.
    assert total == 3
    # The score: 60 % of the names' similarity, then 40 for the e-mail, 35 for the
    # mobile, 20 for the postcode.
    assert found == [
        (people["mail_a"], people["mail_b"], ["email"], 100, 100),
        (people["mob_a"], people["mob_b"], ["mobile", "similar_name"], 92, 95),
        (people["like_a"], people["like_b"], ["similar_name"], 75, 91),
    ]


def test_the_page_is_for_managers(people):
    with pytest.raises(PermissionDenied):
        duplicates.pairs(STAFF)


def test_hints_while_typing_a_new_customer(people):
    by_mail = duplicates.similar_to({"last_name": "Other", "email": " Jo@Example.org "})
    # A contact already on file is always said, whoever it belongs to.
    assert [(h["id"], h["reasons"]) for h in by_mail] == [
        (people["mail_a"], ["email"]),
        (people["mail_b"], ["email"]),
    ]
    by_mobile = duplicates.similar_to({"last_name": "X", "mobile": "06-11-22-33-44"})
    assert {h["id"] for h in by_mobile} == {people["mob_a"], people["mob_b"]}
    by_name = duplicates.similar_to({"last_name": "Dupon", "first_name": "Anne"})
    assert {h["id"] for h in by_name} == {people["like_a"], people["like_b"]}
    assert all(h["reasons"] == ["similar_name"] for h in by_name)
    assert (
        duplicates.similar_to({"last_name": "Zola", "postcode": "13001"})[0]["id"]
        == (people["alone"])
    )  # the archived one is not offered
    assert duplicates.similar_to({"last_name": "Nobody", "email": "no@example.org"}) == []


def test_the_pairs_follow_every_change_of_a_customer(people):
    assert duplicates.pairs(MANAGER)[1] == 3
    # A record edited (its e-mail no longer shared): the kept ranking is not used again.
    card = customers.get_customer(people["mail_b"])
    customers.update_customer(
        people["mail_b"], card["version"], {"email": "other@example.org"}, STAFF
    )
    assert duplicates.pairs(MANAGER)[1] == 2
    _make(last_name="Arnaud", first_name="Jo", email="other@example.org")
    assert duplicates.pairs(MANAGER)[1] == 3
