"""Gift vouchers: the till's voucher line, the card's list, expiry changes, cancelling,
reprinting and e-mailing, the managers' Vouchers page. Spending and issuing happen in
the sale's unit of work (operations/voucher_ledger.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import vouchers as repo
from comptoir.i18n import format_money, t
from comptoir.logic.accounts import parse_amount
from comptoir.logic.audit import FieldChange, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import (
    FieldError,
    FieldProblem,
    StaleRecord,
    ValidationFailed,
    present,
)
from comptoir.logic.text import clean_text
from comptoir.logic.vouchers import STATES, format_code, is_ours, state, till_code
from comptoir.operations import catalogue, clock, printouts, sender, unit_of_work, voucher_ledger
from comptoir.operations.sale_closing import LineRequest
from comptoir.operations.settings import current as shop_settings
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.model import Voucher
from comptoir.printing.pdf import voucher_pdf

SCREEN = "vouchers"
PAGE_SIZE = 50


def default_expiry() -> date | None:
    """The last day of a voucher sold today, by the Settings' validity."""
    return voucher_ledger.default_expiry(shop_settings().values, clock.local_day())


def voucher_line(amount: object, expires_on: date | None = None) -> LineRequest:
    """A till line that sells a gift voucher of amount (no tax, no discount), valid until
    expires_on (None: the Settings' validity)."""
    errors: list[FieldError] = []
    try:
        value = parse_amount(amount)
    except FieldProblem as problem:
        errors.append(FieldError("voucher_amount", problem.code, problem.params))
    if expires_on is not None and expires_on < clock.local_day():
        errors.append(FieldError("voucher_expires_on", "date_in_past"))
    if errors:
        raise ValidationFailed(errors)
    product = catalogue.system_product(catalogue.VOUCHER)
    return LineRequest(
        int(product["id"]),
        "1",
        unit_price=value,
        name=product["name"],
        fixed=True,
        gift_voucher=True,
        voucher_expires_on=expires_on,
    )


def _with_state(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["state"] = state(row["status"], Decimal(row["balance"]), row["expires_on"], today)
    # What can still be spent: nothing once cancelled (the stored balance is history).
    row["usable"] = Decimal(0) if row["state"] == "cancelled" else Decimal(row["balance"])
    row["shown_code"] = format_code(row["code"])
    return row


def customer_vouchers(actor: Actor, customer_id: int) -> list[dict[str, Any]]:
    """The customer's vouchers with balance and state (active, used, expired, cancelled)."""
    require(actor, "customers.view")
    today = clock.local_day()
    with db.cursor() as cur:
        return [_with_state(v, today) for v in repo.of_customer(cur, customer_id)]


def find(actor: Actor, typed: object) -> dict[str, Any]:
    """A voucher by its code (a mistyped code of ours is refused as such; a code another
    system printed is found only on a voucher brought from it)."""
    require(actor, "sales.view")
    try:
        code = till_code(typed)
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("vouchers", problem.code, problem.params)]) from None
    with db.cursor() as cur:
        if not is_ours(code) and not repo.imported_voucher(cur, code):
            raise ValidationFailed([FieldError("vouchers", "voucher_code_invalid")])
        found = repo.by_code(cur, code)
    if found is None:
        raise ValidationFailed([FieldError("vouchers", "voucher_unknown")])
    return _with_state(found, clock.local_day())


def detail(actor: Actor, voucher_id: int) -> dict[str, Any]:
    """A voucher with its history."""
    require(actor, "customers.view")
    with db.cursor() as cur:
        found = present(repo.voucher(cur, voucher_id), voucher_id)
    return _with_state(found, clock.local_day())


def _change(
    uow: UnitOfWork,
    voucher_id: int,
    version: int,
    fields: dict[str, Any],
    kind: str,
    note: str,
    audited: str,
) -> None:
    """Change a voucher still in use at version; its entry and audit (the audited field
    before and after) in the unit of work."""
    current = present(repo.voucher(uow.cur, voucher_id), voucher_id)
    if current["status"] == "cancelled":
        raise ValidationFailed([FieldError("status", "voucher_cancelled")])
    if not repo.update_voucher(uow.cur, voucher_id, version, fields, uow.now):
        raise StaleRecord(voucher_id, current["version"])
    staff = uow.actor.display_name
    repo.entry(uow.cur, voucher_id, kind, Decimal(0), None, note, uow.now, staff)
    changes = [
        FieldChange("voucher", None, format_code(current["code"])),
        *(
            FieldChange(f"voucher.{c.field}", c.before, c.after)
            for c in diff(current, fields, [audited])
        ),
    ]
    owner = current["customer_id"]
    uow.audit("update", "customer" if owner else "voucher", owner or voucher_id, changes)


