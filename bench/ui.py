"""Staff speed in a real browser: keystroke to grid, open a card, switch tabs, till.

python -m bench ui [--customers 1000000] [--sales 2000000] [--repeat 20] [--db path]

Builds a shop (demo customers, their sales as bench/sales.py writes them, the demo
accounts, two products, English labels),
starts the app as `make run` does (serve.py), signs in in Debian's Chromium and
times, over --repeat runs each, from the user's action until the rerun it caused
has finished and its result is on screen: a keystroke in the grid's search box,
a click on a customer in the grid until the card shows, switching card tabs, adding an item
at the till by SKU + Enter, closing a sale. A Streamlit page that only echoes a
text box, timed in the same run, is the framework's floor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.browser_profile import CATEGORIES, KINDS, summarise
from bench.common import CHROMIUM, CHROMIUM_ARGS, ROOT, bench_database, median, p95, result_line
from comptoir.data import db
from comptoir.operations.context import RUN_LOG_ENV
from devkit.browser import steady_box

# Counts every script run that ends, however short (a poll could miss it).
COUNT_RUNS = """
window.__runs = 0;
new MutationObserver((records) => {
  for (const r of records) { if (r.oldValue === 'running') { window.__runs += 1; } }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
SETTLED = """(before) => window.__runs > before && document.querySelector(
  '[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'"""


def build(path: Path, customers: int, n_sales: int) -> None:
    """Customers and their sales, the demo accounts, two products, English labels."""
    from bench.sales import build as build_sales
    from comptoir.logic.auth import SYSTEM
    from comptoir.services import products, shop
    from comptoir.startup import create_demo_accounts

    build_sales(path, customers, n_sales)
    create_demo_accounts()
    shop.save_settings({"locale": "en_GB"}, [("A", "A"), ("B", "B"), ("C", "C")], SYSTEM)
    for sku, name, price in (("TUBE-700", "Inner tube", "6.50"), ("LIGHT-1", "Front light", "24")):
        products.save_product(
            SYSTEM, None, None, {"sku": sku, "name": name, "price": price, "tax_rate": "20"}
        )
    db.close(path)


def serve(
    command: list[str], path: Path, run_log: Path | None = None
) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, db.ENV_VAR: str(path), "COMPTOIR_DEMO_CUSTOMERS": "0"}
    if run_log is not None:
        env[RUN_LOG_ENV] = str(run_log)
    process = subprocess.Popen(
        [*command, "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{command} did not start")


class Timings:
    """Each action's times in the browser, and the wall-clock span each one took."""

    def __init__(self, trace: bool = False) -> None:
        self.times: dict[str, list[float]] = {}
        self.spans: dict[str, list[tuple[float, float]]] = {}
        self.trace = trace  # a DevTools trace of each action (slows the browser a little)
        self.profiles: dict[str, list[dict[str, float]]] = {}

    def timed(
        self,
        name: str,
        page,
        action: Callable[[], None],
        shown: Callable[[], None],
        full_run: bool = True,
    ) -> None:
        """Time the action under name: from it until its rerun has finished and shown() holds.

        A fragment's rerun leaves the app's run state alone (no "running" to count):
        for those, the time runs until what the user waits for is on screen.
        """
        before = page.evaluate("window.__runs")
        if self.trace:
            page.context.browser.start_tracing(page=page, categories=CATEGORIES)
        began, started = time.time(), time.perf_counter()
        action()
        if full_run:
            page.wait_for_function(SETTLED, arg=before, timeout=60_000)
        shown()
        took = (time.perf_counter() - started) * 1000
        self.times.setdefault(name, []).append(took)
        self.spans.setdefault(name, []).append((began, time.time()))
        if self.trace:
            trace = page.context.browser.stop_tracing()
            self.profiles.setdefault(name, []).append(summarise(trace, took))


def server_share(timings: Timings, run_log: Path) -> dict[str, tuple[list[float], list[float]]]:
    """Per action, the server's script time and its database time (ms), summed over the
    runs (full or fragment) that ended within each timed span."""
    runs = [json.loads(line) for line in run_log.read_text(encoding="utf-8").splitlines()]
    shares: dict[str, tuple[list[float], list[float]]] = {}
    for name, spans in timings.spans.items():
        script, database = [], []
        for began, ended in spans:
            inside = [r for r in runs if began <= r["at"] <= ended]
            script.append(sum(r["ms"] for r in inside))
            database.append(sum(r["db_ms"] for r in inside))
        shares[name] = (script, database)
    return shares


def settle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def keyup(page, label: str):
    return (
        page.locator(".stkeyup")
        .filter(has=page.locator(".stkeyup__label", has_text=label))
        .locator("input")
        .first
    )


def measure(base: str, repeat: int, chromium, trace: bool) -> Timings:
    context = chromium.new_context(viewport={"width": 1800, "height": 1100})
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        return _measure(page, base, repeat, Timings(trace))
    except Exception:
        shot = Path(tempfile.gettempdir()) / "bench-ui-failure.png"
        page.screenshot(path=shot)
        print(f"failed: the page as it was is in {shot}")
        raise
    finally:
        context.close()


def _measure(page, base: str, repeat: int, timings: Timings) -> Timings:
    page.goto(base)
    page.get_by_role("textbox", name="Username", exact=True).fill("admin")
    page.get_by_role("textbox", name="Password", exact=True).fill("demo-admin-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign in").wait_for(state="detached")
    settle(page)
    timed = timings.timed
    caption = page.get_by_text(re.compile(r"customers? · page 1 of"))
    for n in range(repeat):
        term = ("dub", "mart", "rob", "ber", "lef", "mor", "gar", "fau", "ren", "sim")[n % 10]
        box = keyup(page, "Search")
        timed(
            "keystroke",
            page,
            lambda b=box, t=f"{term}{'e' * (n // 10)}": b.fill(t),
            caption.wait_for,
        )
    for n in range(repeat):
        box = keyup(page, "Search")
        timed("find", page, lambda b=box, n=n: b.fill(f"C{n + 1:06d}"), caption.wait_for)
        page.locator("[data-testid=stDataFrame]").first.wait_for()
        # Where the grid has stopped moving (as the browser tests find it): a grid drawn
        # again by a late run under the pointer lost the click.
        shape = steady_box(page, "[data-testid=stDataFrame]")
        # The account number's cell (after the 32 px row marker); hovered first, until the
        # grid shows its toolbar: a canvas that does not follow the pointer yet loses clicks.
        x, y = shape["x"] + 32 + 55, shape["y"] + 52
        page.mouse.move(x, y)
        page.locator("[data-testid=stElementToolbar]").first.wait_for(state="visible")
        general = page.get_by_role("tab", name="General")
        timed("open_card", page, lambda x=x, y=y: page.mouse.click(x, y), general.wait_for)
        # The tab's own fields are drawn hidden until it is shown: wait for one to show.
        for tab, field in (("General", "Tax number"), ("Account information", "First name")):
            box = page.get_by_role("textbox", name=field, exact=True)
            timed(
                "tab",
                page,
                lambda t=tab: page.get_by_role("tab", name=t).click(),
                lambda b=box: b.wait_for(state="visible"),
                full_run=False,
            )
        page.locator("[data-testid=stSidebarNav]").get_by_text("Customers", exact=True).click()
        settle(page)
        page.wait_for_timeout(300)
    page.locator("[data-testid=stSidebarNav]").get_by_text("New sale", exact=True).click()
    settle(page)
    scan_box = page.get_by_role("textbox", name="Scan or SKU", exact=True)
    # The basket's buttons show only while it holds items (the last sale's view
    # below has a table of its own, so a table proves nothing).
    remove = page.get_by_role("button", name="Remove", exact=True)
    for _ in range(repeat):
        scan_box.click()

        def scan() -> None:  # as a scanner: keys and Enter into the focused box
            page.keyboard.type("TUBE-700")
            page.keyboard.press("Enter")

        timed("add_item", page, scan, lambda: remove.wait_for(state="visible"), full_run=False)
        # The tender is sent with the click (a text box commits on blur).
        page.get_by_role("textbox", name="Card", exact=True).fill("6.50")
        timed(
            "close_sale",
            page,
            lambda: page.get_by_role("button", name="Close the sale").click(),
            lambda: remove.wait_for(state="detached"),  # the till starts afresh
        )
    for step in (timings.times, timings.spans, timings.profiles):
        step.pop("find", None)  # a step towards a card, not reported
    return timings


def floor(base: str, repeat: int, chromium) -> list[float]:
    context = chromium.new_context()
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    page.goto(base)
    settle(page)
    found = []
    for n in range(repeat):
        box = page.get_by_role("textbox", name="Echo")
        shown = page.get_by_text(f"echo:value {n}", exact=True)
        started = time.perf_counter()  # the echoed text is the whole result: wait for it
        box.fill(f"value {n}")
        box.press("Enter")
        shown.wait_for()
        settle(page)
        found.append((time.perf_counter() - started) * 1000)
    context.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sales", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument(
        "--trace",
        action="store_true",
        help="also trace each action in Chromium: where the page's main thread spent it",
    )
    args = parser.parse_args()
    path = bench_database(
        args.db,
        f"ui-{args.customers}-{args.sales}",
        lambda p: build(p, args.customers, args.sales),
        "the shop",
    )
    db.close(path)
    from playwright.sync_api import sync_playwright

    run_log = Path(tempfile.mkdtemp(prefix="comptoir-bench-runs-")) / "runs.jsonl"
    run_log.touch()
    app, base = serve([sys.executable, str(ROOT / "serve.py")], path, run_log)
    echo_app = str(ROOT / "bench" / "echo_app.py")
    echo, echo_base = serve([sys.executable, "-m", "streamlit", "run", echo_app], path)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            timings = measure(base, args.repeat, chromium, args.trace)
            floor_times = floor(echo_base, args.repeat, chromium)
            chromium.close()
    finally:
        for process in (app, echo):
            process.terminate()
            process.wait(timeout=20)
    shares = server_share(timings, run_log)
    shutil.rmtree(run_log.parent)
    results: dict[str, str] = {}
    print("action      in the browser          server script   of which database")
    for name, values in [*timings.times.items(), ("floor", floor_times)]:
        line = f"{name:11} median {median(values):6.0f} ms p95 {p95(values):6.0f} ms"
        results[f"{name}_p95_ms"] = f"{p95(values):.0f}"
        results[f"{name}_median_ms"] = f"{median(values):.0f}"
        if name in shares:  # medians of the server's part: the rest is transport and drawing
            script, database = shares[name]
            line += f"   median {median(script):6.0f} ms   median {median(database):6.0f} ms"
            results[f"{name}_server_median_ms"] = f"{median(script):.0f}"
            results[f"{name}_db_median_ms"] = f"{median(database):.0f}"
        print(line)
    if timings.profiles:
        kinds = [*KINDS, "other", "idle"]
        print("browser main thread, medians (ms): " + " ".join(f"{k:>12}" for k in kinds))
        for name, profiles in timings.profiles.items():
            figures = {k: median([p[k] for p in profiles]) for k in kinds}
            print(f"{name:34}" + " ".join(f"{figures[k]:12.0f}" for k in kinds))
            for k in kinds:
                results[f"{name}_browser_{k}_median_ms"] = f"{figures[k]:.0f}"
    print(result_line(customers=args.customers, sales=args.sales, **results))


if __name__ == "__main__":
    main()
