"""Account types, customer accounts, the ledger and its allocations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from comptoir.data.rows import as_dicts

Cursor = duckdb.DuckDBPyConnection


# Account types ---------------------------------------------------------------------------
def account_types(cur: Cursor) -> list[dict[str, Any]]:
    """Every account type, by name."""
    cur.execute(
        "SELECT id, name, default_credit_limit, payment_terms_days FROM account_types"
        " ORDER BY lower(name)"
    )
    return as_dicts(cur)


def account_type_named(cur: Cursor, key: str, exclude_id: int | None = None) -> int | None:
    """The id of the type with this name key, if any."""
    cur.execute(
        "SELECT id FROM account_types WHERE name_key = ? AND id IS DISTINCT FROM ?",
        [key, exclude_id],
    )
    found = cur.fetchall()
    return int(found[0][0]) if found else None


def insert_account_type(
    cur: Cursor, name: str, key: str, limit: Decimal, terms: int, now: datetime
) -> int:
    """A new type; returns its id."""
    cur.execute(
        "INSERT INTO account_types (name, name_key, default_credit_limit, payment_terms_days,"
        " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [name, key, limit, terms, now],
    )
    return int(cur.fetchall()[0][0])


def update_account_type(
    cur: Cursor, type_id: int, name: str, key: str, limit: Decimal, terms: int
) -> None:
    """Change a type's name, default limit or terms."""
    cur.execute(
        "UPDATE account_types SET name = ?, name_key = ?, default_credit_limit = ?,"
        " payment_terms_days = ? WHERE id = ?",
        [name, key, limit, terms, type_id],
    )


