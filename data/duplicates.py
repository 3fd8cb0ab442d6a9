"""Likely duplicate customers, found in SQL by blocking: the same e-mail, the same mobile,
the same last name and postcode, or (same postcode and first name) last names that start
alike. Equality joins only, so the database hashes them at a million customers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from data.rows import as_dicts

Cursor = Any

# How sure each reason makes us, out of 100.
SCORES = {"email": 100, "mobile": 95, "name_postcode": 85, "similar_name": 60}

_LIVE = (
    "SELECT id, lower(email) AS e, mobile AS m, lower(last_name) AS ln,"
    " lower(coalesce(first_name, '')) AS fn,"
    " upper(replace(coalesce(postcode, ''), ' ', '')) AS pc FROM customers WHERE NOT archived"
)
_PAIRS = f"""
    WITH live AS ({_LIVE}),
    found AS (
        SELECT a.id AS a, b.id AS b, 'email' AS reason
        FROM live a JOIN live b ON a.e = b.e WHERE a.id < b.id
        UNION ALL
        SELECT a.id, b.id, 'mobile' FROM live a JOIN live b ON a.m = b.m WHERE a.id < b.id
        UNION ALL
        SELECT a.id, b.id, 'name_postcode' FROM live a JOIN live b
            ON a.ln = b.ln AND a.pc = b.pc WHERE a.id < b.id AND a.pc <> ''
        UNION ALL
        SELECT a.id, b.id, 'similar_name' FROM live a JOIN live b
            ON a.pc = b.pc AND a.fn = b.fn AND substr(a.ln, 1, 3) = substr(b.ln, 1, 3)
            WHERE a.id < b.id AND a.pc <> '' AND a.ln <> b.ln
    ),
    scored AS (
        SELECT a, b, string_agg(reason, ',' ORDER BY reason) AS reasons,
               max(CASE reason WHEN 'email' THEN {SCORES["email"]}
                               WHEN 'mobile' THEN {SCORES["mobile"]}
                               WHEN 'name_postcode' THEN {SCORES["name_postcode"]}
                               ELSE {SCORES["similar_name"]} END)
               + 2 * (count(*) - 1) AS score
        FROM found GROUP BY a, b
    )
"""


def pairs(cur: Cursor, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of candidate pairs, surest first, and how many there are."""
    cur.execute(f"{_PAIRS} SELECT count(*) FROM scored")
    total = int(cur.fetchall()[0][0])
    cur.execute(
        f"{_PAIRS} SELECT a, b, reasons, score FROM scored ORDER BY score DESC, a, b"
        " LIMIT ? OFFSET ?",
        [limit, offset],
    )
    return as_dicts(cur), total


def summaries(cur: Cursor, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What a pair shows of each customer."""
    if not ids:
        return {}
    cur.execute(
        "SELECT id, account_number, first_name, last_name, company, email, mobile, postcode,"
        " city, created_at FROM customers WHERE id = ANY(?)",
        [list(ids)],
    )
    return {row["id"]: row for row in as_dicts(cur)}


def like(
    cur: Cursor,
    email: str | None,
    mobile: str | None,
    last_name: str | None,
    postcode: str | None,
    prefix: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Customers (not archived) sharing the e-mail, the mobile, the last name and postcode,
    or whose last name starts like the one typed (for fuzzy scoring)."""
    cur.execute(
        "SELECT id, account_number, first_name, last_name, company, email, mobile, postcode,"
        " city FROM customers WHERE NOT archived AND ("
        " (CAST(? AS VARCHAR) IS NOT NULL AND lower(email) = ?)"
        " OR (CAST(? AS VARCHAR) IS NOT NULL AND mobile = ?)"
        " OR (CAST(? AS VARCHAR) IS NOT NULL AND lower(last_name) = ? AND"
        "     upper(replace(coalesce(postcode, ''), ' ', '')) = ?)"
        " OR (CAST(? AS VARCHAR) IS NOT NULL AND lower(last_name) LIKE ?)) ORDER BY id LIMIT ?",
        [
            email,
            email,
            mobile,
            mobile,
            last_name,
            last_name,
            postcode or "",
            prefix,
            f"{prefix}%" if prefix else None,
            limit,
        ],
    )
    return as_dicts(cur)
