"""Customer rows, their search index and consent history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from comptoir.data.postgres import is_postgres
from comptoir.data.rows import as_dicts, versioned_update
from comptoir.logic.customers import FIELDS
from comptoir.logic.search import prefix_range

Cursor = duckdb.DuckDBPyConnection

# The card's columns are the rules' fields, in the same order.
CARD_COLUMNS = FIELDS
META_COLUMNS = (
    "id",
    "version",
    "marketing_opt_in_at",
    "sms_opt_in_at",
    "archived",
    "archived_at",
    "created_at",
    "updated_at",
    "erased_at",
    "merged_into",
)
GRID_COLUMNS = (
    "id",
    "version",
    "account_number",
    "title",
    "first_name",
    "last_name",
    "company",
    "email",
    "mobile",
    "phone",
    "postcode",
    "city",
    "country_code",
    "archived",
)
SORTABLE = ("last_name", "account_number", "first_name", "company", "postcode", "city", "email")


def get(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """One customer with every card and meta column."""
    columns = ", ".join(META_COLUMNS + CARD_COLUMNS)
    cur.execute(f"SELECT {columns} FROM customers WHERE id = ?", [customer_id])
    found = as_dicts(cur)
    return found[0] if found else None


def holder_of_key(cur: Cursor, key: str, exclude_id: int | None = None) -> dict[str, Any] | None:
    """The customer holding an account key, if any (other than exclude_id)."""
    cur.execute(
        "SELECT id, account_number, first_name, last_name FROM customers"
        " WHERE account_key = ? AND id IS DISTINCT FROM ?",
        [key, exclude_id],
    )
    found = as_dicts(cur)
    return found[0] if found else None


def insert(cur: Cursor, fields: Mapping[str, Any], key: str, now: datetime) -> int:
    """Insert a customer and return its id."""
    names = [*CARD_COLUMNS, "account_key", "marketing_opt_in_at", "sms_opt_in_at"]
    names += ["created_at", "updated_at"]
    values = [fields[c] for c in CARD_COLUMNS]
    values += [key, fields.get("marketing_opt_in_at"), fields.get("sms_opt_in_at"), now, now]
    marks = ", ".join("?" for _ in names)
    cur.execute(f"INSERT INTO customers ({', '.join(names)}) VALUES ({marks}) RETURNING id", values)
    return int(cur.fetchall()[0][0])


def update(
    cur: Cursor, customer_id: int, version: int, fields: Mapping[str, Any], now: datetime
) -> int | None:
    """Update columns if the row is still at version; the new version or None."""
    return versioned_update(cur, "customers", customer_id, version, fields, now)


def hold(cur: Cursor, customer_id: int) -> None:
    """Write to the card without changing it, so a concurrent writer of it conflicts or waits."""
    cur.execute("UPDATE customers SET version = version WHERE id = ?", [customer_id])


def current_version(cur: Cursor, customer_id: int) -> int | None:
    """The stored version, None when the row does not exist."""
    row = cur.execute("SELECT version FROM customers WHERE id = ?", [customer_id]).fetchone()
    return int(row[0]) if row else None


def replace_tokens(
    cur: Cursor,
    customer_id: int,
    rows: Sequence[tuple[str, int]],
    sort_name: str | None,
    live: bool,
) -> None:
    """Swap a customer's search tokens (each carrying the sort name and live flag)."""
    cur.execute("DELETE FROM customer_search WHERE customer_id = ?", [customer_id])
    if rows:
        cur.executemany(
            "INSERT INTO customer_search (token, customer_id, sort_name, live) VALUES (?, ?, ?, ?)",
            [(token, owner, sort_name, live) for token, owner in rows],
        )


def unsorted_tokens(cur: Cursor) -> int:
    """DuckDB-specific: index rows appended after the last sorted rebuild."""
    cur.execute(
        "SELECT count(*) FROM customer_search WHERE rowid >= ("
        " SELECT CAST(value AS BIGINT) FROM settings WHERE key = '_search_sorted_rows')"
    )
    return int(cur.fetchall()[0][0])


