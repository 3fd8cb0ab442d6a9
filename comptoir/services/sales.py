"""Sales: the till, purchase history, receipts, sequential invoices and refunds.

A sale is closed in one transaction (lines, tenders, receipt number, account
charge, audit) and never edited after; a return is a new sale with negative
lines that points at the original.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import delivery as delivery_repo
from comptoir.data import products as products_repo
from comptoir.data import sales as repo
from comptoir.data import settings as settings_repo
from comptoir.data import vouchers as vouchers_repo
from comptoir.data import workshop as workshop_repo
from comptoir.i18n.catalog import product_name
from comptoir.logic.accounts import parse_amount
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, FieldProblem, NotFound, ValidationFailed
from comptoir.logic.pricing import (
    TENDERS,
    ZERO,
    LineAmounts,
    check_tenders,
    parse_percent,
    parse_quantity,
    price_line,
    shown_line,
    totals,
    unit_price,
)
from comptoir.logic.returns import PARTS as RETURN_PARTS
from comptoir.logic.returns import ReturnableLine, parse_return_quantity, refund_amounts
from comptoir.logic.shops import counter_for_invoices, counter_for_receipts
from comptoir.logic.vouchers import check_code, format_code
from comptoir.operations import audit, clock
from comptoir.printing.addresses import postal_lines
from comptoir.printing.layout import receipt_layout
from comptoir.printing.model import Invoice, Receipt, SaleLine, TaxLine, Tender
from comptoir.printing.pdf_a4 import invoice_pdf, receipt_pdf
from comptoir.services import accounts, printing, rewards_ledger, voucher_ledger
from comptoir.services.shop import here

SCREEN_TILL = "new_sale"
SCREEN_HISTORY = "purchase_history"
PAGE_SIZE = 20


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


def _now(now: datetime | None) -> datetime:
    return clock.utc(now)


def _parse_lines(lines: Sequence[LineRequest]) -> list[tuple[LineRequest, Decimal, Decimal]]:
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


def _price(cur, customer: Mapping[str, Any] | None, parsed, include_tax: bool) -> list[PricedLine]:
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


def live_customer(cur, customer_id: int | None, hold: bool = False) -> dict[str, Any] | None:
    """The customer a sale or an order is for (None: a walk-in); refused when archived.

    hold (in a writing transaction): the card is written to, so a merge or an archive of
    it running at the same moment conflicts (DuckDB) or waits (PostgreSQL) instead of
    leaving the sale on a record that was just archived.
    """
    if customer_id is None:
        return None
    if hold:
        customers_repo.hold(cur, customer_id)
    customer = customers_repo.get(cur, customer_id)
    if customer is None:
        raise NotFound(customer_id)
    if customer["archived"]:
        raise ValidationFailed([FieldError("customer", "customer_archived")])
    return customer


def _include_tax(values: Mapping[str, str]) -> bool:
    return values.get("prices_include_tax", "true").lower() == "true"


def preview(customer_id: int | None, lines: Sequence[LineRequest]) -> tuple[list[PricedLine], Any]:
    """Price a basket without storing anything (the till shows it as you type)."""
    parsed = _parse_lines(lines)
    with db.cursor() as cur:
        customer = live_customer(cur, customer_id)
        priced = _price(cur, customer, parsed, _include_tax(settings_repo.get_all(cur, here())))
    return priced, totals(p.amounts for p in priced)


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
    cur,
    actor: Actor,
    sale: dict[str, Any],
    rows: list[dict[str, Any]],
    recorded: Sequence[tuple[str, Decimal]],
    moment: datetime,
    values: Mapping[str, str] | None = None,
) -> int:
    """Number, insert, post the account tender and audit one sale (inside its transaction).

    The sale belongs to this server's shop: its receipt number comes from that
    shop's counter with that shop's prefix.
    """
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
            accounts.post_sale_tender(cur, actor, customer_id, amount, number, moment)
    refund_of = sale.get("refund_of")
    changes = [
        FieldChange("receipt_number", None, number),
        FieldChange("total", None, str(sale["total"])),
    ]
    if refund_of:
        changes.append(FieldChange("refund_of", None, str(refund_of)))
    audit.record(
        cur,
        actor,
        "refund_sale" if refund_of else "sale",
        "customer" if customer_id else "sale",
        customer_id if customer_id else sale_id,
        SCREEN_TILL,
        changes,
        moment,
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


def record_sale(
    actor: Actor,
    customer_id: int | None,
    lines: Sequence[LineRequest],
    tenders: Sequence[tuple[str, object]],
    idempotency_key: str,
    now: datetime | None = None,
    within: Callable[[Any, int], None] | None = None,
    vouchers: Sequence[tuple[object, object]] = (),
    points: object = None,
    delivery_address_id: int | None = None,
) -> int:
    """Close a sale in one transaction; returns its id (the same one for a repeated key).

    vouchers: (code, amount) gift vouchers spent; points: rewards points spent (the
    customer's); delivery_address_id: one of the customer's delivery addresses.
    Lines may sell gift vouchers. within(cursor, sale_id), when given, runs in the
    sale's transaction (an order's deposit or collection is recorded with its sale,
    or not at all).
    """
    require(actor, "sales.record")
    moment = _now(now)
    today = clock.local_day(moment)
    # Each voucher sold gets its code now, so the line (and receipt) names it.
    codes = [voucher_ledger.draw_code() if line.gift_voucher else None for line in lines]
    named = [
        replace(line, name=f"{line.name or voucher_ledger.NAMES['en']} {format_code(code)}")
        if code
        else line
        for line, code in zip(lines, codes, strict=True)
    ]
    parsed = _parse_lines(named)
    spends = _parse_vouchers(vouchers)
    wants_points = points not in (None, "", 0, "0")

    def work(cur) -> int:
        done = repo.sale_by_key(cur, idempotency_key)
        if done is not None:
            return done
        values = settings_repo.get_all(cur, here())
        include_tax = _include_tax(values)
        customer = live_customer(cur, customer_id, hold=True)
        if delivery_address_id is not None:
            _check_delivery(cur, customer_id, delivery_address_id)
        priced = _price(cur, customer, parsed, include_tax)
        sale_totals = totals(p.amounts for p in priced)
        extra = [("voucher", amount) for _, amount in spends]
        spent_points = 0
        if wants_points:
            spent_points, worth = rewards_ledger.price_points(cur, customer_id, points)
            extra.append(("rewards", worth))
        recorded, change = _tendered(sale_totals.total, [*tenders, *extra])
        sale = {
            "customer_id": customer_id,
            "prices_include_tax": include_tax,
            "tax_exempt": bool(customer["tax_exempt"]) if customer else False,
            "customer_tax_number": customer["tax_number"] if customer else None,
            "customer_discount_percent": Decimal(customer["discount_percent"])
            if customer
            else ZERO,
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
        sale_id = _store(cur, actor, sale, rows, recorded, moment, values)
        staff = actor.display_name
        for number, (code, line, asked) in enumerate(
            zip(codes, priced, named, strict=True), start=1
        ):
            if code:
                voucher_ledger.issue(
                    cur,
                    sale_id,
                    number,
                    code,
                    line.amounts.gross,
                    customer_id,
                    moment,
                    staff,
                    asked.voucher_expires_on,
                )
        voucher_ledger.spend(cur, sale_id, spends, today, moment, staff)
        if spent_points:
            rewards_ledger.spend(cur, int(customer_id or 0), spent_points, sale_id, moment, staff)
        rewards_ledger.earn(
            cur,
            customer_id,
            [(p.sku, p.amounts.gross) for p in priced],
            recorded,
            sale_id,
            moment,
            staff,
        )
        if within is not None:
            within(cur, sale_id)
        return sale_id

    return _locked_sale(customer_id, work)


def _parse_vouchers(vouchers: Sequence[tuple[object, object]]) -> list[tuple[str, Decimal]]:
    """Voucher codes (typos refused before any lookup) and the amounts to take off them."""
    spends: list[tuple[str, Decimal]] = []
    errors: list[FieldError] = []
    for typed, amount in vouchers:
        try:
            spends.append((check_code(typed), parse_amount(amount)))
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


def _locked_sale(customer_id: int | None, work: Callable[[Any], int]) -> int:
    # Every sale takes the receipt counter row: one at a time in this process spares
    # conflict retries; across processes the row conflict (then Busy) still holds.
    customer = accounts.customer_lock(customer_id) if customer_id is not None else nullcontext()
    with customer, db.process_lock(counter_for_receipts(here())):
        return db.run_in_transaction(work)


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


def returnable_lines(actor: Actor, sale_id: int) -> dict[int, Decimal]:
    """Per line number of a sale, how many items may still be returned."""
    require(actor, "sales.view")
    with db.cursor() as cur:
        so_far = repo.refunded_so_far(cur, sale_id)
    return {
        line_no: Decimal(row["sold_quantity"]) - Decimal(row["returned_quantity"])
        for line_no, row in so_far.items()
    }


def refund_sale(
    actor: Actor,
    sale_id: int,
    quantities: Mapping[int, object],
    tender_method: str,
    idempotency_key: str,
    now: datetime | None = None,
    within: Callable[[Any, int], None] | None = None,
) -> int:
    """Return items of a sale: a new sale with negative lines pointing at the original.

    A deposit for an order is given back only by cancelling the order (within:
    the order's change, run in the return's transaction).

    Everything refunded comes from the stored lines (price, discounts, tax,
    exemption); the quantities left are checked and taken inside the return's
    own transaction, so concurrent returns never give back more than was sold.
    """
    require(actor, "sales.record")
    moment = _now(now)
    if tender_method not in (*TENDERS, "voucher"):
        allowed = ", ".join(TENDERS)
        raise ValidationFailed([FieldError("tenders", "not_in_list", {"allowed": allowed})])

    def work(cur) -> int:
        done = repo.sale_by_key(cur, idempotency_key)
        if done is not None:
            return done
        original = repo.sale(cur, sale_id)
        if original is None:
            raise NotFound(sale_id)
        if original["refund_of"] is not None:
            raise ValidationFailed([FieldError("sale", "sale_is_return")])
        if within is None and workshop_repo.is_deposit(cur, sale_id):
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
        refund_id = _store(cur, actor, sale, rows, recorded, moment)
        staff = actor.display_name
        voucher_ledger.cancel_returned(
            cur, sale_id, [line["line_no"] for line, _ in refunds], moment, staff
        )
        if tender_method == "voucher":
            voucher_ledger.give_back(cur, sale_id, -refund_totals.total, refund_id, moment, staff)
        rewards_ledger.take_back(cur, original, refund_totals.total, refund_id, moment, staff)
        if within is not None:
            within(cur, refund_id)
        return refund_id

    with db.cursor() as cur:
        original = repo.sale(cur, sale_id)
    return _locked_sale(original["customer_id"] if original else None, work)


def purchase_history(
    actor: Actor,
    customer_id: int,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    shop_code: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The customer's sales, newest first: at every shop of the chain, or at one."""
    require(actor, "sales.view")
    with db.cursor() as cur:
        return repo.history(cur, customer_id, page_size, page * page_size, shop_code)


