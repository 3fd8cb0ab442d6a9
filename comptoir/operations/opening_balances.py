"""Opening account balances, credit limits and points brought from another system: planned
line by line, then posted as one opening entry per customer (kind 'adjustment') and one
points entry; undone by reversing entries while nothing later was posted."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from comptoir.data import openings as repo
from comptoir.logic.customers import blank
from comptoir.logic.errors import FieldError, FieldProblem
from comptoir.logic.opening_import import amount, points
from comptoir.logic.rewards import card_number
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
REFERENCE = "OPENING"


def _values(row: Mapping[str, object], line: int) -> tuple[dict[str, Any], list[FieldError]]:
    """The row's balance (owed, less store credit), limit, points and card, or errors."""
    found: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name in ("balance", "store_credit", "credit_limit"):
        try:
            found[name] = amount(row.get(name))
        except FieldProblem as problem:
            errors.append(error(name, problem, line))
    if found.get("credit_limit") is not None and found["credit_limit"] < 0:
        errors.append(FieldError("credit_limit", "credit_limit_negative", {"line": str(line)}))
    try:
        found["points"] = points(row.get("points"))
    except FieldProblem as problem:
        errors.append(error("points", problem, line))
    card = "" if blank(row.get("rewards_card")) else str(row["rewards_card"]).strip().lstrip("'")
    if len(card) > 30 or (card and not card.isalnum()):
        errors.append(FieldError("rewards_card", "rewards_card_invalid", {"line": str(line)}))
    found["rewards_card"] = card
    owed = (found.get("balance") or ZERO) - abs(found.get("store_credit") or ZERO)
    found["amount"] = owed
    return found, errors


def plan(
    cur: Any, rows: Sequence[tuple[int, Mapping[str, object]]], region: str, kind: str
) -> OpeningPlan:
    """Every line's verdict: a customer found, once, whose account (or rewards account)
    has no entry yet; its opening amount, limit and points."""
    found, customers = find_customers(cur, [r for _, r in rows], region)
    ids = list(customers)
    accounts, rewards = repo.accounts(cur, ids), repo.rewards(cur, ids)
    wanted_cards = [str(r.get("rewards_card")).strip() for _, r in rows if r.get("rewards_card")]
    cards_taken = repo.cards_in_use(cur, wanted_cards)
    first_line: dict[int, int] = {}
    cards_seen: set[str] = set()
    lines: list[LinePlan] = []
    for (line, row), who in zip(rows, found, strict=True):
        values, errors = _values(row, line)
        customer = customers.get(who.customer_id) if who.customer_id else None
        if not who.given:
            errors.append(FieldError("account_number", "opening_no_identity", {"line": str(line)}))
        elif who.customer_id is None:
            errors.append(not_found(row, line))
        elif who.customer_id in first_line:
            errors.append(
                FieldError(
                    "account_number",
                    "opening_customer_twice",
                    {"line": str(line), "first": str(first_line[who.customer_id])},
                )
            )
        else:
            first_line[who.customer_id] = line
        account = accounts.get(who.customer_id or 0)
        held = rewards.get(who.customer_id or 0)
        if values["amount"] and account and account["entries"]:
            errors.append(FieldError("balance", "opening_after_entries", {"line": str(line)}))
        if values.get("points") and held and held["entries"]:
            errors.append(FieldError("points", "opening_after_points", {"line": str(line)}))
        card = values["rewards_card"]
        if (
            card
            and (card in cards_taken or card in cards_seen)
            and not (held and held["card_number"] == card)
        ):
            errors.append(FieldError("rewards_card", "rewards_card_taken", {"line": str(line)}))
        cards_seen.add(card)
        something = values["amount"] or values.get("credit_limit") is not None
        something = something or values.get("points") or card
        outcome = "invalid" if errors else ("ready" if something else "nothing")
        lines.append(
            LinePlan(
                line,
                outcome,
                tuple(errors),
                who.customer_id,
                named(customer),
                {**values, "account": account, "rewards": held},
            )
        )
    ready = [p for p in lines if p.outcome == "ready"]
    owed = sum((p.values["amount"] for p in ready if p.values["amount"] > 0), ZERO)
    credit = sum((-p.values["amount"] for p in ready if p.values["amount"] < 0), ZERO)
    totals = {
        "owed": money(owed),
        "credit": money(credit),
        "net": money(owed - credit),
        "accounts": str(sum(1 for p in ready if p.values["amount"] or _limit(p) is not None)),
        "points": str(sum(p.values.get("points") or 0 for p in ready)),
    }
    return OpeningPlan(kind, (), tuple(lines), totals)


def _post(
    uow: UnitOfWork,
    entries: Sequence[tuple[int | None, str, Decimal, date, str, int | None]],
    batch_id: int,
) -> dict[int, int]:
    """Ledger entries (customer, kind, amount, day, reason, entry reversed) of the batch,
    their balances moved; customer id → entry id."""
    rows = frame(
        [
            (
                customer,
                kind,
                str(amount),
                on.isoformat(),
                f"{REFERENCE}-{batch_id}",
                reason,
                reverses,
                uow.staff,
            )
            for customer, kind, amount, on, reason, reverses in entries
        ],
        columns=[
            "customer_id",
            "kind",
            "amount",
            "occurred_on",
            "reference",
            "reason",
            "reverses_id",
            "staff_name",
        ],
    )
    rows.attrs["shop_code"] = here()
    return repo.post_entries(uow.cur, rows, uow.now)


