"""In Chromium: a database another program holds is named in words, with no traceback or path."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from data import db
from tests.e2e.conftest import ROOT, _chromium_or_skip, _free_port, settle
from tests.holders import held_database

pytestmark = pytest.mark.e2e


def test_a_database_held_by_another_program(tmp_path, browser):
    _chromium_or_skip()
    path = tmp_path / "held" / "shop.duckdb"
    with held_database(path) as holder:
        _show_the_held_database(tmp_path, path, holder.pid, browser)
    assert "incident" in (tmp_path / "server.log").read_text()


def _show_the_held_database(tmp_path, path, holder_pid: int, browser) -> None:
    port = _free_port()
    env = {**os.environ, db.ENV_VAR: str(path), "COMPTOIR_DEMO_CUSTOMERS": "0"}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "serve.py"), "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    context = browser.new_context()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.3)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        settle(page)
        alert = page.locator("[data-testid=stAlert]").first
        expect(alert).to_contain_text("The shop's database is in use by another program")
        expect(alert).to_contain_text(f"(PID {holder_pid})")
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and str(tmp_path) not in body
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=15)
        log.close()