def sale_detail(actor: Actor, sale_id: int) -> dict[str, Any]:
    """A sale in full: lines, tenders, invoice, refunds."""
    require(actor, "sales.view")
    with db.cursor() as cur:
        found = repo.sale(cur, sale_id)
    if found is None:
        raise NotFound(sale_id)
    return found


def receipt_document(sale: Mapping[str, Any]) -> Receipt:
    """The printable receipt of a stored sale."""
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) if sale["customer_id"] else None
        account = accounts.repo.account(cur, sale["customer_id"]) if customer else None
        moved = vouchers_repo.points_of_sale(cur, sale["id"]) if customer else {}
        points_after = (
            vouchers_repo.balance_after_sale(cur, sale["customer_id"], sale["id"])
            if moved
            else None
        )
    shop = printing.shop_header(customer, sale.get("shop_code"))
    taxes: dict[Decimal, list[Decimal]] = {}
    for line in sale["lines"]:
        pair = taxes.setdefault(Decimal(line["tax_rate"]), [ZERO, ZERO])
        pair[0] += Decimal(line["net"])
        pair[1] += Decimal(line["tax"])
    name = (
        " ".join(p for p in (customer["first_name"], customer["last_name"]) if p)
        if customer
        else ""
    )
    paid_on_account = any(t["method"] == "account" for t in sale["tenders"])
    # Each line as discounted on its own; the customer's discount and the tax
    # added or not charged show below, so the receipt adds up line by line.
    shown = [
        (
            line,
            shown_line(
                Decimal(line["unit_price"]),
                Decimal(line["quantity"]),
                Decimal(line["discount"]),
                Decimal(line["customer_discount"]),
                Decimal(line["gross"]),
            ),
        )
        for line in sale["lines"]
    ]
    lines = tuple(
        SaleLine(
            product_name(line["sku"], line["name"], shop.language),
            Decimal(line["quantity"]),
            Decimal(line["unit_price"]),
            view.amount,
            view.line_discount,
        )
        for line, view in shown
    )
    return Receipt(
        shop=shop,
        number=sale["receipt_number"],
        issued_at=clock.local(sale["sold_at"], sale.get("shop_code")),
        staff=sale["staff_name"],
        lines=lines,
        total=Decimal(sale["total"]),
        taxes=()
        if sale["tax_exempt"]
        else tuple(TaxLine(rate, v[0], v[1]) for rate, v in sorted(taxes.items(), reverse=True)),
        tenders=tuple(Tender(t["method"], Decimal(t["amount"])) for t in sale["tenders"]),
        change=Decimal(sale["change_given"]),
        customer_name=name,
        customer_discount=sum((Decimal(x["customer_discount"]) for x in sale["lines"]), ZERO),
        customer_discount_percent=Decimal(sale["customer_discount_percent"]),
        tax_adjustment=sum((view.tax_adjustment for _, view in shown), ZERO),
        tax_exempt=bool(sale["tax_exempt"]),
        customer_tax_number=sale["customer_tax_number"] or "",
        account_balance=Decimal(account["balance"]) if paid_on_account and account else None,
        points_earned=moved.get("earned") if moved else None,
        points_balance=points_after,
    )


