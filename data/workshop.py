"""Serviced items, customer orders and workshop jobs, their lines and history, reminders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from comptoir.data import customers as customers_repo
from comptoir.data.rows import as_dicts, versioned_update

Cursor = duckdb.DuckDBPyConnection

ORDER_COLUMNS = (
    "o.id, o.number, o.customer_id, o.shop_code, o.kind, o.status, o.item_id, o.reported,"
    " o.agreed, o.estimate_limit, o.mechanic, o.promised_on, o.booked_on, o.booked_hours,"
    " o.deposit, o.sale_id, o.created_at, o.updated_at, o.closed_at, o.staff_name, o.version"
)
# What the board and lists show beside the order: who and which bike.
BOARD_COLUMNS = (
    f"{ORDER_COLUMNS}, c.account_number, c.first_name, c.last_name, c.mobile,"
    " i.name AS item_name, i.serial"
)
BOARD_FROM = (
    "FROM orders o JOIN customers c ON c.id = o.customer_id"
    " LEFT JOIN serviced_items i ON i.id = o.item_id"
)


def _insert(cur: Cursor, table: str, values: Mapping[str, Any]) -> int:
    names = list(values)
    cur.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        " RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


# ---- serviced items ---------------------------------------------------------


def insert_item(cur: Cursor, values: Mapping[str, Any]) -> int:
    """A serviced item; returns its id."""
    return _insert(cur, "serviced_items", values)


def update_item(
    cur: Cursor, item_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> int | None:
    """Change an item if still at version; its new version or None."""
    return versioned_update(cur, "serviced_items", item_id, version, fields, now)


def item(cur: Cursor, item_id: int) -> dict[str, Any] | None:
    """One serviced item."""
    cur.execute("SELECT * FROM serviced_items WHERE id = ?", [item_id])
    found = as_dicts(cur)
    return found[0] if found else None


def items_of(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """A customer's items, newest first, each with how many jobs and whether its serial
    is also on another customer's item."""
    cur.execute(
        """
        SELECT i.*,
               (SELECT count(*) FROM orders o WHERE o.item_id = i.id) AS jobs,
               EXISTS (SELECT 1 FROM serviced_items x WHERE x.serial_key = i.serial_key
                       AND i.serial_key <> '' AND x.customer_id <> i.customer_id)
                   AS serial_elsewhere
        FROM serviced_items i WHERE i.customer_id = ? ORDER BY i.id DESC
        """,
        [customer_id],
    )
    return as_dicts(cur)


def by_serial(cur: Cursor, key: str, limit: int) -> list[dict[str, Any]]:
    """Items whose serial (compared as a key) is this one, with their owners."""
    cur.execute(
        "SELECT i.id, i.name, i.serial, i.customer_id, c.account_number, c.first_name,"
        " c.last_name FROM serviced_items i JOIN customers c ON c.id = i.customer_id"
        " WHERE i.serial_key = ? ORDER BY i.id LIMIT ?",
        [key, limit],
    )
    return as_dicts(cur)


# ---- orders ---------------------------------------------------------------


def insert_order(cur: Cursor, values: Mapping[str, Any]) -> int:
    """An order; returns its id."""
    return _insert(cur, "orders", values)


def order_by_key(cur: Cursor, key: str) -> int | None:
    """The order created under an idempotency key."""
    cur.execute("SELECT id FROM orders WHERE idempotency_key = ?", [key])
    found = cur.fetchall()
    return int(found[0][0]) if found else None


def order(cur: Cursor, order_id: int) -> dict[str, Any] | None:
    """One order with its customer and item, lines, status history and deposits."""
    cur.execute(f"SELECT {BOARD_COLUMNS} {BOARD_FROM} WHERE o.id = ?", [order_id])
    found = as_dicts(cur)
    if not found:
        return None
    row = found[0]
    cur.execute("SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", [order_id])
    row["lines"] = as_dicts(cur)
    cur.execute(
        "SELECT status, note, changed_at, staff_name FROM order_events WHERE order_id = ?"
        " ORDER BY changed_at, id",
        [order_id],
    )
    row["events"] = as_dicts(cur)
    cur.execute(
        "SELECT d.sale_id, d.amount, d.taken_at, d.returned_at, s.receipt_number"
        " FROM order_deposits d"
        " JOIN sales s ON s.id = d.sale_id WHERE d.order_id = ? ORDER BY d.taken_at",
        [order_id],
    )
    row["deposits"] = as_dicts(cur)
    return row


