"""Moving in: a 100,000-customer Shopify export read, dry-run, imported and undone in a
shop of 20,000 customers, against the naive way (each row through the card's own create).

The file is as Shopify writes it, with what makes a real one slow: guarding apostrophes,
tags, e-mail and SMS consent, 2 % of rows that update an existing customer by e-mail, 1 %
likely duplicates by mobile, 1 % with a phone Excel turned into scientific notation, 5 %
subscribers with an e-mail and no name. Memory is the process's resident set, sampled
every 20 ms: peak growth over the start of the import.

    python -m bench moving_in [--rows 100000] [--shop 20000] [--naive 300]

Ends with: RESULT customers_100k_s=… dry_run_s=… import_s=… undo_s=… peak_mb=…
naive_100k_s=… ratio=… (customers_100k_s: reading the file, the dry run and the import).
Historical sales (sales_lines_1m_s) are not importable yet: that key is absent.
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
from comptoir.services import customer_import, customers

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
        )
    )


if __name__ == "__main__":
    main()
