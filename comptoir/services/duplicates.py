"""Likely duplicate customers: the Duplicates page's pairs (managers) and, while a customer
is being typed in, the existing customers it may be."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz

from comptoir.data import db
from comptoir.data import duplicates as repo
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldProblem
from comptoir.logic.phones import parse_phone
from comptoir.services import shop

PAGE_SIZE = 25
HINTS = 5
# A similar name counts from this rapidfuzz ratio (0-100) of "first last".
SIMILAR = 85


def _name(row: Mapping[str, Any]) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)


def pairs(actor: Actor, page: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Candidate pairs, surest first: score, reasons, both customers, name similarity."""
    require(actor, "duplicates.view")
    with db.cursor() as cur:
        found, total = repo.pairs(cur, PAGE_SIZE, page * PAGE_SIZE)
        people = repo.summaries(cur, [i for row in found for i in (row["a"], row["b"])])
    rows = []
    for row in found:
        a, b = people[row["a"]], people[row["b"]]
        rows.append(
            {
                "score": int(row["score"]),
                "reasons": row["reasons"].split(","),
                "similarity": round(fuzz.token_sort_ratio(_name(a), _name(b))),
                "a": a,
                "b": b,
            }
        )
    return rows, total


def similar_to(draft: Mapping[str, object]) -> list[dict[str, Any]]:
    """Existing customers the one being typed may be, with why (e-mail, mobile, name and
    postcode, similar name), surest first."""
    email = str(draft.get("email") or "").strip().lower() or None
    mobile = None
    region = shop.get_settings().get("default_country", "FR")
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
        if last and (row["last_name"] or "").lower() == last and same_place:
            reasons.append("name_postcode")
        ratio = fuzz.token_sort_ratio(typed_name.lower(), _name(row).lower())
        if not reasons and ratio >= SIMILAR:
            reasons.append("similar_name")
        if reasons:
            score = max(repo.SCORES[r] for r in reasons) + 2 * (len(reasons) - 1)
            hints.append({**row, "reasons": reasons, "score": score})
    hints.sort(key=lambda h: (-h["score"], h["id"]))
    return hints[:HINTS]
