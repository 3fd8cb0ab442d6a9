"""Receipt-printer layouts: rows of text, barcodes and cuts, shared by ESC/POS and previews."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comptoir.i18n import t
from comptoir.printing.model import JobTicket, Label, Receipt, Voucher
from comptoir.printing.text import centred, columns, day, moment, money, number, percent, rule, wrap


@dataclass(frozen=True)
class TextRow:
    """One line of text, already fitted to the width."""

    text: str
    align: str = "left"
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class BarcodeRow:
    """A CODE39 barcode (receipt numbers, voucher codes)."""

    data: str


@dataclass(frozen=True)
class QrRow:
    """A QR code."""

    data: str


@dataclass(frozen=True)
class CutRow:
    """Feed and cut the paper."""


Row = TextRow | BarcodeRow | QrRow | CutRow


def _header(shop, width: int) -> list[Row]:
    rows: list[Row] = [TextRow(line, "center", bold=True) for line in centred(shop.name, width)]
    for part in (*shop.address_lines, shop.phone, shop.email):
        rows += [TextRow(line, "center") for line in centred(part, width) if part]
    return rows


def tax_adjustment_row(receipt: Receipt, m) -> tuple[str, str]:
    """The tax line between the items and the total: removed (exempt) or added."""
    lang = receipt.shop.language
    if receipt.tax_adjustment < 0:
        return t("print.tax_removed", lang), f"-{m(-receipt.tax_adjustment)}"
    return t("print.tax_added", lang), f"+{m(receipt.tax_adjustment)}"


def receipt_layout(receipt: Receipt, width: int) -> list[Row]:
    """The 40/42/48-column receipt."""
    shop, lang = receipt.shop, receipt.shop.language

    def m(amount: Decimal) -> str:
        return money(amount, shop.currency, lang)

    rows = _header(shop, width)
    rows.append(TextRow(rule(width)))
    rows += [TextRow(x) for x in columns(t("print.receipt", lang), receipt.number, width)]
    when = moment(receipt.issued_at, lang)
    rows += [TextRow(x) for x in columns(t("print.date", lang), when, width)]
    rows += [TextRow(x) for x in columns(t("print.staff", lang), receipt.staff, width)]
    if receipt.customer_name:
        rows += [
            TextRow(x) for x in columns(t("print.customer", lang), receipt.customer_name, width)
        ]
    if receipt.customer_tax_number:
        rows += [
            TextRow(x)
            for x in columns(t("print.tax_number", lang), receipt.customer_tax_number, width)
        ]
    rows.append(TextRow(rule(width)))
    for line in receipt.lines:
        rows += [TextRow(x) for x in columns(line.name, m(line.amount), width)]
        detail = f"  {number(line.quantity, lang)} x {m(line.unit_price)}"
        if line.line_discount:
            detail += f"  {t('print.discount', lang)} -{m(line.line_discount)}"
        rows += [TextRow(x) for x in wrap(detail, width)]
    rows.append(TextRow(rule(width)))
    if receipt.customer_discount:
        label = t(
            "print.customer_discount",
            lang,
            percent=percent(receipt.customer_discount_percent, lang),
        )
        rows += [TextRow(x) for x in columns(label, f"-{m(receipt.customer_discount)}", width)]
    if receipt.tax_adjustment:
        rows += [TextRow(x) for x in columns(*tax_adjustment_row(receipt, m), width)]
    rows += [
        TextRow(x, bold=True) for x in columns(t("print.total", lang), m(receipt.total), width)
    ]
    if receipt.tax_exempt:
        rows.append(TextRow(t("print.tax_exempt", lang), "center", bold=True))
    else:
        for tax in receipt.taxes:
            label = t("print.tax_at", lang, rate=number(tax.rate, lang))
            rows += [TextRow(x) for x in columns(label, m(tax.tax), width)]
    rows.append(TextRow(rule(width)))
    for tender in receipt.tenders:
        rows += [
            TextRow(x)
            for x in columns(t(f"print.tender.{tender.method}", lang), m(tender.amount), width)
        ]
    if receipt.change:
        rows += [TextRow(x) for x in columns(t("print.change", lang), m(receipt.change), width)]
    if receipt.account_balance is not None:
        rows += [
            TextRow(x)
            for x in columns(t("print.account_balance", lang), m(receipt.account_balance), width)
        ]
    if receipt.points_earned is not None:
        rows += [
            TextRow(x)
            for x in columns(t("print.points_earned", lang), str(receipt.points_earned), width)
        ]
    if receipt.points_balance is not None:
        rows += [
            TextRow(x)
            for x in columns(t("print.points_balance", lang), str(receipt.points_balance), width)
        ]
    if shop.footer:
        rows.append(TextRow(""))
        rows += [TextRow(line, "center") for line in centred(shop.footer, width)]
    rows += [BarcodeRow(receipt.number), CutRow()]
    return rows


def label_layout(label: Label, width: int, language: str) -> list[Row]:
    """A courier label on the receipt printer."""
    rows: list[Row] = []
    if label.sender:
        rows.append(TextRow(t("print.from", language)))
        rows += [TextRow(x) for part in label.sender for x in wrap(part, width)]
        rows.append(TextRow(rule(width)))
    rows.append(TextRow(t("print.to", language), bold=True))
    rows += [
        TextRow(x, bold=True, large=True)
        for part in label.recipient
        for x in wrap(part, width // 2)
    ]
    if label.reference:
        rows += [TextRow(rule(width)), BarcodeRow(label.reference)]
    rows.append(CutRow())
    return rows


def voucher_layout(voucher: Voucher, width: int) -> list[Row]:
    """A gift voucher on the receipt printer."""
    shop, lang = voucher.shop, voucher.shop.language
    rows = _header(shop, width)
    rows += [
        TextRow(rule(width)),
        TextRow(t("print.gift_voucher", lang), "center", bold=True, large=True),
    ]
    rows.append(
        TextRow(money(voucher.amount, shop.currency, lang), "center", bold=True, large=True)
    )
    if voucher.balance is not None and voucher.balance < voucher.amount:
        left = money(voucher.balance, shop.currency, lang)
        rows += [TextRow(x) for x in columns(t("print.voucher_left", lang), left, width)]
    rows += [TextRow(x) for x in columns(t("print.code", lang), voucher.code, width)]
    if voucher.expires_on:
        rows += [
            TextRow(x)
            for x in columns(t("print.expires", lang), day(voucher.expires_on, lang), width)
        ]
    rows += [BarcodeRow(voucher.code), QrRow(voucher.code), CutRow()]
    return rows


def job_ticket_layout(ticket: JobTicket, width: int) -> list[Row]:
    """A job ticket on the receipt printer: the customer's copy, then a tag for the bike
    with the job number as a barcode."""
    shop, lang = ticket.shop, ticket.shop.language

    def pair(label: str, value: str) -> list[Row]:
        return [TextRow(x) for x in columns(t(label, lang), value, width)] if value else []

    def block(label: str, text: str) -> list[Row]:
        if not text:
            return []
        lines = [x for part in text.splitlines() for x in wrap(part, width)]
        return [TextRow(t(label, lang), bold=True), *(TextRow(x) for x in lines)]

    promised = day(ticket.promised_on, lang) if ticket.promised_on else ""
    rows = _header(shop, width)
    rows += [
        TextRow(rule(width)),
        TextRow(t(f"print.ticket.{ticket.kind}", lang), "center", bold=True),
        TextRow(ticket.number, "center", bold=True, large=True),
    ]
    rows += pair("print.date", moment(ticket.created_at, lang))
    rows += pair("print.promised", promised)
    rows += pair("print.customer", f"{ticket.customer_name} ({ticket.account_number})")
    rows += pair("print.phone", ticket.phone)
    rows += pair("print.item", ticket.item_name)
    rows += pair("print.serial", ticket.serial)
    rows += pair("print.colour", ticket.colour)
    rows += pair("print.mechanic", ticket.mechanic)
    rows += block("print.reported", ticket.reported)
    rows += block("print.agreed", ticket.agreed)
    if ticket.estimate_limit is not None:
        rows += pair("print.estimate_limit", money(ticket.estimate_limit, shop.currency, lang))
    if ticket.deposit:
        rows += pair("print.deposit", money(ticket.deposit, shop.currency, lang))
    rows += [BarcodeRow(ticket.number), CutRow()]
    # The tag tied to the bike: number, owner, promised date.
    rows += [
        TextRow(ticket.number, "center", bold=True, large=True),
        *(TextRow(x, "center") for x in centred(ticket.customer_name, width)),
        *(TextRow(x, "center") for x in centred(ticket.item_name, width) if ticket.item_name),
    ]
    rows += pair("print.promised", promised)
    rows += [BarcodeRow(ticket.number), CutRow()]
    return rows


def preview(rows: list[Row], width: int) -> str:
    """The monospaced text a screen shows for an ESC/POS document."""
    out = []
    for row in rows:
        if isinstance(row, TextRow):
            if row.align == "center":
                out.append(row.text.strip().center(width).rstrip())
            else:
                out.append(row.text.rstrip())
        elif isinstance(row, BarcodeRow):
            out.append(f"||| {row.data} |||".center(width).rstrip())
        elif isinstance(row, QrRow):
            out.append(f"[QR {row.data}]".center(width).rstrip())
        else:
            out.append("- " * (width // 2))
    return "\n".join(out)
