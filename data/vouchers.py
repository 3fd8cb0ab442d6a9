"""Gift vouchers and their entries; customer rewards accounts and their points ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from comptoir.data.rows import as_dicts

Cursor = duckdb.DuckDBPyConnection

VOUCHER_COLUMNS = (
    "v.id, v.code, v.customer_id, v.amount, v.balance, v.status, v.expires_on, v.issued_at,"
    " v.sale_id, v.shop_code, v.cancel_reason, v.cancelled_at, v.updated_at, v.version"
)


def insert_voucher(cur: Cursor, values: Mapping[str, Any]) -> int:
    """A voucher; returns its id."""
    names = list(values)
    cur.execute(
        f"INSERT INTO gift_vouchers ({', '.join(names)})"
        f" VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


def entry(
    cur: Cursor,
    voucher_id: int,
    kind: str,
    amount: Decimal,
    sale_id: int | None,
    note: str,
    at: datetime,
    staff: str,
) -> None:
    """A line of the voucher's history."""
    cur.execute(
        "INSERT INTO voucher_entries (voucher_id, kind, amount, sale_id, note, happened_at,"
        " staff_name)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [voucher_id, kind, amount, sale_id, note, at, staff],
    )


def by_code(cur: Cursor, code: str) -> dict[str, Any] | None:
    """One voucher by its code, with its customer's name."""
    cur.execute(
        f"SELECT {VOUCHER_COLUMNS}, c.account_number, c.first_name, c.last_name"
        " FROM gift_vouchers v LEFT JOIN customers c ON c.id = v.customer_id WHERE v.code = ?",
        [code],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def voucher(cur: Cursor, voucher_id: int) -> dict[str, Any] | None:
    """One voucher with its history."""
    cur.execute(f"SELECT {VOUCHER_COLUMNS} FROM gift_vouchers v WHERE v.id = ?", [voucher_id])
    found = as_dicts(cur)
    if not found:
        return None
    row = found[0]
    cur.execute(
        "SELECT kind, amount, sale_id, note, happened_at, staff_name FROM voucher_entries"
        " WHERE voucher_id = ? ORDER BY happened_at",
        [voucher_id],
    )
    row["entries"] = as_dicts(cur)
    return row


def spend(cur: Cursor, code: str, amount: Decimal, today: date) -> int | None:
    """Take amount off an active, unexpired voucher holding at least that much; the
    voucher's id, or None when it cannot pay it. Concurrent spenders conflict (DuckDB)
    or wait and re-check (PostgreSQL); the CHECK refuses a negative balance either way."""
    cur.execute(
        "UPDATE gift_vouchers SET balance = balance - ?, version = version + 1"
        " WHERE code = ? AND status = 'active' AND balance >= ?"
        " AND (expires_on IS NULL OR expires_on >= ?) RETURNING id",
        [amount, code, amount, today],
    )
    found = cur.fetchall()
    return int(found[0][0]) if found else None


def restore(cur: Cursor, voucher_id: int, amount: Decimal) -> None:
    """Give amount back to a voucher (a return of a sale it paid)."""
    cur.execute(
        "UPDATE gift_vouchers SET balance = balance + ?, version = version + 1 WHERE id = ?",
        [amount, voucher_id],
    )


def redeemed_by_sale(cur: Cursor, sale_id: int) -> list[dict[str, Any]]:
    """Vouchers that paid a sale: what each paid, less what returns gave back."""
    cur.execute(
        "SELECT e.voucher_id, sum(CASE WHEN e.kind = 'redeemed' THEN e.amount"
        " ELSE -e.amount END) AS amount FROM voucher_entries e"
        " WHERE (e.kind = 'redeemed' AND e.sale_id = ?) OR (e.kind = 'restored'"
        " AND e.note = ?) GROUP BY e.voucher_id ORDER BY e.voucher_id",
        [sale_id, f"sale:{sale_id}"],
    )
    return as_dicts(cur)


def sold_by_sale(cur: Cursor, sale_id: int) -> dict[int, dict[str, Any]]:
    """The vouchers a sale sold, by its line number."""
    cur.execute(
        f"SELECT {VOUCHER_COLUMNS}, v.sale_line_no FROM gift_vouchers v WHERE v.sale_id = ?",
        [sale_id],
    )
    return {int(row["sale_line_no"]): row for row in as_dicts(cur)}


def of_customer(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """A customer's vouchers, newest first."""
    cur.execute(
        f"SELECT {VOUCHER_COLUMNS} FROM gift_vouchers v WHERE v.customer_id = ?"
        " ORDER BY v.issued_at DESC, v.id DESC",
        [customer_id],
    )
    return as_dicts(cur)


def update_voucher(
    cur: Cursor, voucher_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> bool:
    """Change a voucher if still at version."""
    names = list(fields)
    cur.execute(
        f"UPDATE gift_vouchers SET {', '.join(f'{n} = ?' for n in names)}, updated_at = ?,"
        " version = version + 1 WHERE id = ? AND version = ? RETURNING id",
        [*(fields[n] for n in names), now, voucher_id, version],
    )
    return bool(cur.fetchall())


_STATE = (
    "CASE WHEN v.status = 'cancelled' THEN 'cancelled' WHEN v.balance <= 0 THEN 'used'"
    " WHEN v.expires_on < ? THEN 'expired' ELSE 'active' END"
)


def _filters(
    code: str, states: Sequence[str], today: date, expires_before: date | None
) -> tuple[str, str, list[Any]]:
    where = [f"{_STATE} IN ({', '.join('?' for _ in states)})"]
    params: list[Any] = [today, *states]
    if code:
        where.append("v.code LIKE ?")
        params.append(f"{code}%")
    if expires_before is not None:
        where.append("v.expires_on < ?")
        params.append(expires_before)
    return _STATE, " AND ".join(where), params


def export_query(
    code: str, states: Sequence[str], today: date, expires_before: date | None
) -> tuple[str, list[Any]]:
    """The Vouchers page's list, newest first, for a streamed export."""
    state, where, params = _filters(code, states, today, expires_before)
    return (
        # The code in groups of four, as printed (logic.vouchers.format_code).
        "SELECT substr(v.code, 1, 4) || '-' || substr(v.code, 5, 4) || '-'"
        " || substr(v.code, 9, 4) || '-' || substr(v.code, 13) AS code,"
        " trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) AS customer,"
        f" v.amount, v.balance, {state} AS state, v.expires_on, v.issued_at, v.shop_code,"
        " c.account_number, v.cancel_reason"
        " FROM gift_vouchers v LEFT JOIN customers c ON c.id = v.customer_id"
        f" WHERE {where} ORDER BY v.issued_at DESC, v.id DESC",
        [today, *params],
    )


def search(
    cur: Cursor,
    code: str,
    states: Sequence[str],
    today: date,
    expires_before: date | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Vouchers by code (start), state and expiry, newest first; and how many match."""
    state, where, params = _filters(code, states, today, expires_before)
    cur.execute(
        f"SELECT {VOUCHER_COLUMNS}, {state} AS state, c.account_number, c.first_name,"
        " c.last_name, count(*) OVER () AS total_rows FROM gift_vouchers v"
        f" LEFT JOIN customers c ON c.id = v.customer_id WHERE {where}"
        " ORDER BY v.issued_at DESC, v.id DESC LIMIT ? OFFSET ?",
        [today, *params, limit, offset],
    )
    rows = as_dicts(cur)
    total = int(rows[0]["total_rows"]) if rows else 0
    for row in rows:
        del row["total_rows"]
    return rows, total


def liability(cur: Cursor, today: date) -> Decimal:
    """What the shop owes on vouchers: the balances of active, unexpired ones."""
    cur.execute(
        "SELECT coalesce(sum(balance), 0) FROM gift_vouchers WHERE status = 'active'"
        " AND balance > 0 AND (expires_on IS NULL OR expires_on >= ?)",
        [today],
    )
    return Decimal(cur.fetchall()[0][0])


# ---- rewards -----------------------------------------------------------------------


def rewards_account(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """A customer's rewards account."""
    cur.execute("SELECT * FROM rewards_accounts WHERE customer_id = ?", [customer_id])
    found = as_dicts(cur)
    return found[0] if found else None


def next_card(cur: Cursor) -> int:
    """The next card sequence number."""
    cur.execute("SELECT nextval('rewards_card_seq')")
    return int(cur.fetchall()[0][0])


def open_rewards(cur: Cursor, customer_id: int, number: str, now: datetime) -> None:
    """A rewards account with its card number (the primary key refuses a second)."""
    cur.execute(
        "INSERT INTO rewards_accounts (customer_id, card_number, points, last_activity_at,"
        " created_at) VALUES (?, ?, 0, ?, ?)",
        [customer_id, number, now, now],
    )


def new_card(cur: Cursor, customer_id: int, number: str, now: datetime, staff: str) -> str:
    """Replace a customer's card number, keeping the old one; the old number."""
    account = rewards_account(cur, customer_id)
    assert account is not None
    cur.execute(
        "INSERT INTO rewards_old_cards (customer_id, card_number, replaced_at, staff_name)"
        " VALUES (?, ?, ?, ?)",
        [customer_id, account["card_number"], now, staff],
    )
    cur.execute(
        "UPDATE rewards_accounts SET card_number = ?, version = version + 1 WHERE customer_id = ?",
        [number, customer_id],
    )
    return str(account["card_number"])


def old_cards(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """Card numbers the customer had before."""
    cur.execute(
        "SELECT card_number, replaced_at, staff_name FROM rewards_old_cards"
        " WHERE customer_id = ? ORDER BY replaced_at DESC",
        [customer_id],
    )
    return as_dicts(cur)


def move_points(
    cur: Cursor,
    customer_id: int,
    points: int,
    kind: str,
    sale_id: int | None,
    reason: str,
    now: datetime,
    staff: str,
) -> int | None:
    """Add (or take, negative) points; the new balance, or None when it would go below
    zero (the conditional UPDATE, and the CHECK behind it)."""
    cur.execute(
        "UPDATE rewards_accounts SET points = points + ?, last_activity_at = ?,"
        " version = version + 1 WHERE customer_id = ? AND points + ? >= 0 RETURNING points",
        [points, now, customer_id, points],
    )
    found = cur.fetchall()
    if not found:
        return None
    cur.execute(
        "INSERT INTO rewards_entries (customer_id, kind, points, sale_id, reason, happened_at,"
        " staff_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [customer_id, kind, points, sale_id, reason, now, staff],
    )
    return int(found[0][0])


def points_of_sale(cur: Cursor, sale_id: int) -> dict[str, int]:
    """Points a sale moved, by kind (earned, redeemed, clawed_back…)."""
    cur.execute(
        "SELECT kind, sum(points) FROM rewards_entries WHERE sale_id = ? GROUP BY kind",
        [sale_id],
    )
    return {str(kind): int(points) for kind, points in cur.fetchall()}


def balance_after_sale(cur: Cursor, customer_id: int, sale_id: int) -> int | None:
    """The customer's points right after the sale's own entries (None: it moved none)."""
    cur.execute(
        "SELECT sum(points) FROM rewards_entries WHERE customer_id = ? AND id <= (SELECT"
        " max(id) FROM rewards_entries WHERE sale_id = ? AND customer_id = ?)",
        [customer_id, sale_id, customer_id],
    )
    found = cur.fetchall()[0][0]
    return None if found is None else int(found)


def clawed_for(cur: Cursor, sale_id: int) -> int:
    """Points already taken back by returns of a sale (positive)."""
    cur.execute(
        "SELECT coalesce(-sum(points), 0) FROM rewards_entries WHERE kind = 'clawed_back'"
        " AND reason = ?",
        [f"sale:{sale_id}"],
    )
    return int(cur.fetchall()[0][0])


def rewards_entries(cur: Cursor, customer_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The points ledger, newest first."""
    cur.execute(
        "SELECT e.kind, e.points, e.sale_id, s.receipt_number, e.reason, e.happened_at,"
        " e.staff_name"
        " FROM rewards_entries e LEFT JOIN sales s ON s.id = e.sale_id"
        " WHERE e.customer_id = ? ORDER BY e.happened_at DESC, e.id DESC LIMIT ?",
        [customer_id, limit],
    )
    return as_dicts(cur)


def lapsed_accounts(cur: Cursor, before: datetime) -> list[tuple[int, int]]:
    """(customer, points) of accounts with points and no activity since before."""
    cur.execute(
        "SELECT customer_id, points FROM rewards_accounts WHERE points > 0"
        " AND last_activity_at < ?",
        [before],
    )
    return [(int(c), int(p)) for c, p in cur.fetchall()]


def imported_voucher(cur: Cursor, code: str) -> bool:
    """Whether an imported voucher has this code (a code not of our making)."""
    cur.execute(
        "SELECT count(*) FROM gift_vouchers WHERE code = ? AND imported_batch IS NOT NULL",
        [code],
    )
    return bool(cur.fetchall()[0][0])
