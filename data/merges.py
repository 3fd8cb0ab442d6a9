"""Merging customer records: moving every related row from one customer to another and
back, the credit and rewards accounts, the merge records, and the state an undo checks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from comptoir.data.rows import as_dicts

Cursor = Any

# Every table whose rows belong to a customer and move with a merge, with the column that
# names a row. The print log names its customer in its reference (see move_print_log).
MOVED: dict[str, str] = {
    "sales": "id",
    "ledger_entries": "id",
    "allocations": "id",
    "consent_history": "id",
    "messages": "id",
    "serviced_items": "id",
    "orders": "id",
    "service_reminders": "id",
    "gift_vouchers": "id",
    "rewards_entries": "id",
    "rewards_old_cards": "card_number",
    "delivery_addresses": "id",
}
# Tables whose rows change in place (a version), so a change shows in the fingerprint.
VERSIONED = ("serviced_items", "orders", "service_reminders", "gift_vouchers", "delivery_addresses")
ACCOUNT_COLUMNS = ("account_type_id", "credit_limit", "opened_on", "balance", "updated_at")


def lock_cards(cur: Cursor, versions: dict[int, int]) -> bool:
    """Write to both cards (lowest id first, so two merges cannot deadlock) if each is still
    at its version; False when one changed. PostgreSQL then holds them until commit,
    DuckDB makes a concurrent change conflict."""
    for customer_id in sorted(versions):
        cur.execute(
            "UPDATE customers SET version = version WHERE id = ? AND version = ? RETURNING id",
            [customer_id, versions[customer_id]],
        )
        if not cur.fetchall():
            return False
    return True


def lock_accounts(cur: Cursor, ids: list[int]) -> None:
    """Write to the credit accounts so a charge or payment on either waits or conflicts."""
    for customer_id in sorted(ids):
        cur.execute(
            "UPDATE customer_accounts SET balance = balance WHERE customer_id = ?", [customer_id]
        )


def side(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """What the merge rules and the preview need about one record (points: None without a
    rewards account)."""
    cur.execute(
        "SELECT c.id, c.archived, c.erased_at IS NOT NULL AS erased, c.merged_into,"
        " (SELECT account_type_id FROM customer_accounts WHERE customer_id = c.id)"
        " AS account_type_id,"
        " (SELECT card_number FROM rewards_accounts WHERE customer_id = c.id) AS rewards_card,"
        " (SELECT points FROM rewards_accounts WHERE customer_id = c.id) AS points"
        " FROM customers c WHERE c.id = ?",
        [customer_id],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def counts(cur: Cursor, customer_id: int) -> dict[str, int]:
    """How many rows of each moved table belong to the customer."""
    parts = ", ".join(
        f"(SELECT count(*) FROM {table} WHERE customer_id = ?) AS {table}" for table in MOVED
    )
    cur.execute(f"SELECT {parts}", [customer_id] * len(MOVED))
    return {k: int(v) for k, v in as_dicts(cur)[0].items()}


def account(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """The customer's credit account row."""
    columns = ", ".join(ACCOUNT_COLUMNS)
    cur.execute(f"SELECT {columns} FROM customer_accounts WHERE customer_id = ?", [customer_id])
    found = as_dicts(cur)
    return found[0] if found else None


def move(cur: Cursor, table: str, source: int, target: int) -> list[Any]:
    """Give every row of the table from source to target; the moved rows' keys."""
    key = MOVED[table]
    cur.execute(
        f"UPDATE {table} SET customer_id = ? WHERE customer_id = ? RETURNING {key}",
        [target, source],
    )
    return sorted(row[0] for row in cur.fetchall())


def _printed(customer_id: int) -> str:
    return f"customer:{customer_id}"  # the print log's reference for a customer's documents


def move_print_log(cur: Cursor, source: int, target: int) -> list[int]:
    """The customer's print jobs (courier labels) given to target; their ids."""
    cur.execute(
        "UPDATE print_jobs SET reference = ? WHERE reference = ? RETURNING id",
        [_printed(target), _printed(source)],
    )
    return sorted(row[0] for row in cur.fetchall())


def move_print_log_back(cur: Cursor, ids: list[int], source: int, target: int) -> None:
    """The print jobs named by ids given back from source to target."""
    if ids:
        cur.execute(
            "UPDATE print_jobs SET reference = ? WHERE reference = ? AND id = ANY(?)",
            [_printed(target), _printed(source), list(ids)],
        )


