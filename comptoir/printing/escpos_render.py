"""Layouts to ESC/POS bytes with python-escpos (rendered on a Dummy printer, sent raw)."""

from __future__ import annotations

from escpos.printer import Dummy

from comptoir.printing.layout import BarcodeRow, CutRow, QrRow, Row, TextRow
from comptoir.printing.text import printable


def render(rows: list[Row], code_page: str = "CP858") -> bytes:
    """The bytes a printer needs for these rows, text in the given code page."""
    printer = Dummy()
    printer.hw("INIT")
    printer.charcode(code_page)
    for row in rows:
        if isinstance(row, TextRow):
            printer.set(
                align=row.align,
                bold=row.bold,
                double_height=row.large,
                double_width=False,
                normal_textsize=not row.large,
            )
            printer.text(printable(row.text, code_page) + "\n")
        elif isinstance(row, BarcodeRow):
            printer.set(align="center", normal_textsize=True)
            code = row.data.upper()
            if printer.check_barcode("CODE39", code):
                printer.barcode(
                    code,
                    "CODE39",
                    height=64,
                    width=2,
                    pos="BELOW",
                    align_ct=True,
                    function_type="B",
                )
            else:  # characters CODE39 cannot carry: print the reference as text
                printer.text(printable(row.data, code_page) + "\n")
        elif isinstance(row, QrRow):
            printer.qr(row.data, size=6, native=True, center=True)
        elif isinstance(row, CutRow):
            printer.cut()
    return printer.output
