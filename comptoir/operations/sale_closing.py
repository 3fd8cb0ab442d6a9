"""Closing a sale or a return inside a use case's unit of work.

A sale is closed in one transaction (lines, tenders, receipt number, account charge,
vouchers, points, audit) and never edited after; a return is a new sale with negative
lines that points at the original. The till (services/till.py), returns
(services/returns.py) and the workshop (an order's deposit or collection) compose these
operations in their own unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import delivery as delivery_repo
from comptoir.data import products as products_repo
from comptoir.data import sales as repo
from comptoir.data import settings as settings_repo
from comptoir.data import workshop as workshop_repo
from comptoir.logic.accounts import parse_amount
from comptoir.logic.audit import FieldChange
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed, present
from comptoir.logic.pricing import (
    TENDERS,
    ZERO,
    LineAmounts,
    SaleTotals,
    check_tenders,
    parse_percent,
    parse_quantity,
    price_line,
    totals,
    unit_price,
)
from comptoir.logic.returns import PARTS as RETURN_PARTS
from comptoir.logic.returns import ReturnableLine, parse_return_quantity, refund_amounts
from comptoir.logic.shops import counter_for_receipts
from comptoir.logic.vouchers import format_code, till_code
from comptoir.operations import account_ledger, rewards_ledger, voucher_ledger
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_TILL = "new_sale"


@dataclass(frozen=True)
class LineRequest:
    """One line as typed at the till."""

    product_id: int
    quantity: object = "1"
    line_discount: object = ""
    # Set by services, never by the till: an order's line keeps the price agreed when
    # it was added (even if the product has since changed or been withdrawn), and a
    # deposit line is fixed (no discount of any kind applies to it).
    unit_price: Decimal | None = None
    name: str | None = None
    fixed: bool = False
    gift_voucher: bool = False  # the line sells a gift voucher of unit_price
    voucher_expires_on: date | None = None  # its last day (None: from Settings)


@dataclass(frozen=True)
class PricedLine:
    """A line ready to show or store."""

    product_id: int
    sku: str
    name: str
    line_discount_percent: Decimal
    amounts: LineAmounts


def parse_lines(lines: Sequence[LineRequest]) -> list[tuple[LineRequest, Decimal, Decimal]]:
    if not lines:
        raise ValidationFailed([FieldError("lines", "sale_empty")])
    errors, parsed = [], []
    for number, line in enumerate(lines, start=1):
        try:
            quantity = parse_quantity(line.quantity)
        except FieldProblem as problem:
            errors.append(FieldError("quantity", problem.code, {"line": str(number)}))
            continue
        try:
            discount = parse_percent(line.line_discount)
        except FieldProblem as problem:
            errors.append(FieldError("line_discount", problem.code, {"line": str(number)}))
            continue
        parsed.append((line, quantity, discount))
    if errors:
        raise ValidationFailed(errors)
    return parsed


def price(
    cur: Any, customer: Mapping[str, Any] | None, parsed, include_tax: bool
) -> list[PricedLine]:
    """Each line priced for the customer (their level, discount, exemption) now."""
    products = products_repo.by_ids(cur, [line.product_id for line, _, _ in parsed])
    errors, priced = [], []
    level = customer["price_level"] if customer else None
    customer_discount = Decimal(customer["discount_percent"]) if customer else ZERO
    exempt = bool(customer["tax_exempt"]) if customer else False
    for number, (line, quantity, discount) in enumerate(parsed, start=1):
        product = products.get(line.product_id)
        if product is None:
            errors.append(FieldError("product", "product_unknown", {"line": str(number)}))
            continue
        if not product["active"] and line.unit_price is None:
            errors.append(
                FieldError(
                    "product", "product_inactive", {"line": str(number), "sku": product["sku"]}
                )
            )
            continue
        unit = (
            line.unit_price
            if line.unit_price is not None
            else unit_price(Decimal(product["price"]), product["levels"], level)
        )
        if line.fixed:
            discount = ZERO
        amounts = price_line(
            unit,
            quantity,
            Decimal(product["tax_rate"]),
            line_discount_percent=discount,
            customer_discount_percent=ZERO if line.fixed else customer_discount,
            tax_exempt=exempt,
            prices_include_tax=include_tax,
        )
        name = line.name or product["name"]
        priced.append(PricedLine(line.product_id, product["sku"], name, discount, amounts))
    if errors:
        raise ValidationFailed(errors)
    return priced


def live_customer(cur: Any, customer_id: int | None, hold: bool = False) -> dict[str, Any] | None:
    """The customer a sale or an order is for (None: a walk-in); refused when archived.

    hold (in a writing transaction): the card is written to, so a merge or an archive of
    it running at the same moment conflicts (DuckDB) or waits (PostgreSQL) instead of
    leaving the sale on a record that was just archived.
    """
    if customer_id is None:
        return None
    if hold:
        customers_repo.hold(cur, customer_id)
    customer = present(customers_repo.get(cur, customer_id), customer_id)
    if customer["archived"]:
        raise ValidationFailed([FieldError("customer", "customer_archived")])
    return customer


def include_tax(values: Mapping[str, str]) -> bool:
    return values.get("prices_include_tax", "true").lower() == "true"


def _parse_tenders(
    tenders: Sequence[tuple[str, object]], negative: bool
) -> list[tuple[str, Decimal]]:
    parsed, errors = [], []
    for method, raw in tenders:
        if raw in (None, "") or str(raw).strip() in ("", "0"):
            continue
        try:
            amount = parse_amount(raw)
        except FieldProblem as problem:
            errors.append(FieldError("tenders", problem.code, {**problem.params, "method": method}))
            continue
        parsed.append((method, -amount if negative else amount))
    if errors:
        raise ValidationFailed(errors)
    return parsed


def _store(
    uow: UnitOfWork,
    sale: dict[str, Any],
    rows: list[dict[str, Any]],
    recorded: Sequence[tuple[str, Decimal]],
    values: Mapping[str, str] | None = None,
) -> int:
    """Number, insert, post the account tender and audit one sale (inside its transaction).

    The sale belongs to this server's shop: its receipt number comes from that
    shop's counter with that shop's prefix.
    """
    cur, moment, actor = uow.cur, uow.now, uow.actor
    customer_id = sale["customer_id"]
    if any(m == "account" for m, _ in recorded) and customer_id is None:
        raise ValidationFailed([FieldError("tenders", "account_needs_customer")])
    code = here()
    if values is None:
        values = settings_repo.get_all(cur, code)
    prefix = values.get("receipt_prefix", "R")
    number = f"{prefix}{repo.next_number(cur, counter_for_receipts(code)):06d}"
    sale = {
        **sale,
        "shop_code": code,
        "receipt_number": number,
        "sold_at": moment,
        "staff_id": actor.staff_id,
        "staff_name": actor.display_name,
    }
    sale_id = repo.insert_sale(cur, sale, rows, recorded)
    for method, amount in recorded:
        if method == "account":
            account_ledger.post_sale_tender(uow, customer_id, amount, number)
    refund_of = sale.get("refund_of")
    changes = [
        FieldChange("receipt_number", None, number),
        FieldChange("total", None, str(sale["total"])),
    ]
    if refund_of:
        changes.append(FieldChange("refund_of", None, str(refund_of)))
    uow.audit(
        "refund_sale" if refund_of else "sale",
        "customer" if customer_id else "sale",
        customer_id if customer_id else sale_id,
        changes,
        screen=SCREEN_TILL,
    )
    return sale_id


def _line_row(number: int, amounts: LineAmounts, **fields: Any) -> dict[str, Any]:
    return {
        "line_no": number,
        "quantity": amounts.quantity,
        "unit_price": amounts.unit_price,
        "discount": amounts.discount,
        "customer_discount": amounts.customer_discount,
        "net": amounts.net,
        "tax_rate": amounts.tax_rate,
        "tax": amounts.tax,
        "gross": amounts.gross,
        **fields,
    }


def _tendered(total: Decimal, tenders: Sequence[tuple[str, object]]):
    try:
        return check_tenders(total, _parse_tenders(tenders, total < 0))
    except FieldProblem as problem:
        raise ValidationFailed([FieldError("tenders", problem.code, problem.params)]) from None


@dataclass(frozen=True)
class Basket:
    """A sale's lines, vouchers and points as checked before its transaction (nothing
    here needs the database); each gift voucher sold already has its code."""

    codes: list[str | None]
    named: list[LineRequest]
    parsed: list[tuple[LineRequest, Decimal, Decimal]]
    spends: list[tuple[str, Decimal]]
    points: object


def basket(
    lines: Sequence[LineRequest],
    vouchers: Sequence[tuple[object, object]] = (),
    points: object = None,
) -> Basket:
    """Check what was typed at the till; ValidationFailed names each line and field."""
    # Each voucher sold gets its code now, so the line (and receipt) names it.
    codes = [voucher_ledger.draw_code() if line.gift_voucher else None for line in lines]
    named = [
        replace(line, name=f"{line.name or voucher_ledger.NAMES['en']} {format_code(code)}")
        if code
        else line
        for line, code in zip(lines, codes, strict=True)
    ]
    wanted = points if points not in (None, "", 0, "0") else None
    return Basket(codes, named, parse_lines(named), _parse_vouchers(vouchers), wanted)


def done(uow: UnitOfWork, idempotency_key: str) -> int | None:
    """The sale (or return) already closed with this key: a repeated click closes nothing."""
    return repo.sale_by_key(uow.cur, idempotency_key)


def close(
    uow: UnitOfWork,
    customer_id: int | None,
    basket: Basket,
    tenders: Sequence[tuple[str, object]],
    idempotency_key: str,
    delivery_address_id: int | None = None,
) -> int:
    """Close a sale inside the unit of work: priced by the customer's terms now, numbered,
    paid (account, vouchers, points), vouchers sold issued, points earned; its id."""
    cur = uow.cur
    values = settings_repo.get_all(cur, here())
    with_tax = include_tax(values)
    customer = live_customer(cur, customer_id, hold=True)
    if delivery_address_id is not None:
        _check_delivery(cur, customer_id, delivery_address_id)
    priced = price(cur, customer, basket.parsed, with_tax)
    sale_totals = totals(p.amounts for p in priced)
    extra = [("voucher", amount) for _, amount in basket.spends]
    spent_points = 0
    if basket.points is not None:
        spent_points, worth = rewards_ledger.price_points(uow, customer_id, basket.points)
        extra.append(("rewards", worth))
    recorded, change = _tendered(sale_totals.total, [*tenders, *extra])
    sale = {
        "customer_id": customer_id,
        "prices_include_tax": with_tax,
        "tax_exempt": bool(customer["tax_exempt"]) if customer else False,
        "customer_tax_number": customer["tax_number"] if customer else None,
        "customer_discount_percent": Decimal(customer["discount_percent"]) if customer else ZERO,
        "net_total": sale_totals.net,
        "tax_total": sale_totals.tax,
        "total": sale_totals.total,
        "change_given": change,
        "refund_of": None,
        "idempotency_key": idempotency_key,
        "delivery_address_id": delivery_address_id,
    }
    rows = [
        _line_row(
            n,
            p.amounts,
            product_id=p.product_id,
            sku=p.sku,
            name=p.name,
            line_discount_percent=p.line_discount_percent,
        )
        for n, p in enumerate(priced, start=1)
    ]
    sale_id = _store(uow, sale, rows, recorded, values)
    for number, (code, line, asked) in enumerate(
        zip(basket.codes, priced, basket.named, strict=True), start=1
    ):
        if code:
            voucher_ledger.issue(
                uow,
                sale_id,
                number,
                code,
                line.amounts.gross,
                customer_id,
                values,
                asked.voucher_expires_on,
            )
    voucher_ledger.spend(uow, sale_id, basket.spends)
    if spent_points:
        rewards_ledger.spend(uow, int(customer_id or 0), spent_points, sale_id)
    rewards_ledger.earn(
        uow, customer_id, [(p.sku, p.amounts.gross) for p in priced], recorded, sale_id
    )
    return sale_id


def _parse_vouchers(vouchers: Sequence[tuple[object, object]]) -> list[tuple[str, Decimal]]:
    """Voucher codes (a typo in one of ours refused at spending, before any balance moves)
    and the amounts to take off them."""
    spends: list[tuple[str, Decimal]] = []
    errors: list[FieldError] = []
    for typed, amount in vouchers:
        try:
            spends.append((till_code(typed), parse_amount(amount)))
        except FieldProblem as problem:
            errors.append(FieldError("vouchers", problem.code, problem.params))
    if len({code for code, _ in spends}) != len(spends):
        errors.append(FieldError("vouchers", "voucher_twice"))
    if errors:
        raise ValidationFailed(errors)
    return spends


def _check_delivery(cur, customer_id: int | None, address_id: int) -> None:
    found = delivery_repo.address(cur, address_id)
    if found is None or found["customer_id"] != customer_id or found["removed_at"] is not None:
        raise ValidationFailed([FieldError("delivery_address", "not_customers_address")])


def _returnable(line: Mapping[str, Any], so_far: Mapping[str, Any] | None) -> ReturnableLine:
    done = so_far or {}
    return ReturnableLine(
        quantity=Decimal(line["quantity"]),
        unit_price=Decimal(line["unit_price"]),
        tax_rate=Decimal(line["tax_rate"]),
        paid={name: Decimal(line[name]) for name in RETURN_PARTS},
        returned_quantity=Decimal(done.get("returned_quantity", 0)),
        refunded={name: Decimal(done.get(name, 0)) for name in RETURN_PARTS},
    )


def check_refund_method(tender_method: str) -> None:
    """A return is paid back by a till tender or onto a gift voucher."""
    if tender_method not in (*TENDERS, "voucher"):
        allowed = ", ".join(TENDERS)
        raise ValidationFailed([FieldError("tenders", "not_in_list", {"allowed": allowed})])


def refund(
    uow: UnitOfWork,
    sale_id: int,
    quantities: Mapping[int, object],
    tender_method: str,
    idempotency_key: str,
    from_order: bool = False,
) -> int:
    """Return items of a sale inside the unit of work: a new sale with negative lines
    pointing at the original; its id.

    Everything refunded comes from the stored lines (price, discounts, tax, exemption);
    the quantities left are checked and taken inside this transaction, so concurrent
    returns never give back more than was sold. A deposit is given back only by its
    order (from_order: the order's cancellation composes this return).
    """
    cur = uow.cur
    original = present(repo.sale(cur, sale_id), sale_id)
    if original["refund_of"] is not None:
        raise ValidationFailed([FieldError("sale", "sale_is_return")])
    if original["imported_batch"] is not None:  # the money was taken by the other system
        raise ValidationFailed([FieldError("sale", "sale_imported")])
    if not from_order and workshop_repo.is_deposit(cur, sale_id):
        raise ValidationFailed([FieldError("sale", "deposit_refund_from_order")])
    so_far = repo.refunded_so_far(cur, sale_id)
    errors, refunds = [], []
    for line in original["lines"]:
        number = line["line_no"]
        raw = quantities.get(number)
        if number not in so_far:  # a line that was itself a return at the till
            continue
        returnable = _returnable(line, so_far[number])
        try:
            quantity = parse_return_quantity(raw, returnable)
        except FieldProblem as problem:
            params = {"left": f"{returnable.left.normalize():f}", **problem.params}
            errors.append(FieldError("quantity", problem.code, {"line": str(number), **params}))
            continue
        if quantity is not None:
            refunds.append((line, refund_amounts(returnable, quantity)))
    if errors:
        raise ValidationFailed(errors)
    if not refunds:
        raise ValidationFailed([FieldError("lines", "sale_empty")])
    for line, amounts in refunds:
        if not repo.take_return(cur, sale_id, line["line_no"], -amounts.quantity):
            raise ValidationFailed(
                [FieldError("quantity", "refund_taken", {"line": str(line["line_no"])})]
            )
    refund_totals = totals(amounts for _, amounts in refunds)
    paid_back = [(tender_method, -refund_totals.total)] if refund_totals.total else []
    recorded, change = _tendered(refund_totals.total, paid_back)
    sale = {
        "customer_id": original["customer_id"],
        # The return carries the sale's terms, whatever the customer's are today.
        "prices_include_tax": original["prices_include_tax"],
        "tax_exempt": original["tax_exempt"],
        "customer_tax_number": original["customer_tax_number"],
        "customer_discount_percent": original["customer_discount_percent"],
        "net_total": refund_totals.net,
        "tax_total": refund_totals.tax,
        "total": refund_totals.total,
        "change_given": change,
        "refund_of": sale_id,
        "idempotency_key": idempotency_key,
    }
    rows = [
        _line_row(
            n,
            amounts,
            product_id=line["product_id"],
            sku=line["sku"],
            name=line["name"],
            line_discount_percent=line["line_discount_percent"],
            returns_line_no=line["line_no"],
        )
        for n, (line, amounts) in enumerate(refunds, start=1)
    ]
    refund_id = _store(uow, sale, rows, recorded)
    voucher_ledger.cancel_returned(uow, sale_id, [line["line_no"] for line, _ in refunds])
    if tender_method == "voucher":
        voucher_ledger.give_back(uow, sale_id, -refund_totals.total, refund_id)
    rewards_ledger.take_back(uow, original, refund_totals.total, refund_id)
    return refund_id


def customer_of(sale_id: int) -> int | None:
    """The customer a stored sale was for (None: a walk-in or no such sale)."""
    with db.cursor() as cur:
        original = repo.sale(cur, sale_id)
    return original["customer_id"] if original else None


def hold(customer_id: int | None) -> AbstractContextManager:
    """The in-process locks a sale takes: its customer's money and the receipt counter.

    Every sale takes the receipt counter row: one at a time in this process spares
    conflict retries; across processes the row conflict (then Busy) still holds.
    """
    stack = ExitStack()
    if customer_id is not None:
        stack.enter_context(account_ledger.customer_lock(customer_id))
    stack.enter_context(db.process_lock(counter_for_receipts(here())))
    return stack


def preview(
    customer_id: int | None, lines: Sequence[LineRequest]
) -> tuple[list[PricedLine], SaleTotals]:
    """Price a basket without storing anything (the till shows it as you type)."""
    parsed = parse_lines(lines)
    with db.cursor() as cur:
        customer = live_customer(cur, customer_id)
        values = settings_repo.get_all(cur, here())
        priced = price(cur, customer, parsed, include_tax(values))
    return priced, totals(p.amounts for p in priced)