def move_back(cur: Cursor, table: str, keys: list[Any], source: int, target: int) -> int:
    """Give the rows named by keys from source back to target; how many moved."""
    if not keys:
        return 0
    key = MOVED[table]
    cur.execute(
        f"UPDATE {table} SET customer_id = ? WHERE customer_id = ? AND {key} = ANY(?)"
        f" RETURNING {key}",
        [target, source, keys],
    )
    return len(cur.fetchall())


def clear_defaults(cur: Cursor, keys: list[int]) -> None:
    """Moved delivery addresses stop being the default (the survivor has its own)."""
    if keys:
        cur.execute(
            "UPDATE delivery_addresses SET is_default = false WHERE id = ANY(?)", [list(keys)]
        )


def defaults_among(cur: Cursor, customer_id: int, keys: list[int]) -> list[int]:
    """Which of these addresses are the customer's default ones."""
    if not keys:
        return []
    cur.execute(
        "SELECT id FROM delivery_addresses WHERE customer_id = ? AND is_default AND id = ANY(?)",
        [customer_id, list(keys)],
    )
    return sorted(row[0] for row in cur.fetchall())


def has_default_address(cur: Cursor, customer_id: int) -> bool:
    """True when the customer has a default delivery address in the list."""
    cur.execute(
        "SELECT count(*) FROM delivery_addresses WHERE customer_id = ? AND is_default"
        " AND removed_at IS NULL",
        [customer_id],
    )
    return bool(cur.fetchall()[0][0])


def set_defaults(cur: Cursor, keys: list[int]) -> None:
    """Make these addresses default again (an undo)."""
    if keys:
        cur.execute(
            "UPDATE delivery_addresses SET is_default = true WHERE id = ANY(?)", [list(keys)]
        )


def open_account_like(cur: Cursor, customer_id: int, row: dict[str, Any], now: datetime) -> None:
    """A credit account for the customer with the terms of row, balance zero."""
    cur.execute(
        "INSERT INTO customer_accounts (customer_id, account_type_id, credit_limit, opened_on,"
        " balance, updated_at) VALUES (?, ?, ?, ?, 0, ?)",
        [customer_id, row["account_type_id"], row["credit_limit"], row["opened_on"], now],
    )


def close_account(cur: Cursor, customer_id: int) -> None:
    """Remove a credit account that no longer has entries."""
    cur.execute("DELETE FROM customer_accounts WHERE customer_id = ?", [customer_id])


def rebalance(cur: Cursor, customer_id: int, now: datetime) -> None:
    """The account's balance set to its ledger's sum."""
    cur.execute(
        "UPDATE customer_accounts SET balance = (SELECT coalesce(sum(amount), 0)"
        " FROM ledger_entries WHERE customer_id = ?), updated_at = ? WHERE customer_id = ?",
        [customer_id, now, customer_id],
    )


def move_rewards_account(cur: Cursor, source: int, target: int) -> bool:
    """Give the rewards account (card, points) from source to target; False if none."""
    cur.execute(
        "UPDATE rewards_accounts SET customer_id = ? WHERE customer_id = ? RETURNING customer_id",
        [target, source],
    )
    return bool(cur.fetchall())


def archive_into(cur: Cursor, customer_id: int, survivor_id: int, now: datetime) -> None:
    """The merged record archived (out of search) with a pointer to its survivor."""
    cur.execute(
        "UPDATE customers SET merged_into = ?, archived = true,"
        " archived_at = coalesce(archived_at, ?), updated_at = ?, version = version + 1"
        " WHERE id = ?",
        [survivor_id, now, now, customer_id],
    )
    cur.execute("UPDATE customer_search SET live = false WHERE customer_id = ?", [customer_id])


def restore_archive(cur: Cursor, customer_id: int, before: dict[str, Any], now: datetime) -> None:
    """The merged record as it was before the merge (no pointer, its archive state)."""
    cur.execute(
        "UPDATE customers SET merged_into = NULL, archived = ?, archived_at = ?,"
        " updated_at = ?, version = version + 1 WHERE id = ?",
        [before["archived"], before["archived_at"], now, customer_id],
    )
    cur.execute(
        "UPDATE customer_search SET live = ? WHERE customer_id = ?",
        [not before["archived"], customer_id],
    )


def former_numbers(cur: Cursor, customer_id: int) -> list[str]:
    """The account numbers of the records merged into this customer."""
    cur.execute(
        "SELECT account_number FROM customers WHERE merged_into = ? ORDER BY id", [customer_id]
    )
    return [row[0] for row in cur.fetchall()]


