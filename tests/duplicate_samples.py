"""A labelled set for the Duplicates page: pairs of records that are one person (typos,
accents, swapped names, an initial, a changed e-mail or surname) and pairs that are not
(family members sharing a surname, an address, a phone or an e-mail; namesakes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (first name, last name) of the people behind the pairs; each pair gets its own
# postcode, phone and e-mail so that pairs never meet each other.
PEOPLE = [
    ("Léa", "Moreau"),
    ("Jonathan", "Petit"),
    ("Martin", "Bernard"),
    ("Claire", "Fontaine"),
    ("Élodie", "Garnier"),
    ("Julien", "Rousseau"),
    ("Sophie", "Lambert"),
    ("Camille", "Durand"),
    ("Jean-Pierre", "Masson"),
    ("Nicolas", "Chevalier"),
    ("Stéphane", "Faure"),
    ("Mathieu", "Girard"),
    ("Hélène", "Bonnet"),
    ("François", "Mercier"),
    ("Amélie", "Blanc"),
    ("Sébastien", "Guerin"),
    ("Caroline", "Boyer"),
    ("Thierry", "Roussel"),
    ("Nathalie", "Clément"),
    ("Olivier", "Gauthier"),
    ("Isabelle", "Perrin"),
    ("Christophe", "Morin"),
    ("Valérie", "Mathieu"),
    ("Philippe", "Nicolas"),
    ("Sandrine", "Henry"),
    ("Laurent", "Roger"),
    ("Céline", "Fournier"),
    ("Guillaume", "Lucas"),
    ("Aurélie", "Dumont"),
    ("Benoît", "Lefèvre"),
]
# Second first names for family members: a partner's, a child's.
FAMILY = {
    "Léa": "Paul",
    "Jonathan": "Jeanne",
    "Claire": "Claude",
    "Julien": "Julienne",
    "Sophie": "Marc",
    "Nicolas": "Nicole",
    "Stéphane": "Stéphanie",
    "François": "Françoise",
    "Sébastien": "Lucie",
    "Thierry": "Emma",
    "Olivier": "Louise",
    "Isabelle": "Hugo",
    "Christophe": "Chloé",
    "Philippe": "Inès",
    "Laurent": "Laurence",
    "Guillaume": "Zoé",
}


@dataclass(frozen=True)
class Pair:
    """Two records, whether they are one person, and the case they stand for; who says
    which person each record is (a record of one pair may be the person of another)."""

    kind: str
    a: dict[str, Any]
    b: dict[str, Any]
    same: bool
    who_a: str = ""
    who_b: str = ""


def _typo(text: str) -> str:
    """One letter doubled in the middle (a typist's slip)."""
    middle = len(text) // 2
    return text[:middle] + text[middle] + text[middle:]


def _contact(n: int) -> dict[str, str]:
    return {
        "postcode": f"{74000 + n * 7}",
        "city": "Annecy",
        "address1": f"{n} rue des Tests",
        "mobile": f"06 {10 + n // 50:02d} {10 + n % 50:02d} 30 40",
        "email": f"person{n}@exemple.fr",
    }


def labelled() -> list[Pair]:
    """The labelled pairs: 40 of one person, 40 of two."""
    pairs: list[Pair] = []
    made: list[Pair] = []
    for n, (first, last) in enumerate(PEOPLE):
        c = _contact(n)
        base = {"first_name": first, "last_name": last}
        kind = n % 8
        if kind == 0:
            pairs.append(
                Pair(
                    "typo in the surname",
                    {**base, **c},
                    {**base, "last_name": _typo(last), "postcode": c["postcode"]},
                    True,
                )
            )
        elif kind == 1:
            pairs.append(
                Pair(
                    "typo in the first name",
                    {**base, "postcode": c["postcode"]},
                    {**base, "first_name": _typo(first), "postcode": c["postcode"]},
                    True,
                )
            )
        elif kind == 2:
            pairs.append(
                Pair(
                    "first and last name swapped",
                    {**base, "postcode": c["postcode"]},
                    {"first_name": last, "last_name": first, "postcode": c["postcode"]},
                    True,
                )
            )
        elif kind == 3:
            pairs.append(
                Pair(
                    "changed e-mail",
                    {**base, **c},
                    {**base, "mobile": c["mobile"], "email": f"new{n}@autre.fr"},
                    True,
                )
            )
        elif kind == 4:
            pairs.append(
                Pair(
                    "capitals, no accents",
                    {**base, "postcode": c["postcode"]},
                    {
                        "first_name": first.upper(),
                        "last_name": last.upper(),
                        "postcode": c["postcode"][:2] + " " + c["postcode"][2:],
                    },
                    True,
                )
            )
        elif kind == 5:
            pairs.append(
                Pair(
                    "an initial",
                    {**base, "email": c["email"]},
                    {**base, "first_name": first[0] + ".", "email": c["email"]},
                    True,
                )
            )
        elif kind == 6:
            pairs.append(
                Pair(
                    "no first name on one",
                    {**base, "mobile": c["mobile"]},
                    {"last_name": last, "mobile": c["mobile"]},
                    True,
                )
            )
        else:
            pairs.append(
                Pair(
                    "a new surname, same e-mail and birth date",
                    {**base, "email": c["email"], "date_of_birth": "1990-03-02"},
                    {
                        **base,
                        "last_name": "Marchand",
                        "email": c["email"],
                        "date_of_birth": "1990-03-02",
                    },
                    True,
                )
            )
        if first in FAMILY:
            other = {"first_name": FAMILY[first], "last_name": last, **c}
            if n % 2:
                other["email"] = f"family{n}@exemple.fr"  # the phone is the family's
            else:
                other["mobile"] = f"07 81 {10 + n:02d} 20 30"  # the e-mail is the family's
            pairs.append(Pair("family member", {**base, **c}, other, False))
    for n, (first, last) in enumerate(PEOPLE[:10], start=40):
        c = _contact(n)
        pairs.append(
            Pair(
                "namesakes",
                {"first_name": first, "last_name": last, **c},
                {"first_name": first, "last_name": last, **_contact(n + 40), "city": "Lyon"},
                False,
            )
        )
        pairs.append(
            Pair(
                "hyphenated against plain",
                {
                    "first_name": "Jean-Pierre",
                    "last_name": f"Durieux{n}",
                    "postcode": c["postcode"],
                },
                {
                    "first_name": "Jean Pierre",
                    "last_name": f"Durieux{n}",
                    "postcode": c["postcode"],
                },
                True,
            )
        )
    for n, (first, last) in enumerate(PEOPLE[10:24], start=60):
        c = _contact(n)
        pairs.append(
            Pair(
                "neighbours of similar names",
                {"first_name": first, "last_name": last, "postcode": c["postcode"]},
                {
                    "first_name": PEOPLE[(n + 3) % len(PEOPLE)][0],
                    "last_name": last,
                    "postcode": c["postcode"],
                },
                False,
            )
        )
    # Who each record is: a pair's two records are one person when labelled so; the first
    # record of a family pair is the person of that row's pair of one person.
    for index, pair in enumerate(pairs):
        if pair.same:
            person = f"{pair.kind}:{index}"
            made.append(Pair(pair.kind, pair.a, pair.b, True, person, person))
        elif pair.kind == "family member":
            made.append(
                Pair(
                    pair.kind,
                    pair.a,
                    pair.b,
                    False,
                    f"{pairs[index - 1].kind}:{index - 1}",
                    f"family:{index}",
                )
            )
        else:
            made.append(
                Pair(
                    pair.kind,
                    pair.a,
                    pair.b,
                    False,
                    f"{pair.kind}-a:{index}",
                    f"{pair.kind}-b:{index}",
                )
            )
    return made
