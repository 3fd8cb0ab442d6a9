"""Likely duplicate customers, found in SQL by blocking: the same e-mail, the same mobile,
the same last name and postcode, or (same postcode and first name) last names that start
alike. Each key's blocks are counted first and only small ones paired, with equality joins
only, so the database hashes them at a million customers within its memory limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from comptoir.data.rows import as_dicts

Cursor = Any

# How sure each reason makes us, out of 100.
SCORES = {"email": 100, "mobile": 95, "name_postcode": 85, "similar_name": 60}

# A block (customers sharing one key) larger than this says nothing about any pair in it
# (a common name at a big postcode): it is left out rather than paired n² ways.
MAX_BLOCK = 20

_LIVE = (
    "SELECT id, lower(email) AS e, mobile AS m, lower(last_name) AS ln,"
    " lower(coalesce(first_name, '')) AS fn,"
    " upper(replace(coalesce(postcode, ''), ' ', '')) AS pc FROM customers WHERE NOT archived"
)
_PAIRS = f"""
    WITH live AS ({_LIVE}),
    keyed AS (
        SELECT id, ln, 'email' AS reason, e AS k FROM live WHERE e IS NOT NULL
        UNION ALL
        SELECT id, ln, 'mobile', m FROM live WHERE m IS NOT NULL
        UNION ALL
        SELECT id, ln, 'name_postcode', ln || '|' || pc FROM live WHERE pc <> ''
        UNION ALL
        SELECT id, ln, 'similar_name', pc || '|' || fn || '|' || substr(ln, 1, 3)
        FROM live WHERE pc <> ''
    ),
    blocks AS (
        SELECT reason, k FROM keyed GROUP BY reason, k
        HAVING count(*) BETWEEN 2 AND {MAX_BLOCK}
    ),
    members AS (
        SELECT m.id, m.ln, m.reason, m.k FROM keyed m
        JOIN blocks USING (reason, k)
    ),
    found AS (
        SELECT a.id AS a, b.id AS b, a.reason
        FROM members a JOIN members b ON a.reason = b.reason AND a.k = b.k
        WHERE a.id < b.id AND NOT (a.reason = 'similar_name' AND a.ln = b.ln)
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
    """One page of candidate pairs, surest first, and how many there are (one pass)."""
    cur.execute(
        f"{_PAIRS} SELECT a, b, reasons, score, count(*) OVER () AS total_rows FROM scored"
        " ORDER BY score DESC, a, b LIMIT ? OFFSET ?",
        [limit, offset],
    )
    rows = as_dicts(cur)
    if rows:
        total = int(rows[0]["total_rows"])
        for row in rows:
            del row["total_rows"]
        return rows, total
    cur.execute(f"{_PAIRS} SELECT count(*) FROM scored")  # past the last page
    return [], int(cur.fetchall()[0][0])


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
