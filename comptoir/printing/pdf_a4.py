"""A4 receipts, invoices and statements laid out with reportlab's platypus.

Tables flow over as many pages as needed: long item names wrap, the column
headings repeat at the top of every page, and each page says "page X of Y".
Every stored text goes through escape(): platypus reads its own markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from comptoir.i18n import t
from comptoir.printing.layout import tax_adjustment_row
from comptoir.printing.model import Invoice, JobTicket, Receipt, Shop, Statement
from comptoir.printing.text import day, moment, money, number, percent

FONT, BOLD = "Helvetica", "Helvetica-Bold"
MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN  # 170 mm of text

_TEXT = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=11)
_SMALL = ParagraphStyle("small", parent=_TEXT, fontSize=8, leading=10)
_STRONG = ParagraphStyle("strong", parent=_TEXT, fontName=BOLD)
_RIGHT = ParagraphStyle("right", parent=_TEXT, alignment=TA_RIGHT)
_SHOP = ParagraphStyle("shop", parent=_TEXT, fontName=BOLD, fontSize=16, leading=19)
_TITLE = ParagraphStyle("title", parent=_RIGHT, fontName=BOLD, fontSize=14, leading=17)
_TOTAL = ParagraphStyle("total", parent=_TEXT, fontName=BOLD, fontSize=12, leading=15)


def _p(text: str, style: ParagraphStyle = _TEXT) -> Paragraph:
    """Stored text as a paragraph, shown as typed (no markup), wrapped to its cell."""
    return Paragraph(escape(text), style)


def _numbered(page_label: str):
    """A canvas class that writes "page X of Y" once the number of pages is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                text = page_label.format(page=self._pageNumber, pages=total)
                self.drawRightString(A4[0] - MARGIN, 12 * mm, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def _build(title: str, language: str, story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="Comptoir",
        pageCompression=1,
    )
    # Placeholders stay for the canvas to fill: {page} of {pages}.
    label = t("print.page_of", language)
    document.build(story, canvasmaker=_numbered(label))
    return buffer.getvalue()


def _header(shop: Shop, title: str, subtitle: str) -> Table:
    left = [_p(shop.name, _SHOP)] + [
        _p(part, _SMALL) for part in (*shop.address_lines, shop.phone, shop.email) if part
    ]
    right = [_p(title, _TITLE)] + ([_p(subtitle, _RIGHT)] if subtitle else [])
    table = Table([[left, right]], colWidths=[WIDTH * 0.6, WIDTH * 0.4])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), _NO_PADDING_LEFT]))
    return table


_NO_PADDING_LEFT = ("LEFTPADDING", (0, 0), (0, -1), 0)


def _grid(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    right_from: int,
    heading: bool = True,
    bold_last: bool = False,
) -> Table:
    """A table whose first row (the headings) repeats on every page it spans."""
    table = Table(list(rows), colWidths=list(widths), repeatRows=1 if heading else 0)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (right_from, 0), (-1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
    ]
    if heading:
        style += [
            ("FONT", (0, 0), (-1, 0), BOLD, 9),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ]
    if bold_last:
        style.append(("FONT", (0, -1), (-1, -1), BOLD, 11))
    table.setStyle(TableStyle(style))
    return table


def _amounts(rows: Sequence[Sequence[str]], bold_last: bool = False) -> Table:
    """Label and amount rows, the amounts right-aligned in the last 40 mm."""
    return _grid(rows, [WIDTH - 40 * mm, 40 * mm], 1, heading=False, bold_last=bold_last)


def _sale_meta(receipt: Receipt) -> list[Flowable]:
    lang = receipt.shop.language
    lines = [
        f"{t('print.receipt', lang)}: {receipt.number}",
        f"{t('print.date', lang)}: {moment(receipt.issued_at, lang)}",
        f"{t('print.staff', lang)}: {receipt.staff}",
    ]
    if receipt.customer_name:
        lines.append(f"{t('print.customer', lang)}: {receipt.customer_name}")
    if receipt.customer_tax_number:
        lines.append(f"{t('print.tax_number', lang)}: {receipt.customer_tax_number}")
    return [_p(line) for line in lines] + [Spacer(1, 4 * mm)]


