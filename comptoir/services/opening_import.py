"""Bring opening positions from the system a shop leaves (managers): account balances with
credit limits and points, outstanding gift vouchers, past sales. Each file is a dry run
that writes nothing (every line's verdict, the totals), then one audited batch, undone as a
whole while nothing later depends on it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from comptoir.data import accounts as accounts_repo
from comptoir.data import db
from comptoir.data import openings as repo
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.customer_import import ImportTable
from comptoir.logic.errors import FieldError, ValidationFailed, present
from comptoir.logic.opening_import import MAX_ROWS, check_mapping
from comptoir.logic.text import one_line
from comptoir.operations import clock, opening_balances, opening_vouchers, past_sales, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.opening_lines import OUTCOMES, LinePlan, OpeningPlan, cells_by_field
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "import_openings"
PERMISSION = "customers.import"
MAX_SOURCE = 60
__all__ = [
    "OUTCOMES",
    "LinePlan",
    "Options",
    "OpeningPlan",
    "Opened",
    "dry_run",
    "run_import",
    "undo",
]


@dataclass(frozen=True)
class Options:
    """What the owner chose beside the file: the system it comes from, the day balances
    stand at, the type of the accounts it opens (None: the first type)."""

    source: str
    as_of: date | None = None
    account_type_id: int | None = None


@dataclass(frozen=True)
class Opened:
    """A batch written: its id, lines written, totals."""

    batch_id: int
    written: int
    totals: Mapping[str, str]


def _source(options: Options) -> str:
    source = one_line(options.source, MAX_SOURCE)
    if not source:
        raise ValidationFailed([FieldError("source", "required")])
    return source


def _check(kind: str, table: ImportTable, mapping: Sequence[str | None]) -> None:
    check_mapping(kind, mapping)
    if len(table.headers) != len(mapping):
        raise ValidationFailed(
            [FieldError("mapping", "import_mapping_length", {"columns": str(len(table.headers))})]
        )
    if len(table.rows) > MAX_ROWS[kind]:
        raise ValidationFailed(
            [FieldError("file", "import_too_many", {"max": f"{MAX_ROWS[kind]:,}"})]
        )


def _as_of(options: Options, today: date) -> date:
    as_of = options.as_of or today
    if as_of > today:
        raise ValidationFailed([FieldError("as_of", "date_in_future")])
    return as_of


def _plan(
    cur: Any,
    kind: str,
    table: ImportTable,
    mapping: Sequence[str | None],
    now: datetime,
) -> OpeningPlan:
    rows = cells_by_field(table, mapping)
    today = clock.local_day(now)
    region = shop_settings.card_rules(cur, today).default_country
    if kind == "balances":
        found = opening_balances.plan(cur, rows, region, kind)
    elif kind == "vouchers":
        found = opening_vouchers.plan(cur, rows, region, kind, today)
    else:
        found = past_sales.plan(cur, rows, region, kind, clock.zone(), now)
    return OpeningPlan(
        kind, tuple(mapping), found.lines, found.totals, found.extra, repo.stamp(cur), len(rows)
    )


def dry_run(
    actor: Actor,
    kind: str,
    table: ImportTable,
    mapping: Sequence[str | None],
    options: Options,
    now: datetime | None = None,
) -> OpeningPlan:
    """What the import would do, line by line, and its totals; nothing is written."""
    require(actor, PERMISSION)
    _check(kind, table, mapping)
    moment = clock.utc(now)
    _source(options)
    _as_of(options, clock.local_day(moment))
    with db.cursor() as cur:
        return _plan(cur, kind, table, mapping, moment)


def _account_type(cur: Any, wanted: int | None) -> dict[str, Any]:
    types = accounts_repo.account_types(cur)
    chosen = next((t for t in types if wanted is None or t["id"] == wanted), None)
    if chosen is None:
        raise ValidationFailed(
            [
                FieldError(
                    "account_type", "not_in_list", {"allowed": ", ".join(t["name"] for t in types)}
                )
            ]
        )
    return chosen


def run_import(
    actor: Actor,
    kind: str,
    table: ImportTable,
    mapping: Sequence[str | None],
    file_name: str,
    options: Options,
    now: datetime | None = None,
    checked: OpeningPlan | None = None,
) -> Opened:
    """Every ready line written as one batch (one transaction), audited once with its
    totals. checked: the dry run's plan, used as it is when nothing it read changed since
    (the same kind, columns and file, the same customers, entries, vouchers and sales);
    else every line is checked again inside the transaction."""
    require(actor, PERMISSION)
    _check(kind, table, mapping)
    source = _source(options)

    def work(uow: UnitOfWork) -> Opened:
        cur = uow.cur
        as_of = _as_of(options, uow.today)
        if (
            checked is not None
            and checked.kind == kind
            and checked.mapping == tuple(mapping)
            and checked.rows == len(table.rows)
            and checked.stamp == repo.stamp(cur)
        ):
            found = checked
        else:
            found = _plan(cur, kind, table, mapping, uow.now)
        ready = [p for p in found.lines if p.outcome == "ready"]
        if not ready:
            raise ValidationFailed([FieldError("file", "import_nothing")])
        batch_id = repo.next_batch_id(cur)
        if kind == "balances":
            account_type = _account_type(cur, options.account_type_id)
            rows = opening_balances.write(uow, found.lines, batch_id, source, as_of, account_type)
            repo.insert_rows(cur, rows)
            written = len(rows)
        elif kind == "vouchers":
            rows = opening_vouchers.write(uow, found.lines, batch_id, source, clock.zone())
            repo.insert_rows(cur, rows)
            written = len(rows)
        else:
            written = past_sales.write(uow, found.extra, batch_id, source)
        repo.insert_batch(
            cur,
            {
                "id": batch_id,
                "kind": kind,
                "file_name": file_name[:200],
                "source": source,
                "row_count": written,
                "totals": json.dumps(found.totals, sort_keys=True),
                "imported_at": uow.now,
                "staff_id": actor.staff_id,
                "staff_name": actor.display_name,
            },
        )
        uow.audit(
            f"import_{kind}",
            "opening_batch",
            batch_id,
            [
                FieldChange("file", None, file_name[:200]),
                FieldChange("source", None, source),
                *(FieldChange(k, None, v) for k, v in found.counts().items()),
                *(FieldChange(k, None, v) for k, v in found.totals.items()),
            ],
        )
        return Opened(batch_id, written, found.totals)

    return unit_of_work.run(actor, PERMISSION, SCREEN, work, now)


def recent_batches(actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    """The latest opening batches, newest first, with their totals."""
    require(actor, PERMISSION)
    with db.cursor() as cur:
        found = repo.batches(cur, limit)
    for batch in found:
        batch["totals"] = json.loads(batch["totals"] or "{}")
    return found


def account_types(actor: Actor) -> list[dict[str, Any]]:
    """The account types a batch of balances may open accounts of."""
    require(actor, PERMISSION)
    with db.cursor() as cur:
        return accounts_repo.account_types(cur)


def undo(actor: Actor, batch_id: int, now: datetime | None = None) -> int:
    """Undo a whole batch: balances reversed and limits put back, points taken back,
    vouchers cancelled, past sales removed. Refused once anything later depends on it (an
    entry after the opening one, a voucher spent, a past sale returned or invoiced)."""

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        found = present(repo.batch(cur, batch_id), "opening_batch", batch_id)
        if found["undone_at"] is not None:
            raise ValidationFailed([FieldError("batch", "import_already_undone")])
        depending = repo.depending(cur, batch_id)
        if depending:
            raise ValidationFailed(
                [FieldError("batch", "opening_depended_on", {"lines": str(depending)})]
            )
        if found["kind"] == "balances":
            undone = opening_balances.undo(uow, batch_id, repo.batch_rows(cur, batch_id))
        elif found["kind"] == "vouchers":
            undone = opening_vouchers.undo(uow, batch_id)
        else:
            undone = past_sales.undo(uow, batch_id)
        repo.mark_undone(cur, batch_id, uow.now, actor.display_name)
        uow.audit(
            f"undo_import_{found['kind']}",
            "opening_batch",
            batch_id,
            [FieldChange("undone", None, undone)],
        )
        return undone

    return unit_of_work.run(actor, PERMISSION, SCREEN, work, now)
