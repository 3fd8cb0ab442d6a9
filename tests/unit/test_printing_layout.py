"""Document layouts: code pages, widths, wrapping, amounts, addresses, printer settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.logic.errors import ValidationFailed
from comptoir.logic.printers import clean_printer
from comptoir.printing.addresses import postal_lines
from comptoir.printing.layout import (
    BarcodeRow,
    CutRow,
    QrRow,
    TextRow,
    label_layout,
    preview,
    receipt_layout,
    voucher_layout,
)
from comptoir.printing.text import columns, money, printable
from tests.printing_samples import SHOP_GB, label, receipt, voucher


def test_code_page_keeps_accents_and_currency_signs():
    assert printable("é ç £ € à ü", "CP858") == "é ç £ € à ü"
    assert printable("é ç £ €", "CP1252") == "é ç £ €"
    assert printable("Œuvre\u00a0œuf — 1\u202f234 → ok…") == "OEuvre oeuf - 1 234 -> ok..."
    assert printable("Łódź 北") == "Lódz ?"  # ó is in CP858, ź loses its accent
    "".join(printable("é ç £ €")).encode("cp858")  # never raises


def test_money_is_printable_in_both_languages():
    assert money(Decimal("1234.5"), "EUR", "fr") == "1 234,50 €"
    assert money(Decimal("1234.5"), "GBP", "en") == "£1,234.50"


def test_columns_right_align_and_wrap():
    lines = columns("Révision complète du vélo de ville", "89,00 €", 20)
    assert all(len(line) == 20 for line in lines)
    assert lines[-1].endswith(" 89,00 €")
    assert columns("TOTAL", "1 234,56 €", 40) == ["TOTAL" + " " * 24 + " 1 234,56 €"]


@pytest.mark.parametrize("width", [40, 42, 48])
def test_receipt_fits_the_paper(width):
    rows = receipt_layout(receipt(), width)
    texts = [r.text for r in rows if isinstance(r, TextRow)]
    assert all(len(text) <= width for text in texts), [t for t in texts if len(t) > width]
    total = next(text for text in texts if text.startswith("TOTAL"))
    assert len(total) == width and total.endswith("1 234,56 €")
    assert any("très long" in text for text in texts)  # wrapped, not cut
    assert isinstance(rows[-2], BarcodeRow) and rows[-2].data == "R000123"
    assert isinstance(rows[-1], CutRow)


def test_receipt_content_in_french():
    text = preview(receipt_layout(receipt(), 42), 42)
    for expected in (
        "Cycles du Comptoir",
        "Ticket",
        "R000123",
        "29 nov. 2026 10:30",
        "Sam Vendeur",
        "Élodie Façade",
        "2 x 6,50 €",
        "Remise -8,90 €",
        "Remise client 5 %",
        "-4,50 €",
        "TVA 20 %",
        "205,76 €",
        "TVA 5,5 %",
        "Carte",
        "Espèces",
        "Rendu",
        "15,44 €",
        "Merci et bonne route !",
        "||| R000123 |||",
    ):
        assert expected in text, expected


def test_tax_exempt_receipt_shows_it_and_no_tax_lines():
    text = preview(receipt_layout(receipt(tax_exempt=True, customer_tax_number="FR123"), 40), 40)
    assert "Exonéré de taxe" in text and "TVA" not in text
    assert "N° fiscal" in text and "FR123" in text


def test_account_balance_and_points_when_known():
    rows = receipt_layout(
        receipt(
            shop=SHOP_GB, account_balance=Decimal("42.10"), points_earned=12, points_balance=340
        ),
        48,
    )
    text = preview(rows, 48)
    assert "Account balance" in text and "£42.10" in text
    assert "Points earned" in text and "340" in text
    assert "Served by" in text and "VAT 20 %" in text


def test_label_and_voucher_layouts():
    rows = label_layout(label(), 42, "fr")
    assert [r.text for r in rows if isinstance(r, TextRow) and r.large] == [
        "Cycles Martin",
        "Léa Martin",
        "12 rue du Moulin",
        "74000 ANNECY",
    ]
    assert any(isinstance(r, BarcodeRow) for r in rows)
    rows = voucher_layout(voucher(), 42)
    assert [type(r) for r in rows[-3:]] == [BarcodeRow, QrRow, CutRow]
    assert "Bon cadeau" in preview(rows, 42) and "50,00 €" in preview(rows, 42)


def test_addresses_follow_the_destination_country():
    french = {
        "first_name": "Léa",
        "last_name": "Martin",
        "company": "Cycles Martin",
        "address1": "12 rue du Moulin",
        "address2": "Bât. B",
        "postcode": "74000",
        "city": "Annecy",
        "country_code": "FR",
    }
    assert postal_lines(french, "FR", "fr") == (
        "Cycles Martin",
        "Léa Martin",
        "12 rue du Moulin",
        "Bât. B",
        "74000 ANNECY",
    )
    british = {
        "first_name": "Ava",
        "last_name": "Smith",
        "address1": "10 Downing Street",
        "postcode": "SW1A 2AA",
        "city": "London",
        "country_code": "GB",
    }
    assert postal_lines(british, "FR", "fr") == (
        "Ava Smith",
        "10 Downing Street",
        "LONDON",
        "SW1A 2AA",
        "ROYAUME-UNI",
    )
    assert postal_lines(british, "GB", "en")[-1] == "SW1A 2AA"  # domestic: no country
    assert postal_lines(french, "GB", "en")[-1] == "FRANCE"


def test_printer_settings_are_checked():
    assert (
        clean_printer({"kind": "network", "host": "192.168.1.50", "port": "9100"}).describe()
        == "192.168.1.50:9100"
    )
    assert (
        clean_printer({"kind": "usb", "usb_vendor": "0x4B8", "usb_product": "202"}).describe()
        == "USB 04b8:0202"
    )
    with pytest.raises(ValidationFailed) as info:
        clean_printer({"kind": "network", "host": "", "port": "99999", "columns": "50"})
    assert {e.field for e in info.value.errors} == {
        "printer_host",
        "printer_port",
        "printer_columns",
    }
    with pytest.raises(ValidationFailed):
        clean_printer({"kind": "usb", "usb_vendor": "zz", "usb_product": "1"})
    assert clean_printer({}).kind == "pdf"