def _limit(line: LinePlan) -> Decimal | None:
    return line.values.get("credit_limit")


def write(
    uow: UnitOfWork,
    lines: Sequence[LinePlan],
    batch_id: int,
    source: str,
    as_of: date,
    account_type: Mapping[str, Any],
) -> Any:
    """The ready lines written: accounts opened or their limits set, one opening entry
    per customer, points; the batch's rows (what each line wrote and what was before)."""
    cur, now = uow.cur, uow.now
    ready = [p for p in lines if p.outcome == "ready"]
    with_account = [p for p in ready if p.values["amount"] or _limit(p) is not None]
    opened = [p for p in with_account if p.values["account"] is None]
    repo.open_accounts(
        cur,
        frame(
            [
                (
                    p.customer_id,
                    account_type["id"],
                    str(
                        _limit(p) if _limit(p) is not None else account_type["default_credit_limit"]
                    ),
                    as_of.isoformat(),
                )
                for p in opened
            ],
            columns=["customer_id", "account_type_id", "credit_limit", "opened_on"],
        ),
        now,
    )
    limits = [p for p in with_account if p.values["account"] is not None and _limit(p) is not None]
    repo.set_limits(
        cur,
        frame(
            [(p.customer_id, str(_limit(p))) for p in limits],
            columns=["customer_id", "credit_limit"],
        ),
        now,
    )
    posted = _post(
        uow,
        [
            (p.customer_id, "adjustment", p.values["amount"], as_of, source, None)
            for p in ready
            if p.values["amount"]
        ],
        batch_id,
    )
    earning = [p for p in ready if p.values.get("points") or p.values["rewards_card"]]
    fresh = [p for p in earning if p.values["rewards"] is None]
    numbers = iter(
        repo.next_values(
            cur, "rewards_card_seq", sum(1 for p in fresh if not p.values["rewards_card"])
        )
    )
    repo.open_rewards(
        cur,
        frame(
            [
                (p.customer_id, p.values["rewards_card"] or card_number(next(numbers)))
                for p in fresh
            ],
            columns=["customer_id", "card_number"],
        ),
        now,
    )
    moved = repo.move_points(
        cur,
        frame(
            [
                (p.customer_id, p.values["points"], source)
                for p in earning
                if p.values.get("points")
            ],
            columns=["customer_id", "points", "reason"],
        ),
        now,
        uow.staff,
    )
    account_lines = {p.line for p in with_account}  # (a set: 100,000 lines are looked up)
    fresh_lines = {p.line for p in fresh}
    rows = []
    for p in ready:
        before: dict[str, Any] = {}
        if p.line in account_lines:
            account = p.values["account"]
            before["credit_limit"] = None if account is None else str(account["credit_limit"])
        if p.line in fresh_lines:
            before["rewards"] = None
        rows.append(
            (
                batch_id,
                p.line,
                p.customer_id,
                posted.get(p.customer_id or 0),
                moved.get(p.customer_id or 0),
                None,
                None,
                json.dumps(before),
            )
        )
    return frame(rows, columns=list(repo.ROW_COLUMNS))


def undo(uow: UnitOfWork, batch_id: int, rows: Sequence[Mapping[str, Any]]) -> int:
    """Each opening entry reversed (and allocated against it), points taken back, limits
    put back (an account the batch opened keeps its entries, at a limit of 0)."""
    cur, now = uow.cur, uow.now
    reversing = [r for r in rows if r["ledger_entry_id"] is not None]
    posted = _post(
        uow,
        [
            (
                r["customer_id"],
                "reversal",
                -Decimal(r["amount"]),
                uow.today,
                "undo",
                r["ledger_entry_id"],
            )
            for r in reversing
        ],
        batch_id,
    )
    pairs = []
    for r in reversing:
        original, reversal = r["ledger_entry_id"], posted[r["customer_id"]]
        debit, credit = (original, reversal) if Decimal(r["amount"]) > 0 else (reversal, original)
        pairs.append((r["customer_id"], credit, debit, str(abs(Decimal(r["amount"])))))
    repo.allocate_pairs(
        cur,
        frame(pairs, columns=["customer_id", "credit_id", "debit_id", "amount"]),
        now,
    )
    limits = []
    for r in rows:
        before = json.loads(r["before_values"] or "{}")
        if "credit_limit" in before:
            limits.append((r["customer_id"], before["credit_limit"] or "0"))
    repo.set_limits(cur, frame(limits, columns=["customer_id", "credit_limit"]), now)
    taking = [r for r in rows if r["rewards_entry_id"] is not None]
    repo.move_points(
        cur,
        frame(
            [(r["customer_id"], -int(r["points"]), "undo") for r in taking],
            columns=["customer_id", "points", "reason"],
        ),
        now,
        uow.staff,
    )
    return len(rows)
