"""Insights (managers): the page's figures and the lists behind each bar or segment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from comptoir.data import accounts as accounts_repo
from comptoir.data import db, streams
from comptoir.data import insights as repo
from comptoir.logic import insights as rules
from comptoir.logic.auth import Actor, require
from comptoir.logic.insights import Filters
from comptoir.operations import aged_balances, clock
from comptoir.operations.export_files import View

TOP = 10


@dataclass(frozen=True)
class Overview:
    """Everything the Insights page draws for one set of filters."""

    summary: dict[str, Any]
    series: list[dict[str, Any]]
    last_year: list[dict[str, Any]]
    top_spend: list[dict[str, Any]]
    top_visits: list[dict[str, Any]]
    top_products: list[dict[str, Any]]
    segments: dict[str, dict[str, Any]]
    lapsed: int
    balances: dict[str, Any] = field(default_factory=dict)


def _moments(filters: Filters) -> tuple[datetime, datetime]:
    """The period's shop days as UTC instants [since, until)."""
    return clock.day_start(filters.start), clock.day_start(filters.end + timedelta(days=1))


def _zone() -> str:
    return clock.zone().key


def overview(actor: Actor, filters: Filters, grain: str, lapsed_months: int) -> Overview:
    """The page's figures, every aggregate computed in the database."""
    require(actor, "insights.view")
    rules.check(filters)
    if grain not in rules.GRAINS or lapsed_months not in rules.LAPSED_MONTHS:
        raise ValueError((grain, lapsed_months))
    since, until = _moments(filters)
    earlier = rules.last_year(filters)
    before, before_until = _moments(earlier)
    zone = _zone()
    with db.cursor() as cur:
        summary = repo.summary(cur, filters, since, until, zone)
        series = repo.series(cur, filters, since, until, zone, grain)
        last_year = repo.series(cur, earlier, before, before_until, zone, grain)
        spend = repo.top_customers(cur, filters, since, until, zone, "spend", TOP)
        visits = repo.top_customers(cur, filters, since, until, zone, "visits", TOP)
        products = repo.top_products(cur, filters, since, until, zone, TOP)
        cells = repo.rfm_cells(cur, filters, since, until, zone)
        lapsed = streams.count(cur, *_lapsed(filters, lapsed_months, until, zone))
    segments = {name: {"customers": 0, "spend": 0} for name in rules.SEGMENTS}
    for cell in cells:
        named = segments[rules.segment(int(cell["r"]), int(cell["f"]))]
        named["customers"] += int(cell["customers"])
        named["spend"] += cell["spend"] or 0
    report = aged_balances.report(clock.local_day(), shop_code=filters.shop_code, page_size=1)
    return Overview(
        summary,
        series,
        last_year,
        spend,
        visits,
        products,
        segments,
        lapsed,
        {"count": report.count, **report.totals},
    )


def _lapsed(filters: Filters, months: int, until: datetime, zone: str) -> repo.Query:
    cutoff = clock.day_start(rules.lapsed_before(filters.end, months))
    return repo.lapsed_query(filters, cutoff, until, zone)


def _view(name: str, query: repo.Query, filters: Filters, **more: object) -> View:
    given = {
        "start": filters.start,
        "end": filters.end,
        "shop": filters.shop_code,
        "price_level": filters.price_level,
        "account_type": filters.account_type_id,
        "product": filters.product_id,
        "product_group": filters.product_group,
        "tax_exempt": filters.tax_exempt,
        "tags": filters.tag,
        **more,
    }
    shown = tuple((k, str(v)) for k, v in given.items() if v is not None)
    return View(f"insights-{name}", query[0], tuple(query[1]), shown, entity="insights")


def bucket_sales(actor: Actor, filters: Filters, grain: str, bucket: date) -> View:
    """The sales behind one bar of the sales chart (its days within the period)."""
    require(actor, "insights.view")
    start = max(bucket, filters.start)
    end = min(rules.bucket_end(bucket, grain), filters.end)
    since, until = _moments(Filters(**{**filters.__dict__, "start": start, "end": end}))
    query = repo.sales_query(filters, since, until, _zone())
    return _view("sales", query, filters, bucket=bucket.isoformat(), grain=grain)


def product_sales(actor: Actor, filters: Filters, product_id: int) -> View:
    """The sales of the period holding one product."""
    require(actor, "insights.view")
    narrowed = Filters(**{**filters.__dict__, "product_id": product_id})
    since, until = _moments(filters)
    return _view("product", repo.sales_query(narrowed, since, until, _zone()), narrowed)


def segment_customers(actor: Actor, filters: Filters, name: str) -> View:
    """The customers of one RFM segment, biggest spenders first."""
    require(actor, "insights.view")
    since, until = _moments(filters)
    query = repo.segment_query(filters, since, until, _zone(), rules.cells_of(name))
    return _view("segment", query, filters, segment=name)


def lapsed_customers(actor: Actor, filters: Filters, months: int) -> View:
    """The customers with no purchase in the last months of the period."""
    require(actor, "insights.view")
    until = _moments(filters)[1]
    return _view("lapsed", _lapsed(filters, months, until, _zone()), filters, months=months)


def first_rows(actor: Actor, view: View) -> tuple[list[dict[str, Any]], int]:
    """The first LIST_LIMIT rows of a list and how many it holds."""
    require(actor, "insights.view")
    with db.cursor() as cur:
        return repo.page_of(cur, (view.sql, list(view.params)), rules.LIST_LIMIT)


def stamp() -> tuple:
    """Changes with every sale and every account movement: cached figures older than it
    are stale (customer edits wait for the cache's two minutes)."""
    with db.cursor() as cur:
        return (*repo.stamp(cur), *accounts_repo.ledger_stamp(cur))


def product_groups() -> list[str]:
    """The product groups in use."""
    with db.cursor() as cur:
        return repo.product_groups(cur)
