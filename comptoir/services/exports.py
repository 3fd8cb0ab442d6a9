"""Exports of what a list shows (managers): the list's View written to a file by
operations/export_files.py, audited once the file is whole."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import datetime

from comptoir.data import customers as customers_repo
from comptoir.data import db, streams
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.search import query_words
from comptoir.operations import clock, unit_of_work
from comptoir.operations.export_files import (
    FOLDER,
    FORMATS,
    MIME,
    SCREEN_EXPORT,
    ExportFile,
    Progress,
    View,
    check_size,
    file_name,
    new_folder,
    sweep,
    write,
)

__all__ = [
    "FOLDER",
    "FORMATS",
    "ExportFile",
    "View",
    "count",
    "customers_view",
    "export",
    "new_folder",
    "sweep",
]


def export(
    actor: Actor,
    view: View,
    fmt: str,
    *,
    bom: bool = True,
    progress: Progress | None = None,
    now: datetime | None = None,
    label: Callable[[str], str] = str,
) -> ExportFile:
    """The view's rows as a file; the export is audited once the file is whole."""
    require(actor, "customers.export")
    check_size(fmt, 0)
    moment = clock.utc(now)
    folder = new_folder()
    name = file_name(view.name, fmt, clock.local(moment))
    path = folder / name
    try:
        with db.cursor() as cur:
            total = streams.count(cur, view.sql, view.params)
            check_size(fmt, total)
            rows = write(cur, view, fmt, path, bom=bom, total=total, progress=progress, label=label)
        changes = [FieldChange(field, None, value) for field, value in view.filters]
        changes += [FieldChange("rows", None, rows), FieldChange("format", None, fmt)]
        unit_of_work.run(
            actor,
            "customers.export",
            SCREEN_EXPORT,
            lambda uow: uow.audit("export", view.entity or view.name, None, changes),
            moment,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ExportFile(path, name, MIME[fmt], rows)


def count(actor: Actor, view: View) -> int:
    """How many rows the view's export would hold."""
    require(actor, "customers.export")
    with db.cursor() as cur:
        return streams.count(cur, view.sql, view.params)


def customers_view(
    term: str,
    include_archived: bool,
    sort: str = "last_name",
    descending: bool = False,
    columns: Sequence[str] = customers_repo.EXPORT_COLUMNS,
    tag: str | None = None,
) -> View:
    """The customers of a search (and with a tag), every card field, in the grid's order."""
    words = query_words(term)
    tag = " ".join((tag or "").split()) or None
    sql, params = customers_repo.export_query(
        words, include_archived, sort, descending, columns, tag
    )
    rank_sql, rank_params, rows_sql = customers_repo.export_ranked(
        words, include_archived, sort, descending, columns, tag
    )
    # A million customers are never sorted whole in DuckDB's memory: see streams.Ranked.
    ranked = streams.Ranked(rank_sql, tuple(rank_params), rows_sql)
    filters: list[tuple[str, object]] = [("search", term.strip() or "*")]
    if include_archived:
        filters.append(("archived", "included"))
    if tag:
        filters.append(("tags", tag))
    return View(
        "customers", sql, tuple(params), tuple(filters), entity="customer_list", ranked=ranked
    )
