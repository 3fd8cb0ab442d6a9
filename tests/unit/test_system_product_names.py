"""The app's own products read in the reader's language; what a shop named stays as sold."""

from __future__ import annotations

import pytest

from comptoir.i18n.catalog import product_name


@pytest.mark.parametrize(
    "sku, stored, language, shown",
    [
        ("DEPOSIT", "Acompte", "en", "Deposit"),
        ("DEPOSIT", "Deposit", "fr", "Acompte"),
        ("VOUCHER", "Bon cadeau ABCD-EFGH-JKLM-N", "en", "Gift voucher ABCD-EFGH-JKLM-N"),
        ("LABOUR", "Main-d'œuvre atelier (heure)", "en", "Workshop labour (hour)"),
        ("labour", "Workshop labour (hour)", "fr", "Main-d'œuvre atelier (heure)"),
        # Renamed by the shop, or another product: as sold.
        ("LABOUR", "Main-d'œuvre 30 min", "en", "Main-d'œuvre 30 min"),
        ("TUBE-700", "Chambre à air", "en", "Chambre à air"),
        (None, "Acompte", "en", "Acompte"),
    ],
)
def test_a_line_name_as_the_reader_reads_it(sku, stored, language, shown):
    assert product_name(sku, stored, language) == shown
