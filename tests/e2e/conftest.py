"""Playwright in Debian's Chromium against `streamlit run` on a free loopback port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from comptoir.data import db, demo
from comptoir.operations.context import RUN_LOG_ENV
from comptoir.services import accounts, customers, products, shop
from comptoir.services.accounts import EntryRequest
from comptoir.startup import DEMO_ACCOUNTS, create_demo_accounts
from tests.conftest import ADMIN, application

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COMPTOIR_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it (.ci/run).")
    pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium to run e2e tests")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(path: Path) -> None:
    """Demo shop in English plus a customer the tests can find by name (in the caller's
    application context on path)."""
    demo.generate(400, seed=3, path=path)
    create_demo_accounts()
    shop.save_settings(
        {"locale": "en_GB", "shop_name": "Cycles E2E"},
        [("A", "Level A"), ("B", "Level B"), ("C", "Level C")],
        ADMIN,
    )
    customer_id = customers.create_customer(
        {
            "last_name": "Testeur",
            "first_name": "Zacharie",
            "account_number": "E2E-1",
            "email": "zacharie@example.com",
            "mobile": "06 11 22 33 44",
            "city": "Annecy",
        },
        ADMIN,
    )
    hostile = "**x** [l](http://127.0.0.1:9/) ![i](http://127.0.0.1:9/p.png) :red[x]"
    customers.create_customer(
        {
            "account_number": "MD-1",
            "first_name": hostile,
            "last_name": "Markdown",
            "company": hostile,
            "notes": hostile,
            "city": hostile,
        },
        ADMIN,
    )
    for last_name in ("Quorvaa", "Quorvab"):  # adjacent rows for the grid-order test
        customers.create_customer({"last_name": last_name, "city": "Annecy"}, ADMIN)
    for last_name in ("Langswitch",):  # the language-switch test's own card
        customers.create_customer({"last_name": last_name, "city": "Annecy"}, ADMIN)
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(ADMIN, customer_id, trade, "500")
    for number, amount in (("R000901", "120"), ("R000902", "80")):
        accounts.record_entry(
            ADMIN, customer_id, EntryRequest("charge", amount, reference=number), number
        )
    products.save_product(
        ADMIN,
        None,
        None,
        {
            "sku": "TUBE-700",
            "name": "Inner tube 700c",
            "price": "6.50",
            "tax_rate": "20",
            "price_B": "5.00",
        },
    )
    products.save_product(
        ADMIN,
        None,
        None,
        {"sku": "LIGHT-1", "name": "Front light", "price": "24.00", "tax_rate": "20"},
    )
    products.save_product(  # only the products grid's conflict test changes it
        ADMIN,
        None,
        None,
        {"sku": "BELL-9", "name": "Brass bell", "price": "12.00", "tax_rate": "20"},
    )
    customers.create_customer(
        {
            "last_name": "Workshop",
            "first_name": "Trade",
            "company": "Trade Workshop Ltd",
            "price_level": "B",
            "tax_exempt": True,
            "tax_number": "GB123456789",
            "address1": "1 High Street",
            "postcode": "OX1 2JD",
            "city": "Oxford",
            "country_code": "GB",
        },
        ADMIN,
    )
    db.close(path)


@contextmanager
def running_app(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """The app started as `make run` starts it (serve.py), on a free port; its base URL
    once the server has said where it listens (its output is copied to log_path)."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "serve.py"),  # as `make run` starts it
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        # Its own data folder (backups, server log) beside its log.
        env={
            **os.environ,
            "COMPTOIR_DEMO_CUSTOMERS": "0",
            "COMPTOIR_HOME": str(log_path.parent / "home"),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    listening = threading.Event()

    def copy_output() -> None:
        # Streamlit prints its URL once the server listens: a condition, not a poll.
        assert process.stdout is not None
        with log_path.open("wb") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                if b"URL:" in line:
                    listening.set()
        listening.set()  # the process ended: the check below says so

    copier = threading.Thread(target=copy_output, daemon=True)
    copier.start()
    base = f"http://127.0.0.1:{port}"
    try:
        if not listening.wait(timeout=60) or process.poll() is not None:
            raise RuntimeError(f"streamlit did not start: {log_path}")
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as answer:
            if answer.status != 200:
                raise RuntimeError(f"streamlit is not healthy: {log_path}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        copier.join(timeout=15)


@contextmanager
def prepared_app(folder: Path, customers: int, prepare: Callable[[], object]) -> Iterator[str]:
    """A demo shop of `customers` in English with the demo accounts, then prepare() run on
    it through the services, then the app served on it; its base URL."""
    _chromium_or_skip()
    path = folder / "shop.duckdb"
    with application(db.DuckDBFile(path)):
        demo.generate(customers, seed=3, path=path)
        create_demo_accounts()
        shop.save_settings({"locale": "en_GB"}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)
        prepare()
        db.close(path)
    with running_app({db.ENV_VAR: str(path)}, folder / "server.log") as base:
        yield base


RUN_LOGS: dict[str, Path] = {}  # a server's base URL → its log of script runs


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running app on its own database, logging its script runs; yields its base URL."""
    _chromium_or_skip()
    path = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    with application(db.DuckDBFile(path)):
        seed(path)
    runs = path.with_suffix(".runs.jsonl")
    env = {db.ENV_VAR: str(path), RUN_LOG_ENV: str(runs)}
    with running_app(env, path.with_suffix(".log")) as base:
        RUN_LOGS[base] = runs
        yield base
        RUN_LOGS.pop(base, None)


def script_runs(base: str) -> list[dict]:
    """The runs the server at base has finished so far (page or fragment), oldest first:
    each line is written before the run's end reaches the browser."""
    runs = RUN_LOGS[base]
    if not runs.exists():
        return []
    return [json.loads(line) for line in runs.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def browser():
    chromium = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        yield launched
        launched.close()


# Logs, numbered, each rerun the page asks for (a BackMsg with rerun_script, field 11)
# and each run's end (a ForwardMsg's script_finished, field 6), read from the page's
# websocket, so that a test waits for the run its own action asked for instead of
# pausing. A run too quick to ever show as running in the page is still seen.
_COUNT_RUNS = """
(() => {
    window.__comptoirLog = [];  // runs asked and ended, numbered (acting(), evidence)
    window.__comptoirSeq = 0;
    const varint = (bytes, at) => {
        let value = 0, shift = 0, byte;
        do {
            byte = bytes[at++];
            value += (byte & 0x7f) * 2 ** shift;
            shift += 7;
        } while (byte & 0x80);
        return [value, at];
    };
    // The top-level fields of a protobuf message: a number's value, true for the rest.
    const fields = bytes => {
        const found = {};
        let at = 0;
        while (at < bytes.length) {
            let tag, size, value;
            [tag, at] = varint(bytes, at);
            const field = Math.floor(tag / 8), wire = tag & 7;
            if (wire === 0) {
                [value, at] = varint(bytes, at);
                found[field] = value;
            } else if (wire === 2) {
                [size, at] = varint(bytes, at);
                found[field] = true;
                at += size;
            } else if (wire === 1) at += 8;
            else if (wire === 5) at += 4;
            else break;
        }
        return found;
    };
    const note = entry => {
        window.__comptoirSeq += 1;
        const at = Math.round(performance.now());
        window.__comptoirLog.push({seq: window.__comptoirSeq, at, ...entry});
        if (window.__comptoirLog.length > 400) window.__comptoirLog.shift();
    };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", event => {
                if (!(event.data instanceof ArrayBuffer)) return;
                // script_finished: 0 successfully, 1 compile error, 2 stopped for a
                // rerun, 3 fragment run (a number field: never true)
                const status = fields(new Uint8Array(event.data))[6];
                if (typeof status === "number") note({run_ended: status});
            });
        }
        send(data) {
            if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
                const bytes = data instanceof ArrayBuffer
                    ? new Uint8Array(data)
                    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
                const found = fields(bytes);
                if (found[11]) note({rerun_asked: true});
            }
            return super.send(data);
        }
    };
})();
"""


def new_page(browser):
    """A page in a browser context of its own (its own Streamlit session)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 2200, "height": 1300})
    context.set_default_timeout(20_000)
    context.add_init_script(_COUNT_RUNS)
    # Assertions wait as long as actions do: the other test worker shares the two cores,
    # and a rerun can take more than the default 5 s to show its result.
    expect.set_options(timeout=20_000)
    return context.new_page()


def keep_evidence(request, opened) -> None:
    """A failed test leaves a screenshot of the page in test-artifacts/, and the page's
    log of runs asked (rerun_script sent) and ended (script_finished received)."""
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = f"{request.node.name}-{id(opened)}"
        opened.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        log = opened.evaluate("() => JSON.stringify(window.__comptoirLog || [])")
        (ARTIFACTS / f"{name}.runs.json").write_text(log)


@pytest.fixture
def page(browser, request):
    opened = new_page(browser)
    yield opened
    keep_evidence(request, opened)
    opened.context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


PASSWORDS = {username: password for username, _, _, password in DEMO_ACCOUNTS}


def sign_in(page, url: str, username: str) -> None:
    """Open url; the sign-in form shows in its place; sign in and land on it. The browser
    forgets any sign-in it remembers first (a reload would keep it): each call signs in
    anew, as username."""
    page.context.clear_cookies()
    page.goto(url)
    # A server's first run imports the whole app: under load it can take longer than
    # the 20 s an action waits.
    page.get_by_role("textbox", name="Username", exact=True).wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Username", exact=True).fill(username)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORDS[username])
    button = page.get_by_role("button", name="Sign in")
    acting(page, button.click)
    button.wait_for(state="detached")
    settle(page)


# The run an action asked for is over: a rerun_script was sent after `before` (the log's
# sequence number when the action began), a run then ended for good, the page shows no
# run under way, and nothing went or came over three animation frames (a st.rerun()
# ends one run and starts the next).
_DONE = """before => {
    const log = window.__comptoirLog, seq = window.__comptoirSeq;
    const asked = log.find(e => e.seq > before && e.rerun_asked);
    const ended = asked && log.some(e => e.seq > asked.seq && [0, 1, 3].includes(e.run_ended));
    const app = document.querySelector("[data-testid=stApp]");
    const idle = ended && app && app.getAttribute("data-test-script-state") === "notRunning";
    const last = window.__comptoirIdle;
    window.__comptoirIdle = idle ? {seq, frames: last && last.seq === seq ? last.frames + 1 : 0}
        : null;
    return idle && window.__comptoirIdle.frames >= 3;
}"""


def acting(page, action: Callable[[], object]) -> None:
    """Do action (a click, a key that submits) once and wait for the run it asked for to
    be over: a condition, never a pause, and never the action again. An action that
    sent no rerun request (a lost click) fails here, after the wait."""
    before = page.evaluate("() => { window.__comptoirIdle = null; return window.__comptoirSeq; }")
    action()
    page.wait_for_function(_DONE, arg=before, polling="raf")


def settle(page) -> None:
    """Wait until the app is idle after a page load: its first run over, no run under
    way, nothing changed over three animation frames."""
    page.evaluate("() => { window.__comptoirIdle = null; }")
    # A server's first run imports the whole app: it may take longer than 20 s under load.
    page.wait_for_function(_DONE, arg=0, polling="raf", timeout=60_000)


def open_tab(page, name: str) -> None:
    """Open a card section: its group first when another group is shown (each click starts
    a run), then its tab (a run too, except in a group switched in the browser); wait
    until it is the selected one."""
    from playwright.sync_api import expect

    from comptoir.i18n.catalog import LANGUAGES, t
    from comptoir.ui.card_sections import GROUP_OF, IN_BROWSER

    found = [
        (code, language)
        for code in GROUP_OF
        for language in LANGUAGES
        if t(f"card.tab.{code}", language) == name
    ]
    code, language = found[0]
    group = page.get_by_role("radio", name=t(f"card.group.{GROUP_OF[code]}", language), exact=True)
    if group.get_attribute("aria-checked") != "true":
        acting(page, group.click)
        expect(group).to_have_attribute("aria-checked", "true")
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.get_attribute("aria-selected") == "true":
        return  # open already: a click on it starts no run
    if GROUP_OF[code] in IN_BROWSER:
        tab.click()  # drawn already: the browser only shows it
    else:
        acting(page, tab.click)
    expect(tab).to_have_attribute("aria-selected", "true")


_KEYUP_READY = """input => {
    for (let node = input; node; node = node.parentNode || node.host) {
        if (node._attached) return true;
    }
    return false;
}"""


def keyup_box(page, label: str):
    """The input of a search-as-you-type box (streamlit-keyup) by its label."""
    return (
        page.locator(".stkeyup")
        .filter(has=page.locator(".stkeyup__label", has_text=label))
        .locator("input")
        .first
    )


def type_search(page, label: str, text: str) -> None:
    """Type into a search-as-you-type box and wait for the run it starts to be over (the
    box reports after its debounce)."""
    box = keyup_box(page, label)
    box.wait_for(state="visible")
    # The component's script listens to the box only once it has loaded (it marks its
    # container _attached); typed before, the text is wiped when it loads.
    page.wait_for_function(_KEYUP_READY, arg=box.element_handle(), polling="raf")
    acting(page, lambda: box.fill(text))
