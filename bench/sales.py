"""Sales at scale: 100,000 customers, 2,000,000 sales, 6,000,000 lines.

python -m bench sales [--customers 100000] [--sales 2000000] [--db path]
                      [--engine duckdb|postgres] [--url postgresql://…]

Times recording a sale (3 lines, a card tender) through the real service,
opening one customer's purchase history page, and listing all of one
customer's sales with their totals. With --engine postgres the built file is copied
into PostgreSQL (the --url database, or a throwaway cluster) and timed there.
"""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import (
    bench_database,
    median,
    on_engine,
    p95,
    result_line,
    timings_ms,
)
from comptoir.data import db, demo
from comptoir.logic.auth import SYSTEM
from comptoir.services import receipts, till
from comptoir.services.till import LineRequest

PRODUCTS = 500


def build(path: Path, customers: int, n_sales: int, seed: int = 5) -> None:
    """Products, customers, and sales with 3 lines each, as closed by the till."""
    demo.generate(customers, path=path)
    rng = np.random.default_rng(seed)
    prices = (rng.integers(100, 20000, PRODUCTS) / 100).round(2)
    with db.transaction(path) as cur:
        frame = pd.DataFrame(
            {
                "sku": [f"SKU-{i:05d}" for i in range(PRODUCTS)],
                "name": [f"Product {i}" for i in range(PRODUCTS)],
                "price": prices,
            }
        )
        cur.register("products_frame", frame)
        cur.execute(
            "INSERT INTO products (sku, sku_key, name, price, tax_rate, created_at,"
            " updated_at) SELECT sku, upper(sku), name, CAST(price AS DECIMAL(12,2)), 20,"
            " now(), now() FROM products_frame"
        )
        ids = np.array([r[0] for r in cur.execute("SELECT id FROM customers").fetchall()])
        product_ids = np.array(
            [r[0] for r in cur.execute("SELECT id FROM products ORDER BY id").fetchall()]
        )
    chunk = 500_000
    line_no = np.tile([1, 2, 3], chunk)
    for start in range(0, n_sales, chunk):
        size = min(chunk, n_sales - start)
        sale_ids = np.arange(start + 1, start + size + 1)
        when = pd.Timestamp("2026-11-29") - pd.to_timedelta(
            np.sort(rng.integers(0, 3 * 365 * 24 * 60, size))[::-1], unit="m"
        )
        picks = rng.integers(0, PRODUCTS, size * 3)
        quantity = rng.integers(1, 4, size * 3)
        gross = (prices[picks] * quantity).round(2)
        tax = (gross * 20 / 120).round(2)
        lines = pd.DataFrame(
            {
                "sale_id": np.repeat(sale_ids, 3),
                "line_no": line_no[: size * 3],
                "product_id": product_ids[picks],
                "quantity": quantity,
                "unit_price": prices[picks],
                "gross": gross,
                "tax": tax,
            }
        )
        totals = lines.groupby("sale_id")[["gross", "tax"]].sum().round(2)
        sales_frame = pd.DataFrame(
            {
                "id": sale_ids,
                "customer_id": rng.choice(ids, size),
                "sold_at": when,
                "total": totals["gross"].to_numpy(),
                "tax": totals["tax"].to_numpy(),
            }
        )
        with db.transaction(path) as cur:
            cur.register("sales_frame", sales_frame)
            cur.execute(
                "INSERT INTO sales (id, receipt_number, customer_id, sold_at, staff_name,"
                " prices_include_tax, tax_exempt, customer_discount_percent, net_total,"
                " tax_total, total, change_given, shop_code) SELECT id, 'B' ||"
                " lpad(CAST(id AS VARCHAR), 8, '0'), customer_id, sold_at, 'bench', true, false,"
                " 0, CAST(total - tax AS DECIMAL(12,2)), CAST(tax AS DECIMAL(12,2)),"
                " CAST(total AS DECIMAL(12,2)), 0, 'MAIN' FROM sales_frame ORDER BY id"
            )
            cur.register("lines_frame", lines)
            cur.execute(
                "INSERT INTO sale_lines SELECT l.sale_id, l.line_no, l.product_id, p.sku, p.name,"
                " l.quantity, CAST(l.unit_price AS DECIMAL(12,2)), 0, 0, 0,"
                " CAST(l.gross - l.tax AS DECIMAL(12,2)), 20, CAST(l.tax AS DECIMAL(12,2)),"
                " CAST(l.gross AS DECIMAL(12,2)), NULL FROM lines_frame l"
                " JOIN products p ON p.id = l.product_id ORDER BY l.sale_id, l.line_no"
            )
            # What each sold line may still return, as the till records it.
            cur.execute(
                "INSERT INTO sale_line_returns (sale_id, line_no, sold_quantity)"
                " SELECT sale_id, line_no, quantity FROM lines_frame ORDER BY sale_id, line_no"
            )
            cur.execute(
                "INSERT INTO sale_tenders SELECT id, 'card', CAST(total AS"
                " DECIMAL(12,2)) FROM sales_frame ORDER BY id"
            )
    with db.transaction(path) as cur:
        cur.execute("SELECT max(nextval('sale_id_seq')) FROM range(?)", [n_sales]).fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--sales", type=int, default=2_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--engine", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    path = bench_database(
        args.db,
        "sales",
        lambda p: build(p, args.customers, args.sales),
        f"{args.customers:,} customers and {args.sales:,} sales",
    )
    with db.cursor() as cur:
        counts = cur.execute(
            "SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM sale_lines)"
        ).fetchall()[0]
        customers = [
            r[0]
            for r in cur.execute(
                "SELECT id FROM customers USING SAMPLE 80 ROWS (reservoir, 3)"
            ).fetchall()
        ]
        products = [r[0] for r in cur.execute("SELECT id FROM products LIMIT 50").fetchall()]
    with on_engine(args.engine, path, args.url) as target:
        print(f"database: {target} ({counts[0]:,} sales, {counts[1]:,} lines)")
        measure(args, customers, products, counts[0])
    db.close(path)
    return 0


def measure(args: argparse.Namespace, customers: list, products: list, n_sales: int) -> None:
    rng = np.random.default_rng(9)

    def record() -> None:
        customer = int(rng.choice(customers))
        lines = [LineRequest(int(p), "1") for p in rng.choice(products, 3, replace=False)]
        _, basket = till.preview(customer, lines)
        till.record_sale(SYSTEM, customer, lines, [("card", str(basket.total))], uuid.uuid4().hex)

    record_ms = timings_ms(record, args.repeat)
    picks = iter(customers * 20)
    history_ms = timings_ms(lambda: receipts.purchase_history(SYSTEM, next(picks)), args.repeat)
    picks = iter(customers * 20)
    list_ms = timings_ms(
        lambda: receipts.purchase_history(SYSTEM, next(picks), page_size=1000), args.repeat
    )
    print(
        f"record a sale (preview + close): median {median(record_ms):.1f} ms, "
        f"p95 {p95(record_ms):.1f} ms"
    )
    print(
        f"open a purchase history page: median {median(history_ms):.1f} ms, "
        f"p95 {p95(history_ms):.1f} ms"
    )
    print(
        f"list all of a customer's sales with totals: median {median(list_ms):.1f} ms, "
        f"p95 {p95(list_ms):.1f} ms"
    )
    print(
        result_line(
            record_p95_ms=f"{p95(record_ms):.1f}",
            history_median_ms=f"{median(history_ms):.1f}",
            list_median_ms=f"{median(list_ms):.1f}",
            record_median_ms=f"{median(record_ms):.1f}",
            sales=n_sales,
            engine=args.engine,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
