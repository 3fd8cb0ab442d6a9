"""Credit-account use cases: types, limits, charges, payments, corrections, statements.

Each money movement is one transaction: the ledger entry, its allocations,
the account balance and the audit entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Unpack

from comptoir.data import accounts as repo
from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.i18n import format_date, t
from comptoir.logic.accounts import (
    BUCKETS,
    KINDS,
    PAYMENT_METHODS,
    ZERO,
    ActivityFilters,
    OverpaymentNeedsConfirmation,
    aged_totals,
    check_charge,
    check_entry_date,
    parse_amount,
    parse_limit,
    require_reason,
    reversal_amount,
)
from comptoir.logic.audit import diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, FieldProblem, NotFound, ValidationFailed
from comptoir.logic.text import check_no_controls
from comptoir.operations import account_ledger, aged_balances, clock, sender, unit_of_work
from comptoir.operations.printouts import shop_header
from comptoir.operations.spreadsheets import csv_bytes
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.addresses import postal_lines
from comptoir.printing.model import Statement, StatementEntry
from comptoir.printing.pdf_a4 import statement_pdf

SCREEN_ACCOUNT = "customer_account"
SCREEN_TYPES = "settings"
PAGE_SIZE = 25
PERMISSION = {
    "charge": "accounts.charge",
    "payment": "accounts.payment",
    "credit_note": "accounts.credit_note",
    "refund": "accounts.refund",
    "adjustment": "accounts.adjust",
}


def _now(now: datetime | None) -> datetime:
    return clock.utc(now)


def _refuse(field: str, problem: FieldProblem) -> ValidationFailed:
    return ValidationFailed([FieldError(field, problem.code, problem.params)])


# Types -----------------------------------------------------------------------------------
def account_types() -> list[dict[str, Any]]:
    """Every account type."""
    with db.cursor() as cur:
        return repo.account_types(cur)


def save_account_type(
    actor: Actor,
    type_id: int | None,
    name: object,
    default_limit: object,
    terms: object,
    now: datetime | None = None,
) -> int:
    """Add or change an account type (administrators); names are unique ignoring case."""
    require(actor, "accounts.types")
    moment = _now(now)
    errors: list[FieldError] = []
    clean_name = " ".join(str(name or "").split())
    if not clean_name:
        errors.append(FieldError("account_type_name", "required"))
    elif len(clean_name) > 60:
        errors.append(FieldError("account_type_name", "too_long", {"max": "60"}))
    try:
        limit = parse_limit(default_limit)
    except FieldProblem as problem:
        errors.append(FieldError("default_credit_limit", problem.code, problem.params))
    try:
        days = int(str(terms).strip())
        if not 0 <= days <= 365:
            raise ValueError
    except ValueError:
        errors.append(
            FieldError("payment_terms_days", "whole_number_between", {"low": "0", "high": "365"})
        )
    if errors:
        raise ValidationFailed(errors)
    key = clean_name.upper()

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        if repo.account_type_named(cur, key, type_id) is not None:
            raise ValidationFailed(
                [FieldError("account_type_name", "account_type_taken", {"value": clean_name})]
            )
        after = {"name": clean_name, "default_credit_limit": limit, "payment_terms_days": days}
        if type_id is None:
            new_id = repo.insert_account_type(cur, clean_name, key, limit, days, moment)
            uow.audit("create", "account_type", new_id, diff({}, after))
            return new_id
        before = next((t for t in repo.account_types(cur) if t["id"] == type_id), None)
        if before is None:
            raise NotFound(type_id)
        repo.update_account_type(cur, type_id, clean_name, key, limit, days)
        uow.audit("update", "account_type", type_id, diff(before, after, list(after)))
        return type_id

    return unit_of_work.run(actor, "accounts.types", SCREEN_TYPES, work, moment)


# A customer's account --------------------------------------------------------------------
@dataclass(frozen=True)
class AccountOverview:
    """What the card's Account tab shows."""

    account: dict[str, Any] | None
    receivables: list[dict[str, Any]]
    unallocated_credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Positive: the customer owes the shop."""
        return Decimal(self.account["balance"]) if self.account else ZERO

    @property
    def available(self) -> Decimal | None:
        """How much more can be charged, None without an account."""
        if not self.account:
            return None
        return Decimal(self.account["credit_limit"]) - self.balance


def overview(actor: Actor, customer_id: int) -> AccountOverview:
    """Account, receivables and unallocated credit of a customer."""
    require(actor, "accounts.view")
    with db.cursor() as cur:
        account = repo.account(cur, customer_id)
        receivables = repo.receivables(cur, customer_id) if account else []
        credit = (
            sum((Decimal(c["open_amount"]) for c in repo.open_credits(cur, customer_id)), ZERO)
            if account
            else ZERO
        )
    return AccountOverview(account, receivables, credit)


def assign_account_type(
    actor: Actor,
    customer_id: int,
    type_id: int,
    limit: object | None = None,
    now: datetime | None = None,
) -> None:
    """Give a customer an account type with its default limit, or the limit given (managers).

    The account's opened date is set the first time and never changes after.
    """
    require(actor, "accounts.limits")
    moment = _now(now)

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        types = {t["id"]: t for t in repo.account_types(cur)}
        if type_id not in types:
            raise ValidationFailed(
                [
                    FieldError(
                        "account_type",
                        "not_in_list",
                        {"allowed": ", ".join(t["name"] for t in types.values())},
                    )
                ]
            )
        if customers_repo.get(cur, customer_id) is None:
            raise NotFound(customer_id)
        try:
            chosen = (
                Decimal(types[type_id]["default_credit_limit"])
                if limit in (None, "")
                else parse_limit(limit)
            )
        except FieldProblem as problem:
            raise _refuse("credit_limit", problem) from None
        current = repo.account(cur, customer_id)
        after = {"account_type": types[type_id]["name"], "credit_limit": chosen}
        if current is None:
            repo.open_account(cur, customer_id, type_id, chosen, clock.local_day(moment), moment)
            after["account_opened"] = clock.local_day(moment)
            before: dict[str, Any] = {}
        else:
            repo.set_terms(cur, customer_id, type_id, chosen, moment)
            before = {
                "account_type": current["account_type"],
                "credit_limit": current["credit_limit"],
            }
        changes = diff(before, after)
        if changes:
            uow.audit("account", "customer", customer_id, changes)

    unit_of_work.run(actor, "accounts.limits", SCREEN_ACCOUNT, work, moment)


@dataclass(frozen=True)
class EntryRequest:
    """A money movement as the user asked for it."""

    kind: str
    amount: object
    on: date | None = None
    reference: str = ""
    method: str | None = None
    reason: str = ""
    direction: str = "increase"  # adjustments only: increase or decrease what is owed
    chosen: Sequence[int] = ()
    confirm_overpayment: bool = False


def _check(request: EntryRequest, today: date) -> tuple[Decimal, date, str | None, str | None]:
    errors: list[FieldError] = []
    amount = ZERO
    on = request.on or today
    reason: str | None = None
    method: str | None = None
    if request.kind not in PERMISSION:
        raise ValidationFailed(
            [FieldError("entry_kind", "not_in_list", {"allowed": ", ".join(PERMISSION)})]
        )
    try:
        amount = parse_amount(request.amount)
    except FieldProblem as problem:
        errors.append(FieldError("amount", problem.code, problem.params))
    try:
        on = check_entry_date(on, today)
    except FieldProblem as problem:
        errors.append(FieldError("entry_date", problem.code, problem.params))
    if request.kind in ("adjustment", "credit_note", "refund"):
        try:
            reason = require_reason(request.reason)
        except FieldProblem as problem:
            errors.append(FieldError("reason", problem.code, problem.params))
    else:
        reason = " ".join(request.reason.split()) or None
    for name, text in (("reason", request.reason), ("reference", request.reference)):
        try:
            check_no_controls(text or "")
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))
    if request.kind == "payment":
        if request.method not in PAYMENT_METHODS:
            errors.append(
                FieldError("payment_method", "not_in_list", {"allowed": ", ".join(PAYMENT_METHODS)})
            )
        method = request.method
    if request.kind == "adjustment" and request.direction not in ("increase", "decrease"):
        errors.append(FieldError("direction", "not_in_list", {"allowed": "increase, decrease"}))
    if errors:
        raise ValidationFailed(errors)
    return amount, on, reason, method


def _signed(kind: str, amount: Decimal, direction: str) -> Decimal:
    if kind in ("charge", "refund") or (kind == "adjustment" and direction == "increase"):
        return amount
    return -amount


def record_entry(
    actor: Actor,
    customer_id: int,
    request: EntryRequest,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Charge, payment, credit note, refund or adjustment; returns the entry id.

    The same idempotency key twice returns the first entry: a rerun never
    charges or pays twice.
    """
    moment = _now(now)
    amount, on, reason, method = _check(request, clock.local_day(moment))
    require(actor, PERMISSION[request.kind])
    signed = _signed(request.kind, amount, request.direction)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        done = repo.entry_by_key(cur, idempotency_key)
        if done is not None:
            return int(done["id"])
        card = customers_repo.get(cur, customer_id)
        if card is not None and card["erased_at"] is not None:
            # Erasure closed the relationship: nothing more goes on this account.
            raise ValidationFailed([FieldError("customer", "customer_erased")])
        account = repo.account(cur, customer_id)
        if account is None:
            raise ValidationFailed([FieldError("account_type", "no_account")])
        balance = Decimal(account["balance"])
        if request.kind == "charge":
            check_charge(balance, Decimal(account["credit_limit"]), amount)
        if request.kind == "payment" and amount > balance and not request.confirm_overpayment:
            raise OverpaymentNeedsConfirmation(balance, amount)
        if request.kind == "refund":
            credit = sum(
                (Decimal(c["open_amount"]) for c in repo.open_credits(cur, customer_id)), ZERO
            )
            if amount > credit:
                raise ValidationFailed(
                    [FieldError("amount", "refund_over_credit", {"credit": str(credit)})]
                )
        values = {
            "kind": request.kind,
            "amount": signed,
            "occurred_on": on,
            "reference": request.reference.strip() or None,
            "method": method,
            "reason": reason,
            "idempotency_key": idempotency_key,
        }
        return account_ledger.post(uow, customer_id, values, chosen=request.chosen)

    hold = account_ledger.customer_lock(customer_id)
    return unit_of_work.run(actor, PERMISSION[request.kind], SCREEN_ACCOUNT, work, moment, hold)


