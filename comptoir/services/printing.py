"""Print use cases: labels, test pages, printer settings, the print log.

A print never blocks for long (the printer's timeout, a few seconds) and never
touches the record it prints: the job is logged in its own transaction, and a
printer that does not answer leaves the user with the PDF instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import db, print_log
from comptoir.data import settings as settings_repo
from comptoir.logic.audit import diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.printers import ROLES, PrinterConfig, clean_printer, parse_stored
from comptoir.operations import clock, printouts, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.printouts import (
    PrintOutcome,
    deliver,
    document_language,
    printer_for,
    shop_header,
)
from comptoir.operations.unit_of_work import UnitOfWork

__all__ = ["PrintOutcome", "deliver", "document_language", "printer_for", "shop_header"]
from comptoir.printing.layout import receipt_layout
from comptoir.printing.model import Label, Receipt, SaleLine, TaxLine, Tender
from comptoir.printing.pdf import label_sheet_pdf
from comptoir.printing.pdf_a4 import receipt_pdf

SCREEN_SETTINGS = "settings"


def _now() -> datetime:
    return clock.now()


def save_printer(actor: Actor, role: str, raw: dict[str, Any]) -> PrinterConfig:
    """Check and store the printer of a role (administrators), audited."""
    require(actor, "settings.edit")
    if role not in ROLES:
        raise ValueError(role)
    config = clean_printer(raw)
    moment = _now()

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        key = f"printer_{role}"
        before = json.loads(settings_repo.shop_values(cur, shop_settings.here()).get(key, "{}"))
        settings_repo.set_many(cur, {key: json.dumps(config.as_dict())}, shop_settings.here())
        changes = diff({key: _summary(before)}, {key: config.describe()})
        if changes:
            uow.audit("update", "settings", key, changes)

    unit_of_work.run(actor, "settings.edit", SCREEN_SETTINGS, work, moment)
    shop_settings.forget_settings()
    return config


def _summary(stored: dict[str, Any]) -> str:
    return parse_stored(stored).describe() if stored else "PDF"


def customer_label(customer_id: int) -> Label:
    """The courier label of a customer: address by the destination's rules, shop as sender."""
    return printouts.customer_label(customer_id)


def print_courier_label(actor: Actor, customer_id: int, label: Label | None = None) -> PrintOutcome:
    """Print a customer's courier label (to their billing address, or the label given: a
    delivery address) on the label printer, with the PDF as fallback."""
    require(actor, "print.documents")
    return printouts.courier_label_job(actor, customer_id, label)


def address_label_sheet(actor: Actor, customer_ids: Iterable[int]) -> PrintOutcome:
    """A4 sheet(s) of 3×7 address labels for the chosen customers (PDF)."""
    require(actor, "print.documents")
    ids = list(dict.fromkeys(customer_ids))
    labels = [customer_label(customer_id) for customer_id in ids]
    language = shop_header().language
    pdf = label_sheet_pdf([Label(recipient=label.recipient) for label in labels], language)
    printouts.log(actor, "address_labels", None, "PDF", "pdf", f"{len(ids)} labels")
    return PrintOutcome(False, "PDF", "pdf_only", pdf, f"address-labels-{len(ids)}.pdf")


def sample_receipt() -> Receipt:
    """A receipt with accents and currency signs, to try a printer."""
    header = shop_header()
    lines = (
        SaleLine("Chambre à air 700×25c", Decimal("2"), Decimal("6.50"), Decimal("13.00")),
        SaleLine(
            "Révision complète — vélo de ville, freins et dérailleur",
            Decimal("1"),
            Decimal("89.00"),
            Decimal("80.10"),
            Decimal("8.90"),
        ),
        SaleLine("Bidon 750 ml £ € ç", Decimal("1"), Decimal("9.90"), Decimal("9.90")),
    )
    total = sum((line.amount for line in lines), Decimal("0"))
    net = (total / Decimal("1.2")).quantize(Decimal("0.01"))
    return Receipt(
        shop=header,
        number="TEST-0001",
        issued_at=clock.local(clock.now()),
        staff="Comptoir",
        lines=lines,
        total=total,
        taxes=(TaxLine(Decimal("20"), net, total - net),),
        tenders=(Tender("card", total),),
        customer_name="Élodie Façade",
    )


def print_test_page(actor: Actor, role: str) -> PrintOutcome:
    """Print a sample receipt (or label) on a role's printer (administrators)."""
    require(actor, "settings.edit")
    config = printer_for(role)
    receipt = sample_receipt()
    rows = receipt_layout(receipt, config.columns)
    return deliver(
        actor, role, "test_page", None, rows, receipt_pdf(receipt), f"test-page-{role}.pdf"
    )


def print_history(reference: str) -> list[dict[str, Any]]:
    """Latest print jobs of a document (e.g. customer:42), newest first."""
    with db.cursor() as cur:
        return print_log.for_reference(cur, reference)
