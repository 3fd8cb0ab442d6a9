"""Products and their price-level prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import duckdb

from data.rows import as_dicts, versioned_update

Cursor = duckdb.DuckDBPyConnection


def search(
    cur: Cursor, term: str, *, active_only: bool, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Products whose SKU or name contains term, by name, with their level prices."""
    where = ["(sku_key LIKE ? OR lower(name) LIKE ?)"]
    pattern = f"%{term.strip().lower()}%"
    params: list[Any] = [f"%{term.strip().upper()}%", pattern]
    if active_only:
        where.append("active")
    cur.execute(
        f"SELECT id, sku, name, price, tax_rate, active, version, count(*) OVER () AS total"
        f" FROM products WHERE {' AND '.join(where)} ORDER BY lower(name), id LIMIT ? OFFSET ?",
        params + [limit, offset],
    )
    rows = as_dicts(cur)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        del row["total"]
    _attach_levels(cur, rows)
    return rows, total


def _attach_levels(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    ids = [r["id"] for r in rows]
    cur.execute("SELECT product_id, level, price FROM product_prices WHERE product_id IN ?", [ids])
    levels: dict[int, dict[str, Decimal]] = {}
    for product_id, level, price in cur.fetchall():
        levels.setdefault(product_id, {})[level] = price
    for row in rows:
        row["levels"] = levels.get(row["id"], {})


def by_ids(cur: Cursor, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Products by id, with level prices."""
    if not ids:
        return {}
    cur.execute(
        "SELECT id, sku, name, price, tax_rate, active, version FROM products WHERE id IN ?",
        [list(ids)],
    )
    rows = as_dicts(cur)
    _attach_levels(cur, rows)
    return {r["id"]: r for r in rows}


def id_for_sku(cur: Cursor, key: str, exclude_id: int | None = None) -> int | None:
    """The product holding a SKU key."""
    cur.execute(
        "SELECT id FROM products WHERE sku_key = ? AND id IS DISTINCT FROM ?", [key, exclude_id]
    )
    found = cur.fetchall()
    return int(found[0][0]) if found else None


def versions_by_sku(cur: Cursor, keys: Sequence[str]) -> dict[str, tuple[int, int]]:
    """SKU key -> (id, version) of the products that exist among keys."""
    if not keys:
        return {}
    cur.execute("SELECT sku_key, id, version FROM products WHERE sku_key IN ?", [list(keys)])
    return {key: (product_id, version) for key, product_id, version in cur.fetchall()}


def insert(cur: Cursor, fields: Mapping[str, Any], now: datetime) -> int:
    """A new product; returns its id."""
    cur.execute(
        "INSERT INTO products (sku, sku_key, name, price, tax_rate, active, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            fields["sku"],
            fields["sku_key"],
            fields["name"],
            fields["price"],
            fields["tax_rate"],
            fields["active"],
            now,
            now,
        ],
    )
    return int(cur.fetchall()[0][0])


def update(
    cur: Cursor, product_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> int | None:
    """Update if still at version; the new version or None."""
    return versioned_update(cur, "products", product_id, version, fields, now)


def set_level_prices(cur: Cursor, product_id: int, prices: Mapping[str, Decimal | None]) -> None:
    """Set (or clear, with None) the product's price at each level given."""
    for level, price in prices.items():
        cur.execute(
            "DELETE FROM product_prices WHERE product_id = ? AND level = ?", [product_id, level]
        )
        if price is not None:
            cur.execute(
                "INSERT INTO product_prices (product_id, level, price) VALUES (?, ?, ?)",
                [product_id, level, price],
            )
