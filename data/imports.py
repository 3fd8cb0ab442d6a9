"""Customer import batches: lookups for matching a file's rows, bulk writes, and undo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from comptoir.data.customers import CARD_COLUMNS
from comptoir.data.rows import as_dicts, scanned

Cursor = Any
# Tables whose rows for a customer are activity after an import: while any exists for a
# customer of the batch, the batch cannot be undone.
ACTIVITY_TABLES = (
    "sales",
    "ledger_entries",
    "customer_accounts",
    "orders",
    "serviced_items",
    "service_reminders",
    "messages",
    "gift_vouchers",
    "rewards_accounts",
    "delivery_addresses",
)


# How each kind of value is found on a customer (one equality join each).
_MATCH_ON = {
    "key": "c.account_key",
    "email": "lower(c.email)",
    "mobile": "c.mobile",
    # A namesake at the same postcode with another first name is a relative, not a double.
    "name": "lower(c.last_name) || '|' || coalesce(upper(replace(c.postcode, ' ', '')), '')"
    " || '|' || lower(coalesce(c.first_name, ''))",
}


def matches(cur: Cursor, wanted: Mapping[str, Sequence[str]]) -> dict[str, dict[str, int]]:
    """Existing customers (archived ones too: an import must not duplicate them) by account
    key, lower-case e-mail, mobile and last name + postcode + first name; the lowest id for
    each value."""
    found: dict[str, dict[str, int]] = {kind: {} for kind in _MATCH_ON}
    for kind, expression in _MATCH_ON.items():
        values = sorted(set(wanted.get(kind, ())))
        if not values:
            continue
        with scanned(cur, "import_wanted", pd.DataFrame({"value": values})):
            cur.execute(
                f"SELECT w.value, min(c.id) FROM import_wanted w JOIN customers c"
                f" ON {expression} = w.value GROUP BY w.value"
            )
            found[kind] = {value: int(customer_id) for value, customer_id in cur.fetchall()}
    return found


def stamp(cur: Cursor) -> tuple:
    """Changes when a customer is added, edited, archived or removed (any process)."""
    cur.execute("SELECT count(*), max(id), max(updated_at), sum(version) FROM customers")
    return tuple(cur.fetchall()[0])


def customers_by_id(cur: Cursor, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The card fields and version of these customers."""
    if not ids:
        return {}
    columns = ", ".join(
        ("id", "version", "archived", "marketing_opt_in_at", "sms_opt_in_at", *CARD_COLUMNS)
    )
    with scanned(cur, "import_ids", pd.DataFrame({"id": list(ids)})):
        cur.execute(f"SELECT {columns} FROM customers WHERE id IN (SELECT id FROM import_ids)")
        return {row["id"]: row for row in as_dicts(cur)}


def keys_in_use(cur: Cursor, keys: Sequence[str]) -> set[str]:
    """Which of these account keys are taken."""
    if not keys:
        return set()
    with scanned(cur, "import_keys", pd.DataFrame({"key": list(keys)})):
        cur.execute(
            "SELECT account_key FROM customers WHERE account_key IN (SELECT key FROM import_keys)"
        )
        return {row[0] for row in cur.fetchall()}


def _typed(frame: pd.DataFrame) -> str:
    """The frame's columns cast to the customers table's types (PostgreSQL reads text)."""
    casts = {
        "date_of_birth": "DATE",
        "tax_exempt": "BOOLEAN",
        "marketing_opt_in": "BOOLEAN",
        "sms_opt_in": "BOOLEAN",
        "discount_percent": "DECIMAL(5, 2)",
        "marketing_opt_in_at": "TIMESTAMPTZ",
        "sms_opt_in_at": "TIMESTAMPTZ",
    }
    return ", ".join(f"CAST({c} AS {casts[c]}) AS {c}" if c in casts else c for c in frame.columns)


