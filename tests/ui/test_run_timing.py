"""The run timings bench/ui.py reads: one line per run, the database's share within it."""

from __future__ import annotations

import json

from comptoir.operations.context import RUN_LOG_ENV, Context
from comptoir.services import customers
from comptoir.startup import application
from tests.sales_samples import make_sales_shop
from tests.ui.conftest import open_app


def test_the_run_log_is_named_by_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(RUN_LOG_ENV, str(tmp_path / "runs.jsonl"))
    assert Context.from_environment().run_log == tmp_path / "runs.jsonl"
    monkeypatch.delenv(RUN_LOG_ENV)
    assert Context.from_environment().run_log is None


def test_each_run_is_logged_with_its_database_share(shop_db, tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setattr(application(), "run_log", log)
    app = open_app("admin")
    target = customers.search_customers("", page_size=1).rows[0]
    app.query_params["id"] = str(target["id"])
    log.write_text("")  # the sign-in's runs aside
    app.switch_page("pages/customer_card.py").run()
    assert not app.exception
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["name"], r["kind"]) for r in runs] == [("customer", "page")]
    assert 0 < runs[0]["db_ms"] < runs[0]["ms"]
    assert 0 < runs[0]["before_page_ms"] < runs[0]["ms"]


def test_a_run_log_that_cannot_be_written_never_stops_the_page(shop_db, tmp_path, monkeypatch):
    monkeypatch.setattr(application(), "run_log", tmp_path)  # a folder: open() refuses it
    app = open_app("admin")
    app.switch_page("pages/customers.py").run()
    assert not app.exception
    assert app.title[0].value == "Customers"


def test_a_callbacks_time_counts_in_the_run_after_it(shop_db, tmp_path, monkeypatch):
    make_sales_shop()
    log = tmp_path / "runs.jsonl"
    monkeypatch.setattr(application(), "run_log", log)
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    log.write_text("")
    app.text_input(key="till.sku").input("TUBE-700").run()  # the scan's callback adds it
    app.run()  # a run with no callback
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["name"], r["kind"]) for r in runs] == [("sale", "page")] * 2
    assert 0 < runs[0]["callback_ms"] < runs[0]["ms"]
    assert runs[1]["callback_ms"] == 0
