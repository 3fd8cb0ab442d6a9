"""A document on its way to a printer: the shop's header, the printer of a role, the job
sent (a PDF when there is no printer or it fails) and logged. Use cases that print
(receipts, labels, tickets, vouchers) call deliver."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db, print_log
from comptoir.i18n import LANGUAGES, language_of
from comptoir.logic.auth import Actor
from comptoir.logic.errors import present
from comptoir.logic.printers import PrinterConfig, parse_stored
from comptoir.operations import clock
from comptoir.operations import settings as shop_settings
from comptoir.printing.addresses import postal_lines
from comptoir.printing.escpos_render import render
from comptoir.printing.layout import (
    job_ticket_layout,
    label_layout,
    preview,
    receipt_layout,
    voucher_layout,
)
from comptoir.printing.model import Label, Shop
from comptoir.printing.pdf import label_pdf, voucher_pdf
from comptoir.printing.pdf_a4 import job_ticket_pdf, receipt_pdf
from comptoir.printing.printers import PrinterUnavailable, send


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to a print job, and the PDF the user can always download."""

    printed: bool
    printer: str
    reason: str | None
    pdf: bytes
    filename: str
    preview: str | None = None


def shop_header(customer: Mapping[str, Any] | None = None, shop_code: str | None = None) -> Shop:
    """The shop as documents print it, in the customer's language when known.

    A sale's documents name the shop where it happened (shop_code), whichever
    shop's server reprints them.
    """
    values = shop_settings.settings_of(shop_code) if shop_code else shop_settings.current().values
    address = tuple(p.strip() for p in values.get("shop_address", "").split(",") if p.strip())
    return Shop(
        name=values.get("shop_name", ""),
        address_lines=address,
        phone=values.get("shop_phone", ""),
        email=values.get("shop_email", ""),
        footer=values.get("receipt_footer", ""),
        currency=values.get("currency", "EUR"),
        language=document_language(values.get("locale", "en"), customer),
        country=values.get("default_country", "FR"),
    )


def document_language(locale: str, customer: Mapping[str, Any] | None = None) -> str:
    """A customer's documents print in their language, else in the shop locale's."""
    chosen = customer.get("language") if customer else None
    return chosen if chosen in LANGUAGES else language_of(locale)


def printer_for(role: str) -> PrinterConfig:
    """The printer configured for a role (receipts or labels)."""
    stored = shop_settings.current().values.get(f"printer_{role}", '{"kind": "pdf"}')
    return parse_stored(json.loads(stored))


def log(
    actor: Actor,
    document: str,
    reference: str | None,
    printer: str,
    outcome: str,
    detail: str | None,
) -> None:
    """The print job in the print log, in a transaction of its own (kept even when the
    printer failed)."""

    def work(cur) -> None:
        print_log.record(
            cur,
            at=clock.now(),
            staff_id=actor.staff_id,
            staff_name=actor.display_name,
            shop_code=shop_settings.here(),
            document=document,
            reference=reference,
            printer=printer,
            outcome=outcome,
            detail=detail,
        )

    db.run_in_transaction(work)


def deliver(
    actor: Actor, role: str, document: str, reference: str | None, rows, pdf: bytes, filename: str
) -> PrintOutcome:
    """Send rows to the role's printer (PDF when there is none or it fails); log the job."""
    config = printer_for(role)
    text = preview(rows, config.columns)
    if config.kind == "pdf":
        log(actor, document, reference, "PDF", "pdf", None)
        return PrintOutcome(False, "PDF", "pdf_only", pdf, filename, text)
    try:
        send(config, render(rows, config.code_page))
    except PrinterUnavailable as failure:
        log(actor, document, reference, config.describe(), "failed", failure.reason)
        return PrintOutcome(False, config.describe(), failure.reason, pdf, filename, text)
    log(actor, document, reference, config.describe(), "printed", None)
    return PrintOutcome(True, config.describe(), None, pdf, filename, text)


# What the receipt printer prints, by kind of document: its rows for the printer's width
# and its PDF (what the staff member gets when there is no such printer or it fails).
_ON_RECEIPT_PRINTER: dict[str, tuple[Callable[[Any, int], Any], Callable[[Any], bytes]]] = {
    "receipt": (receipt_layout, receipt_pdf),
    "voucher": (voucher_layout, voucher_pdf),
    "job_ticket": (job_ticket_layout, job_ticket_pdf),
}


def on_receipt_printer(
    actor: Actor, kind: str, document: Any, reference: str | None, filename: str
) -> PrintOutcome:
    """A receipt, voucher or job ticket to the receipt printer, laid out for its width."""
    layout, pdf = _ON_RECEIPT_PRINTER[kind]
    rows = layout(document, printer_for("receipts").columns)
    return deliver(actor, "receipts", kind, reference, rows, pdf(document), filename)


def customer_label(customer_id: int) -> Label:
    """The courier label of a customer: address by the destination's rules, shop as sender."""
    header = shop_header()
    with db.cursor() as cur:
        customer = present(customers_repo.get(cur, customer_id), customer_id)
    return Label(
        recipient=postal_lines(customer, header.country, header.language),
        sender=(header.name, *header.address_lines),
        reference=str(customer["account_number"]),
    )


def courier_label_job(actor: Actor, customer_id: int, label: Label | None = None) -> PrintOutcome:
    """A customer's courier label (the billing address, or the label given: a delivery
    address) to the label printer, with the PDF as fallback; logged."""
    label = label or customer_label(customer_id)
    language = shop_header().language
    config = printer_for("labels")
    rows = label_layout(label, config.columns, language)
    pdf = label_pdf(label, language)
    return deliver(
        actor,
        "labels",
        "courier_label",
        f"customer:{customer_id}",
        rows,
        pdf,
        f"label-{label.reference}.pdf",
    )
