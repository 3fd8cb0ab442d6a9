"""Opening positions brought from another system: the lookups their dry run needs, their
bulk writes (account entries, points, vouchers, past sales) and their undo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from comptoir.data import imports
from comptoir.data.postgres import is_postgres
from comptoir.data.rows import as_dicts, scanned

Cursor = Any


def _ids(cur: Cursor, name: str, ids: Sequence[int]) -> Any:
    return scanned(cur, name, pd.DataFrame({"id": [int(i) for i in ids]}, dtype="int64"))


def customers(cur: Cursor, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Name, account number and whether archived, of these customers."""
    if not ids:
        return {}
    with _ids(cur, "opening_customer_ids", sorted(set(ids))):
        cur.execute(
            "SELECT id, first_name, last_name, company, account_number, archived FROM customers"
            " WHERE id IN (SELECT id FROM opening_customer_ids)"
        )
        return {row["id"]: row for row in as_dicts(cur)}


def accounts(cur: Cursor, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The credit accounts of these customers, with how many ledger entries each has."""
    if not ids:
        return {}
    with _ids(cur, "opening_account_ids", sorted(set(ids))):
        cur.execute(
            "SELECT a.customer_id, a.credit_limit, a.balance, a.account_type_id,"
            " (SELECT count(*) FROM ledger_entries e WHERE e.customer_id = a.customer_id)"
            " AS entries FROM customer_accounts a"
            " WHERE a.customer_id IN (SELECT id FROM opening_account_ids)"
        )
        return {row["customer_id"]: row for row in as_dicts(cur)}


def rewards(cur: Cursor, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The rewards accounts of these customers, with how many entries each has."""
    if not ids:
        return {}
    with _ids(cur, "opening_rewards_ids", sorted(set(ids))):
        cur.execute(
            "SELECT r.customer_id, r.card_number, r.points,"
            " (SELECT count(*) FROM rewards_entries e WHERE e.customer_id = r.customer_id)"
            " AS entries FROM rewards_accounts r"
            " WHERE r.customer_id IN (SELECT id FROM opening_rewards_ids)"
        )
        return {row["customer_id"]: row for row in as_dicts(cur)}


def _taken(cur: Cursor, table: str, column: str, values: Sequence[str]) -> set[str]:
    """Which of these values the column already holds (table and column are ours)."""
    if not values:
        return set()
    with scanned(cur, "opening_values", pd.DataFrame({"value": sorted(set(values))})):
        cur.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN (SELECT value FROM opening_values)"
        )
        return {str(row[0]) for row in cur.fetchall()}


def cards_in_use(cur: Cursor, numbers: Sequence[str]) -> set[str]:
    """Which of these rewards card numbers a customer has (or had)."""
    return _taken(cur, "rewards_accounts", "card_number", numbers) | _taken(
        cur, "rewards_old_cards", "card_number", numbers
    )


def codes_in_use(cur: Cursor, codes: Sequence[str]) -> set[str]:
    """Which of these voucher codes exist."""
    return _taken(cur, "gift_vouchers", "code", codes)


def references_imported(cur: Cursor, references: Sequence[str]) -> set[str]:
    """Which of these source references an imported sale (not undone) already has."""
    return _taken(cur, "sales", "source_reference", references)


def next_values(cur: Cursor, sequence: str, count: int) -> list[int]:
    """count values of one of our sequences."""
    if count <= 0:
        return []
    series = "generate_series(1, ?)" if is_postgres(cur) else "range(?)"
    cur.execute(f"SELECT nextval('{sequence}') FROM {series}", [count])
    return sorted(int(row[0]) for row in cur.fetchall())


def take_numbers(cur: Cursor, counter: str, count: int) -> int:
    """Reserve count numbers of a counter in the caller's transaction; the first one."""
    cur.execute(
        "INSERT INTO number_counters (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
        [counter],
    )
    cur.execute(
        "UPDATE number_counters SET value = value + ? WHERE name = ? RETURNING value",
        [count, counter],
    )
    return int(cur.fetchall()[0][0]) - count + 1


