"""Move a shop from its DuckDB file to PostgreSQL (the chain's shared database).

python -m comptoir.data.copy_to_postgres --db var/comptoir.duckdb   (URL in COMPTOIR_DATABASE_URL)

The PostgreSQL database is migrated first and must hold no customer, sale or
staff yet. Every table is copied with COPY in the order its foreign keys need,
the rows the migrations seeded (settings, lists, account types) are replaced by
the shop's, and each sequence continues where the file's stopped. One
transaction: a failed copy leaves the PostgreSQL database as it was. Then
VACUUM ANALYZE, so the planner knows the new rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import psycopg

from comptoir.data import db, migrate, postgres

# Parents before children (PostgreSQL checks the foreign keys of 0009).
ORDER = (
    "settings",
    "shops",
    "shop_settings",
    "titles",
    "genders",
    "price_levels",
    "staff",
    "customers",
    "customer_search",
    "consent_history",
    "account_types",
    "customer_accounts",
    "ledger_entries",
    "allocations",
    "products",
    "product_prices",
    "number_counters",
    "sales",
    "sale_lines",
    "sale_tenders",
    "invoices",
    "sale_line_returns",
    "print_jobs",
    "messages",
    "message_templates",
    "serviced_items",
    "orders",
    "order_lines",
    "order_events",
    "order_deposits",
    "service_reminders",
    "gift_vouchers",
    "voucher_entries",
    "rewards_accounts",
    "rewards_old_cards",
    "rewards_entries",
    "delivery_addresses",
    "import_batches",
    "import_rows",
    "import_presets",
    "opening_batches",
    "opening_rows",
    "browser_sessions",
    "suppressions",
    "customer_merges",
    "shop_secrets",
    "audit_log",
)
CHUNK = 50_000


class NotEmpty(Exception):
    """The PostgreSQL database already holds a shop."""


def _tables(source: duckdb.DuckDBPyConnection) -> list[str]:
    found = {
        row[0]
        for row in source.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    } - {"schema_migrations"}
    unknown = found - set(ORDER)
    if unknown:  # a new migration's table must be placed in ORDER first
        raise ValueError(f"no copy order for: {', '.join(sorted(unknown))}")
    return [table for table in ORDER if table in found]


def copy_file(path: Path, url: str) -> dict[str, int]:
    """Copy every table of the file into the database at url; rows copied per table."""
    migrate.migrate()
    source = duckdb.connect(str(path), read_only=True)
    copied: dict[str, int] = {}
    try:
        with psycopg.connect(url) as target:
            for table in ("customers", "sales", "staff"):
                if target.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:  # type: ignore[index]
                    raise NotEmpty(table)
            tables = _tables(source)
            with target.transaction():
                for table in reversed(tables):
                    target.execute(f"DELETE FROM {table}")  # the migrations' seeded rows
                for table in tables:
                    copied[table] = _copy_table(source, target, table)
                _continue_sequences(source, target)
        # Planner statistics and the visibility map (index-only scans) for the new rows;
        # VACUUM cannot run inside a transaction.
        with psycopg.connect(url, autocommit=True) as maintenance:
            maintenance.execute("VACUUM ANALYZE")
    finally:
        source.close()
    return copied


def _copy_table(source: duckdb.DuckDBPyConnection, target: psycopg.Connection, table: str) -> int:
    result = source.execute(f"SELECT * FROM {table}")
    names = ", ".join(f'"{d[0]}"' for d in result.description)
    count = 0
    with target.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        while rows := result.fetchmany(CHUNK):
            for row in rows:
                copy.write_row(row)
            count += len(rows)
    return count


def _continue_sequences(source: duckdb.DuckDBPyConnection, target: psycopg.Connection) -> None:
    for name, last in source.execute(
        "SELECT sequence_name, last_value FROM duckdb_sequences()"
    ).fetchall():
        if last is not None:
            target.execute("SELECT setval(%s, %s, true)", [name, last])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=Path, default=None, help="the DuckDB file (default: the app's)"
    )
    args = parser.parse_args()
    url = db.configured_url()
    if not url:
        print("set COMPTOIR_DATABASE_URL to the PostgreSQL database", file=sys.stderr)
        return 2
    path = args.db or db.configured_path()
    started = time.perf_counter()
    try:
        copied = copy_file(path, url)
    except NotEmpty as taken:
        print(f"{postgres.redacted(url)} already holds {taken}: nothing copied", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    total = sum(copied.values())
    print(f"{total:,} rows from {path} to {postgres.redacted(url)} in {seconds:.1f} s")
    for table, count in copied.items():
        print(f"  {table}: {count:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