def _sale_body(receipt: Receipt) -> list[Flowable]:
    lang, shop = receipt.shop.language, receipt.shop

    def m(amount: Decimal) -> str:
        return money(amount, shop.currency, lang)

    rows: list[list[Any]] = [
        [
            t("print.item", lang),
            t("print.qty", lang),
            t("print.unit_price", lang),
            t("print.discount", lang),
            t("print.amount", lang),
        ]
    ]
    for line in receipt.lines:
        rows.append(
            [
                _p(line.name),
                number(line.quantity, lang),
                m(line.unit_price),
                m(line.line_discount) if line.line_discount else "",
                m(line.amount),
            ]
        )
    story: list[Flowable] = [
        _grid(rows, [80 * mm, 15 * mm, 25 * mm, 25 * mm, 25 * mm], right_from=1),
        Spacer(1, 2 * mm),
    ]
    totals: list[list[str]] = []
    if receipt.customer_discount:
        share = percent(receipt.customer_discount_percent, lang)
        totals.append(
            [
                t("print.customer_discount", lang, percent=share),
                f"-{m(receipt.customer_discount)}",
            ]
        )
    if receipt.tax_adjustment:
        totals.append(list(tax_adjustment_row(receipt, m)))
    totals.append([t("print.total", lang), m(receipt.total)])
    story.append(_amounts(totals, bold_last=True))
    story.append(Spacer(1, 2 * mm))
    if receipt.tax_exempt:
        story.append(_p(t("print.tax_exempt", lang), _STRONG))
    elif receipt.taxes:
        taxes = [
            [t("print.tax_at", lang, rate=number(tax.rate, lang)), m(tax.net), m(tax.tax)]
            for tax in receipt.taxes
        ]
        story.append(_grid(taxes, [WIDTH - 60 * mm, 30 * mm, 30 * mm], 1, heading=False))
    paid = [[t(f"print.tender.{x.method}", lang), m(x.amount)] for x in receipt.tenders]
    if receipt.change:
        paid.append([t("print.change", lang), m(receipt.change)])
    if receipt.account_balance is not None:
        paid.append([t("print.account_balance", lang), m(receipt.account_balance)])
    if receipt.points_earned is not None:
        paid.append([t("print.points_earned", lang), str(receipt.points_earned)])
    if paid:
        story += [
            Spacer(1, 2 * mm),
            _amounts(paid),
        ]
    if shop.footer:
        story += [Spacer(1, 4 * mm), _p(shop.footer)]
    story += [
        Spacer(1, 6 * mm),
        Code128(receipt.number, barHeight=12 * mm, barWidth=0.9, humanReadable=True),
    ]
    return story


def receipt_pdf(receipt: Receipt) -> bytes:
    """A full-size (A4) receipt."""
    lang = receipt.shop.language
    story = [
        _header(receipt.shop, t("print.receipt", lang), receipt.number),
        Spacer(1, 6 * mm),
        *_sale_meta(receipt),
        *_sale_body(receipt),
    ]
    return _build(f"{t('print.receipt', lang)} {receipt.number}", lang, story)


def invoice_pdf(invoice: Invoice) -> bytes:
    """An A4 invoice with its number, billing address and the customer's tax number."""
    receipt, lang = invoice.receipt, invoice.receipt.shop.language
    subtitle = f"{t('print.invoice_number', lang)} {invoice.number}"
    story: list[Flowable] = [
        _header(receipt.shop, t("print.invoice", lang), subtitle),
        Spacer(1, 6 * mm),
        _p(t("print.bill_to", lang), _STRONG),
        *(_p(part) for part in invoice.billing_address),
        Spacer(1, 4 * mm),
    ]
    if invoice.delivery_address:
        story += [
            _p(t("print.deliver_to", lang), _STRONG),
            *(_p(part) for part in invoice.delivery_address),
            Spacer(1, 4 * mm),
        ]
    story += [
        *_sale_meta(receipt),
        *_sale_body(receipt),
    ]
    return _build(f"{t('print.invoice', lang)} {invoice.number}", lang, story)


def statement_pdf(statement: Statement) -> bytes:
    """An A4 account statement: opening balance, entries, closing balance, aged totals."""
    shop, lang = statement.shop, statement.shop.language

    def m(amount: Decimal) -> str:
        return money(amount, shop.currency, lang)

    period = f"{day(statement.period_start, lang)} – {day(statement.period_end, lang)}"
    rows: list[list[Any]] = [
        [
            t("print.date", lang),
            t("print.type", lang),
            t("print.reference", lang),
            t("print.amount", lang),
            t("print.balance", lang),
        ]
    ]
    for entry in statement.entries:
        rows.append(
            [
                day(entry.on, lang),
                t(f"print.entry.{entry.kind}", lang),
                _p(entry.reference),
                m(entry.amount),
                m(entry.balance),
            ]
        )
    buckets = ("current", "1_30", "31_60", "61_90", "over_90")
    aged = [
        [t(f"print.aged.{k}", lang) for k in buckets],
        [m(amount) for amount in statement.aged],
    ]
    story: list[Flowable] = [
        _header(shop, t("print.statement", lang), period),
        Spacer(1, 6 * mm),
        _p(f"{statement.customer_name} ({statement.account_number})", _STRONG),
        *(_p(part) for part in statement.address_lines),
        Spacer(1, 4 * mm),
        _amounts([[t("print.opening_balance", lang), m(statement.opening_balance)]], True),
        Spacer(1, 2 * mm),
        _grid(rows, [24 * mm, 36 * mm, 50 * mm, 30 * mm, 30 * mm], right_from=3),
        Spacer(1, 2 * mm),
        _amounts([[t("print.closing_balance", lang), m(statement.closing_balance)]], True),
        Spacer(1, 6 * mm),
        _grid(aged, [WIDTH / 5] * 5, right_from=0),
    ]
    return _build(f"{t('print.statement', lang)} {statement.account_number}", lang, story)


