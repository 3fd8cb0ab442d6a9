"""Sales: the till, purchase history, receipts, sequential invoices and refunds.

A sale is closed in one transaction (lines, tenders, receipt number, account
charge, audit) and never edited after; a return is a new sale with negative
lines that points at the original.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from data import customers as customers_repo
from data import db
from data import products as products_repo
from data import sales as repo
from data import settings as settings_repo
from logic.accounts import parse_amount
from logic.audit import FieldChange
from logic.auth import Actor, require
from logic.errors import FieldError, FieldProblem, NotFound, ValidationFailed
from logic.pricing import (
    ZERO,
    LineAmounts,
    check_tenders,
    parse_percent,
    parse_quantity,
    price_line,
    totals,
    unit_price,
)
from printing.addresses import postal_lines
from printing.layout import receipt_layout
from printing.model import Invoice, Receipt, SaleLine, TaxLine, Tender
from printing.pdf import invoice_pdf, receipt_pdf
from services import accounts, audit, printing

SCREEN_TILL = "new_sale"
SCREEN_HISTORY = "purchase_history"
PAGE_SIZE = 20
# Invoice numbers come from one counter row; serialising in-process spares
# DuckDB's conflict retries, the row itself keeps numbers gap-free.
_invoice_lock = threading.Lock()


@dataclass(frozen=True)
class LineRequest:
    """One line as typed at the till."""

    product_id: int
    quantity: object = "1"
    line_discount: object = ""


@dataclass(frozen=True)
class PricedLine:
    """A line ready to show or store."""

    product_id: int
    sku: str
    name: str
    line_discount_percent: Decimal
    amounts: LineAmounts


def _now(now: datetime | None) -> datetime:
    return now or datetime.now().replace(microsecond=0)


def _parse_lines(lines: Sequence[LineRequest]) -> list[tuple[int, Decimal, Decimal]]:
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
        parsed.append((line.product_id, quantity, discount))
    if errors:
        raise ValidationFailed(errors)
    return parsed


def _price(cur, customer: Mapping[str, Any] | None, parsed, include_tax: bool) -> list[PricedLine]:
    products = products_repo.by_ids(cur, [p for p, _, _ in parsed])
    errors, priced = [], []
    level = customer["price_level"] if customer else None
    customer_discount = Decimal(customer["discount_percent"]) if customer else ZERO
    exempt = bool(customer["tax_exempt"]) if customer else False
    for number, (product_id, quantity, discount) in enumerate(parsed, start=1):
        product = products.get(product_id)
        if product is None:
            errors.append(FieldError("product", "product_unknown", {"line": str(number)}))
            continue
        if not product["active"]:
            errors.append(
                FieldError(
                    "product", "product_inactive", {"line": str(number), "sku": product["sku"]}
                )
            )
            continue
        unit = unit_price(Decimal(product["price"]), product["levels"], level)
        amounts = price_line(
            unit,
            quantity,
            Decimal(product["tax_rate"]),
            line_discount_percent=discount,
            customer_discount_percent=customer_discount,
            tax_exempt=exempt,
            prices_include_tax=include_tax,
        )
        priced.append(PricedLine(product_id, product["sku"], product["name"], discount, amounts))
    if errors:
        raise ValidationFailed(errors)
    return priced


def _customer(cur, customer_id: int | None) -> dict[str, Any] | None:
    if customer_id is None:
        return None
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
        customer = _customer(cur, customer_id)
        priced = _price(cur, customer, parsed, _include_tax(settings_repo.get_all(cur)))
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


def record_sale(
    actor: Actor,
    customer_id: int | None,
    lines: Sequence[LineRequest],
    tenders: Sequence[tuple[str, object]],
    idempotency_key: str,
    refund_of: int | None = None,
    now: datetime | None = None,
) -> int:
    """Close a sale in one transaction; returns its id (the same one for a repeated key)."""
    require(actor, "sales.record")
    moment = _now(now)
    parsed = _parse_lines(lines)
    negative = sum((q for _, q, _ in parsed), Decimal("0")) < 0

    def work(cur) -> int:
        done = repo.sale_by_key(cur, idempotency_key)
        if done is not None:
            return done
        values = settings_repo.get_all(cur)
        include_tax = _include_tax(values)
        customer = _customer(cur, customer_id)
        priced = _price(cur, customer, parsed, include_tax)
        sale_totals = totals(p.amounts for p in priced)
        try:
            recorded, change = check_tenders(sale_totals.total, _parse_tenders(tenders, negative))
        except FieldProblem as problem:
            raise ValidationFailed([FieldError("tenders", problem.code, problem.params)]) from None
        if any(m == "account" for m, _ in recorded) and customer is None:
            raise ValidationFailed([FieldError("tenders", "account_needs_customer")])
        number = f"{values.get('receipt_prefix', 'R')}{repo.next_number(cur, 'receipt'):06d}"
        sale = {
            "receipt_number": number,
            "customer_id": customer_id,
            "sold_at": moment,
            "staff_id": actor.staff_id,
            "staff_name": actor.display_name,
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
            "refund_of": refund_of,
            "idempotency_key": idempotency_key,
        }
        rows = [
            {
                "line_no": n,
                "product_id": p.product_id,
                "sku": p.sku,
                "name": p.name,
                "quantity": p.amounts.quantity,
                "unit_price": p.amounts.unit_price,
                "line_discount_percent": p.line_discount_percent,
                "discount": p.amounts.discount,
                "customer_discount": p.amounts.customer_discount,
                "net": p.amounts.net,
                "tax_rate": p.amounts.tax_rate,
                "tax": p.amounts.tax,
                "gross": p.amounts.gross,
            }
            for n, p in enumerate(priced, start=1)
        ]
        sale_id = repo.insert_sale(cur, sale, rows, recorded)
        for method, amount in recorded:
            if method == "account":
                accounts.post_sale_tender(cur, actor, customer_id, amount, number, moment)
        changes = [
            FieldChange("receipt_number", None, number),
            FieldChange("total", None, str(sale_totals.total)),
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

    if customer_id is not None:
        with accounts.customer_lock(customer_id):
            return db.run_in_transaction(work)
    return db.run_in_transaction(work)


def refund_sale(
    actor: Actor,
    sale_id: int,
    quantities: Mapping[int, object],
    tender_method: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Return items of a sale: a new sale with negative lines pointing at the original."""
    require(actor, "sales.record")
    with db.cursor() as cur:
        original = repo.sale(cur, sale_id)
        done = repo.refunded_quantities(cur, sale_id) if original else {}
    if original is None:
        raise NotFound(sale_id)
    lines, errors = [], []
    for line in original["lines"]:
        wanted = quantities.get(line["line_no"])
        if wanted in (None, "", 0, "0"):
            continue
        try:
            quantity = parse_quantity(wanted)
        except FieldProblem as problem:
            errors.append(FieldError("quantity", problem.code, {"line": str(line["line_no"])}))
            continue
        left = Decimal(line["quantity"]) - Decimal(done.get(line["line_no"], 0))
        if quantity <= 0 or quantity > left:
            errors.append(
                FieldError(
                    "quantity", "refund_too_many", {"line": str(line["line_no"]), "left": str(left)}
                )
            )
            continue
        lines.append(LineRequest(line["product_id"], -quantity, line["line_discount_percent"]))
    if errors:
        raise ValidationFailed(errors)
    if not lines:
        raise ValidationFailed([FieldError("lines", "sale_empty")])
    priced, basket = preview(original["customer_id"], lines)
    return record_sale(
        actor,
        original["customer_id"],
        lines,
        [(tender_method, str(-basket.total))],
        idempotency_key,
        refund_of=sale_id,
        now=now,
    )


