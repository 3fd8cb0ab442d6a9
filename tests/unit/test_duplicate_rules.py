"""Whether two records are one person: first names of a family told from typos, and the
judgement of candidate pairs (vectorised)."""

from __future__ import annotations

import pandas as pd
import pytest

from comptoir.logic.duplicates import first_names_agree, fold, judge


@pytest.mark.parametrize(
    "a, b",
    [
        ("Jonathan", "Jonathon"),  # a slip at the end that is no form's ending
        ("Élodie", "ELODIE"),
        ("J.", "Julien"),
        ("Sébastien", "Sebastian"),
        ("Jean-Pierre", "Jean Pierre"),
        ("Mathieu", "Matthieu"),
        ("Anne", "Ane"),
        ("", "Sophie"),
    ],
)
def test_one_persons_first_names_agree(a, b):
    assert first_names_agree(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Jean", "Jeanne"),
        ("Louis", "Louise"),
        ("Michel", "Michèle"),
        ("Frédéric", "Frédérique"),
        ("Stéphane", "Stéphanie"),
        ("Antonio", "Antonia"),
        ("Marc", "Marcus"),
        ("Luc", "Lucie"),
        ("Paul", "Léa"),
    ],
)
def test_a_familys_first_names_do_not(a, b):
    assert not first_names_agree(a, b)


def test_folding_drops_accents_case_and_punctuation():
    assert fold("  Jean-Pierre  D'Aubigné ") == "jean pierre d aubigne"


def _pairs(*rows: tuple[dict, dict]) -> pd.DataFrame:
    columns = ("first", "last", "email", "mobile", "postcode", "birth")
    return pd.DataFrame(
        [
            {**{f"a_{c}": a.get(c) for c in columns}, **{f"b_{c}": b.get(c) for c in columns}}
            for a, b in rows
        ]
    )


def test_judging_needs_agreeing_names_and_something_shared():
    judged = judge(
        _pairs(
            # Swapped, same postcode: one person.
            (
                {"first": "Martin", "last": "Bernard", "postcode": "75011"},
                {"first": "Bernard", "last": "Martin", "postcode": "75011"},
            ),
            # Namesakes with nothing shared: two people.
            (
                {"first": "Léa", "last": "Moreau", "postcode": "74000"},
                {"first": "Léa", "last": "Moreau", "postcode": "69001"},
            ),
            # A family's shared phone: two people.
            (
                {"first": "Paul", "last": "Roux", "mobile": "+33611223344"},
                {"first": "Léa", "last": "Roux", "mobile": "+33611223344"},
            ),
            # A new surname, same e-mail and birth date: one person.
            (
                {"first": "Camille", "last": "Durand", "email": "c@x.fr", "birth": "1990-03-02"},
                {"first": "Camille", "last": "Marchand", "email": "c@x.fr", "birth": "1990-03-02"},
            ),
            # Same name and e-mail, other birth dates: two people (a father and his son).
            (
                {"first": "Jean", "last": "Petit", "email": "p@x.fr", "birth": "1960-01-01"},
                {"first": "Jean", "last": "Petit", "email": "p@x.fr", "birth": "1992-05-05"},
            ),
        )
    )
    assert list(judged.same) == [True, False, False, True, False]
    assert judged.reasons(0) == ["swapped_names"]
    assert judged.reasons(3) == ["email"]
    # 60 % of the names' similarity (100 swapped; 80 with the new surname), plus 20 for
    # the postcode, 40 for the e-mail.
    assert list(judged.score[[0, 3]]) == [80, 88]