def receipt_text(actor: Actor, sale_id: int) -> str:
    """The receipt as the receipt printer would print it (monospaced preview)."""
    sale = sale_detail(actor, sale_id)
    config = printing.printer_for("receipts")
    return printing.preview(receipt_layout(receipt_document(sale), config.columns), config.columns)


def reprint_receipt(actor: Actor, sale_id: int) -> printing.PrintOutcome:
    """Print the receipt again (receipt printer, else the A4 PDF); logged."""
    sale = sale_detail(actor, sale_id)
    document = receipt_document(sale)
    config = printing.printer_for("receipts")
    return printing.deliver(
        actor,
        "receipts",
        "receipt",
        f"sale:{sale_id}",
        receipt_layout(document, config.columns),
        receipt_pdf(document),
        f"receipt-{sale['receipt_number']}.pdf",
    )


def _invoice_number(cur, shop_code: str, moment: datetime) -> str:
    # The sale's shop numbers it (its prefix; its own counter when numbering is per shop).
    values = settings_repo.get_all(cur, shop_code)
    prefix = values.get("invoice_prefix", "F{year}-")
    year = moment.year if "{year}" in prefix else None
    numbering = values.get("invoice_numbering", "chain")
    counter = counter_for_invoices(numbering, shop_code, year)
    return f"{prefix.replace('{year}', str(moment.year))}{repo.next_number(cur, counter):06d}"