def lock_order(cur: Cursor, order_id: int) -> dict[str, Any] | None:
    """The order's row, written to at once so a concurrent change of it conflicts
    (DuckDB) or waits (PostgreSQL) until this transaction ends."""
    cur.execute("UPDATE orders SET version = version WHERE id = ? RETURNING *", [order_id])
    found = as_dicts(cur)
    return found[0] if found else None


def orders_of(cur: Cursor, customer_id: int, statuses: Sequence[str]) -> list[dict[str, Any]]:
    """A customer's orders in these statuses, newest first."""
    marks = ", ".join("?" for _ in statuses)
    cur.execute(
        f"SELECT {BOARD_COLUMNS} {BOARD_FROM} WHERE o.customer_id = ? AND o.status IN ({marks})"
        " ORDER BY o.id DESC",
        [customer_id, *statuses],
    )
    return as_dicts(cur)


def orders_of_item(cur: Cursor, item_id: int) -> list[dict[str, Any]]:
    """The jobs on one serviced item, newest first."""
    cur.execute(
        f"SELECT {ORDER_COLUMNS} FROM orders o WHERE o.item_id = ? ORDER BY o.id DESC", [item_id]
    )
    return as_dicts(cur)


def _open_where(
    shop_code: str | None, statuses: Sequence[str], search: str, serial_key: str
) -> tuple[str, list[Any]]:
    marks = ", ".join("?" for _ in statuses)
    where = [f"o.status IN ({marks})"]
    params: list[Any] = [*statuses]
    if shop_code:
        where.append("o.shop_code = ?")
        params.append(shop_code)
    if search:
        like = f"%{search.lower()}%"
        clauses = [
            "lower(o.number) LIKE ?",
            "lower(c.account_number) LIKE ?",
            "lower(c.last_name || ' ' || c.first_name) LIKE ?",
            "lower(c.first_name || ' ' || c.last_name) LIKE ?",
        ]
        values = [like, like, like, like]
        if serial_key:
            clauses.append("i.serial_key = ?")
            values.append(serial_key)
        where.append(f"({' OR '.join(clauses)})")
        params.extend(values)
    return " AND ".join(where), params


def open_orders_query(
    shop_code: str | None, statuses: Sequence[str], search: str = "", serial_key: str = ""
) -> tuple[str, list[Any]]:
    """The Workshop list by promised date, for a streamed export."""
    where, params = _open_where(shop_code, statuses, search, serial_key)
    return (
        "SELECT o.number, o.kind, o.status, o.promised_on, o.booked_on, o.booked_hours,"
        " o.mechanic, c.account_number, c.first_name, c.last_name, i.name AS item_name,"
        f" i.serial, o.reported, o.deposit, o.created_at {BOARD_FROM} WHERE {where}"
        " ORDER BY o.promised_on NULLS LAST, o.id",
        params,
    )


