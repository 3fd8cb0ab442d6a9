"""Shop settings and the title, gender and price-level lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from comptoir.logic.shops import split_settings

Cursor = duckdb.DuckDBPyConnection


def get_all(cur: Cursor, shop: str) -> dict[str, str]:
    """The chain's settings with the shop's own (name, printers, prefixes...) over them."""
    # One statement: the shop's rows come last and win.
    cur.execute(
        "SELECT 0 AS layer, key, value FROM settings UNION ALL"
        " SELECT 1 AS layer, key, value FROM shop_settings WHERE shop_code = ? ORDER BY layer",
        [shop],
    )
    return {key: value for _, key, value in cur.fetchall()}


def shop_values(cur: Cursor, shop: str) -> dict[str, str]:
    """One shop's own settings."""
    cur.execute("SELECT key, value FROM shop_settings WHERE shop_code = ?", [shop])
    return dict(cur.fetchall())


def set_many(cur: Cursor, values: Mapping[str, str], shop: str) -> None:
    """Insert or replace settings: the shop's own keys for that shop, the rest chain-wide."""
    chain, own = split_settings(values)
    for key, value in own.items():
        cur.execute(
            "INSERT INTO shop_settings (shop_code, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (shop_code, key) DO UPDATE SET value = excluded.value",
            [shop, key, value],
        )
    for key, value in chain.items():
        cur.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def shops(cur: Cursor) -> list[dict[str, str]]:
    """Every shop of the chain with its own settings (code, shop_name, time_zone, ...)."""
    cur.execute(
        "SELECT s.code, k.key, k.value FROM shops s"
        " LEFT JOIN shop_settings k ON k.shop_code = s.code ORDER BY s.position, s.code"
    )
    found: dict[str, dict[str, str]] = {}
    for code, key, value in cur.fetchall():
        row = found.setdefault(code, {"code": code})
        if key is not None:
            row[key] = value
    return list(found.values())


def shop_exists(cur: Cursor, code: str) -> bool:
    """Whether the chain has a shop with this code."""
    cur.execute("SELECT count(*) FROM shops WHERE code = ?", [code])
    return bool(cur.fetchall()[0][0])


def insert_shop(cur: Cursor, code: str, values: Mapping[str, str], now: datetime) -> None:
    """A new shop with its own settings (the primary key refuses a code taken meanwhile)."""
    cur.execute(
        "INSERT INTO shops (code, position, created_at)"
        " SELECT ?, coalesce(max(position), 0) + 1, ? FROM shops",
        [code, now],
    )
    set_many(cur, split_settings(values)[1], code)


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
