"""Moving in: a 100,000-customer Shopify export read, dry-run, imported and undone in a
shop of 20,000 customers, against the naive way (each row through the card's own create).

The file is as Shopify writes it, with what makes a real one slow: guarding apostrophes,
tags, e-mail and SMS consent, 2 % of rows that update an existing customer by e-mail, 1 %
likely duplicates by mobile, 1 % with a phone Excel turned into scientific notation, 5 %
subscribers with an e-mail and no name. Memory is the process's resident set, sampled
every 20 ms: peak growth over the start of the import.

    python -m bench moving_in [--rows 100000] [--shop 20000] [--naive 300]

Then past sales: a history of 1,000,000 sale lines in files of 250,000 lines (each under
the upload limit; about 3 lines a sale, a customer named by e-mail on 70 % of sales,
amounts with tax), each read, dry-run and imported as one batch,
against the naive way (each sale written by its own INSERTs in its own transaction).

    python -m bench moving_in [--rows 100000] [--shop 20000] [--naive 300]
                              [--sales-lines 1000000] [--naive-sales 300]

Ends with: RESULT customers_100k_s=… dry_run_s=… import_s=… undo_s=… peak_mb=…
naive_100k_s=… ratio=… sales_lines_1m_s=… sales_dry_run_s=… sales_import_s=…
sales_peak_mb=… naive_sales_1m_s=… sales_ratio=… balances_s=… balances_undo_s=…
(customers_100k_s: reading the file, the dry run and the import; sales_lines_1m_s the same
for the sales files; balances_s: the dry run and the import of opening balances, limits
and points for every customer of the shop).
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import threading
import time
from pathlib import Path

from bench.common import result_line, use_file
from comptoir.data import db, demo
from comptoir.logic.auth import SYSTEM
from comptoir.logic.customer_import import guess, read_file
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.opening_import import guess as opening_guess
from comptoir.services import customer_import, customers, opening_import

SALES_HEADER = "Order,Date,Email,SKU,Item,Qty,Unit price,Tax rate,Line total"
SALES_FILE_LINES = 250_000

HEADER = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
    "Default Address Address1,Default Address Address2,Default Address City,"
    "Default Address Province Code,Default Address Country Code,Default Address Zip,"
    "Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,"
    "Tax Exempt,Tags"
)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Peak:
    """The largest resident set seen while it runs (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.start = _rss_mb()
        self.most = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.most = max(self.most, _rss_mb())

    def growth(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.most, _rss_mb()) - self.start


def shopify_file(rows: int, emails: list[str], mobiles: list[str]) -> bytes:
    """A Shopify customers export of `rows` lines (see the module's docstring)."""
    lines = [HEADER]
    for i in range(rows):
        first, last, email = "Client", f"Nouveau{i}", f"client{i}@example.org"
        mobile = f"'+3361{i:07d}"
        if i % 50 == 3 and emails:
            email = emails.pop()  # an existing customer: an update
        elif i % 100 == 5 and mobiles:
            mobile, email = mobiles.pop(), ""  # likely the same person as a customer
        elif i % 20 == 9:
            first, last = "", ""  # a newsletter subscriber with an e-mail only
        if i % 100 == 11:
            mobile = "3.36123E+10"  # Excel's damage
        consent = "yes" if i % 3 else "no"
        sms = "yes" if i % 4 == 0 else "no"
        tags = "vip, gravel" if i % 7 == 0 else ""
        lines.append(
            f"'74120{i:08d},{first},{last},{email},{consent},,{i} rue du Lac,,Annecy,,FR,"
            f'\'{74000 + i % 100},,{mobile},{sms},{i % 900}.00,{i % 9},,no,"{tags}"'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def sales_file(lines: int, emails: list[str], first_sale: int = 0) -> bytes:
    """A sales export of `lines` lines: 1 to 5 lines a sale, 70 % of sales with a customer."""
    out = [SALES_HEADER]
    sale, line = first_sale, 0
    while line < lines:
        sale += 1
        email = emails[sale % len(emails)] if sale % 10 < 7 and emails else ""
        day = f"2025-{1 + sale % 12:02d}-{1 + sale % 28:02d} {8 + sale % 10}:{sale % 60:02d}"
        for n in range(min(1 + sale % 5, lines - line)):
            price = f"{5 + (sale * 7 + n) % 400}.{(sale + n) % 100:02d}"
            out.append(
                f"S{sale:07d},{day},{email},SKU-{(sale + n) % 3000},Article {n},{1 + n % 3},"
                f"{price},20,{(1 + n % 3) * float(price):.2f}"
            )
            line += 1
    return ("\n".join(out) + "\n").encode("utf-8")


def naive_sales_seconds_per_sale(path: Path, sales: int) -> float:
    """The naive import of past sales: each sale and its lines written by one INSERT a row,
    in a transaction of its own."""
    started = time.perf_counter()
    for n in range(sales):

        def write(cur, n=n) -> None:
            cur.execute(
                "INSERT INTO sales (receipt_number, sold_at, staff_name, prices_include_tax,"
                " tax_exempt, customer_discount_percent, net_total, tax_total, total,"
                " change_given, shop_code) VALUES (?, now(), 'naive', true, false, 0, 10, 2, 12,"
                " 0, 'MAIN') RETURNING id",
                [f"NAIVE-{n}"],
            )
            sale_id = cur.fetchall()[0][0]
            for line_no in range(1, 4):
                cur.execute(
                    "INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, quantity,"
                    " unit_price, line_discount_percent, discount, customer_discount, net,"
                    " tax_rate, tax, gross) VALUES (?, ?, 1, 'X', 'Naive', 1, 4, 0, 0, 0,"
                    " 3.33, 20, 0.67, 4)",
                    [sale_id, line_no],
                )

        db.run_in_transaction(write, path)
    return (time.perf_counter() - started) / max(sales, 1)


def naive_seconds_per_row(table, mapping, rows: int) -> float:
    """The naive import: each row through the card's create, one transaction each."""
    names = list(mapping)
    started = time.perf_counter()
    done = 0
    for _, cells in table.rows[:rows]:
        values = {
            name: str(cell).lstrip("'")
            for name, cell in zip(names, cells, strict=True)
            if name and name not in ("tags", "full_name", "consent_date") and cell
        }
        values["last_name"] = values.get("last_name") or "Naive"
        values.pop("account_number", None)  # the bench file's numbers are taken already
        with contextlib.suppress(ValidationFailed):  # a refused row still cost its time
            customers.create_customer(values, SYSTEM)
        done += 1
    return (time.perf_counter() - started) / max(done, 1)


def _column(cur, column: str, order: str, limit: int) -> list[str]:
    """limit values of one of our own columns (names are this file's constants)."""
    cur.execute(
        f"SELECT {column} FROM customers WHERE {column} IS NOT NULL ORDER BY {order} LIMIT ?",
        [limit],
    )
    return [row[0] for row in cur.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--shop", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=300, help="rows created the naive way")
    parser.add_argument("--sales-lines", type=int, default=1_000_000)
    parser.add_argument("--naive-sales", type=int, default=300, help="sales written naively")
    args = parser.parse_args()

    path = Path(tempfile.mkdtemp(prefix="comptoir-bench-")) / "moving_in.duckdb"
    use_file(path)
    started = time.perf_counter()
    demo.generate(args.shop, path=path)
    print(f"built a shop of {args.shop:,} customers in {time.perf_counter() - started:.1f} s")
    with db.cursor(path) as cur:
        # Updates by e-mail from the first customers, duplicates by mobile from the last.
        emails = _column(cur, "email", "id", args.rows // 50)
        mobiles = _column(cur, "mobile", "id DESC", args.rows // 100)
    data = shopify_file(args.rows, emails, mobiles)
    print(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB (Shopify's layout)")

    peak = Peak()
    started = time.perf_counter()
    table = read_file(data, "customers_export.csv")
    found = guess(table.headers)
    read = time.perf_counter() - started
    started = time.perf_counter()
    plan = customer_import.dry_run(SYSTEM, table, found.mapping)
    dry = time.perf_counter() - started
    counts = plan.counts()
    started = time.perf_counter()
    done = customer_import.run_import(
        SYSTEM, table, found.mapping, "customers_export.csv", checked=plan
    )
    wrote = time.perf_counter() - started
    grown = peak.growth()
    started = time.perf_counter()
    customer_import.undo(SYSTEM, done.batch_id)
    undone = time.perf_counter() - started
    checks = sum(1 for r in plan.rows if r.to_check)
    print(f"recognised: {found.format.name if found.format else 'no'}; read in {read:.1f} s")
    print(f"dry run {dry:.1f} s: {counts}, {checks:,} rows with fields to check")
    print(
        f"import {wrote:.1f} s: {done.created:,} created, {done.updated:,} updated,"
        f" {done.skipped:,} skipped; undo {undone:.1f} s; peak memory growth {grown:.0f} MB"
    )

    with db.cursor(path) as cur:
        buyers = _column(cur, "email", "id", 5_000)
    # The history in files of at most SALES_FILE_LINES lines (each under the 50 MB upload
    # limit), each its own batch, as a shop would bring it.
    sales_read = sales_dry = sales_wrote = 0.0
    sales_grown = 0.0
    sales_count = 0
    options = opening_import.Options("Old till")
    for part, start in enumerate(range(0, args.sales_lines, SALES_FILE_LINES)):
        lines = min(SALES_FILE_LINES, args.sales_lines - start)
        data = sales_file(lines, buyers, first_sale=part * SALES_FILE_LINES)
        peak = Peak()
        started = time.perf_counter()
        sales_table = read_file(data, f"sales-{part}.csv", lines)
        del data
        sales_mapping = opening_guess("sales", sales_table.headers)
        sales_read += time.perf_counter() - started
        started = time.perf_counter()
        sales_plan = opening_import.dry_run(SYSTEM, "sales", sales_table, sales_mapping, options)
        sales_dry += time.perf_counter() - started
        started = time.perf_counter()
        opened = opening_import.run_import(
            SYSTEM,
            "sales",
            sales_table,
            sales_mapping,
            f"sales-{part}.csv",
            options,
            checked=sales_plan,
        )
        sales_wrote += time.perf_counter() - started
        sales_grown = max(sales_grown, peak.growth())
        sales_count += opened.written
        print(
            f"past sales, file {part + 1}: {lines:,} lines; {sales_plan.counts()},"
            f" totals {dict(sales_plan.totals)}"
        )
        del sales_table, sales_plan
    print(
        f"past sales: read {sales_read:.1f} s, dry run {sales_dry:.1f} s, import"
        f" {sales_wrote:.1f} s ({sales_count:,} sales); peak memory growth {sales_grown:.0f} MB"
    )
    per_sale = naive_sales_seconds_per_sale(path, args.naive_sales)
    naive_sales = per_sale * sales_count
    sales_ours = sales_read + sales_dry + sales_wrote
    print(
        f"naive (one INSERT a row, a transaction a sale): {per_sale * 1000:.1f} ms a sale,"
        f" {naive_sales:.0f} s for {sales_count:,} sales (extrapolated from {args.naive_sales})"
    )

    # Opening balances and points of every customer of the shop, by account number.
    with db.cursor(path) as cur:
        numbers = _column(cur, "account_number", "id", args.shop)
    lines = ["Customer code,Balance,Credit limit,Points"] + [
        f"{n},{(i % 400) - 100}.{i % 100:02d},{500 if i % 3 else ''},{i % 1000}"
        for i, n in enumerate(numbers)
    ]
    balances_table = read_file(("\n".join(lines) + "\n").encode(), "balances.csv")
    balances_mapping = opening_guess("balances", balances_table.headers)
    started = time.perf_counter()
    balances_plan = opening_import.dry_run(
        SYSTEM, "balances", balances_table, balances_mapping, options
    )
    balances_dry = time.perf_counter() - started
    started = time.perf_counter()
    balances = opening_import.run_import(
        SYSTEM,
        "balances",
        balances_table,
        balances_mapping,
        "balances.csv",
        options,
        checked=balances_plan,
    )
    balances_wrote = time.perf_counter() - started
    started = time.perf_counter()
    opening_import.undo(SYSTEM, balances.batch_id)
    balances_undone = time.perf_counter() - started
    print(
        f"opening balances of {len(numbers):,} customers: dry run {balances_dry:.1f} s"
        f" ({balances_plan.counts()}, totals {dict(balances_plan.totals)}), import"
        f" {balances_wrote:.1f} s, undo {balances_undone:.1f} s"
    )

    per_row = naive_seconds_per_row(table, found.mapping, args.naive)
    naive_total = per_row * args.rows
    ours = read + dry + wrote
    print(
        f"naive (each row through the card's create): {per_row * 1000:.1f} ms a row,"
        f" {naive_total:.0f} s for {args.rows:,} rows (extrapolated from {args.naive})"
    )
    db.close(path)
    print(
        result_line(
            customers_100k_s=round(ours, 1),
            dry_run_s=round(dry, 1),
            import_s=round(wrote, 1),
            undo_s=round(undone, 1),
            peak_mb=round(grown),
            naive_100k_s=round(naive_total),
            ratio=round(naive_total / ours, 1),
            sales_lines_1m_s=round(sales_ours, 1),
            sales_dry_run_s=round(sales_dry, 1),
            sales_import_s=round(sales_wrote, 1),
            sales_peak_mb=round(sales_grown),
            naive_sales_1m_s=round(naive_sales),
            sales_ratio=round(naive_sales / sales_ours, 1),
            balances_s=round(balances_dry + balances_wrote, 1),
            balances_undo_s=round(balances_undone, 1),
        )
    )


if __name__ == "__main__":
    main()