def open_orders(
    cur: Cursor,
    shop_code: str | None,
    statuses: Sequence[str],
    search: str = "",
    serial_key: str = "",
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Open orders for the board and list, by promised date (none last), then number.

    search matches the order number, the customer's account number or name; the
    serial key matches the item's serial.
    """
    where, params = _open_where(shop_code, statuses, search, serial_key)
    cur.execute(
        f"SELECT {BOARD_COLUMNS} {BOARD_FROM} WHERE {where}"
        " ORDER BY o.promised_on NULLS LAST, o.id LIMIT ?",
        [*params, limit],
    )
    return as_dicts(cur)


def update_order(
    cur: Cursor, order_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> int | None:
    """Change an order if still at version; its new version or None."""
    return versioned_update(cur, "orders", order_id, version, fields, now)


def touch_order(cur: Cursor, order_id: int, now: datetime) -> None:
    """A new version for an order whose lines changed (a collection read before fails)."""
    cur.execute(
        "UPDATE orders SET updated_at = ?, version = version + 1 WHERE id = ?", [now, order_id]
    )


def insert_event(cur: Cursor, order_id: int, status: str, note: str, now: datetime, actor) -> None:
    """A line of the order's history."""
    cur.execute(
        "INSERT INTO order_events (order_id, status, note, changed_at, staff_id, staff_name)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [order_id, status, note, now, actor.staff_id, actor.display_name],
    )


def add_line(cur: Cursor, order_id: int, values: Mapping[str, Any]) -> int:
    """Append a line; returns its number."""
    cur.execute(
        "SELECT coalesce(max(line_no), 0) + 1 FROM order_lines WHERE order_id = ?", [order_id]
    )
    number = int(cur.fetchall()[0][0])
    names = list(values)
    cur.execute(
        f"INSERT INTO order_lines (order_id, line_no, {', '.join(names)})"
        f" VALUES (?, ?, {', '.join('?' for _ in names)})",
        [order_id, number, *(values[n] for n in names)],
    )
    return number


def remove_line(cur: Cursor, order_id: int, line_no: int) -> dict[str, Any] | None:
    """Delete a line; the removed line or None."""
    cur.execute(
        "DELETE FROM order_lines WHERE order_id = ? AND line_no = ? RETURNING *",
        [order_id, line_no],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def add_deposit(cur: Cursor, order_id: int, sale_id: int, amount: Decimal, now: datetime) -> None:
    """Record a deposit's sale against the order and add it to the order's deposit."""
    cur.execute(
        "INSERT INTO order_deposits (order_id, sale_id, amount, taken_at) VALUES (?, ?, ?, ?)",
        [order_id, sale_id, amount, now],
    )
    cur.execute(
        "UPDATE orders SET deposit = deposit + ?, updated_at = ?, version = version + 1"
        " WHERE id = ?",
        [amount, now, order_id],
    )


def is_deposit(cur: Cursor, sale_id: int) -> bool:
    """The sale took a deposit for an order."""
    cur.execute("SELECT 1 FROM order_deposits WHERE sale_id = ?", [sale_id])
    return bool(cur.fetchall())


def return_deposit(cur: Cursor, order_id: int, sale_id: int, now: datetime) -> Decimal:
    """Mark a deposit given back and take it off the order; the amount (0 if done)."""
    cur.execute(
        "UPDATE order_deposits SET returned_at = ? WHERE order_id = ? AND sale_id = ?"
        " AND returned_at IS NULL RETURNING amount",
        [now, order_id, sale_id],
    )
    found = cur.fetchall()
    if not found:
        return Decimal("0")
    amount = Decimal(found[0][0])
    cur.execute(
        "UPDATE orders SET deposit = deposit - ?, updated_at = ?, version = version + 1"
        " WHERE id = ?",
        [amount, now, order_id],
    )
    return amount


def booked_hours(cur: Cursor, shop_code: str, start: date, end: date) -> dict[date, Decimal]:
    """Hours booked per day (open orders of the shop) from start to end inclusive."""
    cur.execute(
        "SELECT booked_on, sum(booked_hours) FROM orders WHERE shop_code = ?"
        " AND booked_on BETWEEN ? AND ? AND status IN ('open', 'in_progress',"
        " 'waiting_parts', 'ready') GROUP BY booked_on",
        [shop_code, start, end],
    )
    return {row[0]: Decimal(row[1]) for row in cur.fetchall()}


# ---- reminders ------------------------------------------------------------


def insert_reminder(cur: Cursor, values: Mapping[str, Any]) -> int:
    """A scheduled reminder; returns its id."""
    return _insert(cur, "service_reminders", values)


REMINDER_COLUMNS = (
    "r.id, r.customer_id, r.item_id, r.order_id, r.shop_code, r.due_on, r.channel, r.template,"
    " r.body, r.status, r.reason, r.message_id, r.created_at, r.staff_name, r.updated_at,"
    " r.version, i.name AS item_name, m.status AS message_status, m.error AS message_error,"
    " m.channel AS message_channel, m.sent_at"
)
REMINDER_FROM = (
    "FROM service_reminders r LEFT JOIN serviced_items i ON i.id = r.item_id"
    " LEFT JOIN messages m ON m.id = r.message_id"
)


def reminders_of(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """A customer's reminders, soonest first, with their message's outcome."""
    cur.execute(
        f"SELECT {REMINDER_COLUMNS} {REMINDER_FROM} WHERE r.customer_id = ?"
        " ORDER BY r.due_on, r.id",
        [customer_id],
    )
    return as_dicts(cur)


def reminders_query(customer_id: int) -> tuple[str, list[Any]]:
    """A customer's reminders as the card lists them, for a streamed export."""
    return (
        "SELECT r.due_on, r.channel, r.template, r.body, r.status, r.reason,"
        " i.name AS item_name, i.serial, m.status AS message_status, m.sent_at, r.created_at,"
        f" r.staff_name {REMINDER_FROM} WHERE r.customer_id = ? ORDER BY r.due_on, r.id",
        [customer_id],
    )


def reminder(cur: Cursor, reminder_id: int) -> dict[str, Any] | None:
    """One reminder."""
    cur.execute(f"SELECT {REMINDER_COLUMNS} {REMINDER_FROM} WHERE r.id = ?", [reminder_id])
    found = as_dicts(cur)
    return found[0] if found else None


def due_reminder_ids(cur: Cursor, today: date, limit: int) -> list[int]:
    """Scheduled reminders due by today, oldest first."""
    cur.execute(
        "SELECT id FROM service_reminders WHERE status = 'scheduled' AND due_on <= ?"
        " ORDER BY due_on, id LIMIT ?",
        [today, limit],
    )
    return [int(row[0]) for row in cur.fetchall()]


def update_reminder(
    cur: Cursor, reminder_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> int | None:
    """Change a reminder if still at version; its new version or None."""
    return versioned_update(cur, "service_reminders", reminder_id, version, fields, now)


def claim_reminders(cur: Cursor, ids: Sequence[int], now: datetime) -> list[int]:
    """Take scheduled reminders for sending in one statement: the ids this sender got."""
    if not ids:
        return []
    cur.execute(
        "UPDATE service_reminders SET status = 'queued', updated_at = ?, version = version + 1"
        " WHERE id = ANY(?) AND status = 'scheduled' RETURNING id",
        [now, list(ids)],
    )
    return sorted(int(row[0]) for row in cur.fetchall())


def reminders_to_send(cur: Cursor, ids: Sequence[int]) -> list[dict[str, Any]]:
    """What sending needs of each reminder: its customer (the card's columns, their
    account balance) and its bike's name."""
    if not ids:
        return []
    columns = ", ".join(f"c.{c}" for c in customers_repo.META_COLUMNS + customers_repo.CARD_COLUMNS)
    cur.execute(
        f"SELECT r.id AS reminder_id, r.order_id, r.channel AS wanted, r.template, r.body AS own,"
        f" i.name AS item_name, a.balance AS account_balance, {columns}"
        " FROM service_reminders r JOIN customers c ON c.id = r.customer_id"
        " LEFT JOIN serviced_items i ON i.id = r.item_id"
        " LEFT JOIN customer_accounts a ON a.customer_id = r.customer_id"
        " WHERE r.id = ANY(?) ORDER BY r.id",
        [list(ids)],
    )
    return as_dicts(cur)


def set_reminders(cur: Cursor, ids: Sequence[int], status: str, reason: str | None) -> None:
    """Several reminders to one status and reason (those left for staff to phone)."""
    if ids:
        cur.execute(
            "UPDATE service_reminders SET status = ?, reason = ? WHERE id = ANY(?)",
            [status, reason, list(ids)],
        )


def link_messages(cur: Cursor, ids: Sequence[int]) -> None:
    """Point queued reminders at the messages queued for them (key reminder:<id>)."""
    if ids:
        cur.execute(
            "UPDATE service_reminders SET message_id = m.id FROM messages m"
            " WHERE m.idempotency_key = 'reminder:' || CAST(service_reminders.id AS VARCHAR)"
            " AND service_reminders.id = ANY(?)",
            [list(ids)],
        )


def set_reminder(
    cur: Cursor, reminder_id: int, status: str, reason: str | None, message_id: int | None
) -> None:
    """Record what became of a claimed reminder."""
    cur.execute(
        "UPDATE service_reminders SET status = ?, reason = ?, message_id = ? WHERE id = ?",
        [status, reason, message_id, reminder_id],
    )


def reminder_versions(cur: Cursor, ids: Sequence[int]) -> dict[int, int]:
    """Each reminder's version now (a removed one is missing)."""
    if not ids:
        return {}
    cur.execute("SELECT id, version FROM service_reminders WHERE id = ANY(?)", [list(ids)])
    return {int(row[0]): int(row[1]) for row in cur.fetchall()}


def cancel_reminders(cur: Cursor, ids: Sequence[int], now: datetime) -> list[tuple[int, int]]:
    """Cancel those still scheduled (or waiting for a phone call); (id, customer) of each
    cancelled, by id."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    cur.execute(
        "UPDATE service_reminders SET status = 'cancelled', updated_at = ?,"
        f" version = version + 1 WHERE id IN ({marks}) AND status IN ('scheduled', 'phone')"
        " RETURNING id, customer_id",
        [now, *ids],
    )
    return sorted((int(row[0]), int(row[1])) for row in cur.fetchall())


def to_phone(cur: Cursor, limit: int = 200) -> list[dict[str, Any]]:
    """Reminders no channel could carry: customers for staff to phone."""
    cur.execute(
        f"SELECT {REMINDER_COLUMNS}, c.account_number, c.first_name, c.last_name, c.phone,"
        f" c.mobile {REMINDER_FROM} JOIN customers c ON c.id = r.customer_id"
        " WHERE r.status = 'phone' ORDER BY r.due_on, r.id LIMIT ?",
        [limit],
    )
    return as_dicts(cur)