def insert_customers(cur: Cursor, frame: pd.DataFrame, now: datetime) -> dict[str, int]:
    """New customers (card columns, account_key, marketing_opt_in_at); key → id."""
    names = ", ".join(frame.columns)
    with scanned(cur, "import_new", frame):
        cur.execute(
            f"INSERT INTO customers ({names}, created_at, updated_at)"
            f" SELECT {_typed(frame)}, ?, ? FROM import_new RETURNING account_key, id",
            [now, now],
        )
        return {key: int(customer_id) for key, customer_id in cur.fetchall()}


def update_customers(cur: Cursor, frame: pd.DataFrame, now: datetime) -> int:
    """Changed fields of matched customers, each only if still at the version read; how many
    were changed (fewer: someone edited one meanwhile)."""
    fields = [c for c in frame.columns if c not in ("id", "version")]
    sets = ", ".join(f"{c} = u.{c}" for c in fields)
    with scanned(cur, "import_changed", frame):
        cur.execute(
            "CREATE TEMP TABLE import_updates AS SELECT CAST(id AS BIGINT) AS id,"
            f" CAST(version AS INTEGER) AS version, {_typed(frame.drop(columns=['id', 'version']))}"
            " FROM import_changed"
        )
    try:
        cur.execute(
            f"UPDATE customers SET {sets}, updated_at = ?, version = customers.version + 1"
            " FROM import_updates u WHERE customers.id = u.id AND customers.version = u.version",
            [now],
        )
        cur.execute(
            "SELECT count(*) FROM customers c JOIN import_updates u ON c.id = u.id"
            " AND c.version = u.version + 1"
        )
        return int(cur.fetchall()[0][0])
    finally:
        cur.execute("DROP TABLE IF EXISTS import_updates")


def replace_tokens(cur: Cursor, frame: pd.DataFrame, ids: Sequence[int]) -> None:
    """The search index rows of these customers, replaced by the frame's."""
    with scanned(cur, "import_token_ids", pd.DataFrame({"id": list(ids)})):
        cur.execute(
            "DELETE FROM customer_search WHERE customer_id IN (SELECT id FROM import_token_ids)"
        )
    insert_tokens(cur, frame)


def insert_tokens(cur: Cursor, frame: pd.DataFrame) -> None:
    """Search index rows (of customers that have none yet)."""
    if frame.empty:
        return
    with scanned(cur, "import_tokens", frame):
        cur.execute(
            "INSERT INTO customer_search (token, customer_id, sort_name, live)"
            " SELECT token, CAST(customer_id AS BIGINT), sort_name, CAST(live AS BOOLEAN)"
            " FROM import_tokens"
        )


def insert_consents(
    cur: Cursor,
    given: Sequence[tuple[int, bool, str, datetime | None]],
    now: datetime,
    staff: str,
    source: str,
) -> None:
    """Marketing consent given or withdrawn, as the imported file says, in the history:
    (customer id, opted in, channel, when the source says it was given), from source."""
    if not given:
        return
    frame = pd.DataFrame(
        [(i, opt_in, channel, at.isoformat() if at else None) for i, opt_in, channel, at in given],
        columns=["id", "opt_in", "channel", "source_at"],
    ).astype(object)
    with scanned(cur, "import_consent", frame):
        cur.execute(
            "INSERT INTO consent_history (customer_id, marketing_opt_in, changed_at, screen,"
            " changed_by, channel, source, source_at) SELECT CAST(id AS BIGINT),"
            " CAST(opt_in AS BOOLEAN), ?, 'import', ?, channel, ?, CAST(source_at AS TIMESTAMPTZ)"
            " FROM import_consent",
            [now, staff, source],
        )


