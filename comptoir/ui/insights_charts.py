"""The Insights page's plotly figures: codes and dates ride in customdata, labels are words."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go

from comptoir.logic.insights import SEGMENTS, a_year_earlier

HEIGHT = 320
MARGIN = dict(t=40, b=20, l=20, r=20)


def _layout(figure: go.Figure, title: str, **more: Any) -> go.Figure:
    figure.update_layout(
        title=title,
        height=HEIGHT,
        margin=MARGIN,
        clickmode="event+select",
        legend=dict(orientation="h", y=-0.2),
        **more,
    )
    return figure


def sales_figure(
    series: Sequence[dict[str, Any]],
    last_year: Sequence[dict[str, Any]],
    names: dict[str, str],
    label: Callable[[date], str],
) -> go.Figure:
    """Revenue per bucket (bars, clickable), last year's for the same buckets (a line)."""
    buckets = [row["bucket"] for row in series]
    labels = [label(b) for b in buckets]
    before = {row["bucket"]: float(row["revenue"] or 0) for row in last_year}
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=[float(row["revenue"] or 0) for row in series],
                name=names["this"],
                customdata=[b.isoformat() for b in buckets],
                marker_color="#3d6b99",
            ),
            go.Scatter(
                x=labels,
                y=[before.get(a_year_earlier(b)) for b in buckets],
                name=names["last"],
                mode="lines+markers",
                line=dict(color="#f2a541", dash="dot"),
            ),
        ]
    )
    return _layout(figure, names["title"], yaxis_title=names["currency"], xaxis_type="category")


def customers_figure(
    series: Sequence[dict[str, Any]], names: dict[str, str], label: Callable[[date], str]
) -> go.Figure:
    """New and returning customers per bucket, stacked."""
    buckets = [row["bucket"] for row in series]
    labels = [label(b) for b in buckets]
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=[row[key] for row in series],
                name=names[key],
                customdata=[b.isoformat() for b in buckets],
                marker_color=colour,
            )
            for key, colour in (("new_customers", "#4c956c"), ("returning_customers", "#2c6e91"))
        ]
    )
    return _layout(figure, names["title"], barmode="stack", xaxis_type="category")


def ranking_figure(
    rows: Sequence[dict[str, Any]],
    label: Callable[[dict[str, Any]], str],
    value: str,
    key: str,
    title: str,
    colour: str,
) -> go.Figure:
    """A horizontal bar per row, the biggest on top; customdata holds each row's id."""
    ordered = list(reversed(rows))
    figure = go.Figure(
        go.Bar(
            x=[float(r[value] or 0) for r in ordered],
            # Plotly reads a little HTML in labels: stored names are shown as typed.
            # (quote=False: Plotly shows an escaped quote as "&quot;").
            y=[html.escape(label(r), quote=False) for r in ordered],
            orientation="h",
            customdata=[r[key] for r in ordered],
            marker_color=colour,
        )
    )
    return _layout(figure, title, showlegend=False)


def segments_figure(
    counts: dict[str, dict[str, Any]], words: dict[str, str], title: str
) -> go.Figure:
    """Customers per RFM segment, best first; customdata holds the segment's code."""
    figure = go.Figure(
        go.Bar(
            x=[words[name] for name in SEGMENTS],
            y=[counts[name]["customers"] for name in SEGMENTS],
            customdata=list(SEGMENTS),
            marker_color=[
                "#1b7f5c",
                "#4c956c",
                "#8cb369",
                "#f4e285",
                "#d1495b",
                "#f78154",
                "#9a8c98",
                "#6c757d",
            ],
        )
    )
    return _layout(figure, title, showlegend=False)


def ages_figure(totals: dict[str, Any], labels: Sequence[str], title: str) -> go.Figure:
    """What customers owe by how late it is."""
    keys = ("current", "d1_30", "d31_60", "d61_90", "over_90")
    figure = go.Figure(
        go.Bar(
            x=list(labels),
            y=[float(totals.get(k) or 0) for k in keys],
            marker_color=["#4c956c", "#f2c14e", "#f78154", "#d1495b", "#8c1c13"],
        )
    )
    return _layout(figure, title, showlegend=False)


def clicked(event: Any) -> Any:
    """The customdata of the point a chart event selected, or None."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        data = point.get("customdata")
        if isinstance(data, list):
            data = data[0] if data else None
        if data is not None:
            return data
    return None


def as_day(value: Any) -> date | None:
    """A bucket's day from a chart's customdata."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