def purchase_history(
    actor: Actor, customer_id: int, page: int = 0, page_size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], int]:
    """The customer's sales, newest first."""
    require(actor, "sales.view")
    with db.cursor() as cur:
        return repo.history(cur, customer_id, page_size, page * page_size)


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
    shop = printing.shop_header()
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) if sale["customer_id"] else None
        account = accounts.repo.account(cur, sale["customer_id"]) if customer else None
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
    lines = tuple(
        SaleLine(
            line["name"],
            Decimal(line["quantity"]),
            Decimal(line["unit_price"]),
            # The line as discounted on its own; the customer's discount shows below.
            Decimal(line["gross"]) + Decimal(line["customer_discount"]),
            Decimal(line["discount"]) - Decimal(line["customer_discount"]),
        )
        for line in sale["lines"]
    )
    return Receipt(
        shop=shop,
        number=sale["receipt_number"],
        issued_at=sale["sold_at"],
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
        tax_exempt=bool(sale["tax_exempt"]),
        customer_tax_number=sale["customer_tax_number"] or "",
        account_balance=Decimal(account["balance"]) if paid_on_account and account else None,
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


def _invoice_number(cur, values: Mapping[str, str], moment: datetime) -> str:
    prefix = values.get("invoice_prefix", "F{year}-")
    counter = f"invoice:{moment.year}" if "{year}" in prefix else "invoice"
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
        number = _invoice_number(cur, settings_repo.get_all(cur), moment)
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

    with _invoice_lock:
        return db.run_in_transaction(work)


def invoice_pdf_for(actor: Actor, sale_id: int) -> tuple[str, bytes]:
    """Issue (or reuse) the invoice number and render the A4 invoice."""
    number = issue_invoice(actor, sale_id)
    sale = sale_detail(actor, sale_id)
    shop = printing.shop_header()
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) if sale["customer_id"] else None
    address = postal_lines(customer, shop.country, shop.language) if customer else ()
    return number, invoice_pdf(Invoice(receipt_document(sale), number, address))
