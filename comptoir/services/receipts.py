"""Sales as history: purchase history, a sale in full, receipts (reprinted from the
stored lines, never today's prices) and sequential invoices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import accounts as accounts_repo
from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import delivery as delivery_repo
from comptoir.data import sales as repo
from comptoir.data import settings as settings_repo
from comptoir.data import vouchers as vouchers_repo
from comptoir.i18n import t
from comptoir.i18n.catalog import product_name
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, ValidationFailed, present
from comptoir.logic.pricing import ZERO, shown_line
from comptoir.logic.shops import counter_for_invoices
from comptoir.operations import clock, printouts, sender, unit_of_work
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.addresses import postal_lines
from comptoir.printing.layout import preview, receipt_layout
from comptoir.printing.model import Invoice, Receipt, SaleLine, TaxLine, Tender
from comptoir.printing.pdf_a4 import invoice_pdf, receipt_pdf

SCREEN_HISTORY = "purchase_history"
PAGE_SIZE = 20


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
        found = present(repo.sale(cur, sale_id), sale_id)
    return found


def receipt_document(sale: Mapping[str, Any]) -> Receipt:
    """The printable receipt of a stored sale."""
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) if sale["customer_id"] else None
        account = accounts_repo.account(cur, sale["customer_id"]) if customer else None
        moved = vouchers_repo.points_of_sale(cur, sale["id"]) if customer else {}
        points_after = (
            vouchers_repo.balance_after_sale(cur, sale["customer_id"], sale["id"])
            if moved
            else None
        )
    shop = printouts.shop_header(customer, sale.get("shop_code"))
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
    config = printouts.printer_for("receipts")
    return preview(receipt_layout(receipt_document(sale), config.columns), config.columns)


def reprint_receipt(actor: Actor, sale_id: int) -> printouts.PrintOutcome:
    """Print the receipt again (receipt printer, else the A4 PDF); logged."""
    sale = sale_detail(actor, sale_id)
    if sale["imported_batch"] is not None:  # not a receipt of ours to print again
        raise ValidationFailed([FieldError("sale", "sale_imported")])
    name = f"receipt-{sale['receipt_number']}.pdf"
    return printouts.on_receipt_printer(
        actor, "receipt", receipt_document(sale), f"sale:{sale_id}", name
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

    def work(uow: UnitOfWork) -> str:
        cur = uow.cur
        existing = repo.invoice_of(cur, sale_id)
        if existing is not None:
            return str(existing["invoice_number"])
        sale = present(repo.sale(cur, sale_id), sale_id)
        if sale["imported_batch"] is not None:  # another system's sale: its invoice is there
            raise ValidationFailed([FieldError("sale", "sale_imported")])
        number = _invoice_number(cur, sale["shop_code"], uow.now)
        repo.insert_invoice(cur, sale_id, number, uow.now, actor.display_name)
        uow.audit(
            "invoice",
            "customer" if sale["customer_id"] else "sale",
            sale["customer_id"] or sale_id,
            [
                FieldChange("invoice_number", None, number),
                FieldChange("receipt_number", None, sale["receipt_number"]),
            ],
        )
        return number

    hold = db.process_lock("invoice")
    return unit_of_work.run(actor, "sales.record", SCREEN_HISTORY, work, now, hold)


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


def invoice_document(actor: Actor, sale_id: int) -> tuple[str, printouts.PrintOutcome]:
    """The sale's invoice number (issued once) and the invoice as a document to download
    (A4, not printed)."""
    number, pdf = invoice_pdf_for(actor, sale_id)
    return number, printouts.PrintOutcome(False, "", "document", pdf, f"invoice-{number}.pdf")


def _document_mail(
    actor: Actor, sale_id: int, document: str
) -> tuple[int, str, str, tuple[str, bytes]]:
    """Customer, subject, body and PDF of a sale's receipt or invoice, in their language."""
    sale = sale_detail(actor, sale_id)
    if not sale["customer_id"]:
        raise ValidationFailed([FieldError("customer", "sale_without_customer")])
    receipt = receipt_document(sale)
    with db.cursor() as cur:
        customer = customers_repo.get(cur, sale["customer_id"]) or {}
    if document == "invoice":
        number, pdf = invoice_pdf_for(actor, sale_id)
        attachment = (f"invoice-{number}.pdf", pdf)
    else:
        number = sale["receipt_number"]
        attachment = (f"receipt-{number}.pdf", receipt_pdf(receipt))
    lang = receipt.shop.language
    values = {
        "first_name": customer.get("first_name") or customer.get("last_name") or "",
        "shop_name": receipt.shop.name,
        "number": number,
    }
    subject = t(f"message.{document}.subject", lang, **values)
    body = t(f"message.{document}.body", lang, **values)
    return int(sale["customer_id"]), subject, body, attachment


def email_document(
    actor: Actor, sale_id: int, document: str, idempotency_key: str, now: datetime | None = None
) -> int:
    """E-mail a sale's receipt or invoice (as stored: its lines, its shop) to its customer."""
    if document not in ("receipt", "invoice"):
        raise ValueError(document)
    customer_id, subject, body, attachment = _document_mail(actor, sale_id, document)
    return sender.send(
        actor,
        customer_id,
        "email",
        body,
        idempotency_key,
        subject=subject,
        attachment=attachment,
        now=now,
    )
