"""Whether two customer records are one person: names that agree (typos, accents, an
initial, first and last name swapped), and something they share (e-mail, mobile,
postcode). Family members (same surname and address, another first name) and
namesakes (same name, nothing shared) are not pairs.

Vectorised over all candidate pairs at once (rapidfuzz's pairwise scorers, numpy),
so a million customers' candidates are judged in well under a second.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

# Two names agree from this ratio (0-100) of their folded spellings, or one slip apart
# (a letter changed, added or left out: Dupont/Dupond is 83) from 4 letters, two from 8.
AGREE = 85
# What each shared contact adds to the score, on top of the names' similarity.
ANCHORS = {"email": 40, "mobile": 35, "postcode": 20}
NAME_WEIGHT = 0.6
# The columns judge() reads, for each side (a_ and b_ prefixes).
COLUMNS = ("first", "last", "email", "mobile", "postcode", "birth")


@lru_cache(maxsize=200_000)
def fold(text: str | None) -> str:
    """A name as compared: no accents, case, punctuation or doubled spaces."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text)
    kept = "".join(ch if ch.isalnum() else " " for ch in plain if not unicodedata.combining(ch))
    return " ".join(kept.lower().split())


# Endings that turn one first name into another (masculine and feminine forms), after
# the part the two names share: Stéphane/Stéphanie, Frédéric/Frédérique, Antonio/Antonia.
_NAME_ENDINGS = {
    frozenset(pair) for pair in (("e", "ie"), ("c", "que"), ("o", "a"), ("e", "a"), ("o", "e"))
}


def distinct_names(x: str, y: str) -> bool:
    """Two folded first names that look alike but name two people: one the other with an
    ending added (Jean/Jeanne, Louis/Louise, Marc/Marcus, Michel/Michele) or another
    form's ending (_NAME_ENDINGS) — a couple's or a family's names more often than a
    typo (Jonathan/Jonathon is a typo: an/on is no form's ending)."""
    if x == y or not x or not y:
        return False
    shared = 0
    while shared < min(len(x), len(y)) and x[shared] == y[shared]:
        shared += 1
    if shared < 3:
        return False
    ends = frozenset((x[shared:], y[shared:]))
    return "" in ends or ends in _NAME_ENDINGS


def first_names_agree(a: str | None, b: str | None) -> bool:
    """One of them missing, an initial of the other, or alike (typos, accents) and not
    two names of a family (distinct_names)."""
    x, y = fold(a), fold(b)
    if not x or not y:
        return True
    if (len(x) == 1 or len(y) == 1) and x[0] == y[0]:
        return True
    return bool(_alike([x], [y])[0]) and not distinct_names(x, y)


def _folded(series: pd.Series) -> list[str]:
    # Names repeat: each distinct spelling is folded once.
    codes, distinct = pd.factorize(series.fillna("").astype(str))
    folded = np.array([fold(value) for value in distinct] + [""], dtype=object)
    return list(folded[codes])


def _ratio(left: list[str], right: list[str]) -> np.ndarray:
    if not left:
        return np.zeros(0)
    return np.asarray(cpdist(left, right, scorer=fuzz.ratio, workers=1), dtype=float)


def _alike(left: list[str], right: list[str]) -> np.ndarray:
    """Each pair of names agrees: ratio ≥ AGREE, or a slip or two apart (by length)."""
    if not left:
        return np.zeros(0, dtype=bool)
    ratio = _ratio(left, right)
    slips = np.asarray(cpdist(left, right, scorer=Levenshtein.distance, workers=1))
    shortest = np.minimum([len(x) for x in left], [len(y) for y in right])
    return (ratio >= AGREE) | ((slips <= 1) & (shortest >= 4)) | ((slips <= 2) & (shortest >= 8))


