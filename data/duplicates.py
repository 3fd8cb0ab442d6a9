"""Candidate duplicate customers, found in SQL by blocking: the same e-mail, the same
mobile, the same last name and postcode, (same postcode and first name) last names that
start alike, or (same postcode) first and last name swapped. Each key's blocks are counted
first and only small ones paired, with equality joins only, so the database hashes them
at a million customers within its memory limit. logic.duplicates judges the candidates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from comptoir.data.rows import as_dicts

Cursor = Any

# How sure a hint while typing is, by its reason, out of 100.
SCORES = {"email": 100, "mobile": 95, "name_postcode": 85, "similar_name": 60}

# A block (customers sharing one key) larger than this says nothing about any pair in it
# (a common name at a big postcode): it is left out rather than paired n² ways.
MAX_BLOCK = 20

# First letters compared without accents (translate() is in DuckDB and PostgreSQL alike).
_ACCENTED, _PLAIN = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿ", "aaaaaaceeeeiiiinooooouuuuyy"
_LIVE = (
    "SELECT id, first_name, last_name, email, date_of_birth,"
    " lower(email) AS e, mobile AS m, lower(last_name) AS ln,"
    " lower(coalesce(first_name, '')) AS fn,"
    f" translate(substr(lower(coalesce(first_name, '')), 1, 1), '{_ACCENTED}', '{_PLAIN}')"
    " AS fi,"
    f" translate(substr(lower(last_name), 1, 1), '{_ACCENTED}', '{_PLAIN}') AS li,"
    " upper(replace(coalesce(postcode, ''), ' ', '')) AS pc FROM customers WHERE NOT archived"
)
# Most pairs of a surname block are a family (other first names): the candidates kept
# share the first name's initial, or a contact, or have first and last name swapped.
_CANDIDATES = f"""
    WITH live AS ({_LIVE}),
    keyed AS (
        SELECT id, 'email' AS reason, e AS k FROM live WHERE e IS NOT NULL
        UNION ALL
        SELECT id, 'mobile', m FROM live WHERE m IS NOT NULL
        UNION ALL
        SELECT id, 'name_postcode', ln || '|' || pc FROM live WHERE pc <> ''
        UNION ALL
        SELECT id, 'similar_name', pc || '|' || fn || '|' || substr(ln, 1, 3)
        FROM live WHERE pc <> ''
        UNION ALL
        SELECT id, 'swapped', pc || '|' || least(fn, ln) || '|' || greatest(fn, ln)
        FROM live WHERE pc <> '' AND fn <> ''
    ),
    blocks AS (
        SELECT reason, k FROM keyed GROUP BY reason, k
        HAVING count(*) BETWEEN 2 AND {MAX_BLOCK}
    ),
    members AS (
        SELECT m.id, m.reason, m.k FROM keyed m JOIN blocks USING (reason, k)
    ),
    found AS (
        SELECT DISTINCT a.id AS a, b.id AS b
        FROM members a JOIN members b ON a.reason = b.reason AND a.k = b.k
        WHERE a.id < b.id
    )
    SELECT f.a, f.b,
        x.first_name AS a_first, x.last_name AS a_last, x.email AS a_email, x.m AS a_mobile,
        x.pc AS a_postcode, CAST(x.date_of_birth AS VARCHAR) AS a_birth,
        y.first_name AS b_first, y.last_name AS b_last, y.email AS b_email, y.m AS b_mobile,
        y.pc AS b_postcode, CAST(y.date_of_birth AS VARCHAR) AS b_birth
    FROM found f JOIN live x ON x.id = f.a JOIN live y ON y.id = f.b
    WHERE (x.e IS NOT NULL AND x.e = y.e) OR (x.m IS NOT NULL AND x.m = y.m)
       OR x.fi = '' OR y.fi = '' OR x.fi = y.fi OR (x.fi = y.li AND x.li = y.fi)
"""


def candidates(cur: Cursor) -> pd.DataFrame:
    """Every candidate pair (a < b) with what judging it needs of each side."""
    cur.execute(_CANDIDATES)
    return cur.df()


def stamp(cur: Cursor) -> tuple[Any, ...]:
    """What changes whenever any customer does (a cache of the pairs is kept while equal)."""
    cur.execute("SELECT count(*), max(id), max(updated_at), sum(version) FROM customers")
    return tuple(cur.fetchall()[0])


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