def job_ticket_pdf(ticket: JobTicket) -> bytes:
    """An A4 job ticket: the job, the customer's fault and the agreement, and a box for
    the customer's signature."""
    shop, lang = ticket.shop, ticket.shop.language

    def m(amount: Decimal) -> str:
        return money(amount, shop.currency, lang)

    facts = [
        (t("print.date", lang), moment(ticket.created_at, lang)),
        (
            t("print.promised", lang),
            day(ticket.promised_on, lang) if ticket.promised_on else "",
        ),
        (t("print.customer", lang), f"{ticket.customer_name} ({ticket.account_number})"),
        (t("print.phone", lang), ticket.phone),
        (t("print.item", lang), ticket.item_name),
        (t("print.serial", lang), ticket.serial),
        (t("print.colour", lang), ticket.colour),
        (t("print.mechanic", lang), ticket.mechanic),
        (
            t("print.estimate_limit", lang),
            m(ticket.estimate_limit) if ticket.estimate_limit is not None else "",
        ),
        (t("print.deposit", lang), m(ticket.deposit) if ticket.deposit else ""),
    ]
    rows = [[_p(label, _STRONG), _p(value)] for label, value in facts if value]
    story: list[Flowable] = [
        _header(shop, t(f"print.ticket.{ticket.kind}", lang), ticket.number),
        Spacer(1, 6 * mm),
        _grid(rows, [50 * mm, WIDTH - 50 * mm], right_from=2, heading=False),
        Spacer(1, 4 * mm),
    ]
    for label, text in (("print.reported", ticket.reported), ("print.agreed", ticket.agreed)):
        if text:
            story += [_p(t(label, lang), _STRONG), *(_p(x) for x in text.splitlines())]
            story.append(Spacer(1, 3 * mm))
    signature = Table(
        [[_p(t("print.signature", lang), _SMALL)], [""]],
        colWidths=[90 * mm],
        rowHeights=[6 * mm, 25 * mm],
    )
    signature.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.75, colors.black)]))
    story += [
        _p(t("print.ticket_terms", lang), _SMALL),
        Spacer(1, 6 * mm),
        signature,
        Spacer(1, 6 * mm),
        Code128(ticket.number, barHeight=12 * mm, barWidth=0.9, humanReadable=True),
    ]
    return _build(f"{t(f'print.ticket.{ticket.kind}', lang)} {ticket.number}", lang, story)


# A cell cannot break across pages: long text goes in rows of this many characters.
_PART = 1200


def _parts(text: str) -> list[str]:
    """Text in pieces a page can hold, cut at a line break or space where there is one."""
    parts = []
    while len(text) > _PART:
        cut = max(text.rfind("\n", 0, _PART), text.rfind(" ", 0, _PART))
        cut = cut if cut > _PART // 2 else _PART
        parts.append(text[:cut])
        text = text[cut:].lstrip(" ")
    return [*parts, text]


def subject_access_pdf(
    shop: Shop,
    title: str,
    subtitle: str,
    sections: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    empty: str,
    language: str,
) -> bytes:
    """Everything held on a customer, section by section, each row as field: value (every
    stored text escaped; empty fields left out)."""
    story: list[Flowable] = [_header(shop, title, subtitle), Spacer(1, 6 * mm)]
    for heading, rows in sections:
        story.append(_p(heading, _TOTAL))
        story.append(Spacer(1, 2 * mm))
        if not rows:
            story += [_p(empty, _SMALL), Spacer(1, 4 * mm)]
            continue
        for row in rows:
            pairs = [
                [_p(str(name) if index == 0 else "", _SMALL), _p(part, _SMALL)]
                for name, value in row.items()
                if value is not None and value != ""
                for index, part in enumerate(_parts(str(value)))
            ]
            table = Table(pairs, colWidths=[WIDTH * 0.3, WIDTH * 0.7])
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        _NO_PADDING_LEFT,
                        ("LINEBELOW", (0, -1), (-1, -1), 0.25, colors.grey),
                    ]
                )
            )
            story += [table, Spacer(1, 2 * mm)]
        story.append(Spacer(1, 4 * mm))
    return _build(title, language, story)
