"""Documents to PDF with reportlab: A4 receipts, invoices, statements, labels, vouchers."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from i18n import t
from printing.layout import tax_adjustment_row
from printing.model import Invoice, Label, Receipt, Shop, Statement, Voucher
from printing.text import money, number

LABEL_SIZE = (100 * mm, 150 * mm)
SHEET_COLUMNS, SHEET_ROWS = 3, 7
FONT, BOLD = "Helvetica", "Helvetica-Bold"


def _document(size, title: str, draw: Callable[[Canvas], None]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Comptoir")
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    """Cut text with an ellipsis so it fits width points."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


class _Page:
    """A4 writer that moves down and starts a new page when full."""

    def __init__(self, canvas: Canvas, shop: Shop):
        self.canvas, self.shop = canvas, shop
        self.width, self.height = A4
        self.left, self.right = 20 * mm, self.width - 20 * mm
        self.y = self.height - 20 * mm

    def need(self, space: float) -> None:
        if self.y - space < 20 * mm:
            self.canvas.showPage()
            self.y = self.height - 20 * mm

    def text(
        self,
        value: str,
        size: float = 10,
        bold: bool = False,
        x: float | None = None,
        align: str = "left",
    ) -> None:
        self.need(size * 1.5)
        font = BOLD if bold else FONT
        self.canvas.setFont(font, size)
        left = self.left if x is None else x
        value = _fit(self.canvas, value, font, size, self.right - self.left)
        if align == "right":
            self.canvas.drawRightString(self.right if x is None else x, self.y, value)
        else:
            self.canvas.drawString(left, self.y, value)

    def line(self, value: str = "", size: float = 10, bold: bool = False) -> None:
        self.text(value, size, bold)
        self.y -= size * 1.45

    def row(
        self, cells: Sequence[tuple[str, float, str]], size: float = 10, bold: bool = False
    ) -> None:
        """Cells as (text, x position in mm from the left margin, align)."""
        self.need(size * 1.5)
        for value, at, align in cells:
            self.text(value, size, bold, x=self.left + at * mm, align=align)
        self.y -= size * 1.45

    def rule(self) -> None:
        self.need(6)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(self.left, self.y + 3, self.right, self.y + 3)
        self.y -= 6

    def header(self, title: str, subtitle: str = "") -> None:
        shop = self.shop
        self.line(shop.name, 16, bold=True)
        for part in (*shop.address_lines, shop.phone, shop.email):
            if part:
                self.line(part, 9)
        self.y -= 4
        self.text(title, 14, bold=True, x=self.right, align="right")
        self.y -= 18
        if subtitle:
            self.text(subtitle, 10, x=self.right, align="right")
            self.y -= 14


def _barcode(canvas: Canvas, data: str, x: float, y: float, height: float = 12 * mm) -> None:
    code = code128.Code128(data, barHeight=height, barWidth=0.9, humanReadable=True)
    code.drawOn(canvas, x, y)


def _sale_body(page: _Page, receipt: Receipt) -> None:
    lang, shop = receipt.shop.language, receipt.shop

    def m(amount: Decimal) -> str:
        return money(amount, shop.currency, lang)

    page.row(
        [
            (t("print.item", lang), 0, "left"),
            (t("print.qty", lang), 105, "right"),
            (t("print.unit_price", lang), 130, "right"),
            (t("print.discount", lang), 150, "right"),
            (t("print.amount", lang), 170, "right"),
        ],
        9,
        bold=True,
    )
    page.rule()
    for line in receipt.lines:
        page.row(
            [
                (line.name, 0, "left"),
                (number(line.quantity, lang), 105, "right"),
                (m(line.unit_price), 130, "right"),
                (m(line.line_discount) if line.line_discount else "", 150, "right"),
                (m(line.amount), 170, "right"),
            ],
            9,
        )
    page.rule()
    if receipt.customer_discount:
        label = t(
            "print.customer_discount", lang, percent=number(receipt.customer_discount_percent, lang)
        )
        page.row([(label, 0, "left"), (f"-{m(receipt.customer_discount)}", 170, "right")])
    if receipt.tax_adjustment:
        label, amount = tax_adjustment_row(receipt, m)
        page.row([(label, 0, "left"), (amount, 170, "right")])
    page.row([(t("print.total", lang), 0, "left"), (m(receipt.total), 170, "right")], 12, bold=True)
    if receipt.tax_exempt:
        page.line(t("print.tax_exempt", lang), 10, bold=True)
    else:
        for tax in receipt.taxes:
            page.row(
                [
                    (t("print.tax_at", lang, rate=number(tax.rate, lang)), 0, "left"),
                    (m(tax.net), 150, "right"),
                    (m(tax.tax), 170, "right"),
                ],
                9,
            )
    page.y -= 4
    for tender in receipt.tenders:
        page.row(
            [
                (t(f"print.tender.{tender.method}", lang), 0, "left"),
                (m(tender.amount), 170, "right"),
            ],
            9,
        )
    if receipt.change:
        page.row([(t("print.change", lang), 0, "left"), (m(receipt.change), 170, "right")], 9)
    if receipt.account_balance is not None:
        page.row(
            [
                (t("print.account_balance", lang), 0, "left"),
                (m(receipt.account_balance), 170, "right"),
            ],
            9,
        )
    if receipt.points_earned is not None:
        page.row(
            [
                (t("print.points_earned", lang), 0, "left"),
                (str(receipt.points_earned), 170, "right"),
            ],
            9,
        )
    if shop.footer:
        page.y -= 8
        page.line(shop.footer, 9)
    page.need(20 * mm)
    _barcode(page.canvas, receipt.number, page.left, page.y - 14 * mm)
    page.y -= 18 * mm