def issue_invoice(actor: Actor, sale_id: int, now: datetime | None = None) -> str:
    """The sale's invoice number: issued once, consecutive with no gaps, never reused."""
    require(actor, "sales.record")
    moment = _now(now)

    def work(cur) -> str:
        existing = repo.invoice_of(cur, sale_id)
        if existing is not None:
            return str(existing["invoice_number"])
        sale = repo.sale(cur, sale_id)
        if sale is None:
            raise NotFound(sale_id)
        number = _invoice_number(cur, sale["shop_code"], moment)
        repo.insert_invoice(cur, sale_id, number, moment, actor.display_name)
        audit.record(
            cur,
            actor,
            "invoice",
            "customer" if sale["customer_id"] else "sale",
            sale["customer_id"] or sale_id,
            SCREEN_HISTORY,
            [
                FieldChange("invoice_number", None, number),
                FieldChange("receipt_number", None, sale["receipt_number"]),
            ],
            moment,
        )
        return number

    with db.process_lock("invoice"):
        return db.run_in_transaction(work)


def invoice_pdf_for(actor: Actor, sale_id: int) -> tuple[str, bytes]:
    """Issue (or reuse) the invoice number and render the A4 invoice."""
    number = issue_invoice(actor, sale_id)
    sale = sale_detail(actor, sale_id)
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) if sale["customer_id"] else None
        delivery = (
            delivery_repo.address(cur, sale["delivery_address_id"])
            if sale.get("delivery_address_id")
            else None
        )
    receipt = receipt_document(sale)
    shop = receipt.shop
    address = postal_lines(customer, shop.country, shop.language) if customer else ()
    # The delivery address as it was chosen (kept even if removed from the card since).
    deliver_to = (
        postal_lines(
            {**delivery, "first_name": delivery["name"] or "", "last_name": ""},
            shop.country,
            shop.language,
        )
        if delivery
        else ()
    )
    return number, invoice_pdf(Invoice(receipt, number, address, deliver_to))
