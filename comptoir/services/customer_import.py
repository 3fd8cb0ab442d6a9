"""Import customers from another POS's file (managers): a dry run that writes nothing, then
one batch, audited as one import, that can be undone while its customers have no later
activity.

Each row is matched to an existing customer by account number, then by e-mail (an
update: the file's non-empty cells replace the card's values); otherwise a customer
with the same mobile, or the same names and postcode, makes it a likely duplicate (named;
skipped, used to update that customer or created anyway, as the owner chooses per row or
for all); otherwise it is created. Every value passes the card's own rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import imports as repo
from comptoir.data import settings as settings_repo
from comptoir.logic.account_numbers import account_key, format_account_number
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.consent import CONSENTS
from comptoir.logic.customer_import import (
    CONSENT_DATE,
    NO_CHOICES,
    TAGS,
    DuplicateChoices,
    ImportTable,
    cell_value,
    check_mapping,
    complete_row,
    file_date_order,
    match_keys,
)
from comptoir.logic.customers import FIELDS, CardRules, validate_customer
from comptoir.logic.customers import blank as _blank
from comptoir.logic.errors import (
    Busy,
    FieldError,
    ValidationFailed,
    present,
)
from comptoir.logic.import_formats import recognise
from comptoir.logic.search import customer_tokens
from comptoir.operations import clock, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "import"
CHUNK = 10_000  # rows checked, or customers written, at a time
SINCE = tuple(since for _, since in CONSENTS.values())  # when each consent was given
OUTCOMES = ("create", "update", "unchanged", "duplicate", "invalid")
Progress = Callable[[float, str], None]


_AT = {name: index for index, name in enumerate(FIELDS)}


class CardValues(Mapping[str, Any]):
    """A new customer's checked card, field by field: a tuple in the card's order, since a
    100,000-row dry run keeps one per row (a dict each costs four times the memory)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = tuple(values.get(name) for name in FIELDS)

    def __getitem__(self, name: str) -> Any:
        return self._values[_AT[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)


@dataclass(frozen=True)
class RowPlan:
    """What the import would do with one line of the file."""

    line: int
    outcome: str
    customer_id: int | None = None
    errors: tuple[FieldError, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    match: str = ""
    current: dict[str, Any] = field(default_factory=dict)  # an update's customer as it is
    # Imported all the same, with these fields left empty or made up: to check by hand.
    to_check: tuple[FieldError, ...] = ()
    # When the source system says consent was given (None: it does not say).
    consent_at: datetime | None = None
    # A likely duplicate's customer (id), kept when the owner chose to create or update.
    twin: int | None = None


@dataclass(frozen=True)
class Plan:
    """Every line's outcome, in file order, for a mapping, against the customers as they
    were (stamp): an import reuses it while the stamp still holds, else checks again."""

    rows: tuple[RowPlan, ...]
    mapping: tuple[str | None, ...] = ()
    stamp: tuple = ()
    choices: tuple = ()

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            found[row.outcome] += 1
        return found


@dataclass(frozen=True)
class Imported:
    """A batch written."""

    batch_id: int
    created: int
    updated: int
    skipped: int


def _quiet(share: float, step: str) -> None:
    return None


def _raw(mapping: Sequence[str | None], cells: Sequence[object], order: str) -> dict:
    raw: dict[str, object] = {}
    for name, cell in zip(mapping, cells, strict=True):
        if name == TAGS and not _blank(raw.get(TAGS)):  # tags and groups: every one kept
            raw[TAGS] = f"{raw[TAGS]}, {cell_value(name, cell, order)}"
        elif name:
            raw[name] = cell_value(name, cell, order)
    return raw


def _flag_errors(raw: Mapping[str, object]) -> list[FieldError]:
    return [
        FieldError(name, "flag_invalid")
        for name in ("tax_exempt", "marketing_opt_in", "sms_opt_in")
        if isinstance(raw.get(name), str) and raw[name] != ""
    ]


def _with_line(errors: Sequence[FieldError], line: int) -> tuple[FieldError, ...]:
    return tuple(FieldError(e.field, e.code, {**e.params, "line": str(line)}) for e in errors)


def _comparable(value: object) -> object:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return value


def _plan_rows(
    cur: Any,
    table: ImportTable,
    mapping: Sequence[str | None],
    rules: CardRules,
    progress: Progress = _quiet,
    choices: DuplicateChoices = NO_CHOICES,
) -> Plan:
    """Every row's outcome against the database as it is now (writes nothing), checked
    CHUNK rows at a time: a row's working values last only as long as its chunk."""
    order = file_date_order(table, mapping)
    seen: dict[tuple[str, str], int] = {}  # the first line of each key, across chunks
    planned: list[RowPlan] = []
    total = max(len(table.rows), 1)
    for start in range(0, len(table.rows), CHUNK):
        chunk = table.rows[start : start + CHUNK]
        planned += _plan_chunk(cur, chunk, mapping, order, rules, choices, seen)
        progress(0.9 * min(start + CHUNK, total) / total, "checking")
    planned = _one_update_each(planned)
    # A likely duplicate is named: who it would double, by name and account number.
    twins = repo.customers_by_id(cur, sorted({t for p in planned if (t := _doubles(p))}))
    shown = ("first_name", "last_name", "account_number")
    planned = [
        replace(p, current={**p.current, **{k: twins[t][k] for k in shown}})
        if (t := _doubles(p)) in twins
        else p
        for p in planned
    ]
    return Plan(tuple(planned), tuple(mapping), repo.stamp(cur), choices.key())


def _plan_chunk(
    cur: Any,
    rows: Sequence[tuple[int, Sequence[object]]],
    mapping: Sequence[str | None],
    order: str,
    rules: CardRules,
    choices: DuplicateChoices,
    seen: dict[tuple[str, str], int],
) -> list[RowPlan]:
    """The outcome of these rows of the file, in order."""
    completed = [
        (line, *complete_row(_raw(mapping, cells, order), rules.default_country))
        for line, cells in rows
    ]
    keyed = [match_keys(raw, rules.default_country) for _, raw, _ in completed]
    wanted: dict[str, list[str]] = {"key": [], "email": [], "mobile": [], "name": []}
    for keys in keyed:
        for kind, value in keys.items():
            wanted[kind].append(value)
    found = repo.matches(cur, wanted)
    targets = [
        found["key"].get(keys.get("key", "")) or found["email"].get(keys.get("email", ""))
        for keys in keyed
    ]
    existing = repo.customers_by_id(cur, sorted({t for t in targets if t}))
    first = [
        _plan_one(line, raw, keys, target, existing, found, seen, rules)
        for (line, raw, _), keys, target in zip(completed, keyed, targets, strict=True)
    ]
    chosen = [
        p.customer_id
        for p in first
        if p.outcome == "duplicate" and p.customer_id and choices.of(p.line) == "update"
    ]
    doubled = repo.customers_by_id(cur, sorted(set(chosen)))  # one read for them all
    planned: list[RowPlan] = []
    for (line, raw, notes), keys, plan in zip(completed, keyed, first, strict=True):
        if plan.outcome == "duplicate" and plan.customer_id is not None:
            plan = _chosen(plan, choices.of(line), line, raw, keys, found, seen, rules, doubled)
        given, late = _consent_moment(raw, rules.today)
        checks = (*_with_line([*notes, *late], line), *plan.to_check)
        if checks or given:
            plan = replace(plan, to_check=checks, consent_at=given)
        planned.append(plan)
    return planned


def _chosen(
    plan: RowPlan,
    choice: str,
    line: int,
    raw: dict[str, object],
    keys: dict[str, str],
    found: Mapping[str, Mapping[str, int]],
    seen: dict[tuple[str, str], int],
    rules: CardRules,
    doubled: Mapping[int, dict[str, Any]],
) -> RowPlan:
    """A likely duplicate as the owner chose: left out, created all the same, or used to
    update the customer it doubles."""
    twin = plan.customer_id
    if choice == "skip" or twin is None:
        return plan
    if choice == "create":  # its card was checked already: created as it is
        return replace(plan, outcome="create", customer_id=None, twin=twin)
    again = _plan_one(line, raw, keys, twin, doubled, found, seen, rules, match=plan.match)
    return replace(again, twin=twin)


def _consent_moment(raw: Mapping[str, object], today: date) -> tuple[datetime | None, list]:
    """When the file says consent was given, unless it says a day after today (named)."""
    given = raw.get(CONSENT_DATE)
    if not isinstance(given, datetime):
        return None, []
    if given.date() > today:
        return None, [FieldError(CONSENT_DATE, "consent_date_future")]
    return given, []


def _doubles(plan: RowPlan) -> int | None:
    """The customer a likely duplicate doubles (whatever the owner chose for it)."""
    return plan.customer_id if plan.outcome == "duplicate" else plan.twin


def _one_update_each(planned: Sequence[RowPlan]) -> list[RowPlan]:
    """A customer is updated by one line of the file: a later line that would update the
    same customer is refused, naming the first (else the batch could not be written)."""
    first: dict[int, int] = {}
    kept: list[RowPlan] = []
    for plan in planned:
        if plan.outcome == "update" and plan.customer_id is not None:
            earlier = first.setdefault(plan.customer_id, plan.line)
            if earlier != plan.line:
                error = FieldError("customer", "import_same_customer", {"first": str(earlier)})
                plan = RowPlan(
                    plan.line,
                    "invalid",
                    plan.customer_id,
                    _with_line([error], plan.line),
                    to_check=plan.to_check,
                )
        kept.append(plan)
    return kept


def _plan_one(
    line: int,
    raw: dict[str, object],
    keys: dict[str, str],
    target: int | None,
    existing: Mapping[int, dict[str, Any]],
    found: Mapping[str, Mapping[str, int]],
    seen: dict[tuple[str, str], int],
    rules: CardRules,
    match: str = "",
) -> RowPlan:
    shared: list[FieldError] = []
    for kind in ("key", "email"):
        if kind in keys:
            first = seen.setdefault((kind, keys[kind]), line)
            if first != line and kind == "key":  # a unique key: the row cannot be imported
                error = FieldError("account_number", "import_repeated", {"first": str(first)})
                return RowPlan(line, "invalid", errors=_with_line([error], line))
            if first != line:  # a family's shared e-mail: flagged, the row imported
                shared.append(FieldError("email", "import_repeated", {"first": str(first)}))
                if target is not None and not found["key"].get(keys.get("key", "")) and not match:
                    target = None  # the first line with this e-mail updates that customer
    flags = _flag_errors(raw)
    raw = {k: v for k, v in raw.items() if k not in {e.field for e in flags}}
    flags += shared
    if target is not None:
        current = existing[target]
        given = {k: v for k, v in raw.items() if not _blank(v) and k != "account_number"}
        base = {name: current[name] for name in FIELDS}
        try:
            clean, dropped = _card(base, given, rules)
        except ValidationFailed as exc:
            return RowPlan(line, "invalid", target, _with_line([*exc.errors, *flags], line))
        given = {k: v for k, v in given.items() if k not in {e.field for e in dropped}}
        to_check = _with_line([*flags, *dropped], line)
        changed = {
            k: clean[k]
            for k in given
            if k in clean and _comparable(clean[k]) != _comparable(current[k])
        }
        match = match or (
            "account_number" if "key" in keys and found["key"].get(keys["key"]) else "email"
        )
        if not changed:
            return RowPlan(line, "unchanged", target, match=match, to_check=to_check)
        before = {k: current[k] for k in changed}
        for flag, since in CONSENTS.values():
            if flag in changed:  # consent changes with its moment (set on import)
                before[since] = current[since]
        return RowPlan(
            line,
            "update",
            target,
            (),
            changed,
            before,
            current["version"],
            match,
            current,
            to_check,
        )
    values = dict(raw)
    try:
        clean, dropped = _card({}, values, rules, new=True)
    except ValidationFailed as exc:
        return RowPlan(line, "invalid", errors=_with_line([*exc.errors, *flags], line))
    to_check = _with_line([*flags, *dropped], line)
    for kind in ("mobile", "name"):
        other = found[kind].get(keys.get(kind, ""))
        if other is not None:  # what is wrong with the row is said all the same
            card = CardValues(clean)  # kept: the owner may create it all the same
            return RowPlan(line, "duplicate", other, values=card, match=kind, to_check=to_check)
    return RowPlan(line, "create", values=CardValues(clean), to_check=to_check)


# Refused in these, a row is refused: without a last name it is nobody (one was made up
# from the company, e-mail or mobile when it had none).
_ROW_FIELDS = ("last_name",)


def _card(
    base: Mapping[str, object],
    given: Mapping[str, object],
    rules: CardRules,
    new: bool = False,
) -> tuple[dict[str, Any], list[FieldError]]:
    """The card's checked values with each refused field of the file left out, and what was
    left out; ValidationFailed when the row itself cannot be imported."""
    values = {**base, **given}
    generate = new and _blank(values.get("account_number"))
    dropped: list[FieldError] = []
    while True:  # each round leaves at least one more of the file's fields out
        if generate:
            values["account_number"] = "-"  # stands in while the other fields are checked
        try:
            clean = validate_customer(values, rules).as_dict()
        except ValidationFailed as exc:
            left = {e.field for e in dropped}
            mine = [
                e
                for e in exc.errors
                if e.field in given and e.field not in _ROW_FIELDS and e.field not in left
            ]
            # Refused for a field that is not the file's, or already left out (the card's
            # stored value breaks today's rules): the row itself cannot be imported.
            if len(mine) < len(exc.errors):
                raise
            for error in mine:
                values[error.field] = base.get(error.field, "")
                generate = generate or (new and error.field == "account_number")
            dropped += mine
            continue
        if generate:
            clean["account_number"] = None
        return clean, dropped


def dry_run(
    actor: Actor,
    table: ImportTable,
    mapping: Sequence[str | None],
    progress: Progress = _quiet,
    choices: DuplicateChoices = NO_CHOICES,
) -> Plan:
    """What importing the file would do, line by line; nothing is written."""
    require(actor, "customers.import")
    check_mapping(mapping)
    with db.cursor() as cur:
        rules = shop_settings.card_rules(cur, clock.local_day())
        found = _plan_rows(cur, table, mapping, rules, progress, choices)
    progress(1.0, "done")
    return found


def _numbers(cur: Any, count: int) -> list[str]:
    """count free account numbers from the sequence (skipping any already in use)."""
    prefix = settings_repo.get_all(cur, shop_settings.here()).get("account_prefix", "")
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        taken = customers_repo.take_account_numbers(cur, wanted)
        candidates = [format_account_number(prefix, n) for n in taken]
        used = repo.keys_in_use(cur, [account_key(c) for c in candidates])
        numbers += [c for c in candidates if account_key(c) not in used]
    return numbers


def _tokens(rows: Sequence[tuple[int, Mapping[str, Any]]]) -> pd.DataFrame:
    tokens = [
        (token, customer_id, fields.get("last_name"), not fields.get("archived", False))
        for customer_id, fields in rows
        for token in sorted(customer_tokens(fields))
    ]
    return pd.DataFrame(tokens, columns=["token", "customer_id", "sort_name", "live"])


def _as_text(value: object) -> object:
    """A frame cell both engines read the same way: text, a flag or nothing (SQL casts)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [[_as_text(row.get(c)) for c in columns] for row in rows], columns=list(columns)
    ).astype(object)


def _json(values: Mapping[str, Any]) -> str:
    def plain(value: object) -> object:
        if isinstance(value, Decimal | date):
            return str(value)
        return value

    return json.dumps({k: plain(v) for k, v in values.items()}, sort_keys=True)


def run_import(
    actor: Actor,
    table: ImportTable,
    mapping: Sequence[str | None],
    file_name: str,
    progress: Progress = _quiet,
    now: datetime | None = None,
    checked: Plan | None = None,
    choices: DuplicateChoices = NO_CHOICES,
) -> Imported:
    """Write the file's creates and updates as one batch (one transaction), audited once.

    checked: the dry run's plan, used as it is when no customer was added, changed or
    archived since (the same customers, the same file, columns and choices for the likely
    duplicates); else every row is checked again inside the transaction.
    """
    require(actor, "customers.import")
    check_mapping(mapping)
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> Imported:
        cur = uow.cur
        if (
            checked is not None
            and checked.mapping == tuple(mapping)
            and checked.stamp == repo.stamp(cur)
            and checked.choices == choices.key()
            and len(checked.rows) == len(table.rows)
        ):
            plan = checked
        else:
            rules = shop_settings.card_rules(cur, clock.local_day(moment))
            plan = _plan_rows(
                cur, table, mapping, rules, lambda s, step: progress(s * 0.5, step), choices
            )
        creates = [r for r in plan.rows if r.outcome == "create"]
        updates = [r for r in plan.rows if r.outcome == "update"]
        if not creates and not updates:
            raise ValidationFailed([FieldError("file", "import_nothing")])
        progress(0.5, "writing")
        numbers = iter(_numbers(cur, sum(1 for r in creates if not r.values["account_number"])))
        created: list[int] = []  # the new customers' ids, in the order of creates
        consents: list[tuple[int, bool, str, datetime | None]] = []
        for start in range(0, len(creates), CHUNK):  # written a chunk at a time: less memory
            chunk = creates[start : start + CHUNK]
            ids = _create(cur, chunk, numbers, moment)
            consents += [
                (i, True, channel, row.consent_at)
                for i, row in zip(ids, chunk, strict=True)
                for channel, (flag, _) in CONSENTS.items()
                if row.values[flag]
            ]
            created += ids
            progress(0.5 + 0.2 * (start + len(chunk)) / len(creates), "writing")
        updates = [
            replace(
                r,
                values={
                    **r.values,
                    **{
                        since: (r.consent_at or moment) if r.values[flag] else None
                        for flag, since in CONSENTS.values()
                        if flag in r.values
                    },
                },
            )
            for r in updates
        ]
        if updates:
            changed = _update_frame(updates)
            if repo.update_customers(cur, changed, moment) != len(updates):
                raise Busy()  # a customer changed under the import: nothing is stored
        merged = repo.customers_by_id(cur, [r.customer_id for r in updates if r.customer_id])
        if merged:
            repo.replace_tokens(cur, _tokens(list(merged.items())), list(merged))
        consents += [
            (r.customer_id, bool(r.values[flag]), channel, r.consent_at if r.values[flag] else None)
            for r in updates
            for channel, (flag, _) in CONSENTS.items()
            if flag in r.values and r.customer_id is not None
        ]
        known = recognise(table.headers)
        source = known.name if known else file_name[:100]
        repo.insert_consents(cur, consents, moment, actor.display_name, source)
        skipped = len(plan.rows) - len(creates) - len(updates)
        batch_id = repo.insert_batch(
            cur,
            {
                "file_name": file_name[:200],
                "created_count": len(creates),
                "updated_count": len(updates),
                "skipped_count": skipped,
                "imported_at": moment,
                "staff_id": actor.staff_id,
                "staff_name": actor.display_name,
            },
        )
        done = [
            (batch_id, i, "create", row.line, None, 1)
            for i, row in zip(created, creates, strict=True)
        ] + [
            (batch_id, r.customer_id, "update", r.line, _json(r.before), (r.version or 0) + 1)
            for r in updates
        ]
        repo.insert_rows(
            cur,
            pd.DataFrame(
                done,
                columns=[
                    "batch_id",
                    "customer_id",
                    "action",
                    "line",
                    "before_values",
                    "version_after",
                ],
            ),
        )
        counts = plan.counts()
        uow.audit(
            "import",
            "import_batch",
            batch_id,
            [
                FieldChange("file", None, file_name[:200]),
                *(FieldChange(k, None, v) for k, v in counts.items()),
            ],
        )
        progress(1.0, "done")
        return Imported(batch_id, len(creates), len(updates), skipped)

    return unit_of_work.run(actor, "customers.import", SCREEN, work, moment)


def _create(
    cur: Any, rows: Sequence[RowPlan], numbers: Iterator[str], moment: datetime
) -> list[int]:
    """These new customers written with their search index rows; their ids, in order."""
    new_rows = []
    for row in rows:
        values = dict(row.values)
        values["account_number"] = values["account_number"] or next(numbers)
        values["account_key"] = account_key(values["account_number"])
        for flag, since in CONSENTS.values():
            values[since] = (row.consent_at or moment) if values[flag] else None
        new_rows.append(values)
    frame = _frame(new_rows, [*FIELDS, "account_key", *SINCE])
    ids_by_key = repo.insert_customers(cur, frame, moment)
    ids = [ids_by_key[v["account_key"]] for v in new_rows]
    repo.insert_tokens(cur, _tokens(list(zip(ids, new_rows, strict=True))))  # new: none yet
    return ids


def _update_frame(updates: Sequence[RowPlan]) -> pd.DataFrame:
    """One row per update: id, version and every field any update changes (a row a field
    does not change carries its customer's current value for it)."""
    names = sorted({k for r in updates for k in r.values})
    rows = []
    for r in updates:
        current = {**r.current, **r.values}
        rows.append(
            {"id": r.customer_id, "version": r.version, **{n: current.get(n) for n in names}}
        )
    return pd.DataFrame(rows, columns=["id", "version", *names]).astype(object)


def recent_batches(actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    """The latest import batches, newest first."""
    require(actor, "customers.import")
    with db.cursor() as cur:
        return repo.batches(cur, limit)


def undo(actor: Actor, batch_id: int, now: datetime | None = None) -> int:
    """Undo a whole batch: its new customers removed, its updates put back. Refused once any
    of its customers was edited or has activity (a sale, a payment, an order, a message…)."""

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        found = present(repo.batch(cur, batch_id), "import_batch", batch_id)
        if found["undone_at"] is not None:
            raise ValidationFailed([FieldError("batch", "import_already_undone")])
        touched = repo.touched_since(cur, batch_id)
        if touched:
            raise ValidationFailed(
                [FieldError("batch", "import_has_activity", {"customers": str(touched)})]
            )
        rows = repo.batch_rows(cur, batch_id)
        now_by_id = repo.customers_by_id(
            cur, [r["customer_id"] for r in rows if r["action"] == "update"]
        )
        removed = repo.remove_created(cur, batch_id)
        restores = [
            RowPlan(
                0,
                "update",
                r["customer_id"],
                values=json.loads(r["before_values"]),
                version=r["version_after"],
                current=now_by_id.get(r["customer_id"], {}),
            )
            for r in rows
            if r["action"] == "update"
        ]
        if restores:
            frame = _update_frame(restores)
            if repo.update_customers(cur, frame, uow.now) != len(restores):
                raise Busy()
            merged = repo.customers_by_id(cur, [r.customer_id for r in restores if r.customer_id])
            repo.replace_tokens(cur, _tokens(list(merged.items())), list(merged))
        repo.mark_undone(cur, batch_id, uow.now, actor.display_name)
        uow.audit(
            "undo_import",
            "import_batch",
            batch_id,
            [FieldChange("removed", None, removed), FieldChange("restored", None, len(restores))],
        )
        return removed + len(restores)

    return unit_of_work.run(actor, "customers.import", SCREEN, work, now)