def insert_batch(cur: Cursor, values: Mapping[str, Any]) -> int:
    """The batch's row; its id."""
    names = list(values)
    cur.execute(
        f"INSERT INTO import_batches ({', '.join(names)})"
        f" VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


def insert_rows(cur: Cursor, frame: pd.DataFrame) -> None:
    """What the batch did to each customer."""
    if frame.empty:
        return
    with scanned(cur, "import_done", frame):
        cur.execute(
            "INSERT INTO import_rows (batch_id, customer_id, action, line, before_values,"
            " version_after) SELECT CAST(batch_id AS BIGINT), CAST(customer_id AS BIGINT),"
            " action, CAST(line AS INTEGER), before_values, CAST(version_after AS INTEGER)"
            " FROM import_done"
        )


def batches(cur: Cursor, limit: int) -> list[dict[str, Any]]:
    """The latest import batches, newest first."""
    cur.execute(
        "SELECT id, file_name, created_count, updated_count, skipped_count, imported_at,"
        " staff_name, undone_at, undone_by FROM import_batches ORDER BY id DESC LIMIT ?",
        [limit],
    )
    return as_dicts(cur)


def batch(cur: Cursor, batch_id: int) -> dict[str, Any] | None:
    """One batch."""
    cur.execute("SELECT * FROM import_batches WHERE id = ?", [batch_id])
    found = as_dicts(cur)
    return found[0] if found else None


def batch_rows(cur: Cursor, batch_id: int) -> list[dict[str, Any]]:
    """What the batch did, customer by customer."""
    cur.execute(
        "SELECT customer_id, action, before_values, version_after FROM import_rows"
        " WHERE batch_id = ?",
        [batch_id],
    )
    return as_dicts(cur)


def touched_since(cur: Cursor, batch_id: int) -> int:
    """How many of the batch's customers were edited or gave or withdrew consent since it
    ran, or, created by it, have any activity (an updated customer's earlier sales do not
    depend on the fields the import changed)."""
    activity = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} t WHERE t.customer_id = r.customer_id)"
        for table in ACTIVITY_TABLES
    )
    cur.execute(
        "SELECT count(*) FROM import_rows r JOIN customers c ON c.id = r.customer_id"
        " JOIN import_batches b ON b.id = r.batch_id"
        f" WHERE r.batch_id = ? AND (c.version <> r.version_after"
        f" OR (r.action = 'create' AND ({activity}))"
        " OR EXISTS (SELECT 1 FROM consent_history h WHERE h.customer_id = r.customer_id"
        " AND h.screen <> 'import' AND h.changed_at > b.imported_at))",
        [batch_id],
    )
    return int(cur.fetchall()[0][0])


def remove_created(cur: Cursor, batch_id: int) -> int:
    """Delete the customers the batch created (their index and consent rows too)."""
    created = "SELECT customer_id FROM import_rows WHERE batch_id = ? AND action = 'create'"
    for table in ("customer_search", "consent_history"):
        cur.execute(f"DELETE FROM {table} WHERE customer_id IN ({created})", [batch_id])
    cur.execute(f"DELETE FROM customers WHERE id IN ({created})", [batch_id])
    return int(
        cur.execute(
            "SELECT count(*) FROM import_rows WHERE batch_id = ? AND action = 'create'", [batch_id]
        ).fetchall()[0][0]
    )


def mark_undone(cur: Cursor, batch_id: int, now: datetime, staff: str) -> None:
    """The batch was undone (its rows stay, for the record)."""
    cur.execute(
        "UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ?",
        [now, staff, batch_id],
    )


def presets(cur: Cursor, limit: int) -> list[dict[str, Any]]:
    """The saved column mappings, by name."""
    cur.execute(
        "SELECT name, headers, mapping, saved_at, saved_by FROM import_presets"
        " ORDER BY lower(name) LIMIT ?",
        [limit],
    )
    return as_dicts(cur)


def save_preset(
    cur: Cursor, name: str, headers: str, mapping: str, now: datetime, staff: str
) -> bool:
    """Save a mapping under its name (replacing one of that name); True when it was new."""
    cur.execute("SELECT 1 FROM import_presets WHERE name = ?", [name])
    new = not cur.fetchall()
    cur.execute(
        "INSERT INTO import_presets (name, headers, mapping, saved_at, saved_by)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET headers = excluded.headers,"
        " mapping = excluded.mapping, saved_at = excluded.saved_at, saved_by = excluded.saved_by",
        [name, headers, mapping, now, staff],
    )
    return new


def delete_preset(cur: Cursor, name: str) -> bool:
    """Remove a saved mapping; False when there was none of that name."""
    cur.execute("DELETE FROM import_presets WHERE name = ? RETURNING name", [name])
    return bool(cur.fetchall())
