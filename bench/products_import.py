"""Products CSV import at scale: 100,000 rows into an empty shop, then re-priced.

python -m bench products_import [--rows 100000] [--baseline-rows 3000]

Times the real service (one transaction, bulk statements, an audit entry per
product) for a first import and for a re-import that changes every price.
The naive baseline is the row-by-row path the import used before (one
INSERT/UPDATE and level-price statements per row, an audit entry each),
measured in the same run on a sample and reported per 1,000 rows.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.common import result_line, use_file
from comptoir.data import db, migrate
from comptoir.data import products as repo
from comptoir.logic.audit import created
from comptoir.logic.auth import SYSTEM
from comptoir.operations import audit
from comptoir.services import products


def csv_file(rows: int, price_cents: int) -> bytes:
    lines = ["sku;name;price;tax_rate;price_B"]
    for i in range(rows):
        price = price_cents + i % 500
        lines.append(f"SKU-{i:06d};Article {i};{price // 100},{price % 100:02d};20;{price // 200}")
    return ("\n".join(lines) + "\n").encode()


def fresh_database(name: str) -> Path:

    path = Path(tempfile.mkdtemp(prefix="comptoir-bench-")) / f"{name}.duckdb"
    use_file(path)
    migrate.migrate(path)
    return path


def naive(rows: int) -> float:
    """Seconds for the row-by-row path on rows rows (the import before this change)."""
    data = csv_file(rows, 1000)
    table = products.read_table(data, products.REQUIRED_COLUMNS, products._column_name)
    rates, levels = products.tax_rates(), products.price_levels()
    clean = [products._clean(raw, rates, levels) for _, raw in table.rows]
    now = datetime.now()
    started = time.perf_counter()

    def work(cur) -> None:
        for row in clean:
            fields = {k: row[k] for k in ("sku", "sku_key", "name", "price", "tax_rate", "active")}
            product_id = repo.insert(cur, fields, now)
            repo.set_level_prices(cur, product_id, row["levels"])
            audit.record(
                cur, SYSTEM, "create", "product", product_id, "bench", created(fields), now
            )

    db.run_in_transaction(work)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=3_000)
    args = parser.parse_args()
    admin = SYSTEM.__class__(staff_id=None, username="bench", display_name="Bench", role="admin")

    path = fresh_database("import")
    first = csv_file(args.rows, 1000)
    started = time.perf_counter()
    products.import_csv(admin, first)
    first_s = time.perf_counter() - started
    repriced = csv_file(args.rows, 1100)
    started = time.perf_counter()
    products.import_csv(admin, repriced)
    again_s = time.perf_counter() - started
    db.close(path)

    base_path = fresh_database("naive")
    naive_s = naive(args.baseline_rows)
    db.close(base_path)

    per_k = first_s / args.rows * 1000
    naive_per_k = naive_s / args.baseline_rows * 1000
    print(f"first import of {args.rows:,} rows: {first_s:.1f} s ({per_k * 1000:.0f} ms per 1,000)")
    print(f"re-import changing every price: {again_s:.1f} s")
    print(f"naive row-by-row, {args.baseline_rows:,} rows: {naive_s:.1f} s")
    print(
        result_line(
            rows=args.rows,
            first_import_s=f"{first_s:.1f}",
            reprice_import_s=f"{again_s:.1f}",
            ms_per_1000_rows=f"{per_k * 1000:.0f}",
            naive_ms_per_1000_rows=f"{naive_per_k * 1000:.0f}",
            speedup=f"{naive_per_k / per_k:.1f}x",
        )
    )


if __name__ == "__main__":
    main()