def reverse_entry(
    actor: Actor,
    customer_id: int,
    entry_id: int,
    reason: object,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Correct a mistake with an opposite entry pointing at it (managers)."""
    require(actor, "accounts.reverse")
    moment = _now(now)
    try:
        why = require_reason(reason)
    except FieldProblem as problem:
        raise _refuse("reason", problem) from None

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        done = repo.entry_by_key(cur, idempotency_key)
        if done is not None:
            return int(done["id"])
        original = repo.entry(cur, entry_id)
        if original is None or original["customer_id"] != customer_id:
            raise NotFound(entry_id)
        if original["kind"] == "reversal" or repo.is_reversed(cur, entry_id):
            raise ValidationFailed([FieldError("entry", "already_reversed")])
        values = {
            "kind": "reversal",
            "amount": reversal_amount(Decimal(original["amount"])),
            "occurred_on": clock.local_day(moment),
            "reference": original["reference"],
            "reason": why,
            "reverses_id": entry_id,
            "idempotency_key": idempotency_key,
        }
        return account_ledger.post(uow, customer_id, values, first=[entry_id])

    hold = account_ledger.customer_lock(customer_id)
    return unit_of_work.run(actor, "accounts.reverse", SCREEN_ACCOUNT, work, moment, hold)


# Reading ---------------------------------------------------------------------------------
def activity(
    actor: Actor,
    customer_id: int,
    *,
    since: date | None = None,
    until: date | None = None,
    kinds: Sequence[str] | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> tuple[list[dict[str, Any]], int]:
    """Entries newest first with the running balance, filtered and paged."""
    require(actor, "accounts.view")
    with db.cursor() as cur:
        return repo.activity(
            cur,
            customer_id,
            since=since,
            until=until,
            kinds=[k for k in (kinds or []) if k in KINDS] or None,
            limit=page_size,
            offset=page * page_size,
        )


def activity_csv(actor: Actor, customer_id: int, **filters: Unpack[ActivityFilters]) -> bytes:
    """Every matching entry as CSV (UTF-8 with BOM)."""
    rows, _ = activity(actor, customer_id, **filters, page_size=1_000_000)
    header = ["date", "kind", "reference", "method", "reason", "staff", "amount", "balance"]
    return csv_bytes(
        header,
        (
            [
                r["occurred_on"],
                r["kind"],
                r["reference"] or "",
                r["method"] or "",
                r["reason"] or "",
                r["staff_name"],
                r["amount"],
                r["balance"],
            ]
            for r in rows
        ),
    )


def statement(actor: Actor, customer_id: int, start: date, end: date) -> bytes:
    """A PDF statement for a period: opening balance, entries, closing, aged totals."""
    require(actor, "accounts.view")
    if start > end:
        raise ValidationFailed([FieldError("period", "period_invalid")])
    with db.cursor() as cur:
        customer = customers_repo.get(cur, customer_id)
        account = repo.account(cur, customer_id)
        if customer is None or account is None:
            raise NotFound(customer_id)
        opening = repo.balance_before(cur, customer_id, start)
        rows = repo.entries_between(cur, customer_id, start, end)
        open_debits = repo.open_debits_as_of(cur, customer_id, end)
    balance = opening
    entries = []
    for r in rows:
        balance += Decimal(r["amount"])
        entries.append(
            StatementEntry(
                r["occurred_on"], r["kind"], r["reference"] or "", Decimal(r["amount"]), balance
            )
        )
    aged = aged_totals(
        ((d["occurred_on"], Decimal(d["owed"])) for d in open_debits),
        int(account["payment_terms_days"]),
        end,
    )
    name = " ".join(p for p in (customer["first_name"], customer["last_name"]) if p)
    header = shop_header(customer)
    document = Statement(
        shop=header,
        customer_name=name,
        account_number=customer["account_number"],
        address_lines=postal_lines(customer, header.country, header.language)[1:]
        if name
        else postal_lines(customer, header.country, header.language),
        period_start=start,
        period_end=end,
        opening_balance=opening,
        entries=tuple(entries),
        closing_balance=balance,
        aged=tuple(aged[b] for b in BUCKETS),
    )
    return statement_pdf(document)


BalancesReport = aged_balances.BalancesReport
BALANCE_PAGE = aged_balances.BALANCE_PAGE
BALANCE_SORTS = aged_balances.BALANCE_SORTS


def balances(
    actor: Actor, today: date | None = None, **query: Unpack[aged_balances.BalanceQuery]
) -> BalancesReport:
    """Aged balances (managers); only: over_limit, near_limit (>= 90 %) or overdue.

    shop_code keeps the accounts used at that shop (a charge, payment or other entry
    recorded there); their balances stay the chain's.
    """
    require(actor, "accounts.balances")
    return aged_balances.report(today or clock.local_day(), **query)


def forget_balances() -> None:
    """Drop the kept aged balances (benchmarks measure the query itself)."""
    aged_balances.forget()


def check_consistency(customer_id: int) -> dict[str, Any]:
    """Balance against the ledger sum and allocation bounds (tests and repairs)."""
    with db.cursor() as cur:
        account = repo.account(cur, customer_id)
        return {
            "balance": Decimal(account["balance"]) if account else ZERO,
            "ledger": repo.ledger_sum(cur, customer_id),
            **repo.allocation_totals(cur, customer_id),
        }


def email_statement(
    actor: Actor,
    customer_id: int,
    start: date,
    end: date,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """E-mail an account statement for the period to the customer, in their language."""
    pdf = statement(actor, customer_id, start, end)
    with db.cursor() as cur:
        customer = customers_repo.get(cur, customer_id) or {}
    header = shop_header(customer)
    values = {
        "first_name": customer.get("first_name") or customer.get("last_name") or "",
        "shop_name": header.name,
        "start": format_date(start, header.language),
        "end": format_date(end, header.language),
    }
    return sender.send(
        actor,
        customer_id,
        "email",
        t("message.statement.body", header.language, **values),
        idempotency_key,
        subject=t("message.statement.subject", header.language, **values),
        attachment=(
            f"statement-{customer.get('account_number', customer_id)}-{end:%Y%m%d}.pdf",
            pdf,
        ),
        now=now,
    )