def _sale_meta(page: _Page, receipt: Receipt) -> None:
    lang = receipt.shop.language
    page.line(f"{t('print.receipt', lang)}: {receipt.number}", 10)
    page.line(f"{t('print.date', lang)}: {receipt.issued_at.strftime('%d/%m/%Y %H:%M')}", 10)
    page.line(f"{t('print.staff', lang)}: {receipt.staff}", 10)
    if receipt.customer_name:
        page.line(f"{t('print.customer', lang)}: {receipt.customer_name}", 10)
    if receipt.customer_tax_number:
        page.line(f"{t('print.tax_number', lang)}: {receipt.customer_tax_number}", 10)
    page.y -= 6


def receipt_pdf(receipt: Receipt) -> bytes:
    """A full-size (A4) receipt."""
    lang = receipt.shop.language

    def draw(canvas: Canvas) -> None:
        page = _Page(canvas, receipt.shop)
        page.header(t("print.receipt", lang), receipt.number)
        _sale_meta(page, receipt)
        _sale_body(page, receipt)

    return _document(A4, f"{t('print.receipt', lang)} {receipt.number}", draw)


def invoice_pdf(invoice: Invoice) -> bytes:
    """An A4 invoice with its number, billing address and the customer's tax number."""
    receipt, lang = invoice.receipt, invoice.receipt.shop.language

    def draw(canvas: Canvas) -> None:
        page = _Page(canvas, receipt.shop)
        page.header(t("print.invoice", lang), f"{t('print.invoice_number', lang)} {invoice.number}")
        page.line(t("print.bill_to", lang), 10, bold=True)
        for part in invoice.billing_address:
            page.line(part, 10)
        page.y -= 6
        _sale_meta(page, receipt)
        _sale_body(page, receipt)

    return _document(A4, f"{t('print.invoice', lang)} {invoice.number}", draw)


def statement_pdf(statement: Statement) -> bytes:
    """An A4 account statement: opening balance, entries, closing balance, aged totals."""
    shop, lang = statement.shop, statement.shop.language

    def m(amount: Decimal) -> str:
        return money(amount, shop.currency, lang)

    def draw(canvas: Canvas) -> None:
        page = _Page(canvas, shop)
        period = (
            f"{statement.period_start.strftime('%d/%m/%Y')} – "
            f"{statement.period_end.strftime('%d/%m/%Y')}"
        )
        page.header(t("print.statement", lang), period)
        page.line(f"{statement.customer_name} ({statement.account_number})", 11, bold=True)
        for part in statement.address_lines:
            page.line(part, 10)
        page.y -= 8
        page.row(
            [
                (t("print.opening_balance", lang), 0, "left"),
                (m(statement.opening_balance), 170, "right"),
            ],
            10,
            bold=True,
        )
        page.row(
            [
                (t("print.date", lang), 0, "left"),
                (t("print.type", lang), 25, "left"),
                (t("print.reference", lang), 60, "left"),
                (t("print.amount", lang), 140, "right"),
                (t("print.balance", lang), 170, "right"),
            ],
            9,
            bold=True,
        )
        page.rule()
        for entry in statement.entries:
            page.row(
                [
                    (entry.on.strftime("%d/%m/%Y"), 0, "left"),
                    (t(f"print.entry.{entry.kind}", lang), 25, "left"),
                    (entry.reference, 60, "left"),
                    (m(entry.amount), 140, "right"),
                    (m(entry.balance), 170, "right"),
                ],
                9,
            )
        page.rule()
        page.row(
            [
                (t("print.closing_balance", lang), 0, "left"),
                (m(statement.closing_balance), 170, "right"),
            ],
            12,
            bold=True,
        )
        page.y -= 8
        labels = [
            t(f"print.aged.{k}", lang) for k in ("current", "1_30", "31_60", "61_90", "over_90")
        ]
        page.row([(label, 34 * i + 34, "right") for i, label in enumerate(labels)], 9, bold=True)
        page.row([(m(amount), 34 * i + 34, "right") for i, amount in enumerate(statement.aged)], 9)

    return _document(A4, f"{t('print.statement', lang)} {statement.account_number}", draw)


