"""Gift vouchers inside a sale's unit of work: sold as lines, spent as tenders, given back
by returns. The user's actions on vouchers are in services/vouchers.py."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from comptoir.data import vouchers as repo
from comptoir.i18n.catalog import system_product_names
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed
from comptoir.logic.pricing import ZERO
from comptoir.logic.vouchers import (
    ALPHABET,
    BODY,
    check_redeem,
    expiry,
    is_ours,
    new_code,
    parse_months,
)
from comptoir.operations.catalogue import VOUCHER
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

NAMES = system_product_names(VOUCHER)


def default_expiry(values: Mapping[str, str], issued_on: date) -> date | None:
    """The last day of a voucher issued that day, by the Settings' validity."""
    try:
        months = parse_months(values.get("voucher_validity_months", "12"))
    except FieldProblem:
        months = 12
    return expiry(issued_on, months)


def draw_code() -> str:
    """A new code: 12 characters from the operating system's random source + check."""
    return new_code("".join(secrets.choice(ALPHABET) for _ in range(BODY)))


def issue(
    uow: UnitOfWork,
    sale_id: int,
    line_no: int,
    code: str,
    amount: Decimal,
    customer_id: int | None,
    values: Mapping[str, str],
    expires_on: date | None = None,
) -> int:
    """The voucher a sale line sold (its expiry as chosen, else from the Settings' values)."""
    cur, moment = uow.cur, uow.now
    voucher_id = repo.insert_voucher(
        cur,
        {
            "code": code,
            "customer_id": customer_id,
            "amount": amount,
            "balance": amount,
            "status": "active",
            "expires_on": expires_on or default_expiry(values, uow.today),
            "issued_at": moment,
            "sale_id": sale_id,
            "sale_line_no": line_no,
            "shop_code": here(),
            "updated_at": moment,
        },
    )
    repo.entry(cur, voucher_id, "issued", amount, sale_id, "", moment, uow.staff)
    return voucher_id


def spend(uow: UnitOfWork, sale_id: int, spends: Sequence[tuple[str, Decimal]]) -> None:
    """Take each voucher's amount for the sale, or refuse the sale naming why."""
    cur, today = uow.cur, uow.today
    for code, amount in spends:
        if not is_ours(code) and not repo.imported_voucher(cur, code):
            raise ValidationFailed([FieldError("vouchers", "voucher_code_invalid")])
        voucher_id = repo.spend(cur, code, amount, today)
        if voucher_id is None:
            found = repo.by_code(cur, code)
            if found is None:
                raise ValidationFailed([FieldError("vouchers", "voucher_unknown")])
            try:
                check_redeem(
                    found["status"], Decimal(found["balance"]), found["expires_on"], today, amount
                )
            except FieldProblem as problem:
                raise ValidationFailed(
                    [FieldError("vouchers", problem.code, problem.params)]
                ) from None
            raise ValidationFailed([FieldError("vouchers", "voucher_balance_short")])
        repo.entry(cur, voucher_id, "redeemed", amount, sale_id, "", uow.now, uow.staff)


def give_back(uow: UnitOfWork, original_id: int, amount: Decimal, refund_id: int) -> None:
    """A return paid back to the vouchers that paid the sale, up to what each paid."""
    cur = uow.cur
    left = amount
    for paid in repo.redeemed_by_sale(cur, original_id):
        if left <= 0:
            break
        part = min(left, Decimal(paid["amount"]))
        if part <= 0:
            continue
        repo.restore(cur, paid["voucher_id"], part)
        repo.entry(
            cur,
            paid["voucher_id"],
            "restored",
            part,
            refund_id,
            f"sale:{original_id}",
            uow.now,
            uow.staff,
        )
        left -= part
    if left > 0:
        raise ValidationFailed([FieldError("tenders", "voucher_refund_over")])


def cancel_returned(uow: UnitOfWork, original_id: int, line_numbers: Sequence[int]) -> None:
    """Returning a sold voucher cancels it, only while nothing of it was spent."""
    cur, moment = uow.cur, uow.now
    sold: Mapping[int, dict[str, Any]] = repo.sold_by_sale(cur, original_id)
    for number in line_numbers:
        voucher = sold.get(number)
        if voucher is None:
            continue
        if voucher["status"] != "active" or Decimal(voucher["balance"]) != Decimal(
            voucher["amount"]
        ):
            raise ValidationFailed([FieldError("quantity", "voucher_already_used")])
        repo.update_voucher(
            cur,
            voucher["id"],
            voucher["version"],
            {"status": "cancelled", "cancel_reason": "returned", "cancelled_at": moment},
            moment,
        )
        repo.entry(
            cur, voucher["id"], "cancelled", ZERO, original_id, "returned", moment, uow.staff
        )