def rebuild_search_index_sorted(cur: Cursor) -> None:
    """DuckDB-specific: rewrite the index sorted by token so zone maps prune it."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _tokens AS"
        " SELECT token, customer_id, sort_name, live FROM customer_search ORDER BY token"
    )
    cur.execute("DELETE FROM customer_search")
    cur.execute(
        "INSERT INTO customer_search (token, customer_id, sort_name, live)"
        " SELECT token, customer_id, sort_name, live FROM _tokens ORDER BY token"
    )
    cur.execute("DROP TABLE _tokens")
    mark_search_index_sorted(cur)


def mark_search_index_sorted(cur: Cursor) -> None:
    """Record that every index row present now is in token order."""
    cur.execute(
        "UPDATE settings SET value = CAST((SELECT coalesce(max(rowid) + 1, 0)"
        " FROM customer_search) AS VARCHAR) WHERE key = '_search_sorted_rows'"
    )


def _match_subquery(words: Sequence[str]) -> tuple[str, list[str]]:
    parts, params = [], []
    for word in words:
        low, high = prefix_range(word)
        parts.append("SELECT customer_id FROM customer_search WHERE token >= ? AND token < ?")
        params += [low, high]
    if len(parts) == 1:
        return parts[0].replace("SELECT", "SELECT DISTINCT", 1), params
    return " INTERSECT ".join(parts), params  # INTERSECT is distinct already


def tag_texts(cur: Cursor, limit: int) -> list[str]:
    """The different stored tags texts ("club, trade"), the most carried first, at most
    limit of them."""
    cur.execute(
        "SELECT tags FROM customers WHERE tags IS NOT NULL AND NOT archived"
        " GROUP BY tags ORDER BY count(*) DESC, tags LIMIT ?",
        [limit],
    )
    return [row[0] for row in cur.fetchall()]


# Whether c.tags holds the tag bound to the one parameter (case aside): stored tags are
# tidy ("club, trade"), so ", club, trade," holds ", trade,". A tag holds no comma.
HAS_TAG = "position(', ' || lower(?) || ',' IN ', ' || lower(c.tags) || ',') > 0"


def customers_stamp(cur: Cursor) -> tuple:
    """Changes whenever the number of customers or of archived ones changes.

    Customers are never deleted: adding one moves max(id), archiving or
    restoring moves the archived count (a partial index on PostgreSQL).
    """
    cur.execute("SELECT max(id), (SELECT count(*) FROM customers WHERE archived) FROM customers")
    return tuple(cur.fetchall()[0])


def _page_from_index(
    cur: Cursor, words: Sequence[str], include_archived: bool, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """PostgreSQL, sorted by name: the page's ids and the count from the search index alone.

    Each token row carries the customer's sort name and live flag, so an
    index-only scan of the words' ranges finds, sorts and counts the matches
    without reading a customer row; only the page's 50 are read after.
    """
    live = "" if include_archived else " AND live"
    parts, params = [], []
    for word in words:
        parts.append(
            "SELECT customer_id, sort_name FROM customer_search"
            f" WHERE token >= ? AND token < ?{live}"
        )
        params += list(prefix_range(word))
    # DISTINCT: one customer may hold two tokens of one range (dubois, dubreuil) and
    # counts once; INTERSECT is distinct already and always hashed, whatever the
    # planner guesses of each range (a semi-join it misjudged ran 1.7 s).
    matches = (
        parts[0].replace("SELECT", "SELECT DISTINCT", 1)
        if len(parts) == 1
        else " INTERSECT ".join(parts)
    )
    cur.execute(
        f"SELECT customer_id, count(*) OVER () AS total FROM ({matches}) AS m"
        " ORDER BY sort_name ASC NULLS LAST, customer_id LIMIT ? OFFSET ?",
        params + [limit, offset],
    )
    found = cur.fetchall()
    if not found:
        total = 0
        if offset:  # past the last page: the count still says how many there are
            cur.execute(f"SELECT count(*) FROM ({matches}) AS m", params)
            total = int(cur.fetchall()[0][0])
        return [], total
    return _grid_rows(cur, [row[0] for row in found]), int(found[0][1])


def _grid_rows(cur: Cursor, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The grid columns of these customers, in the order given."""
    columns = ", ".join(GRID_COLUMNS)
    marks = ", ".join("?" for _ in ids)
    cur.execute(f"SELECT {columns} FROM customers WHERE id IN ({marks})", list(ids))
    by_id = {row["id"]: row for row in as_dicts(cur)}
    return [by_id[i] for i in ids if i in by_id]


