"""Likely duplicate customers: the Duplicates page's pairs (managers) and, while a customer
is being typed in, the existing customers it may be."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from comptoir.data import db
from comptoir.data import duplicates as repo
from comptoir.logic.auth import Actor, require
from comptoir.logic.duplicates import Judged, first_names_agree, judge
from comptoir.logic.errors import FieldProblem
from comptoir.logic.phones import parse_phone
from comptoir.operations import context
from comptoir.operations import settings as shop_settings

PAGE_SIZE = 25
HINTS = 5
# A similar name counts from this rapidfuzz ratio (0-100) of "first last".
SIMILAR = 85


def _name(row: Mapping[str, Any]) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)


@dataclass(frozen=True)
class _Ranked:
    stamp: tuple[Any, ...]
    order: np.ndarray
    a_ids: np.ndarray
    b_ids: np.ndarray
    judged: Judged


# The last ranking of each database, kept while no customer changed (its stamp): turning
# the page does not judge a million customers' candidates again.
RANKING_SECONDS = float("inf")


def _ranked(cur) -> _Ranked:
    stamp = repo.stamp(cur)
    target = db.target()
    rankings = context.current().kept("duplicate_rankings", RANKING_SECONDS, most=4)
    kept = rankings.get(target, stamp)
    if kept is not None:
        return kept
    frame = repo.candidates(cur)
    judged = judge(frame)
    same = np.flatnonzero(judged.same)
    a_ids, b_ids = frame["a"].to_numpy(), frame["b"].to_numpy()
    # Surest first; ties in the order of the records' ids.
    order = same[np.lexsort((b_ids[same], a_ids[same], -judged.score[same]))]
    ranked = _Ranked(stamp, order, a_ids, b_ids, judged)
    rankings.put(target, stamp, ranked)
    return ranked


def pairs(actor: Actor, page: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Pairs judged one person, surest first: score, reasons, both customers, and how
    alike their names are (the score's main part); how many there are."""
    require(actor, "duplicates.view")
    with db.cursor() as cur:
        ranked = _ranked(cur)
        order, a_ids, b_ids, judged = ranked.order, ranked.a_ids, ranked.b_ids, ranked.judged
        shown = order[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        people = repo.summaries(
            cur, [int(i) for index in shown for i in (a_ids[index], b_ids[index])]
        )
    rows = [
        {
            "score": int(judged.score[index]),
            "reasons": judged.reasons(int(index)),
            "similarity": int(judged.similarity[index]),
            "a": people[int(a_ids[index])],
            "b": people[int(b_ids[index])],
        }
        for index in shown
    ]
    return rows, len(order)


def similar_to(draft: Mapping[str, object]) -> list[dict[str, Any]]:
    """Existing customers the one being typed may be, with why (e-mail, mobile, name and
    postcode, similar name), surest first."""
    email = str(draft.get("email") or "").strip().lower() or None
    mobile = None
    region = shop_settings.get_settings().get("default_country", "FR")
    raw_mobile = str(draft.get("mobile") or "").strip()
    if raw_mobile:
        with contextlib.suppress(FieldProblem):
            mobile = parse_phone(raw_mobile, str(draft.get("country_code") or region))
    last = " ".join(str(draft.get("last_name") or "").split()).lower() or None
    postcode = str(draft.get("postcode") or "").replace(" ", "").upper() or None
    typed_name = _name({"first_name": draft.get("first_name"), "last_name": last or ""})
    if not (email or mobile or last):
        return []
    with db.cursor() as cur:
        found = repo.like(cur, email, mobile, last, postcode, last[:3] if last else None, 200)
    hints = []
    for row in found:
        reasons = []
        if email and (row["email"] or "").lower() == email:
            reasons.append("email")
        if mobile and row["mobile"] == mobile:
            reasons.append("mobile")
        same_place = postcode and (row["postcode"] or "").replace(" ", "").upper() == postcode
        same_first = first_names_agree(str(draft.get("first_name") or ""), row["first_name"])
        if last and (row["last_name"] or "").lower() == last and same_place and same_first:
            reasons.append("name_postcode")
        ratio = fuzz.token_sort_ratio(typed_name.lower(), _name(row).lower())
        if not reasons and ratio >= SIMILAR and same_first:
            reasons.append("similar_name")
        if reasons:
            score = max(repo.SCORES[r] for r in reasons) + 2 * (len(reasons) - 1)
            hints.append({**row, "reasons": reasons, "score": score})
    hints.sort(key=lambda h: (-h["score"], h["id"]))
    return hints[:HINTS]
