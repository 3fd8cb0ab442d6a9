"""Customer search at 1,000,000 customers: our word-start index against naive ILIKE.

python -m bench search [--customers 1000000] [--repeat 40] [--db path] [--no-rss]
                       [--engine duckdb|postgres] [--url postgresql://…]

Builds the demo shop (or reuses --db when it already holds customers), times
the grid's search query (a page of 50 with the total count, as the page runs
it) for realistic terms, times a naive ILIKE over the raw columns with the same
paging in the same run, then starts the app on the file and reports its RSS.
With --engine postgres the file is copied into PostgreSQL (the --url database, or
a throwaway cluster) and the same queries run there; the RSS step is skipped.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    bench_database,
    median,
    on_engine,
    p95,
    result_line,
    timings_ms,
)
from comptoir.data import db, demo
from comptoir.services import customers

NAIVE_SQL = """
SELECT id, version, account_number, title, first_name, last_name, company, email, mobile,
       phone, postcode, city, country_code, archived, count(*) OVER () AS total
FROM customers
WHERE NOT archived AND (account_number ILIKE ? OR first_name ILIKE ? OR last_name ILIKE ?
   OR company ILIKE ? OR email ILIKE ? OR phone ILIKE ? OR mobile ILIKE ? OR fax ILIKE ?
   OR postcode ILIKE ?)
ORDER BY last_name NULLS LAST, id LIMIT 50
"""


def realistic_terms() -> dict[str, str]:
    """Terms a counter clerk types, taken from the data so they match someone."""
    with db.cursor() as cur:
        mobile, email = cur.execute(
            "SELECT mobile, email FROM customers WHERE mobile LIKE '+33%' AND email IS NOT NULL"
            " ORDER BY id LIMIT 1 OFFSET 777"
        ).fetchall()[0]
    national = "0" + mobile[3:]
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return {
        "surname_fragment": "dub",
        "surname_and_first": "mart jul",
        "phone_with_spaces": spaced,
        "phone_international": "+33 " + mobile[3:4] + " " + mobile[4:8],
        "postcode_fr": "74000",
        "postcode_gb": "SW1A 2AA",
        "email_fragment": email.split("@")[0][:8],
        "account_number": "C000123",
    }


def naive(term: str) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(NAIVE_SQL, [f"%{term}%"] * 9).fetchall()


def server_rss_mb(path: Path) -> float | None:
    """Start the app on the file, open it in Chromium, search once; RSS of the server."""
    import psutil

    chromium = CHROMIUM
    if not Path(chromium).exists():
        print("rss: skipped, no Chromium at /usr/bin/chromium")
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, db.ENV_VAR: str(path), "COMPTOIR_DEMO_CUSTOMERS": "0"}
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "serve.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                args=CHROMIUM_ARGS,
            )
            page = browser.new_page()
            page.goto(base, timeout=120_000)
            ready = "[data-testid=stApp][data-test-script-state=notRunning]"
            page.wait_for_selector("[data-testid=stTextInputField]", timeout=120_000)
            for term in ("dub", "06 12", "74000", "smith"):
                box = page.locator("[data-testid=stTextInputField]").first
                box.fill(term)
                box.press("Enter")
                page.wait_for_timeout(300)
                page.wait_for_selector(ready, timeout=60_000)
            time.sleep(1)
            rss = psutil.Process(process.pid).memory_info().rss / 2**20
            browser.close()
        return rss
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--no-rss", action="store_true")
    parser.add_argument("--engine", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--url", default=None)
    args = parser.parse_args()

    path = bench_database(
        args.db,
        "search",
        lambda p: demo.generate(args.customers, path=p),
        f"{args.customers:,} customers",
    )
    with on_engine(args.engine, path, args.url) as target:
        return measure(args, path, target)


def measure(args: argparse.Namespace, path: Path, target: str) -> int:
    with db.cursor() as cur:
        total = cur.execute("SELECT count(*) FROM customers").fetchall()[0][0]
        tokens = cur.execute("SELECT count(*) FROM customer_search").fetchall()[0][0]
    print(f"database: {target} ({total:,} customers, {tokens:,} index rows)")

    ours_all: list[float] = []
    naive_all: list[float] = []
    print(
        f"{'term':<22}{'typed':<18}{'matches':>9}{'ours med':>10}{'ours p95':>10}"
        f"{'naive med':>11}{'naive p95':>11}"
    )
    for name, term in realistic_terms().items():
        matches = customers.search_customers(term).total
        ours = timings_ms(lambda t=term: customers.search_customers(t), args.repeat)
        slow = timings_ms(lambda t=term: naive(t), max(10, args.repeat // 4))
        ours_all += ours
        naive_all += slow
        print(
            f"{name:<22}{term!r:<18}{matches:>9,}{median(ours):>10.1f}{p95(ours):>10.1f}"
            f"{median(slow):>11.1f}{p95(slow):>11.1f}"
        )
    browse = timings_ms(lambda: customers.search_customers("", page=0), 10)
    deep = timings_ms(lambda: customers.search_customers("", page=500), 10)
    print(
        f"browse first page (no term): median {median(browse):.1f} ms, "
        f"page 501: median {median(deep):.1f} ms"
    )
    if args.engine == "duckdb":
        db.close(path)
    rss = None if args.no_rss or args.engine != "duckdb" else server_rss_mb(path)
    ours_p95, naive_p95 = p95(ours_all), p95(naive_all)
    print(
        f"all terms: ours median {median(ours_all):.1f} ms p95 {ours_p95:.1f} ms; "
        f"naive median {median(naive_all):.1f} ms p95 {naive_p95:.1f} ms"
    )
    if rss is not None:
        print(f"app server RSS with {total:,} customers after four searches: {rss:.0f} MB")
    print(
        result_line(
            p95_ms=f"{ours_p95:.1f}",
            naive_p95_ms=f"{naive_p95:.1f}",
            ratio=f"{naive_p95 / ours_p95:.1f}",
            rss_mb=f"{rss:.0f}" if rss else "na",
            median_ms=f"{median(ours_all):.1f}",
            customers=total,
            engine=args.engine,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