def search_page(
    cur: Cursor,
    words: Sequence[str],
    *,
    include_archived: bool,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
    total: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of matching customers and the total number of matches (unless given).

    Two steps: the page's ids from the id and sort columns only (a JOIN, not
    IN, lets DuckDB push the matched ids into the customers scan), then the
    grid columns of those ids alone, read by an IN list that DuckDB checks
    against each row group's min/max.
    """
    if sort not in SORTABLE:
        raise ValueError(f"cannot sort by {sort!r}")
    order = f"{'DESC' if descending else 'ASC'} NULLS LAST"
    live = "" if include_archived else "NOT c.archived"
    conditions = [live] if live else []
    params: list[Any] = []
    if words and is_postgres(cur) and sort == "last_name" and not descending:
        return _page_from_index(cur, words, include_archived, limit, offset)
    if words:
        subquery, words_params = _match_subquery(words)
        params = list(words_params)
        total_column = ", count(*) OVER () AS total"
        if is_postgres(cur):
            # PostgreSQL guesses an INTERSECT of token ranges at thousands of rows and
            # scans every customer for them; the ids first, then those rows by key.
            matched = [row[0] for row in cur.execute(subquery, words_params).fetchall()]
            source, params = "customers c", [matched]
            conditions.append("c.id = ANY(?)")
        else:
            source = f"customers c JOIN ({subquery}) m ON c.id = m.customer_id"
    else:
        params = []
        source = "customers c"
        total_column = ""
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    cur.execute(
        f"SELECT c.id{total_column} FROM {source} {where}"
        f" ORDER BY c.{sort} {order}, c.id LIMIT ? OFFSET ?",
        params + [limit, offset],
    )
    found = cur.fetchall()
    ids = [row[0] for row in found]
    if words and found:
        total = int(found[0][1])
    elif total is None:
        total = int(cur.execute(f"SELECT count(*) FROM {source} {where}", params).fetchall()[0][0])
    if not ids:
        return [], total
    return _grid_rows(cur, ids), total


def insert_consent(
    cur: Cursor,
    customer_id: int,
    opted_in: bool,
    at: datetime,
    screen: str,
    changed_by: str | None = None,
    channel: str = "email",
) -> None:
    """Append one consent change (to marketing on one channel)."""
    cur.execute(
        "INSERT INTO consent_history (customer_id, marketing_opt_in, changed_at, screen,"
        " changed_by, channel) VALUES (?, ?, ?, ?, ?, ?)",
        [customer_id, opted_in, at, screen, changed_by, channel],
    )


def consent_history(cur: Cursor, customer_id: int) -> list[dict[str, Any]]:
    """Every consent change of a customer, newest first."""
    cur.execute(
        "SELECT marketing_opt_in, changed_at, screen, changed_by, channel, source, source_at"
        " FROM consent_history"
        " WHERE customer_id = ? ORDER BY changed_at DESC, id DESC",
        [customer_id],
    )
    return as_dicts(cur)


def set_archived(
    cur: Cursor, customer_id: int, version: int, archived: bool, now: datetime
) -> int | None:
    """Archive or restore; new version or None if the row moved on."""
    version_now = update(
        cur,
        customer_id,
        version,
        {"archived": archived, "archived_at": now if archived else None},
        now,
    )
    if version_now is not None:
        cur.execute(
            "UPDATE customer_search SET live = ? WHERE customer_id = ?", [not archived, customer_id]
        )
    return version_now


def next_account_sequence(cur: Cursor) -> int:
    """Take the next generated account number (never rolled back, never conflicts)."""
    return int(cur.execute("SELECT nextval('account_number_seq')").fetchall()[0][0])


def peek_account_sequence(cur: Cursor) -> int:
    """The last generated number taken, 0 if none yet (each engine keeps it elsewhere)."""
    if is_postgres(cur):
        cur.execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM account_number_seq")
    else:
        cur.execute(
            "SELECT coalesce(last_value, 0) FROM duckdb_sequences()"
            " WHERE sequence_name = 'account_number_seq'"
        )
    return int(cur.fetchall()[0][0])


def advance_account_sequence(cur: Cursor, count: int) -> None:
    """Consume count numbers at once (bulk imports)."""
    series = "generate_series(1, ?)" if is_postgres(cur) else "range(?)"
    cur.execute(f"SELECT max(nextval('account_number_seq')) FROM {series}", [count]).fetchall()


def take_account_numbers(cur: Cursor, count: int) -> list[int]:
    """Take count generated numbers at once (an import's new customers)."""
    series = "generate_series(1, ?)" if is_postgres(cur) else "range(?)"
    cur.execute(f"SELECT nextval('account_number_seq') FROM {series}", [count])
    return sorted(int(row[0]) for row in cur.fetchall())


def keys_taken(cur: Cursor, keys: Iterable[str]) -> set[str]:
    """Which of keys are already used."""
    wanted = list(keys)
    if not wanted:
        return set()
    cur.execute("SELECT account_key FROM customers WHERE account_key = ANY(?)", [wanted])
    return {row[0] for row in cur.fetchall()}


def count(cur: Cursor) -> int:
    """Number of customers, archived included."""
    return int(cur.execute("SELECT count(*) FROM customers").fetchall()[0][0])


# Every field of the card (the General tab's too), then when consent was given,
# whether archived, and when the customer was created.
EXPORT_COLUMNS = CARD_COLUMNS + ("marketing_opt_in_at", "archived", "created_at")


def _export_parts(
    words: Sequence[str],
    include_archived: bool,
    sort: str,
    descending: bool,
    columns: Sequence[str],
    tag: str | None = None,
) -> tuple[str, str, str, list[Any]]:
    """The export's FROM and WHERE, its ORDER BY and its columns, and the parameters."""
    if sort not in SORTABLE or any(name not in EXPORT_COLUMNS for name in columns):
        raise ValueError((sort, columns))
    params: list[Any] = []
    source = "customers c"
    if words:
        subquery, params = _match_subquery(words)
        source = f"customers c JOIN ({subquery}) m ON c.id = m.customer_id"
    conditions = [] if include_archived else ["NOT c.archived"]
    if tag:
        conditions.append(HAS_TAG)
        params = [*params, tag]
    clause = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    order = f"{'DESC' if descending else 'ASC'} NULLS LAST"
    tie = "" if sort == "last_name" else ", c.last_name NULLS LAST"
    ordering = f"c.{sort} {order}{tie}, c.first_name NULLS LAST, c.id"
    selected = ", ".join(f"c.{name}" for name in columns)
    return f"{source} {clause}", ordering, selected, params


def export_query(
    words: Sequence[str],
    include_archived: bool,
    sort: str,
    descending: bool,
    columns: Sequence[str] = EXPORT_COLUMNS,
    tag: str | None = None,
) -> tuple[str, list[Any]]:
    """The matching customers' columns in the grid's order (for a streamed export)."""
    rows, ordering, selected, params = _export_parts(
        words, include_archived, sort, descending, columns, tag
    )
    return f"SELECT {selected} FROM {rows} ORDER BY {ordering}", params


def export_ranked(
    words: Sequence[str],
    include_archived: bool,
    sort: str,
    descending: bool,
    columns: Sequence[str] = EXPORT_COLUMNS,
    tag: str | None = None,
) -> tuple[str, list[Any], str]:
    """The same list for streams.Ranked: the ids numbered in the grid's order, and one
    slice of positions' rows read back by id."""
    rows, ordering, selected, params = _export_parts(
        words, include_archived, sort, descending, columns, tag
    )
    rank_sql = f"SELECT c.id AS key, row_number() OVER (ORDER BY {ordering}) AS pos FROM {rows}"
    rows_sql = (
        f"SELECT {selected} FROM {{ranks}} r JOIN customers c ON c.id = r.key"
        " WHERE r.pos > ? AND r.pos <= ? ORDER BY r.pos"
    )
    return rank_sql, params, rows_sql