def stamp(cur: Cursor) -> tuple:
    """Changes when anything a dry run read changes: customers (the customer import's own
    stamp), account and points entries, vouchers, sales, batches (any process)."""
    customers = imports.stamp(cur)
    cur.execute(
        "SELECT (SELECT max(id) FROM ledger_entries),"
        " (SELECT max(id) FROM rewards_entries), (SELECT count(*) FROM rewards_accounts),"
        " (SELECT max(id) FROM gift_vouchers), (SELECT count(*) FROM gift_vouchers),"
        " (SELECT max(id) FROM sales), (SELECT count(*) FROM sales),"
        " (SELECT count(*) FROM opening_batches WHERE undone_at IS NOT NULL)"
    )
    return (*customers, *cur.fetchall()[0])


# -- balances, credit limits and points ---------------------------------------------


def open_accounts(cur: Cursor, frame: pd.DataFrame, now: datetime) -> None:
    """Accounts for customers that have none: customer_id, account_type_id, credit_limit,
    opened_on."""
    if frame.empty:
        return
    with scanned(cur, "opening_new_accounts", frame):
        cur.execute(
            "INSERT INTO customer_accounts (customer_id, account_type_id, credit_limit,"
            " opened_on, balance, updated_at) SELECT CAST(customer_id AS BIGINT),"
            " CAST(account_type_id AS BIGINT), CAST(credit_limit AS DECIMAL(12, 2)),"
            " CAST(opened_on AS DATE), 0, ? FROM opening_new_accounts",
            [now],
        )


def set_limits(cur: Cursor, frame: pd.DataFrame, now: datetime) -> None:
    """New credit limits of existing accounts: customer_id, credit_limit."""
    if frame.empty:
        return
    with scanned(cur, "opening_limits", frame):
        cur.execute(
            "UPDATE customer_accounts SET credit_limit = CAST(l.credit_limit AS DECIMAL(12, 2)),"
            " updated_at = ? FROM opening_limits l"
            " WHERE customer_accounts.customer_id = CAST(l.customer_id AS BIGINT)",
            [now],
        )


def post_entries(cur: Cursor, frame: pd.DataFrame, now: datetime) -> dict[int, int]:
    """Ledger entries, one per customer (customer_id, kind, amount, occurred_on, reference,
    reason, reverses_id, staff_name), their balances moved; customer id → entry id."""
    if frame.empty:
        return {}
    with scanned(cur, "opening_entries", frame):
        cur.execute(
            "INSERT INTO ledger_entries (customer_id, kind, amount, occurred_on, recorded_at,"
            " reference, reason, reverses_id, staff_name, shop_code)"
            " SELECT CAST(customer_id AS BIGINT), kind, CAST(amount AS DECIMAL(12, 2)),"
            " CAST(occurred_on AS DATE), ?, reference, reason, CAST(reverses_id AS BIGINT),"
            " staff_name, ? FROM opening_entries RETURNING customer_id, id",
            [now, frame.attrs.get("shop_code")],
        )
        posted = {int(customer): int(entry) for customer, entry in cur.fetchall()}
        cur.execute(
            "UPDATE customer_accounts SET balance = customer_accounts.balance"
            " + CAST(e.amount AS DECIMAL(12, 2)),"
            " updated_at = ? FROM opening_entries e"
            " WHERE customer_accounts.customer_id = CAST(e.customer_id AS BIGINT)",
            [now],
        )
    return posted


def allocate_pairs(cur: Cursor, frame: pd.DataFrame, now: datetime) -> None:
    """Allocations (customer_id, credit_id, debit_id, amount): an entry and its reversal."""
    if frame.empty:
        return
    with scanned(cur, "opening_allocations", frame):
        cur.execute(
            "INSERT INTO allocations (customer_id, credit_id, debit_id, amount, created_at)"
            " SELECT CAST(customer_id AS BIGINT), CAST(credit_id AS BIGINT),"
            " CAST(debit_id AS BIGINT), CAST(amount AS DECIMAL(12, 2)), ?"
            " FROM opening_allocations",
            [now],
        )