@dataclass(frozen=True)
class Judged:
    """For each candidate pair: is it one person, how sure (0-100), how alike the names
    are; reasons(i) says why, asked for the pairs shown only."""

    same: np.ndarray
    names_agree: np.ndarray
    score: np.ndarray
    similarity: np.ndarray
    email: np.ndarray
    mobile: np.ndarray
    postcode: np.ndarray
    swapped: np.ndarray
    same_names: np.ndarray  # folded first and last names equal (or a first name missing)

    def reasons(self, index: int) -> list[str]:
        """Why pair index is judged one person: codes of duplicates.reason.*."""
        found = [r for r, flags in (("email", self.email), ("mobile", self.mobile)) if flags[index]]
        if self.swapped[index]:
            found.append("swapped_names")
        elif self.postcode[index] and self.same_names[index]:
            found.append("name_postcode")
        elif self.names_agree[index] and not self.same_names[index]:
            found.append("similar_name")
        elif self.postcode[index]:
            found.append("name_postcode")
        return found


def _strings(series: pd.Series) -> np.ndarray:
    return series.fillna("").astype(str).str.strip().str.lower().to_numpy()


def judge(pairs: pd.DataFrame) -> Judged:
    """Judge every candidate pair (columns a_first, b_first, … per COLUMNS)."""
    fa, fb = _folded(pairs["a_first"]), _folded(pairs["b_first"])
    la, lb = _folded(pairs["a_last"]), _folded(pairs["b_last"])
    a_first, b_first = np.array(fa, dtype=object), np.array(fb, dtype=object)
    a_last, b_last = np.array(la, dtype=object), np.array(lb, dtype=object)
    first_alike, last_alike = _alike(fa, fb), _alike(la, lb)
    swapped = np.minimum(_ratio(fa, lb), _ratio(la, fb))
    missing = (a_first == "") | (b_first == "")
    full = _ratio(
        list(np.where(a_first == "", a_last, a_first + " " + a_last)),
        list(np.where(b_first == "", b_last, b_first + " " + b_last)),
    )
    lengths_a = np.fromiter((len(x) for x in fa), int, len(fa))
    lengths_b = np.fromiter((len(y) for y in fb), int, len(fb))
    initial = ~missing & ((lengths_a == 1) | (lengths_b == 1))
    initial[initial] = np.fromiter(
        (x[0] == y[0] for x, y in zip(a_first[initial], b_first[initial], strict=True)),
        bool,
        int(initial.sum()),
    )
    # Two forms of a name are looked for only where the first names look alike.
    family = np.zeros(len(fa), dtype=bool)
    alike_given = first_alike & ~missing & ~initial
    family[alike_given] = np.fromiter(
        (
            distinct_names(x, y)
            for x, y in zip(a_first[alike_given], b_first[alike_given], strict=True)
        ),
        bool,
        int(alike_given.sum()),
    )
    first_agree = missing | initial | (first_alike & ~family)
    both_first = alike_given & ~family

    def shared(column: str) -> np.ndarray:
        a, b = _strings(pairs[f"a_{column}"]), _strings(pairs[f"b_{column}"])
        return (a != "") & (a == b)

    email, mobile, postcode = shared("email"), shared("mobile"), shared("postcode")
    birth_a, birth_b = _strings(pairs["a_birth"]), _strings(pairs["b_birth"])
    birth_clash = (birth_a != "") & (birth_b != "") & (birth_a != birth_b)

    named_alike = last_alike & first_agree
    is_swapped = (swapped >= AGREE) & ~named_alike & ~missing
    names_agree = named_alike | is_swapped
    # A new surname (marriage) with the same first name, e-mail or mobile and birth date.
    renamed = both_first & (email | mobile) & ~names_agree
    shared = email | mobile | postcode
    same = ((names_agree & shared) | renamed) & ~birth_clash

    similarity = np.where(is_swapped, np.maximum(full, swapped), full)
    # The score follows the similarity the page shows (a new surname scores lower).
    score = NAME_WEIGHT * similarity
    for name, flags in (("email", email), ("mobile", mobile), ("postcode", postcode)):
        score = score + np.where(flags, ANCHORS[name], 0)
    same_names = (a_last == b_last) & ((a_first == b_first) | missing)
    return Judged(
        same,
        names_agree,
        np.minimum(100, np.round(score)).astype(int),
        np.round(similarity).astype(int),
        email,
        mobile,
        postcode,
        is_swapped,
        same_names,
    )