def fingerprint(cur: Cursor, customer_id: int) -> list[str]:
    """The record's state: its version and, per related table, how many rows, the newest
    and (where rows change in place) their versions; equal while nothing changed."""
    parts = ["(SELECT CAST(version AS VARCHAR) FROM customers WHERE id = ?)"]
    for table, key in MOVED.items():
        newest = f"coalesce(CAST(max({key}) AS VARCHAR), '')"
        versions = " || ':' || CAST(coalesce(sum(version), 0) AS VARCHAR)"
        extra = versions if table in VERSIONED else ""
        parts.append(
            f"(SELECT CAST(count(*) AS VARCHAR) || ':' || {newest}{extra}"
            f" FROM {table} WHERE customer_id = ?)"
        )
    parts.append(
        "(SELECT CAST(count(*) AS VARCHAR) || ':' || CAST(coalesce(sum(balance), 0) AS VARCHAR)"
        " || ':' || CAST(coalesce(sum(credit_limit), 0) AS VARCHAR)"
        " FROM customer_accounts WHERE customer_id = ?)"
    )
    parts.append(
        "(SELECT CAST(count(*) AS VARCHAR) || ':' || CAST(coalesce(sum(points), 0) AS VARCHAR)"
        " || ':' || CAST(coalesce(sum(version), 0) AS VARCHAR)"
        " FROM rewards_accounts WHERE customer_id = ?)"
    )
    parts.append(
        "(SELECT CAST(count(*) AS VARCHAR) || ':' || coalesce(CAST(max(id) AS VARCHAR), '')"
        " FROM print_jobs WHERE reference = CAST(? AS VARCHAR))"
    )
    values: list[Any] = [customer_id] * (len(parts) - 1) + [_printed(customer_id)]
    cur.execute("SELECT " + ", ".join(parts), values)
    return [str(value) for value in cur.fetchall()[0]]


def record(cur: Cursor, fields: dict[str, Any]) -> int:
    """Store a merge; its id. JSON fields are given as Python values."""
    names = list(fields)
    values = [
        json.dumps(v, default=str) if isinstance(v, dict | list) else v for v in fields.values()
    ]
    marks = ", ".join("?" for _ in names)
    cur.execute(
        f"INSERT INTO customer_merges ({', '.join(names)}) VALUES ({marks}) RETURNING id", values
    )
    return int(cur.fetchall()[0][0])


JSON_FIELDS = ("survivor_before", "merged_before", "moved", "accounts", "fingerprint")


def get(cur: Cursor, merge_id: int, lock: bool = False) -> dict[str, Any] | None:
    """One merge with its JSON fields read; lock writes to it so two undos cannot both run."""
    if lock:
        cur.execute(
            "UPDATE customer_merges SET undone_at = undone_at WHERE id = ? RETURNING id",
            [merge_id],
        )
    cur.execute("SELECT * FROM customer_merges WHERE id = ?", [merge_id])
    found = as_dicts(cur)
    if not found:
        return None
    row = found[0]
    for name in JSON_FIELDS:
        row[name] = json.loads(row[name])
    return row


def mark_undone(cur: Cursor, merge_id: int, staff_name: str, now: datetime) -> bool:
    """The merge marked undone, once; False when it already was."""
    cur.execute(
        "UPDATE customer_merges SET undone_at = ?, undone_by = ? WHERE id = ?"
        " AND undone_at IS NULL RETURNING id",
        [now, staff_name, merge_id],
    )
    return bool(cur.fetchall())


def recent(cur: Cursor, limit: int) -> list[dict[str, Any]]:
    """The latest merges, newest first, with both records' numbers and names."""
    cur.execute(
        "SELECT m.id, m.merged_at, m.staff_name, m.undone_at, m.undone_by,"
        " m.survivor_id, s.account_number AS survivor_number, s.first_name AS survivor_first,"
        " s.last_name AS survivor_last, m.merged_id, o.account_number AS merged_number,"
        " o.first_name AS merged_first, o.last_name AS merged_last"
        " FROM customer_merges m JOIN customers s ON s.id = m.survivor_id"
        " JOIN customers o ON o.id = m.merged_id ORDER BY m.id DESC LIMIT ?",
        [limit],
    )
    return as_dicts(cur)


def survivor_number(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """Where a merged record went: the survivor's id and account number."""
    cur.execute(
        "SELECT s.id, s.account_number, m.merged_at FROM customers c"
        " JOIN customers s ON s.id = c.merged_into"
        " LEFT JOIN customer_merges m ON m.merged_id = c.id AND m.survivor_id = s.id"
        " AND m.undone_at IS NULL WHERE c.id = ?",
        [customer_id],
    )
    found = as_dicts(cur)
    return found[0] if found else None