def open_rewards(cur: Cursor, frame: pd.DataFrame, now: datetime) -> None:
    """Rewards accounts for customers that have none: customer_id, card_number."""
    if frame.empty:
        return
    with scanned(cur, "opening_new_rewards", frame):
        cur.execute(
            "INSERT INTO rewards_accounts (customer_id, card_number, points, last_activity_at,"
            " created_at) SELECT CAST(customer_id AS BIGINT), card_number, 0, ?, ?"
            " FROM opening_new_rewards",
            [now, now],
        )


def move_points(cur: Cursor, frame: pd.DataFrame, now: datetime, staff: str) -> dict[int, int]:
    """Points added (or taken) per customer (customer_id, points, reason) as 'adjusted'
    entries; customer id → entry id. The CHECK refuses a balance below zero."""
    if frame.empty:
        return {}
    with scanned(cur, "opening_points", frame):
        cur.execute(
            "UPDATE rewards_accounts SET"
            " points = rewards_accounts.points + CAST(p.points AS BIGINT), last_activity_at = ?,"
            " version = rewards_accounts.version + 1 FROM opening_points p"
            " WHERE rewards_accounts.customer_id = CAST(p.customer_id AS BIGINT)",
            [now],
        )
        cur.execute(
            "INSERT INTO rewards_entries (customer_id, kind, points, reason, happened_at,"
            " staff_name) SELECT CAST(customer_id AS BIGINT), 'adjusted',"
            " CAST(points AS BIGINT), reason, ?, ? FROM opening_points"
            " RETURNING customer_id, id",
            [now, staff],
        )
        return {int(customer): int(entry) for customer, entry in cur.fetchall()}


# -- vouchers -----------------------------------------------------------------------


def insert_vouchers(cur: Cursor, frame: pd.DataFrame, now: datetime, staff: str) -> dict[str, int]:
    """Outstanding vouchers (code, customer_id, amount, balance, expires_on, shop_code,
    imported_batch) with their 'issued' entries; code → id."""
    if frame.empty:
        return {}
    with scanned(cur, "opening_vouchers", frame):
        cur.execute(
            "INSERT INTO gift_vouchers (code, customer_id, amount, balance, status, expires_on,"
            " issued_at, shop_code, updated_at, imported_batch)"
            " SELECT code, CAST(customer_id AS BIGINT), CAST(amount AS DECIMAL(12, 2)),"
            " CAST(balance AS DECIMAL(12, 2)), 'active', CAST(expires_on AS DATE),"
            " CAST(issued_at AS TIMESTAMPTZ), shop_code, ?, CAST(imported_batch AS BIGINT)"
            " FROM opening_vouchers RETURNING code, id",
            [now],
        )
        ids = {str(code): int(voucher) for code, voucher in cur.fetchall()}
        cur.execute(
            "INSERT INTO voucher_entries (voucher_id, kind, amount, note, happened_at,"
            " staff_name) SELECT v.id, 'issued', v.balance, o.note, ?, ?"
            " FROM opening_vouchers o JOIN gift_vouchers v ON v.code = o.code",
            [now, staff],
        )
    return ids


# -- past sales ---------------------------------------------------------------------


