"""Shop settings and the title, gender and price-level lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

Cursor = duckdb.DuckDBPyConnection


def get_all(cur: Cursor) -> dict[str, str]:
    """Every setting as key -> value."""
    return dict(cur.execute("SELECT key, value FROM settings").fetchall())


def set_many(cur: Cursor, values: Mapping[str, str]) -> None:
    """Insert or replace settings."""
    for key, value in values.items():
        cur.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def _labelled(cur: Cursor, table: str) -> list[dict[str, Any]]:
    cur.execute(f"SELECT code, label_en, label_fr FROM {table} ORDER BY position, code")
    return [{"code": c, "en": en, "fr": fr} for c, en, fr in cur.fetchall()]


def titles(cur: Cursor) -> list[dict[str, Any]]:
    """Titles with their English and French labels, in order."""
    return _labelled(cur, "titles")


def genders(cur: Cursor) -> list[dict[str, Any]]:
    """Genders with their English and French labels, in order."""
    return _labelled(cur, "genders")


def price_levels(cur: Cursor) -> list[dict[str, str]]:
    """Price levels, in order."""
    cur.execute("SELECT code, name FROM price_levels ORDER BY position, code")
    return [{"code": c, "name": n} for c, n in cur.fetchall()]


def replace_price_levels(cur: Cursor, levels: Sequence[tuple[str, str]]) -> None:
    """Replace the price-level list (code, name) keeping the given order."""
    cur.execute("DELETE FROM price_levels")
    for position, (code, name) in enumerate(levels, start=1):
        cur.execute(
            "INSERT INTO price_levels (code, name, position) VALUES (?, ?, ?)",
            [code, name, position],
        )


def customers_using_price_level(cur: Cursor, code: str) -> int:
    """How many customers are on a price level."""
    cur.execute("SELECT count(*) FROM customers WHERE price_level = ?", [code])
    return int(cur.fetchall()[0][0])