# Customer accounts -----------------------------------------------------------------------
def account(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """A customer's account with its type, or None."""
    cur.execute(
        "SELECT a.customer_id, a.account_type_id, t.name AS account_type, a.credit_limit,"
        " a.opened_on, a.balance, t.payment_terms_days FROM customer_accounts a"
        " JOIN account_types t ON t.id = a.account_type_id WHERE a.customer_id = ?",
        [customer_id],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def open_account(
    cur: Cursor, customer_id: int, type_id: int, limit: Decimal, opened_on: date, now: datetime
) -> None:
    """Create the account row (the opened date never changes after)."""
    cur.execute(
        "INSERT INTO customer_accounts (customer_id, account_type_id, credit_limit, opened_on,"
        " balance, updated_at) VALUES (?, ?, ?, ?, 0, ?)",
        [customer_id, type_id, limit, opened_on, now],
    )


def set_terms(cur: Cursor, customer_id: int, type_id: int, limit: Decimal, now: datetime) -> None:
    """Change the type or the limit of an existing account."""
    cur.execute(
        "UPDATE customer_accounts SET account_type_id = ?, credit_limit = ?, updated_at = ?"
        " WHERE customer_id = ?",
        [type_id, limit, now, customer_id],
    )


def add_to_balance(cur: Cursor, customer_id: int, amount: Decimal, now: datetime) -> Decimal:
    """Move the balance by a signed amount; returns the new balance.

    Two transactions doing this to one customer conflict: one is retried.
    """
    cur.execute(
        "UPDATE customer_accounts SET balance = balance + ?, updated_at = ?"
        " WHERE customer_id = ? RETURNING balance",
        [amount, now, customer_id],
    )
    found = cur.fetchall()
    if not found:
        raise LookupError(customer_id)
    return Decimal(found[0][0])


# Ledger ----------------------------------------------------------------------------------
def entry_by_key(cur: Cursor, key: str) -> dict[str, Any] | None:
    """The entry made with an idempotency key, if any."""
    cur.execute("SELECT * FROM ledger_entries WHERE idempotency_key = ?", [key])
    found = as_dicts(cur)
    return found[0] if found else None


def entry(cur: Cursor, entry_id: int) -> dict[str, Any] | None:
    """One entry."""
    cur.execute("SELECT * FROM ledger_entries WHERE id = ?", [entry_id])
    found = as_dicts(cur)
    return found[0] if found else None


def insert_entry(cur: Cursor, values: dict[str, Any]) -> int:
    """Append one entry; returns its id."""
    names = list(values)
    cur.execute(
        f"INSERT INTO ledger_entries ({', '.join(names)})"
        f" VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


def is_reversed(cur: Cursor, entry_id: int) -> bool:
    """True when a reversal already points at the entry."""
    cur.execute("SELECT count(*) FROM ledger_entries WHERE reverses_id = ?", [entry_id])
    return cur.fetchall()[0][0] > 0


def insert_allocations(
    cur: Cursor, customer_id: int, pairs: Sequence[tuple[int, int, Decimal]], now: datetime
) -> None:
    """Allocations as (credit id, debit id, amount)."""
    if pairs:
        cur.executemany(
            "INSERT INTO allocations (customer_id, credit_id, debit_id, amount, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [[customer_id, credit, debit, amount, now] for credit, debit, amount in pairs],
        )


_OPEN_ITEMS = """
SELECT e.id, e.occurred_on, e.kind, e.reference, e.amount,
       abs(e.amount) - coalesce(a.allocated, 0) AS open_amount
FROM ledger_entries e
LEFT JOIN (
    SELECT {side} AS entry_id, sum(amount) AS allocated FROM allocations
    WHERE customer_id = ? GROUP BY {side}
) a ON a.entry_id = e.id
WHERE e.customer_id = ? AND e.amount {sign} 0
  AND abs(e.amount) - coalesce(a.allocated, 0) > 0
ORDER BY e.occurred_on, e.id
"""


def open_debits(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """Debits with something still owed, oldest first (the receivables)."""
    cur.execute(_OPEN_ITEMS.format(side="debit_id", sign=">"), [customer_id, customer_id])
    return as_dicts(cur)


def open_credits(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """Credits not yet allocated, oldest first."""
    cur.execute(_OPEN_ITEMS.format(side="credit_id", sign="<"), [customer_id, customer_id])
    return as_dicts(cur)


def receivables(cur: Cursor, customer_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """Every debit with what was paid on it and what is still owed, oldest open first."""
    cur.execute(
        """
        SELECT e.id, e.occurred_on, e.kind, e.reference, e.amount,
               coalesce(a.allocated, 0) AS paid, e.amount - coalesce(a.allocated, 0) AS owed
        FROM ledger_entries e
        LEFT JOIN (SELECT debit_id, sum(amount) AS allocated FROM allocations
                   WHERE customer_id = ? GROUP BY debit_id) a ON a.debit_id = e.id
        WHERE e.customer_id = ? AND e.amount > 0
        ORDER BY (e.amount - coalesce(a.allocated, 0)) = 0, e.occurred_on, e.id
        LIMIT ?
        """,
        [customer_id, customer_id, limit],
    )
    return as_dicts(cur)


def ledger_sum(cur: Cursor, customer_id: int) -> Decimal:
    """The balance recomputed from the ledger."""
    cur.execute(
        "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE customer_id = ?", [customer_id]
    )
    return Decimal(cur.fetchall()[0][0])


def activity_query(
    customer_id: int,
    *,
    since: date | None = None,
    until: date | None = None,
    kinds: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """A customer's entries with the running balance after each, newest first."""
    where: list[str] = []
    params: list[Any] = []
    if since is not None:
        where.append("occurred_on >= ?")
        params.append(since)
    if until is not None:
        where.append("occurred_on <= ?")
        params.append(until)
    if kinds:
        where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params += list(kinds)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"""
        WITH running AS (
            SELECT id, occurred_on, recorded_at, kind, reference, method, reason, reverses_id,
                   staff_name, amount,
                   CAST(sum(amount) OVER (ORDER BY occurred_on, id
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                        AS DECIMAL(14, 2)) AS balance
            FROM ledger_entries WHERE customer_id = ?
        )
        SELECT * FROM running {clause} ORDER BY occurred_on DESC, id DESC
        """
    return sql, [customer_id, *params]


def activity(
    cur: Cursor,
    customer_id: int,
    *,
    since: date | None,
    until: date | None,
    kinds: Sequence[str] | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Entries newest first with the running balance after each, and how many match."""
    sql, params = activity_query(customer_id, since=since, until=until, kinds=kinds)
    cur.execute(
        f"SELECT *, count(*) OVER () AS total FROM ({sql}) AS q"
        " ORDER BY occurred_on DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    rows = as_dicts(cur)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        del row["total"]
    return rows, total


def balance_before(cur: Cursor, customer_id: int, day: date) -> Decimal:
    """The balance at the start of a day."""
    cur.execute(
        "SELECT coalesce(sum(amount), 0) FROM ledger_entries"
        " WHERE customer_id = ? AND occurred_on < ?",
        [customer_id, day],
    )
    return Decimal(cur.fetchall()[0][0])


def entries_between(cur: Cursor, customer_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Entries of a period, oldest first."""
    cur.execute(
        "SELECT id, occurred_on, kind, reference, amount FROM ledger_entries"
        " WHERE customer_id = ? AND occurred_on BETWEEN ? AND ? ORDER BY occurred_on, id",
        [customer_id, start, end],
    )
    return as_dicts(cur)


def open_debits_as_of(cur: Cursor, customer_id: int, day: date) -> list[dict[str, Any]]:
    """Debits up to a day with what was still owed on them at the end of that day."""
    cur.execute(
        """
        SELECT e.occurred_on, e.amount - coalesce(sum(a.amount), 0) AS owed
        FROM ledger_entries e
        LEFT JOIN allocations a ON a.debit_id = e.id AND a.customer_id = e.customer_id
             AND a.credit_id IN (SELECT id FROM ledger_entries
                                 WHERE customer_id = ? AND occurred_on <= ?)
        WHERE e.customer_id = ? AND e.amount > 0 AND e.occurred_on <= ?
        GROUP BY e.id, e.occurred_on, e.amount
        HAVING e.amount - coalesce(sum(a.amount), 0) > 0
        """,
        [customer_id, day, customer_id, day],
    )
    return as_dicts(cur)


BALANCE_SORTS = ("balance", "overdue", "over_90", "used", "last_name")
BALANCE_FILTERS = {
    None: "TRUE",
    "over_limit": "balance > credit_limit",
    "near_limit": "used >= 90",
    "overdue": "overdue > 0",
}


def ledger_stamp(cur: Cursor) -> tuple:
    """Changes whenever an entry, an allocation or an account (limit, balance) changes."""
    cur.execute(
        "SELECT (SELECT max(id) FROM ledger_entries), (SELECT max(id) FROM allocations),"
        " count(*), max(updated_at), sum(credit_limit), sum(balance) FROM customer_accounts"
    )
    return tuple(cur.fetchall()[0])


def _aged_report(today: date, shop_code: str | None) -> tuple[str, list[Any]]:
    """The CTEs ending in `report`: every account with a balance, aged by days past terms."""
    used_at_shop = (
        "AND EXISTS (SELECT 1 FROM ledger_entries u"
        " WHERE u.customer_id = a.customer_id AND u.shop_code = ?)"
        if shop_code
        else ""
    )
    return (
        f"""
        WITH allocated AS (
            SELECT debit_id, sum(amount) AS paid FROM allocations GROUP BY debit_id
        ), open_debits AS (
            SELECT e.customer_id, e.amount - coalesce(p.paid, 0) AS owed,
                   (CAST(? AS DATE) - e.occurred_on) - t.payment_terms_days AS days_late
            FROM ledger_entries e
            JOIN customer_accounts a ON a.customer_id = e.customer_id
            JOIN account_types t ON t.id = a.account_type_id
            LEFT JOIN allocated p ON p.debit_id = e.id
            WHERE e.amount > 0 AND e.amount - coalesce(p.paid, 0) > 0
        ), buckets AS (
            SELECT customer_id,
                   sum(owed) FILTER (WHERE days_late <= 0) AS current,
                   sum(owed) FILTER (WHERE days_late BETWEEN 1 AND 30) AS d1_30,
                   sum(owed) FILTER (WHERE days_late BETWEEN 31 AND 60) AS d31_60,
                   sum(owed) FILTER (WHERE days_late BETWEEN 61 AND 90) AS d61_90,
                   sum(owed) FILTER (WHERE days_late > 90) AS over_90
            FROM open_debits GROUP BY customer_id
        ), report AS (
            SELECT a.customer_id, c.account_number, c.last_name, c.first_name, c.company,
                   t.name AS account_type, a.credit_limit, a.balance,
                   coalesce(b.current, 0) AS current, coalesce(b.d1_30, 0) AS d1_30,
                   coalesce(b.d31_60, 0) AS d31_60, coalesce(b.d61_90, 0) AS d61_90,
                   coalesce(b.over_90, 0) AS over_90,
                   coalesce(b.d1_30, 0) + coalesce(b.d31_60, 0) + coalesce(b.d61_90, 0)
                       + coalesce(b.over_90, 0) AS overdue,
                   CASE WHEN a.credit_limit > 0
                        THEN round(a.balance * 100 / a.credit_limit, 1) END AS used
            FROM customer_accounts a
            JOIN customers c ON c.id = a.customer_id
            JOIN account_types t ON t.id = a.account_type_id
            LEFT JOIN buckets b ON b.customer_id = a.customer_id
            WHERE a.balance <> 0 {used_at_shop}
        )
""",
        [today, *([shop_code] if shop_code else [])],
    )


def aged_balances_query(
    today: date, *, only: str | None, sort: str, descending: bool, shop_code: str | None = None
) -> tuple[str, list[Any]]:
    """The Balances list (filter and order as shown), for a streamed export."""
    if sort not in BALANCE_SORTS or only not in BALANCE_FILTERS:
        raise ValueError((sort, only))
    cte, params = _aged_report(today, shop_code)
    # PostgreSQL's sums are of unbounded scale: cast, so money is exported to the cent.
    money = ", ".join(
        f"CAST({c} AS DECIMAL(14, 2)) AS {c}"
        for c in ("current", "d1_30", "d31_60", "d61_90", "over_90", "overdue")
    )
    columns = (
        "account_number, last_name, first_name, company, account_type, credit_limit, balance,"
        f" {money}, CAST(used AS DECIMAL(8, 1)) AS used"
    )
    direction = "DESC" if descending else "ASC"
    return (
        f"{cte} SELECT {columns} FROM report WHERE {BALANCE_FILTERS[only]}"
        f" ORDER BY {sort} {direction} NULLS LAST, customer_id",
        params,
    )


def aged_balances_page(
    cur: Cursor,
    today: date,
    *,
    only: str | None,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
    shop_code: str | None = None,
) -> tuple[list[dict[str, Any]], int, dict[str, Decimal]]:
    """DuckDB analytics: one page of accounts with a balance, aged by days past terms.

    Filtering, totals, sorting and paging happen in SQL: only the page's rows
    reach Python, whatever the number of accounts.
    """
    if sort not in BALANCE_SORTS or only not in BALANCE_FILTERS:
        raise ValueError((sort, only))
    direction = "DESC" if descending else "ASC"
    cte, params = _aged_report(today, shop_code)
    cur.execute(
        f"""{cte}
        SELECT *, count(*) OVER () AS total_rows,
               sum(balance) OVER () AS t_balance, sum(current) OVER () AS t_current,
               sum(d1_30) OVER () AS t_d1_30, sum(d31_60) OVER () AS t_d31_60,
               sum(d61_90) OVER () AS t_d61_90, sum(over_90) OVER () AS t_over_90
        FROM report WHERE {BALANCE_FILTERS[only]}
        ORDER BY {sort} {direction} NULLS LAST, customer_id LIMIT ? OFFSET ?
        """,
        [*params, limit, offset],
    )
    rows = as_dicts(cur)
    totals = {
        k: Decimal(rows[0][f"t_{k}"]) if rows else Decimal("0.00")
        for k in ("balance", "current", "d1_30", "d31_60", "d61_90", "over_90")
    }
    count = int(rows[0]["total_rows"]) if rows else 0
    for row in rows:
        for key in [k for k in row if k.startswith("t_") or k == "total_rows"]:
            del row[key]
    return rows, count, totals


def allocation_totals(cur: Cursor, customer_id: int) -> dict[str, Decimal]:
    """Checks for tests and repairs: allocated per debit never above it, per credit too."""
    cur.execute(
        """
        SELECT
          (SELECT count(*) FROM (SELECT a.debit_id FROM allocations a
             JOIN ledger_entries e ON e.id = a.debit_id WHERE a.customer_id = ?
             GROUP BY a.debit_id, e.amount HAVING sum(a.amount) > e.amount) AS d) AS over_debits,
          (SELECT count(*) FROM (SELECT a.credit_id FROM allocations a
             JOIN ledger_entries e ON e.id = a.credit_id WHERE a.customer_id = ?
             GROUP BY a.credit_id, e.amount HAVING sum(a.amount) > -e.amount) AS c) AS over_credits
        """,
        [customer_id, customer_id],
    )
    over_debits, over_credits = cur.fetchall()[0]
    return {"over_debits": over_debits, "over_credits": over_credits}