def insert_sales(cur: Cursor, sales: pd.DataFrame, lines: pd.DataFrame) -> int:
    """Past sales and their lines, joined by receipt number; how many sales."""
    if sales.empty:
        return 0
    with scanned(cur, "opening_sales", sales):
        cur.execute(
            "INSERT INTO sales (receipt_number, customer_id, sold_at, staff_name,"
            " prices_include_tax, tax_exempt, customer_discount_percent, net_total, tax_total,"
            " total, change_given, shop_code, imported_batch, source_reference)"
            " SELECT receipt_number, CAST(customer_id AS BIGINT), CAST(sold_at AS TIMESTAMPTZ),"
            " staff_name, true, false, 0, CAST(net_total AS DECIMAL(12, 2)),"
            " CAST(tax_total AS DECIMAL(12, 2)), CAST(total AS DECIMAL(12, 2)), 0, shop_code,"
            " CAST(imported_batch AS BIGINT), source_reference FROM opening_sales"
        )
    with scanned(cur, "opening_lines", lines):
        cur.execute(
            "INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, quantity,"
            " unit_price, line_discount_percent, discount, customer_discount, net, tax_rate,"
            " tax, gross) SELECT s.id, CAST(l.line_no AS INTEGER), CAST(l.product_id AS BIGINT),"
            " l.sku, l.name, CAST(l.quantity AS DECIMAL(10, 3)),"
            " CAST(l.unit_price AS DECIMAL(12, 2)), 0, CAST(l.discount AS DECIMAL(12, 2)), 0,"
            " CAST(l.net AS DECIMAL(12, 2)), CAST(l.tax_rate AS DECIMAL(5, 2)),"
            " CAST(l.tax AS DECIMAL(12, 2)), CAST(l.gross AS DECIMAL(12, 2))"
            " FROM opening_lines l JOIN sales s ON s.receipt_number = l.receipt_number"
        )
    return len(sales)


def products_by_sku(cur: Cursor, keys: Sequence[str]) -> dict[str, int]:
    """Our products by SKU key (upper case)."""
    if not keys:
        return {}
    with scanned(cur, "opening_skus", pd.DataFrame({"value": sorted(set(keys))})):
        cur.execute(
            "SELECT sku_key, id FROM products WHERE sku_key IN (SELECT value FROM opening_skus)"
        )
        return {str(key): int(product) for key, product in cur.fetchall()}


# -- batches ------------------------------------------------------------------------