def label_pdf(label: Label, language: str) -> bytes:
    """A 100×150 mm courier label."""
    width, height = LABEL_SIZE

    def draw(canvas: Canvas) -> None:
        y = height - 10 * mm
        if label.sender:
            canvas.setFont(FONT, 8)
            canvas.drawString(8 * mm, y, t("print.from", language))
            for part in label.sender:
                y -= 10
                canvas.drawString(8 * mm, y, _fit(canvas, part, FONT, 8, width - 16 * mm))
            y -= 8 * mm
            canvas.line(8 * mm, y + 4 * mm, width - 8 * mm, y + 4 * mm)
        canvas.setFont(BOLD, 10)
        canvas.drawString(8 * mm, y, t("print.to", language))
        y -= 9 * mm
        for part in label.recipient:
            canvas.setFont(BOLD, 14)
            canvas.drawString(8 * mm, y, _fit(canvas, part, BOLD, 14, width - 16 * mm))
            y -= 7 * mm
        if label.reference:
            _barcode(canvas, label.reference, 8 * mm, 10 * mm, 14 * mm)

    return _document(LABEL_SIZE, t("print.label", language), draw)


def label_sheet_pdf(labels: Sequence[Label], language: str) -> bytes:
    """A4 sheets of 3×7 address labels (70×42.3 mm), as many pages as needed."""
    page_w, page_h = A4
    cell_w, cell_h = page_w / SHEET_COLUMNS, page_h / SHEET_ROWS

    def draw(canvas: Canvas) -> None:
        per_page = SHEET_COLUMNS * SHEET_ROWS
        for index, label in enumerate(labels):
            if index and index % per_page == 0:
                canvas.showPage()
            slot = index % per_page
            col, row = slot % SHEET_COLUMNS, slot // SHEET_COLUMNS
            x = col * cell_w + 5 * mm
            y = page_h - row * cell_h - 9 * mm
            for number_, part in enumerate(label.recipient[:6]):
                font = BOLD if number_ == 0 else FONT
                canvas.setFont(font, 9)
                canvas.drawString(x, y, _fit(canvas, part, font, 9, cell_w - 10 * mm))
                y -= 11

    return _document(A4, t("print.address_labels", language), draw)


def voucher_pdf(voucher: Voucher) -> bytes:
    """A gift voucher (A6 landscape) with its code as barcode and QR code."""
    shop, lang = voucher.shop, voucher.shop.language
    size = (148 * mm, 105 * mm)

    def draw(canvas: Canvas) -> None:
        width, height = size
        canvas.setFont(BOLD, 14)
        canvas.drawString(10 * mm, height - 14 * mm, shop.name)
        canvas.setFont(FONT, 8)
        y = height - 19 * mm
        for part in shop.address_lines:
            canvas.drawString(10 * mm, y, part)
            y -= 9
        canvas.setFont(BOLD, 18)
        canvas.drawString(10 * mm, height - 42 * mm, t("print.gift_voucher", lang))
        canvas.setFont(BOLD, 26)
        canvas.drawString(10 * mm, height - 56 * mm, money(voucher.amount, shop.currency, lang))
        canvas.setFont(FONT, 10)
        canvas.drawString(10 * mm, height - 64 * mm, f"{t('print.code', lang)}: {voucher.code}")
        if voucher.expires_on:
            canvas.drawString(
                10 * mm,
                height - 70 * mm,
                f"{t('print.expires', lang)}: {voucher.expires_on:%d/%m/%Y}",
            )
        _barcode(canvas, voucher.code, 8 * mm, 8 * mm, 12 * mm)
        widget = qr.QrCodeWidget(voucher.code)
        left, bottom, right, top = widget.getBounds()
        side = 34 * mm
        drawing = Drawing(
            side, side, transform=[side / (right - left), 0, 0, side / (top - bottom), 0, 0]
        )
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, width - side - 8 * mm, 8 * mm)

    return _document(size, f"{t('print.gift_voucher', lang)} {voucher.code}", draw)
