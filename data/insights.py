"""The Insights page's questions, answered in SQL: only aggregates and one page of a list
ever reach Python, whatever the number of sales.

Every query starts from `scoped`: the sales of the period and filters, each with its
shop-local day. Refunds are sales with negative totals: revenue is net of them;
baskets and visits count only sales that are not refunds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from comptoir.data import streams
from comptoir.data.customers import HAS_TAG
from comptoir.data.rows import as_dicts
from comptoir.logic.insights import Filters

Cursor = Any
Query = tuple[str, list[Any]]

# A score from 1 to 5 by rank (ties share it): most recent, most frequent, biggest = 5.
_SCORE = "1 + CAST(floor(5.0 * (rank() OVER (ORDER BY {x}) - 1) / count(*) OVER ()) AS INTEGER)"


def _scoped(f: Filters, since: datetime | None, until: datetime, zone: str) -> Query:
    """The CTE `scoped`: the sales in [since, until) matching the filters, with their day."""
    where = ["s.sold_at < ?"]
    params: list[Any] = [zone, until]
    if since is not None:
        where.append("s.sold_at >= ?")
        params.append(since)
    if f.shop_code:
        where.append("s.shop_code = ?")
        params.append(f.shop_code)
    if f.tax_exempt is not None:
        where.append("s.tax_exempt = ?")
        params.append(f.tax_exempt)
    if f.price_level:
        where.append("c.price_level = ?")
        params.append(f.price_level)
    if f.tag:
        where.append(HAS_TAG)
        params.append(f.tag)
    if f.account_type_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM customer_accounts a"
            " WHERE a.customer_id = s.customer_id AND a.account_type_id = ?)"
        )
        params.append(f.account_type_id)
    if f.product_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id AND l.product_id = ?)"
        )
        params.append(f.product_id)
    if f.product_group:
        where.append(
            "EXISTS (SELECT 1 FROM sale_lines l JOIN products p ON p.id = l.product_id"
            " WHERE l.sale_id = s.id AND p.product_group = ?)"
        )
        params.append(f.product_group)
    sql = (
        "scoped AS (SELECT s.id, s.customer_id, s.sold_at, s.total, s.refund_of, s.shop_code,"
        " s.receipt_number, timezone(?, s.sold_at) AS local_at"
        " FROM sales s LEFT JOIN customers c ON c.id = s.customer_id"
        f" WHERE {' AND '.join(where)})"
    )
    return sql, params


def summary(cur: Cursor, f: Filters, since: datetime, until: datetime, zone: str) -> dict[str, Any]:
    """Revenue (net of refunds), baskets, average basket and customers of the period."""
    scoped, params = _scoped(f, since, until, zone)
    cur.execute(
        f"WITH {scoped} SELECT coalesce(sum(total), 0) AS revenue,"
        " count(*) FILTER (WHERE refund_of IS NULL) AS baskets,"
        " coalesce(sum(total) FILTER (WHERE refund_of IS NULL), 0) AS sold,"
        " count(DISTINCT customer_id) AS customers FROM scoped",
        params,
    )
    return as_dicts(cur)[0]


def series(
    cur: Cursor, f: Filters, since: datetime, until: datetime, zone: str, grain: str
) -> list[dict[str, Any]]:
    """Per day / week / month: revenue, baskets, and customers new (first purchase ever in
    that bucket) or returning."""
    scoped, params = _scoped(f, since, until, zone)
    cur.execute(
        f"""
        WITH {scoped}, firsts AS (
            SELECT customer_id, min(sold_at) AS first_at FROM sales
            WHERE refund_of IS NULL AND customer_id IS NOT NULL GROUP BY customer_id
        ), bucketed AS (
            SELECT CAST(date_trunc(?, s.local_at) AS DATE) AS bucket, s.total, s.refund_of,
                   s.customer_id,
                   CAST(date_trunc(?, timezone(?, fi.first_at)) AS DATE) AS first_bucket
            FROM scoped s LEFT JOIN firsts fi ON fi.customer_id = s.customer_id
        )
        SELECT bucket, sum(total) AS revenue,
               count(*) FILTER (WHERE refund_of IS NULL) AS baskets,
               count(DISTINCT customer_id) FILTER (
                   WHERE refund_of IS NULL AND first_bucket = bucket) AS new_customers,
               count(DISTINCT customer_id) FILTER (
                   WHERE refund_of IS NULL AND first_bucket < bucket) AS returning_customers
        FROM bucketed GROUP BY bucket ORDER BY bucket
        """,
        [*params, grain, grain, zone],
    )
    return as_dicts(cur)


def top_customers(
    cur: Cursor, f: Filters, since: datetime, until: datetime, zone: str, by: str, limit: int
) -> list[dict[str, Any]]:
    """The customers who spent most (by="spend") or came most often (by="visits")."""
    order = {"spend": "spend DESC, visits DESC", "visits": "visits DESC, spend DESC"}[by]
    scoped, params = _scoped(f, since, until, zone)
    cur.execute(
        f"""
        WITH {scoped}, per AS (
            SELECT customer_id, sum(total) AS spend,
                   count(*) FILTER (WHERE refund_of IS NULL) AS visits
            FROM scoped WHERE customer_id IS NOT NULL GROUP BY customer_id
        )
        SELECT p.customer_id, c.account_number, c.first_name, c.last_name, c.company,
               p.spend, p.visits
        FROM per p JOIN customers c ON c.id = p.customer_id
        ORDER BY {order}, p.customer_id LIMIT ?
        """,
        [*params, limit],
    )
    return as_dicts(cur)


def top_products(
    cur: Cursor, f: Filters, since: datetime, until: datetime, zone: str, limit: int
) -> list[dict[str, Any]]:
    """The products that brought most (lines' amounts with tax, net of returns)."""
    scoped, params = _scoped(f, since, until, zone)
    only: list[str] = []
    extra: list[Any] = []
    if f.product_id is not None:
        only.append("l.product_id = ?")
        extra.append(f.product_id)
    if f.product_group:
        only.append("p.product_group = ?")
        extra.append(f.product_group)
    where = f"WHERE {' AND '.join(only)}" if only else ""
    cur.execute(
        f"""
        WITH {scoped}
        SELECT l.product_id, p.sku, p.name, p.product_group, sum(l.quantity) AS quantity,
               sum(l.gross) AS revenue
        FROM sale_lines l JOIN scoped s ON s.id = l.sale_id
        JOIN products p ON p.id = l.product_id {where}
        GROUP BY l.product_id, p.sku, p.name, p.product_group
        ORDER BY revenue DESC, l.product_id LIMIT ?
        """,
        [*params, *extra, limit],
    )
    return as_dicts(cur)


def _scored(f: Filters, since: datetime, until: datetime, zone: str) -> Query:
    """CTEs ending in `scored`: each customer of the period with R, F and M from 1 to 5."""
    scoped, params = _scoped(f, since, until, zone)
    sql = f"""
        WITH {scoped}, per AS (
            SELECT customer_id, max(sold_at) AS last_at,
                   count(*) FILTER (WHERE refund_of IS NULL) AS visits, sum(total) AS spend
            FROM scoped WHERE customer_id IS NOT NULL GROUP BY customer_id
            HAVING count(*) FILTER (WHERE refund_of IS NULL) > 0
        ), scored AS (
            SELECT customer_id, last_at, visits, spend,
                   {_SCORE.format(x="last_at")} AS r,
                   {_SCORE.format(x="visits")} AS f,
                   {_SCORE.format(x="spend")} AS m
            FROM per
        )"""
    return sql, params


def rfm_cells(
    cur: Cursor, f: Filters, since: datetime, until: datetime, zone: str
) -> list[dict[str, Any]]:
    """How many customers (and their spend) at each recency and frequency score."""
    scored, params = _scored(f, since, until, zone)
    cur.execute(
        f"{scored} SELECT r, f, count(*) AS customers, sum(spend) AS spend"
        " FROM scored GROUP BY r, f ORDER BY r, f",
        params,
    )
    return as_dicts(cur)


_PERSON = (
    "c.id AS customer_id, c.account_number, c.first_name, c.last_name, c.company, c.email,"
    " c.mobile, c.postcode, c.city"
)


def segment_query(
    f: Filters, since: datetime, until: datetime, zone: str, cells: Sequence[tuple[int, int]]
) -> Query:
    """The customers scored into these (recency, frequency) cells, biggest spenders first."""
    scored, params = _scored(f, since, until, zone)
    marks = ", ".join("?" for _ in cells)
    return (
        f"{scored} SELECT {_PERSON}, s.last_at, s.visits, CAST(s.spend AS DECIMAL(14, 2)) AS spend,"
        " s.r, s.f, s.m FROM scored s JOIN customers c ON c.id = s.customer_id"
        f" WHERE s.r * 10 + s.f IN ({marks}) ORDER BY s.spend DESC, c.id",
        [*params, *(r * 10 + fr for r, fr in cells)],
    )


def lapsed_query(f: Filters, cutoff: datetime, until: datetime, zone: str) -> Query:
    """Customers (not archived) whose last purchase is before cutoff, most recent first."""
    scoped, params = _scoped(f, None, until, zone)
    return (
        f"""
        WITH {scoped}, per AS (
            SELECT customer_id, max(sold_at) AS last_at,
                   count(*) FILTER (WHERE refund_of IS NULL) AS visits,
                   CAST(sum(total) AS DECIMAL(14, 2)) AS spend
            FROM scoped WHERE customer_id IS NOT NULL GROUP BY customer_id
        )
        SELECT {_PERSON}, p.last_at, p.visits, p.spend
        FROM per p JOIN customers c ON c.id = p.customer_id
        WHERE p.last_at < ? AND NOT c.archived AND p.visits > 0
        ORDER BY p.last_at DESC, c.id
        """,
        [*params, cutoff],
    )


def sales_query(f: Filters, since: datetime, until: datetime, zone: str) -> Query:
    """The sales of the filters between two moments, newest first."""
    scoped, params = _scoped(f, since, until, zone)
    return (
        f"WITH {scoped} SELECT s.id AS sale_id, s.receipt_number, s.sold_at, s.shop_code,"
        " s.customer_id, c.account_number, c.first_name, c.last_name, s.total"
        " FROM scoped s LEFT JOIN customers c ON c.id = s.customer_id"
        " ORDER BY s.sold_at DESC, s.id DESC",
        params,
    )


def page_of(cur: Cursor, query: Query, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The first rows of a list (in its order) and how many it holds."""
    sql, params = query
    total = streams.count(cur, sql, params)
    cur.execute(f"{sql} LIMIT ?", [*params, limit])
    return as_dicts(cur), total


def stamp(cur: Cursor) -> tuple:
    """Changes with every new sale (a refund is a sale too): the cache's key."""
    cur.execute("SELECT max(id), count(*) FROM sales")
    return tuple(cur.fetchall()[0])


def product_groups(cur: Cursor) -> list[str]:
    """The groups products are in, by name."""
    cur.execute(
        "SELECT DISTINCT product_group FROM products WHERE product_group <> ''"
        " ORDER BY product_group"
    )
    return [row[0] for row in cur.fetchall()]
