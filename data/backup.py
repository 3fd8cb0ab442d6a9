"""A DuckDB file as Parquet files per table, and back; the checks a restored file must pass.

Table names come from the database's own catalogue, checked against the copy order
(data.copy_to_postgres.ORDER); file paths are ours (a private temp folder). DuckDB
takes neither as a bound parameter in COPY, so both are checked before use.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from comptoir.data.copy_to_postgres import ORDER

Cursor = Any
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./\-]+$")

# Money rules a restored file must still hold: each balance equals its ledger.
LEDGER_CHECKS = {
    "account_balances": (
        "SELECT count(*) FROM customer_accounts a LEFT JOIN (SELECT customer_id,"
        " sum(amount) AS total FROM ledger_entries GROUP BY customer_id) l"
        " ON l.customer_id = a.customer_id WHERE a.balance <> coalesce(l.total, 0)"
    ),
    # Entries are stored positive: a redemption takes its amount off the balance.
    "voucher_balances": (
        "SELECT count(*) FROM gift_vouchers v LEFT JOIN (SELECT voucher_id,"
        " sum(CASE WHEN kind = 'redeemed' THEN -amount ELSE amount END) AS total"
        " FROM voucher_entries GROUP BY voucher_id) e"
        " ON e.voucher_id = v.id WHERE v.balance <> coalesce(e.total, 0)"
    ),
    "rewards_points": (
        "SELECT count(*) FROM rewards_accounts r LEFT JOIN (SELECT customer_id,"
        " sum(points) AS total FROM rewards_entries GROUP BY customer_id) e"
        " ON e.customer_id = r.customer_id WHERE r.points <> coalesce(e.total, 0)"
    ),
}
# Sums kept in the manifest and compared after a restore.
LEDGER_SUMS = {
    "ledger_entries": "SELECT CAST(coalesce(sum(amount), 0) AS VARCHAR) FROM ledger_entries",
    "voucher_entries": "SELECT CAST(coalesce(sum(amount), 0) AS VARCHAR) FROM voucher_entries",
    "rewards_entries": "SELECT CAST(coalesce(sum(points), 0) AS VARCHAR) FROM rewards_entries",
    "sales": "SELECT CAST(coalesce(sum(total), 0) AS VARCHAR) FROM sales",
}


def _quoted_path(path: Path) -> str:
    text = str(path)
    if not _SAFE_PATH.match(text):
        raise ValueError(f"unexpected characters in {text!r}")
    return f"'{text}'"


def tables(cur: Cursor) -> list[str]:
    """The file's tables in copy order (refusing one the order does not know)."""
    found = {
        row[0]
        for row in cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    unknown = found - set(ORDER) - {"schema_migrations"}
    if unknown:
        raise ValueError(f"no backup order for: {', '.join(sorted(unknown))}")
    return [t for t in ("schema_migrations", *ORDER) if t in found]


def fingerprint(cur: Cursor, table: str) -> tuple[int, str]:
    """Row count and an order-independent checksum of every row's values."""
    cur.execute(
        f'SELECT count(*), CAST(coalesce(sum(hash(t)::HUGEINT), 0) AS VARCHAR) FROM "{table}" t'
    )
    count, checksum = cur.fetchall()[0]
    return int(count), str(checksum)


def sequences(cur: Cursor) -> dict[str, int]:
    """Each sequence's last value (0 when never used)."""
    cur.execute("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences()")
    return {name: int(value) for name, value in cur.fetchall()}


# The tables each ledger check reads: a file of an earlier schema may not have them yet.
CHECK_TABLES = {
    "account_balances": {"customer_accounts", "ledger_entries"},
    "voucher_balances": {"gift_vouchers", "voucher_entries"},
    "rewards_points": {"rewards_accounts", "rewards_entries"},
}


def _present(cur: Cursor) -> set[str]:
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
    return {row[0] for row in cur.fetchall()}


def ledger_sums(cur: Cursor) -> dict[str, str]:
    """The ledgers' totals, as text (exact), for the ledgers this file's schema has."""
    present = _present(cur)
    return {
        name: str(cur.execute(sql).fetchall()[0][0])
        for name, sql in LEDGER_SUMS.items()
        if name in present
    }


def dump(cur: Cursor, table: str, target: Path) -> None:
    """One table to a Parquet file (DuckDB writes it, streaming)."""
    if table not in ("schema_migrations", *ORDER):
        raise ValueError(table)
    cur.execute(f'COPY (SELECT * FROM "{table}") TO {_quoted_path(target)} (FORMAT parquet)')


def columns(cur: Cursor, table: str) -> list[str]:
    """The table's columns, from this database's own catalogue."""
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main'"
        " AND table_name = ? ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cur.fetchall()]


def file_columns(cur: Cursor, source: Path) -> list[str]:
    """The top-level column names a Parquet file claims (data, never SQL)."""
    cur.execute("SELECT name FROM parquet_schema(?)", [str(source)])
    return [str(row[0]) for row in cur.fetchall()][1:]  # the first row is the schema root


def file_rows(cur: Cursor, source: Path) -> int:
    """The row count a Parquet file's metadata claims."""
    cur.execute("SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(?)", [str(source)])
    return int(cur.fetchall()[0][0])


def load(cur: Cursor, table: str, source: Path) -> None:
    """A table's rows from a Parquet file, by column name. The names written into the
    SQL are the table's own (from our schema): a file naming any other column is refused
    before anything runs, so nothing from the file becomes SQL text."""
    if table not in ("schema_migrations", *ORDER):
        raise ValueError(table)
    known = columns(cur, table)
    given = file_columns(cur, source)
    unknown = [c for c in given if c not in known]
    if unknown or not given or len(set(given)) != len(given):
        raise UnknownColumns(table, unknown)
    names = ", ".join(f'"{c}"' for c in known if c in given)
    cur.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {names} FROM read_parquet(?)', [str(source)]
    )


class UnknownColumns(ValueError):
    """A backup's table file names columns our schema does not have."""

    def __init__(self, table: str, unknown: list[str]) -> None:
        super().__init__(table)
        self.table = table
        self.unknown = unknown


def empty(cur: Cursor, names: list[str]) -> None:
    """Remove the rows migrations seeded (children first), making way for a backup's."""
    for table in reversed(names):
        if table not in ORDER:
            raise ValueError(table)
        cur.execute(f'DELETE FROM "{table}"')


def advance_sequence(cur: Cursor, name: str, last: int) -> None:
    """Bring one of our sequences to last in one statement (a name the file has
    not got from our schema is refused)."""
    if name not in sequences(cur):
        raise ValueError(name)
    if last > sequences(cur)[name]:
        cur.execute("SELECT setval(?, ?)", [name, last]).fetchall()


def problems(cur: Cursor) -> dict[str, int]:
    """Each ledger rule and how many rows break it (all zero for a sound file)."""
    present = _present(cur)
    return {
        name: int(cur.execute(sql).fetchall()[0][0])
        for name, sql in LEDGER_CHECKS.items()
        if CHECK_TABLES[name] <= present
    }
