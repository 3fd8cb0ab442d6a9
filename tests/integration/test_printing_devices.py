"""ESC/POS bytes to real printer classes: Dummy, Network to a TCP listener, a file; PDFs
read back; the print services with their log and PDF fallback."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from escpos.printer import Dummy
from pypdf import PdfReader

from comptoir.logic.printers import PrinterConfig
from comptoir.printing.escpos_render import render
from comptoir.printing.layout import receipt_layout
from comptoir.printing.model import Invoice, SaleLine
from comptoir.printing.pdf import label_pdf, label_sheet_pdf, voucher_pdf
from comptoir.printing.pdf_a4 import invoice_pdf, receipt_pdf, statement_pdf
from comptoir.printing.printers import STATUS_QUERY, PrinterUnavailable, send
from comptoir.services import customers, printing
from tests.conftest import ADMIN, STAFF
from tests.printing_samples import D, invoice, label, receipt, statement, voucher

CP858 = b"\x1bt\x13"


class Listener:
    """A TCP 'printer' on 127.0.0.1: answers the status query (or stays silent), keeps bytes."""

    def __init__(self, answer: bool = True):
        self.answer = answer
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(10)
        try:
            connection, _ = self.server.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(5)
            try:
                first = connection.recv(len(STATUS_QUERY))
                self.received += first
                if not self.answer:
                    self.done.wait(10)
                    return
                connection.sendall(b"\x12")  # online, drawer closed
                while chunk := connection.recv(65536):
                    self.received += chunk
            except OSError:
                pass
        self.done.set()

    def close(self) -> None:
        self.done.set()
        self.server.close()
        self.thread.join(5)


@contextmanager
def listening(answer: bool = True):
    listener = Listener(answer)
    try:
        yield listener
    finally:
        listener.close()


def test_dummy_printer_bytes_hold_text_code_page_barcode_and_cut():
    data = render(receipt_layout(receipt(), 42))
    assert data.startswith(b"\x1b@") and CP858 in data
    assert "Élodie Façade".encode("cp858") in data
    assert "1 234,56 €".encode("cp858") in data and b"\xd5" in data  # € in CP858
    assert b"\x1dkE" in data and b"R000123" in data  # CODE39 barcode
    assert data.rstrip(b"\n").endswith(b"\x1dV\x00") or b"\x1dV" in data[-10:]
    dummy = Dummy()
    dummy._raw(data)
    assert dummy.output == data


def test_network_printer_class_sends_to_a_tcp_listener():
    data = render(receipt_layout(receipt(), 48))
    with listening() as printer:
        send(PrinterConfig(kind="network", host="127.0.0.1", port=printer.port, timeout=2), data)
        printer.done.wait(5)
    assert bytes(printer.received) == STATUS_QUERY + data


def test_a_printer_that_never_answers_times_out_without_getting_the_job():
    data = render(receipt_layout(receipt(), 42))
    with listening(answer=False) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterUnavailable) as info:
            send(
                PrinterConfig(kind="network", host="127.0.0.1", port=printer.port, timeout=1), data
            )
        elapsed = time.monotonic() - started
    assert info.value.reason == "no_answer" and info.value.printer.startswith("127.0.0.1:")
    assert 0.9 <= elapsed < 3
    assert bytes(printer.received) == STATUS_QUERY  # no half-printed receipt


def test_a_closed_port_is_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(PrinterUnavailable) as info:
        send(PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=1), b"x")
    assert info.value.reason == "unreachable"


def test_file_printer_receives_the_bytes(tmp_path: Path):
    target = tmp_path / "lp0"
    send(PrinterConfig(kind="file", path=str(target)), b"\x1b@hello")
    assert target.read_bytes() == b"\x1b@hello"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_invoice_pdf_reads_back():
    text = pdf_text(invoice_pdf(invoice()))
    for expected in (
        "Facture",
        "F2026-000042",
        "Facturé à",
        "Cycles Façade SARL",
        "69003 LYON",
        "FR12345678901",
        "1 234,56 €",
        "Élodie Façade",
        "Chambre à air",
        "TVA 20 %",
    ):
        assert expected in text, expected


def test_a_long_invoice_wraps_names_repeats_headings_and_numbers_pages():
    long_name = (
        "Révision complète atelier <b>vélo</b> de ville & VTT : freins, dérailleur, "
        "câbles et gaines remplacés, roues dévoilées, pneus contrôlés et gonflés"
    )
    lines = tuple(
        SaleLine(long_name if n == 0 else f"Article {n:03d}", D("1"), D("2.00"), D("2.00"))
        for n in range(90)
    )
    document = Invoice(receipt(lines=lines), "F2026-000099", ("Cycles Façade SARL",))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(invoice_pdf(document))).pages]
    assert len(pages) == 3
    for number, text in enumerate(pages, 1):
        assert f"Page {number} sur 3" in text
        assert "Article" in text and "Qté" in text  # the headings on every page
    # The long name is all there (wrapped, not cut), its markup shown as typed.
    flat = " ".join(" ".join(pages).split())
    assert "<b>vélo</b> de ville & VTT" in flat
    assert "pneus contrôlés et gonflés" in flat
    assert "…" not in flat
    assert "Article 089" in pages[2]


def test_receipt_statement_and_voucher_pdfs_read_back():
    text = pdf_text(receipt_pdf(receipt(tax_exempt=True)))
    assert "Exonéré de taxe" in text and "TVA" not in text and "R000123" in text
    text = pdf_text(statement_pdf(statement()))
    for expected in (
        "Relevé de compte",
        "Solde d'ouverture",
        "100,00 €",
        "Règlement",
        "-300,00 €",
        "Solde de clôture",
        "50,00 €",
        "Plus de 90 jours",
    ):
        assert expected in text, expected
    text = pdf_text(voucher_pdf(voucher()))
    assert "Bon cadeau" in text and "GV-7Q2K9" in text and "29/11/2027" in text


def test_label_sheet_pages():
    labels = [label()] * 25
    reader = PdfReader(io.BytesIO(label_sheet_pdf(labels, "fr")))
    assert len(reader.pages) == 2  # 21 labels a page
    assert pdf_text(label_sheet_pdf(labels[:1], "fr")).count("Léa Martin") == 1


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_rendered_pages_have_the_right_size(tmp_path: Path):
    from PIL import Image

    for name, data, expected in (
        ("label", label_pdf(label(), "fr"), (283, 425)),
        ("invoice", invoice_pdf(invoice()), (595, 842)),
    ):
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "72", "-singlefile", str(source), str(tmp_path / name)],
            check=True,
            timeout=60,
        )
        with Image.open(tmp_path / f"{name}.png") as image:
            width, height = image.size
        assert abs(width - expected[0]) <= 1 and abs(height - expected[1]) <= 1, name


def _customer(**fields) -> int:
    raw = {
        "last_name": "Martin",
        "first_name": "Léa",
        "company": "Cycles Martin",
        "address1": "12 rue du Moulin",
        "postcode": "74000",
        "city": "Annecy",
        "country_code": "FR",
    }
    raw.update(fields)
    return customers.create_customer(raw, STAFF)


def test_courier_label_pdf_only_by_default(database):
    customer_id = _customer()
    outcome = printing.print_courier_label(STAFF, customer_id)
    assert not outcome.printed and outcome.reason == "pdf_only"
    text = pdf_text(outcome.pdf)
    assert text.index("Cycles Martin") < text.index("Léa Martin") < text.index("74000 ANNECY")
    assert "FRANCE" not in text  # domestic
    assert outcome.preview and "Léa Martin" in outcome.preview
    (job,) = printing.print_history(f"customer:{customer_id}")
    assert (job["outcome"], job["staff_name"], job["printer"]) == ("pdf", "Counter Staff", "PDF")


def test_courier_label_on_a_network_printer_and_its_fallback(database):
    customer_id = _customer(
        country_code="GB",
        postcode="SW1A 2AA",
        city="London",
        address1="10 Downing Street",
        company=None,
        first_name="Ava",
        last_name="Smith",
    )
    before = customers.get_customer(customer_id)
    with listening() as printer:
        printing.save_printer(
            ADMIN,
            "labels",
            {"kind": "network", "host": "127.0.0.1", "port": printer.port, "columns": 48},
        )
        outcome = printing.print_courier_label(STAFF, customer_id)
        printer.done.wait(5)
    assert outcome.printed and outcome.printer == f"127.0.0.1:{printer.port}"
    assert b"LONDON" in printer.received and b"ROYAUME-UNI" in printer.received
    with listening(answer=False) as silent:
        printing.save_printer(
            ADMIN, "labels", {"kind": "network", "host": "127.0.0.1", "port": silent.port}
        )
        outcome = printing.print_courier_label(STAFF, customer_id)
    assert not outcome.printed and outcome.reason == "no_answer"
    assert outcome.pdf.startswith(b"%PDF") and "SW1A 2AA" in pdf_text(outcome.pdf)
    assert customers.get_customer(customer_id) == before  # printing never alters the record
    jobs = printing.print_history(f"customer:{customer_id}")
    assert [(j["outcome"], j["detail"]) for j in jobs] == [
        ("failed", "no_answer"),
        ("printed", None),
    ]


def test_address_label_sheet_for_chosen_customers(database):
    ids = [_customer(last_name=f"Client{i}") for i in range(3)]
    outcome = printing.address_label_sheet(STAFF, ids)
    text = pdf_text(outcome.pdf)
    assert all(f"Client{i}" in text for i in range(3))
    assert outcome.filename == "address-labels-3.pdf"


def test_test_page_and_printer_settings_are_admin_only(database):
    from comptoir.logic.auth import PermissionDenied

    with pytest.raises(PermissionDenied):
        printing.print_test_page(STAFF, "receipts")
    with pytest.raises(PermissionDenied):
        printing.save_printer(STAFF, "receipts", {"kind": "pdf"})
    outcome = printing.print_test_page(ADMIN, "receipts")
    assert "TEST-0001" in pdf_text(outcome.pdf) and "£" in outcome.preview


@pytest.mark.parametrize(
    "config",
    [
        PrinterConfig(kind="usb", usb_vendor="04b8", usb_product="0202", timeout=1),
        PrinterConfig(kind="serial", serial_device="/dev/ttyNOPE", timeout=1),
        PrinterConfig(kind="file", path="/nonexistent/dir/lp0"),
    ],
)
def test_absent_usb_serial_and_file_printers_are_unreachable(config):
    with pytest.raises(PrinterUnavailable) as info:
        send(config, b"\x1b@")
    assert info.value.reason == "unreachable"