def insert_batch(cur: Cursor, values: Mapping[str, Any]) -> int:
    """A batch's row; its id."""
    names = list(values)
    cur.execute(
        f"INSERT INTO opening_batches ({', '.join(names)})"
        f" VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


def next_batch_id(cur: Cursor) -> int:
    """The id the next batch will have (taken now: vouchers and sales carry it)."""
    return next_values(cur, "opening_batch_id_seq", 1)[0]


ROW_COLUMNS = (
    "batch_id",
    "line",
    "customer_id",
    "ledger_entry_id",
    "rewards_entry_id",
    "voucher_id",
    "sale_id",
    "before_values",
)


def insert_rows(cur: Cursor, frame: pd.DataFrame) -> None:
    """What the batch wrote, line by line (columns: ROW_COLUMNS)."""
    if frame.empty:
        return
    with scanned(cur, "opening_done", frame):
        cur.execute(
            "INSERT INTO opening_rows (batch_id, line, customer_id, ledger_entry_id,"
            " rewards_entry_id, voucher_id, sale_id, before_values)"
            " SELECT CAST(batch_id AS BIGINT), CAST(line AS INTEGER),"
            " CAST(customer_id AS BIGINT), CAST(ledger_entry_id AS BIGINT),"
            " CAST(rewards_entry_id AS BIGINT), CAST(voucher_id AS BIGINT),"
            " CAST(sale_id AS BIGINT), before_values FROM opening_done"
        )


def sale_rows(cur: Cursor, batch_id: int) -> None:
    """The batch's sales recorded in its rows (one per sale, by the sales' batch column)."""
    cur.execute(
        "INSERT INTO opening_rows (batch_id, line, customer_id, sale_id)"
        " SELECT ?, 0, customer_id, id FROM sales WHERE imported_batch = ?",
        [batch_id, batch_id],
    )


def batches(cur: Cursor, limit: int) -> list[dict[str, Any]]:
    """The latest opening batches, newest first."""
    cur.execute(
        "SELECT id, kind, file_name, source, row_count, totals, imported_at, staff_name,"
        " undone_at, undone_by FROM opening_batches ORDER BY id DESC LIMIT ?",
        [limit],
    )
    return as_dicts(cur)


def batch(cur: Cursor, batch_id: int) -> dict[str, Any] | None:
    """One batch."""
    cur.execute("SELECT * FROM opening_batches WHERE id = ?", [batch_id])
    found = as_dicts(cur)
    return found[0] if found else None


def batch_rows(cur: Cursor, batch_id: int) -> list[dict[str, Any]]:
    """What the batch wrote, with each entry's amount or points."""
    cur.execute(
        "SELECT r.line, r.customer_id, r.ledger_entry_id, e.amount, r.rewards_entry_id,"
        " p.points, r.voucher_id, r.sale_id, r.before_values FROM opening_rows r"
        " LEFT JOIN ledger_entries e ON e.id = r.ledger_entry_id"
        " LEFT JOIN rewards_entries p ON p.id = r.rewards_entry_id"
        " WHERE r.batch_id = ? ORDER BY r.line",
        [batch_id],
    )
    return as_dicts(cur)


def depending(cur: Cursor, batch_id: int) -> int:
    """How many of the batch's lines something later depends on: a later ledger or points
    entry of its customer, a voucher spent or changed, a sale returned, invoiced or
    reprinted on an invoice."""
    cur.execute(
        """
        SELECT count(*) FROM opening_rows r WHERE r.batch_id = ? AND (
            EXISTS (SELECT 1 FROM ledger_entries e WHERE r.ledger_entry_id IS NOT NULL
                    AND e.customer_id = r.customer_id AND e.id > r.ledger_entry_id)
            OR EXISTS (SELECT 1 FROM rewards_entries p WHERE r.rewards_entry_id IS NOT NULL
                    AND p.customer_id = r.customer_id AND p.id > r.rewards_entry_id)
            OR EXISTS (SELECT 1 FROM voucher_entries v WHERE v.voucher_id = r.voucher_id
                    AND v.kind <> 'issued')
            OR EXISTS (SELECT 1 FROM sales s WHERE s.refund_of = r.sale_id)
            OR EXISTS (SELECT 1 FROM invoices i WHERE i.sale_id = r.sale_id))
        """,
        [batch_id],
    )
    return int(cur.fetchall()[0][0])


def cancel_vouchers(cur: Cursor, batch_id: int, reason: str, now: datetime, staff: str) -> int:
    """The batch's vouchers cancelled, each with its 'cancelled' entry; how many."""
    cur.execute(
        "UPDATE gift_vouchers SET status = 'cancelled', cancel_reason = ?, cancelled_at = ?,"
        " updated_at = ?, version = version + 1 WHERE imported_batch = ? AND status = 'active'"
        " RETURNING id, balance",
        [reason, now, now, batch_id],
    )
    cancelled = cur.fetchall()
    if cancelled:
        cur.executemany(
            "INSERT INTO voucher_entries (voucher_id, kind, amount, note, happened_at,"
            " staff_name) VALUES (?, 'cancelled', ?, ?, ?, ?)",
            [[v, balance, reason, now, staff] for v, balance in cancelled],
        )
    return len(cancelled)


def remove_sales(cur: Cursor, batch_id: int) -> int:
    """The batch's past sales and their lines deleted (a copy of another system's history,
    no money moved here); how many sales."""
    cur.execute("SELECT count(*) FROM sales WHERE imported_batch = ?", [batch_id])
    count = int(cur.fetchall()[0][0])
    cur.execute(
        "DELETE FROM sale_lines WHERE sale_id IN (SELECT id FROM sales WHERE imported_batch = ?)",
        [batch_id],
    )
    cur.execute("DELETE FROM sales WHERE imported_batch = ?", [batch_id])
    return count


def mark_undone(cur: Cursor, batch_id: int, now: datetime, staff: str) -> None:
    """The batch was undone (its rows stay, for the record)."""
    cur.execute(
        "UPDATE opening_batches SET undone_at = ?, undone_by = ? WHERE id = ?",
        [now, staff, batch_id],
    )
