"""The Duplicates page finds people, not surnames: on a labelled set (tests/duplicate_samples.py)
of one person's records with typos, swapped names, an initial, a changed e-mail or surname,
and of two people's (family members, namesakes, neighbours), its pairs are measured."""

from __future__ import annotations

from itertools import combinations

from comptoir.services import customers, duplicates
from tests.conftest import MANAGER, STAFF
from tests.duplicate_samples import labelled


def found_pairs() -> set[frozenset[int]]:
    rows, total = duplicates.pairs(MANAGER)
    collected = [*rows]
    page = 1
    while len(collected) < total:
        more, _ = duplicates.pairs(MANAGER, page)
        collected += more
        page += 1
    return {frozenset((r["a"]["id"], r["b"]["id"])) for r in collected}


def test_precision_and_recall_on_the_labelled_set(db_path, capsys):
    who: dict[int, str] = {}
    for pair in labelled():
        for fields, person in ((pair.a, pair.who_a), (pair.b, pair.who_b)):
            who[customers.create_customer(fields, STAFF)] = person
    truth = {frozenset(p) for p in combinations(who, 2) if who[p[0]] == who[p[1]]}
    found = found_pairs()
    right = found & truth
    precision, recall = len(right) / len(found), len(right) / len(truth)
    with capsys.disabled():
        print(
            f"\nduplicates: {len(truth)} true pairs, {len(found)} found, {len(right)} right:"
            f" precision {precision:.3f}, recall {recall:.3f}"
        )
    wrong = sorted(sorted(who[i] for i in pair) for pair in found - truth)
    missed = sorted(sorted(who[i] for i in pair) for pair in truth - found)
    assert wrong == []
    assert missed == []


def test_a_family_at_one_address_is_not_a_pair_but_one_person_is(db_path):
    home = {"postcode": "74000", "address1": "1 rue du Lac", "mobile": "06 12 34 56 78"}
    for first in ("Michel", "Michèle", "Jean", "Jeanne", "Louis"):
        customers.create_customer({"first_name": first, "last_name": "Roux", **home}, STAFF)
    again = customers.create_customer({"first_name": "MICHELE", "last_name": "Roux", **home}, STAFF)
    rows, total = duplicates.pairs(MANAGER)
    assert total == 1
    (row,) = rows
    assert row["b"]["id"] == again and row["a"]["first_name"] == "Michèle"
    assert row["reasons"] == ["mobile", "name_postcode"]
    assert row["similarity"] == 100 and row["score"] == 100
