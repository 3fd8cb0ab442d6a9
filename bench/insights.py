"""Insights and exports at scale: 100,000 customers, 2,000,000 sales, 6,000,000 lines;
exports of 1,000,000 customers.

python -m bench insights [--db path] [--export-db path] [--repeat 7] [--skip-export]

Times, through the real services:
- page: every query of the Insights page for the last twelve months by month (summary,
  series and last year's, top customers by spend and by visits, top products, RFM
  segments, lapsed customers, balances), without the page's cache;
- pandas: the same figures computed the naive way in the same run: the columns read
  into pandas, then grouped there;
- exports: 1,000,000 customers (every card field) to CSV and to Parquet through
  exports.export(), with the process's peak resident memory growth while writing;
- import: a 100,000-row French CSV (1 % invalid, 1 % updates of existing customers by
  e-mail) into a shop of 20,000 customers: the dry run, then the import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from bench.common import bench_database, median, p95, result_line, timings_ms, use_file
from comptoir.data import db, demo
from comptoir.logic.auth import SYSTEM
from comptoir.logic.insights import Filters, lapsed_before, last_year
from comptoir.operations import clock
from comptoir.services import exports, insights

CUSTOMERS, SALES, LINES_PER_SALE, PRODUCTS = 100_000, 2_000_000, 3, 400
EXPORT_CUSTOMERS = 1_000_000
START = date(2024, 1, 1)
DAYS = 3 * 365


def build(path: Path) -> None:
    """Customers, products in 12 groups, sales over three years (1 % refunds, 10 % walk-ins)
    and their lines, written in SQL."""
    demo.generate(CUSTOMERS, path=path)
    with db.transaction(path) as cur:
        cur.execute("SET memory_limit = '4GB'")  # building only: the app keeps its limit
        cur.execute(
            "INSERT INTO products (id, sku, sku_key, name, product_group, price, tax_rate,"
            " active, created_at, updated_at) SELECT i, 'P' || i, 'P' || i, 'Product ' || i,"
            " 'Group ' || (i % 12), CAST(5 + (i * 37) % 900 AS DECIMAL(12, 2)), 20, true,"
            " now(), now() FROM range(1, ?) t(i)",
            [PRODUCTS + 1],
        )
        cur.execute(
            "INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, quantity,"
            " unit_price, line_discount_percent, discount, customer_discount, net, tax_rate, tax,"
            " gross) SELECT s, k, p, 'P' || p, 'Product ' || p, q, price, 0, 0, 0,"
            " round(q * price / 1.2, 2), 20, q * price - round(q * price / 1.2, 2), q * price"
            " FROM (SELECT s, k, 1 + (hash(s * 7 + k) % ?) AS p, 1 + (hash(s + k) % 3) AS q"
            " FROM range(1, ?) a(s), range(1, ?) b(k)) g"
            " JOIN (SELECT id, price FROM products) pr ON pr.id = g.p",
            [PRODUCTS, SALES + 1, LINES_PER_SALE + 1],
        )
        cur.execute(
            "INSERT INTO sales (id, receipt_number, customer_id, sold_at, staff_name,"
            " prices_include_tax, tax_exempt, customer_discount_percent, net_total, tax_total,"
            " total, change_given, refund_of, shop_code)"
            " SELECT l.sale_id, 'R' || lpad(CAST(l.sale_id AS VARCHAR), 8, '0'),"
            " CASE WHEN hash(l.sale_id) % 10 = 0 THEN NULL ELSE 1 + hash(l.sale_id * 3) % ? END,"
            " TIMESTAMPTZ '2024-01-01 08:00:00+00'"
            " + to_days(CAST(hash(l.sale_id * 5) % ? AS INTEGER))"
            " + to_minutes(CAST(hash(l.sale_id) % 600 AS INTEGER)),"
            " 'bench', true, hash(l.sale_id) % 100 = 1, 0,"
            " sum(l.net) * sign, sum(l.tax) * sign, sum(l.gross) * sign, 0,"
            " CASE WHEN sign < 0 THEN l.sale_id - 1 END, 'MAIN'"
            " FROM (SELECT *, CASE WHEN sale_id % 100 = 0 THEN -1 ELSE 1 END AS sign"
            " FROM sale_lines) l GROUP BY l.sale_id, sign",
            [CUSTOMERS, DAYS],
        )
        # Refund lines are negative like their sale.
        cur.execute(
            "UPDATE sale_lines SET quantity = -quantity, net = -net, tax = -tax, gross = -gross"
            " WHERE sale_id % 100 = 0"
        )
        cur.execute("SELECT max(nextval('sale_id_seq')) FROM range(?)", [SALES]).fetchall()
    with db.cursor(path) as cur:
        cur.execute(f"SET memory_limit = '{db.MEMORY_LIMIT}'")
    db.close(path)


def pandas_page(path: Path, filters: Filters, months: int) -> dict:
    """The same figures the naive way: the tables' columns read whole, then grouped."""
    with db.cursor(path) as cur:
        sales = cur.execute("SELECT id, customer_id, sold_at, total, refund_of FROM sales").df()
        lines = cur.execute("SELECT sale_id, product_id, quantity, gross FROM sale_lines").df()
    zone = clock.zone().key
    sales["day"] = sales["sold_at"].dt.tz_convert(zone).dt.tz_localize(None)
    start, end = pd.Timestamp(filters.start), pd.Timestamp(filters.end + timedelta(days=1))
    earlier = last_year(filters)
    scoped = sales[(sales["day"] >= start) & (sales["day"] < end)]
    before = sales[
        (sales["day"] >= pd.Timestamp(earlier.start))
        & (sales["day"] < pd.Timestamp(earlier.end + timedelta(days=1)))
    ]
    baskets = scoped[scoped["refund_of"].isna()]
    summary = (scoped["total"].sum(), len(baskets), scoped["customer_id"].nunique())
    firsts = sales[sales["refund_of"].isna()].groupby("customer_id")["sold_at"].min()
    month = scoped["day"].dt.to_period("M")
    series = scoped.groupby(month)["total"].sum()
    first_at = baskets["customer_id"].map(firsts).dt.tz_convert(zone).dt.tz_localize(None)
    first_month = first_at.dt.to_period("M").to_numpy()
    new = baskets[first_month == baskets["day"].dt.to_period("M").to_numpy()]
    new_by_month = new.groupby(new["day"].dt.to_period("M"))["customer_id"].nunique()
    previous = before.groupby(before["day"].dt.to_period("M"))["total"].sum()
    per = (
        scoped.dropna(subset=["customer_id"])
        .groupby("customer_id")
        .agg(
            spend=("total", "sum"),
            last_at=("sold_at", "max"),
            visits=("refund_of", lambda r: r.isna().sum()),
        )
    )
    top_spend = per.nlargest(10, "spend")
    top_visits = per.nlargest(10, "visits")
    scored = pd.DataFrame(
        {
            "r": 1 + (5 * (per["last_at"].rank(method="min") - 1) // len(per)),
            "f": 1 + (5 * (per["visits"].rank(method="min") - 1) // len(per)),
        }
    )
    cells = scored.value_counts()
    sold = lines[lines["sale_id"].isin(scoped["id"])]
    top_products = sold.groupby("product_id")["gross"].sum().nlargest(10)
    cutoff = pd.Timestamp(lapsed_before(filters.end, months)).tz_localize(zone)
    last = sales.dropna(subset=["customer_id"]).groupby("customer_id")["sold_at"].max()
    lapsed = int((last < cutoff).sum())
    return {
        "summary": summary,
        "series": series,
        "new": new_by_month,
        "previous": previous,
        "top": (top_spend, top_visits, top_products),
        "cells": cells,
        "lapsed": lapsed,
    }


class PeakMemory:
    """The resident memory's growth over a block, sampled every 5 ms."""

    def __enter__(self) -> PeakMemory:
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.005)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1024 / 1024


def export_figures(path: Path, runs: int = 3) -> dict[str, float]:
    """1,000,000 customers to CSV and Parquet: median seconds of runs, and the largest
    peak memory growth of any run."""
    use_file(path)
    view = exports.customers_view("", True)
    figures: dict[str, float] = {}
    for fmt in ("csv", "parquet"):
        # A first, untimed run fills DuckDB's buffer pool (capped by its memory limit), as
        # in an app that has been running: the figures are the export's own.
        exports.export(SYSTEM, view, fmt).discard()
        seconds, growth = [], []
        for _ in range(runs):
            with PeakMemory() as memory:
                started = time.perf_counter()
                made = exports.export(SYSTEM, view, fmt)
                seconds.append(time.perf_counter() - started)
            growth.append(memory.growth_mb)
            size = made.path.stat().st_size / 1024 / 1024
            made.discard()
        print(
            f"export {fmt}: {made.rows:,} rows, {size:.0f} MB;"
            f" seconds {', '.join(f'{s:.2f}' for s in seconds)};"
            f" peak memory growth {', '.join(f'{g:.0f}' for g in growth)} MB"
        )
        figures[f"{fmt}_1m_s"] = round(statistics.median(seconds), 2)
        figures[f"{fmt}_peak_mb"] = round(max(growth))
    return figures


IMPORT_ROWS, IMPORT_SHOP = 100_000, 20_000


def import_figures() -> dict[str, float]:
    """A 100,000-row file: dry run, then import, into a fresh shop of 20,000 customers."""
    import tempfile

    from comptoir.logic.customer_import import guess_mapping, read_file
    from comptoir.services import customer_import

    path = Path(tempfile.mkdtemp(prefix="comptoir-bench-")) / "import.duckdb"
    use_file(path)
    demo.generate(IMPORT_SHOP, path=path)
    with db.cursor(path) as cur:
        emails = [
            r[0]
            for r in cur.execute(
                "SELECT email FROM customers WHERE email IS NOT NULL LIMIT ?", [IMPORT_ROWS // 100]
            ).fetchall()
        ]
    lines = ["Nom;Prénom;Courriel;Portable;Code postal;Ville;Pays;Remise;Date de naissance"]
    for i in range(IMPORT_ROWS):
        if i % 100 == 7:
            email = "pas-une-adresse"  # invalid
        elif i % 100 == 13 and emails:
            email = emails.pop()  # an existing customer: an update
        else:
            email = f"import{i}@example.org"
        lines.append(
            f"Nouveau{i};Client;{email};06{i:08d};{75001 + i % 20};Paris;France;"
            f"{i % 10},5;{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 50}"
        )
    data = "\n".join(lines).encode("utf-8")
    started = time.perf_counter()
    table = read_file(data, "bench.csv")
    mapping = guess_mapping(table.headers)
    plan = customer_import.dry_run(SYSTEM, table, mapping)
    dry = time.perf_counter() - started
    started = time.perf_counter()
    done = customer_import.run_import(SYSTEM, table, mapping, "bench.csv", checked=plan)
    wrote = time.perf_counter() - started
    print(
        f"import {IMPORT_ROWS:,} rows: dry run {dry:.1f} s ({plan.counts()}),"
        f" import {wrote:.1f} s ({done.created:,} created, {done.updated:,} updated,"
        f" {done.skipped:,} skipped)"
    )
    db.close(path)
    return {"import_dry_run_s": round(dry, 1), "import_100k_s": round(dry + wrote, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--export-db", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--only-export", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    if not args.only_export:
        figures.update(page_figures(args))
    if not args.skip_export:
        export_path = bench_database(
            args.export_db,
            "export",
            lambda p: demo.generate(EXPORT_CUSTOMERS, path=p),
            f"{EXPORT_CUSTOMERS:,} customers",
        )
        figures.update(export_figures(export_path))
    if not args.skip_import:
        figures.update(import_figures())
    print(result_line(**figures))


def page_figures(args: argparse.Namespace) -> dict[str, object]:
    """The Insights page's queries against the same figures in pandas."""
    path = bench_database(args.db, "insights", build, "2,000,000 sales")
    today = clock.local_day()
    filters = Filters(START + timedelta(days=DAYS - 365), START + timedelta(days=DAYS - 1))
    insights.overview(SYSTEM, filters, "month", 12)  # warm the file cache
    seen = insights.overview(SYSTEM, filters, "month", 12)
    print(
        f"period {filters.start} → {filters.end} (today {today}): {seen.summary['baskets']:,}"
        f" baskets, {seen.summary['customers']:,} customers, {seen.lapsed:,} lapsed"
    )
    page = timings_ms(lambda: insights.overview(SYSTEM, filters, "month", 12), args.repeat, 1)
    naive = timings_ms(lambda: pandas_page(path, filters, 12), max(3, args.repeat // 2), 1)
    ratio = median(naive) / median(page)
    print(
        f"page (all queries): median {median(page):.0f} ms, p95 {p95(page):.0f} ms;"
        f" pandas: median {median(naive):.0f} ms ({ratio:.1f}x slower)"
    )
    db.close(path)
    return {
        "page_median_ms": round(median(page), 1),
        "page_p95_ms": round(p95(page), 1),
        "pandas_median_ms": round(median(naive), 1),
        "pandas_ratio": round(ratio, 1),
    }


if __name__ == "__main__":
    main()
