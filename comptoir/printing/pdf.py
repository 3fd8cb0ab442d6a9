"""Labels and vouchers drawn on a reportlab canvas (A4 documents: printing/pdf_a4.py)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from comptoir.i18n import t
from comptoir.printing.model import Label, Voucher
from comptoir.printing.text import money

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


def _barcode(canvas: Canvas, data: str, x: float, y: float, height: float = 12 * mm) -> None:
    code = code128.Code128(data, barHeight=height, barWidth=0.9, humanReadable=True)
    code.drawOn(canvas, x, y)


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
        if voucher.balance is not None and voucher.balance < voucher.amount:
            left = money(voucher.balance, shop.currency, lang)
            canvas.drawString(70 * mm, height - 56 * mm, f"{t('print.voucher_left', lang)}: {left}")
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
