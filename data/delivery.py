"""Delivery addresses of customers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb

from comptoir.data.rows import as_dicts

Cursor = duckdb.DuckDBPyConnection

COLUMNS = (
    "id, customer_id, name, company, address1, address2, city, region, postcode,"
    " country_code, phone, source, is_default, place_key, created_at, updated_at, version"
)


def of_customer(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """A customer's delivery addresses (removed ones left out), default first."""
    cur.execute(
        f"SELECT {COLUMNS} FROM delivery_addresses WHERE customer_id = ? AND removed_at IS NULL"
        " ORDER BY is_default DESC, id",
        [customer_id],
    )
    return as_dicts(cur)


def address(cur: Cursor, address_id: int) -> dict[str, Any] | None:
    """One address (removed ones too: a sale may have used it)."""
    cur.execute(f"SELECT {COLUMNS}, removed_at FROM delivery_addresses WHERE id = ?", [address_id])
    found = as_dicts(cur)
    return found[0] if found else None


def same_place(
    cur: Cursor, customer_id: int, key: str, exclude_id: int | None = None
) -> int | None:
    """The customer's address at that place, if there is one."""
    cur.execute(
        "SELECT id FROM delivery_addresses WHERE customer_id = ? AND place_key = ?"
        " AND removed_at IS NULL AND id IS DISTINCT FROM ? LIMIT 1",
        [customer_id, key, exclude_id],
    )
    found = cur.fetchall()
    return int(found[0][0]) if found else None


def insert(cur: Cursor, values: Mapping[str, Any]) -> int:
    """An address; returns its id."""
    names = list(values)
    cur.execute(
        f"INSERT INTO delivery_addresses ({', '.join(names)})"
        f" VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


def update(
    cur: Cursor, address_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> bool:
    """Change an address if still at version (and not removed)."""
    names = list(fields)
    cur.execute(
        f"UPDATE delivery_addresses SET {', '.join(f'{n} = ?' for n in names)}, updated_at = ?,"
        " version = version + 1 WHERE id = ? AND version = ? AND removed_at IS NULL"
        " RETURNING id",
        [*(fields[n] for n in names), now, address_id, version],
    )
    return bool(cur.fetchall())


def clear_default(cur: Cursor, customer_id: int, keep: int) -> None:
    """One default per customer."""
    cur.execute(
        "UPDATE delivery_addresses SET is_default = false WHERE customer_id = ? AND id <> ?"
        " AND is_default",
        [customer_id, keep],
    )


def customer_ids_by_contact(
    cur: Cursor, emails: list[str], accounts: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Customers by e-mail (lower case) and by account key, for an import's rows."""
    by_email: dict[str, int] = {}
    by_account: dict[str, int] = {}
    if emails:
        cur.execute(
            "SELECT lower(email), min(id) FROM customers WHERE lower(email) = ANY(?)"
            " AND NOT archived GROUP BY lower(email)",
            [emails],
        )
        by_email = {str(e): int(i) for e, i in cur.fetchall()}
    if accounts:
        cur.execute("SELECT account_key, id FROM customers WHERE account_key = ANY(?)", [accounts])
        by_account = {str(k): int(i) for k, i in cur.fetchall()}
    return by_email, by_account


def place_keys(cur: Cursor, customer_ids: list[int]) -> set[tuple[int, str]]:
    """(customer, place) of the live addresses of these customers."""
    if not customer_ids:
        return set()
    cur.execute(
        "SELECT customer_id, place_key FROM delivery_addresses WHERE customer_id = ANY(?)"
        " AND removed_at IS NULL",
        [customer_ids],
    )
    return {(int(c), str(k)) for c, k in cur.fetchall()}
