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
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.common import CHROMIUM, CHROMIUM_ARGS, ROOT, bench_database, median, p95, result_line
from comptoir.data import db

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


def serve(command: list[str], path: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, db.ENV_VAR: str(path), "COMPTOIR_DEMO_CUSTOMERS": "0"}
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


def timed(
    page, action: Callable[[], None], shown: Callable[[], None], full_run: bool = True
) -> float:
    """Milliseconds from the action until its rerun has finished and shown() holds.

    A fragment's rerun leaves the app's run state alone (no "running" to count):
    for those, the time runs until what the user waits for is on screen.
    """
    before = page.evaluate("window.__runs")
    started = time.perf_counter()
    action()
    if full_run:
        page.wait_for_function(SETTLED, arg=before, timeout=60_000)
    shown()
    return (time.perf_counter() - started) * 1000


def settle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def keyup(page, label: str):
    return (
        page.locator(".stkeyup")
        .filter(has=page.locator(".stkeyup__label", has_text=label))
        .locator("input")
        .first
    )


def measure(base: str, repeat: int, chromium) -> dict[str, list[float]]:
    context = chromium.new_context(viewport={"width": 1800, "height": 1100})
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        return _measure(page, base, repeat)
    except Exception:
        shot = Path(tempfile.gettempdir()) / "bench-ui-failure.png"
        page.screenshot(path=shot)
        print(f"failed: the page as it was is in {shot}")
        raise
    finally:
        context.close()


def _measure(page, base: str, repeat: int) -> dict[str, list[float]]:
    page.goto(base)
    page.get_by_role("textbox", name="Username", exact=True).fill("admin")
    page.get_by_role("textbox", name="Password", exact=True).fill("demo-admin-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign in").wait_for(state="detached")
    settle(page)
    times: dict[str, list[float]] = {
        k: [] for k in ("keystroke", "open_card", "tab", "add_item", "close_sale")
    }
    caption = page.get_by_text(re.compile(r"customers? · page 1 of"))
    for n in range(repeat):
        term = ("dub", "mart", "rob", "ber", "lef", "mor", "gar", "fau", "ren", "sim")[n % 10]
        box = keyup(page, "Search")
        times["keystroke"].append(
            timed(page, lambda b=box, t=f"{term}{'e' * (n // 10)}": b.fill(t), caption.wait_for)
        )
    for n in range(repeat):
        box = keyup(page, "Search")
        timed(page, lambda b=box, n=n: b.fill(f"C{n + 1:06d}"), caption.wait_for)
        grid = page.locator("[data-testid=stDataFrame]").first
        grid.wait_for()
        shape = grid.bounding_box()
        # The account number's cell (after the 32 px row marker); hovered first, until the
        # grid shows its toolbar: a canvas that does not follow the pointer yet loses clicks.
        x, y = shape["x"] + 32 + 55, shape["y"] + 52
        page.mouse.move(x, y)
        page.locator("[data-testid=stElementToolbar]").first.wait_for(state="visible")
        general = page.get_by_role("tab", name="General")
        times["open_card"].append(
            timed(page, lambda x=x, y=y: page.mouse.click(x, y), general.wait_for)
        )
        # Each tab draws its own fields only when open: wait for one of them.
        for tab, field in (("General", "Tax number"), ("Account information", "First name")):
            box = page.get_by_role("textbox", name=field, exact=True)
            times["tab"].append(
                timed(
                    page,
                    lambda t=tab: page.get_by_role("tab", name=t).click(),
                    lambda b=box: b.wait_for(state="visible"),
                    full_run=False,
                )
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

        times["add_item"].append(
            timed(page, scan, lambda: remove.wait_for(state="visible"), full_run=False)
        )
        # The tender is sent with the click (a text box commits on blur).
        page.get_by_role("textbox", name="Card", exact=True).fill("6.50")
        times["close_sale"].append(
            timed(
                page,
                lambda: page.get_by_role("button", name="Close the sale").click(),
                lambda: remove.wait_for(state="detached"),  # the till starts afresh
            )
        )
    return times


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
    args = parser.parse_args()
    path = bench_database(
        args.db,
        f"ui-{args.customers}-{args.sales}",
        lambda p: build(p, args.customers, args.sales),
        "the shop",
    )
    db.close(path)
    from playwright.sync_api import sync_playwright

    app, base = serve([sys.executable, str(ROOT / "serve.py")], path)
    echo_app = str(ROOT / "bench" / "echo_app.py")
    echo, echo_base = serve([sys.executable, "-m", "streamlit", "run", echo_app], path)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            times = measure(base, args.repeat, chromium)
            times["floor"] = floor(echo_base, args.repeat, chromium)
            chromium.close()
    finally:
        for process in (app, echo):
            process.terminate()
            process.wait(timeout=20)
    results: dict[str, str] = {}
    for name, values in times.items():
        print(f"{name:11} median {median(values):6.0f} ms   p95 {p95(values):6.0f} ms")
        results[f"{name}_p95_ms"] = f"{p95(values):.0f}"
        results[f"{name}_median_ms"] = f"{median(values):.0f}"
    print(result_line(customers=args.customers, sales=args.sales, **results))


if __name__ == "__main__":
    main()