def _reason(raw: object) -> str:
    try:
        text = clean_text(raw, 300, multiline=False)
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("reason", problem.code, problem.params)]) from None
    if not text:
        raise ValidationFailed([FieldError("reason", "required")])
    return text


def change_expiry(
    actor: Actor,
    voucher_id: int,
    version: int,
    expires_on: date | None,
    reason: object,
    now: datetime | None = None,
) -> None:
    """A new last day of use (None: never expires), with the reason kept."""

    def work(uow: UnitOfWork) -> None:
        why = _reason(reason)
        fields = {"expires_on": expires_on}
        _change(uow, voucher_id, version, fields, "expiry", why, "expires_on")

    unit_of_work.run(actor, "sales.record", SCREEN, work, now)


def cancel(
    actor: Actor, voucher_id: int, version: int, reason: object, now: datetime | None = None
) -> None:
    """Cancel a voucher for good: its balance can no longer be spent (reason kept)."""

    def work(uow: UnitOfWork) -> None:
        why = _reason(reason)
        fields = {"status": "cancelled", "cancel_reason": why, "cancelled_at": uow.now}
        _change(uow, voucher_id, version, fields, "cancelled", why, "status")

    unit_of_work.run(actor, "sales.record", SCREEN, work, now)


def document(voucher: dict[str, Any]) -> Voucher:
    """The printable voucher (as issued: its amount and code, its expiry now)."""
    with db.cursor() as cur:
        customer = (
            customers_repo.get(cur, voucher["customer_id"]) if voucher["customer_id"] else None
        )
    return Voucher(
        shop=printouts.shop_header(customer, voucher["shop_code"]),
        code=format_code(voucher["code"]),
        amount=Decimal(voucher["amount"]),
        expires_on=voucher["expires_on"],
        issued_on=clock.local(voucher["issued_at"]).date(),
        balance=Decimal(voucher["balance"]),
    )


def _valid(voucher: dict[str, Any]) -> dict[str, Any]:
    """A voucher that may go out as valid paper or e-mail: a cancelled, expired or spent
    one is refused (the till would refuse its code), naming its state."""
    if voucher["state"] != "active":
        raise ValidationFailed([FieldError("status", f"voucher_not_valid_{voucher['state']}")])
    return voucher


def reprint(actor: Actor, voucher_id: int) -> printouts.PrintOutcome:
    """Print the voucher again (receipt printer, else the PDF); logged."""
    require(actor, "print.documents")
    voucher = _valid(detail(actor, voucher_id))
    about = f"customer:{voucher['customer_id']}" if voucher["customer_id"] else None
    name = f"voucher-{voucher['code']}.pdf"
    return printouts.on_receipt_printer(actor, "voucher", document(voucher), about, name)


def email(actor: Actor, voucher_id: int, idempotency_key: str) -> int:
    """E-mail the voucher's PDF to its customer; the message id."""
    voucher = _valid(detail(actor, voucher_id))
    if not voucher["customer_id"]:
        raise ValidationFailed([FieldError("customer", "voucher_no_customer")])
    made = document(voucher)
    language = made.shop.language
    # What it is worth now: a partly spent voucher is sent with what is left.
    amount = format_money(
        made.balance or made.amount, made.shop.currency, language, made.shop.country
    )
    return sender.send(
        actor,
        voucher["customer_id"],
        "email",
        t("vouchers.email_body", language, amount=amount, code=made.code, shop=made.shop.name),
        idempotency_key,
        subject=t("vouchers.email_subject", language, shop=made.shop.name),
        kind="transactional",
        attachment=(f"voucher-{voucher['code']}.pdf", voucher_pdf(made)),
    )


def search(
    actor: Actor,
    code: str = "",
    states: Sequence[str] = STATES,
    expires_before: date | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> tuple[list[dict[str, Any]], int]:
    """Vouchers for the managers' page: by code, state and expiry, newest first."""
    require(actor, "vouchers.manage")
    typed = "".join(c for c in code.upper() if c.isalnum())
    today = clock.local_day()
    with db.cursor() as cur:
        rows, total = repo.search(
            cur,
            typed,
            list(states) or list(STATES),
            today,
            expires_before,
            page_size,
            page * page_size,
        )
    return [_with_state(r, today) for r in rows], total


def liability(actor: Actor) -> Decimal:
    """What the shop owes on vouchers: the balances of active ones."""
    require(actor, "vouchers.manage")
    with db.cursor() as cur:
        return repo.liability(cur, clock.local_day())


def sold_by(actor: Actor, sale_id: int) -> list[dict[str, Any]]:
    """The vouchers a sale sold (to print them)."""
    require(actor, "sales.view")
    today = clock.local_day()
    with db.cursor() as cur:
        return [_with_state(v, today) for v in repo.sold_by_sale(cur, sale_id).values()]
