"""Gift vouchers still outstanding in another system: kept with the code they were printed
with, their balance, first value and expiry; undone by cancelling them while none was
spent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from comptoir.data import openings as repo
from comptoir.logic.errors import FieldError, FieldProblem
from comptoir.logic.opening_import import amount, day, file_order, voucher_code
from comptoir.operations.opening_lines import (
    LinePlan,
    OpeningPlan,
    error,
    find_customers,
    frame,
    money,
    named,
    not_found,
)
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

ZERO = Decimal(0)


def _values(
    row: Mapping[str, object], line: int, order: str
) -> tuple[dict[str, Any], list[FieldError]]:
    found: dict[str, Any] = {}
    errors: list[FieldError] = []
    checks = {
        "code": lambda: voucher_code(row.get("code")),
        "voucher_balance": lambda: amount(row.get("voucher_balance")),
        "initial_value": lambda: amount(row.get("initial_value")),
        "expires_on": lambda: day(row.get("expires_on"), order),
        "issued_on": lambda: day(row.get("issued_on"), order),
    }
    for name, check in checks.items():
        try:
            found[name] = check()
        except FieldProblem as problem:
            errors.append(error(name, problem, line))
    balance = found.get("voucher_balance")
    if balance is not None and balance < 0:
        errors.append(FieldError("voucher_balance", "amount_negative", {"line": str(line)}))
    first = found.get("initial_value")
    if first is not None and balance is not None and first < balance:
        errors.append(FieldError("initial_value", "voucher_value_below", {"line": str(line)}))
    return found, errors


def plan(
    cur: Any, rows: Sequence[tuple[int, Mapping[str, object]]], region: str, kind: str, today: date
) -> OpeningPlan:
    """Every line's verdict: a code not taken (nor twice in the file), a balance; a
    customer named but not found leaves the voucher without one, to check."""
    order = file_order([str(r.get(k) or "") for _, r in rows for k in ("expires_on", "issued_on")])
    found, customers = find_customers(cur, [r for _, r in rows], region)
    checked = [_values(row, line, order) for line, row in rows]  # each row read once
    taken = repo.codes_in_use(cur, [v["code"] for v, _ in checked if v.get("code")])
    first_line: dict[str, int] = {}
    lines: list[LinePlan] = []
    for (line, row), who, (values, errors) in zip(rows, found, checked, strict=True):
        code = values.get("code")
        if code and code in taken:
            errors.append(FieldError("code", "voucher_code_taken", {"line": str(line)}))
        elif code and code in first_line:
            errors.append(
                FieldError(
                    "code",
                    "voucher_code_twice",
                    {"line": str(line), "first": str(first_line[code])},
                )
            )
        elif code:
            first_line[code] = line
        checks = (not_found(row, line),) if who.given and who.customer_id is None else ()
        outcome = "invalid" if errors else ("ready" if values["voucher_balance"] else "nothing")
        lines.append(
            LinePlan(
                line,
                outcome,
                tuple(errors),
                who.customer_id,
                named(customers.get(who.customer_id or 0)),
                values,
                checks,
            )
        )
    ready = [p for p in lines if p.outcome == "ready"]
    live = [p for p in ready if not p.values["expires_on"] or p.values["expires_on"] >= today]
    totals = {
        "vouchers": str(len(ready)),
        "liability": money(sum((p.values["voucher_balance"] for p in live), ZERO)),
        "expired": str(len(ready) - len(live)),
    }
    return OpeningPlan(kind, (), tuple(lines), totals)


def write(
    uow: UnitOfWork, lines: Sequence[LinePlan], batch_id: int, source: str, zone: tzinfo
) -> Any:
    """The ready vouchers, each with its 'issued' entry noting the source; the rows."""
    ready = [p for p in lines if p.outcome == "ready"]

    def issued(p: LinePlan) -> str:
        on = p.values["issued_on"]
        return (datetime.combine(on, time(), zone) if on else uow.now).isoformat()

    vouchers = frame(
        [
            (
                p.values["code"],
                p.customer_id,
                str(p.values["initial_value"] or p.values["voucher_balance"]),
                str(p.values["voucher_balance"]),
                p.values["expires_on"].isoformat() if p.values["expires_on"] else None,
                issued(p),
                here(),
                batch_id,
                source,
            )
            for p in ready
        ],
        columns=[
            "code",
            "customer_id",
            "amount",
            "balance",
            "expires_on",
            "issued_at",
            "shop_code",
            "imported_batch",
            "note",
        ],
    )
    ids = repo.insert_vouchers(uow.cur, vouchers, uow.now, uow.staff)
    return frame(
        [
            (batch_id, p.line, p.customer_id, None, None, ids[p.values["code"]], None, None)
            for p in ready
        ],
        columns=list(repo.ROW_COLUMNS),
    )


def undo(uow: UnitOfWork, batch_id: int) -> int:
    """The batch's vouchers cancelled (none was spent: checked before)."""
    return repo.cancel_vouchers(uow.cur, batch_id, "import undone", uow.now, uow.staff)
