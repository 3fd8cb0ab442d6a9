"""Reading another POS's customer file: headers in English and French, encodings,
separators, and values as that system wrote them."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from comptoir.logic.customer_import import (
    cell_value,
    check_mapping,
    detect_encoding,
    detect_separator,
    guess_mapping,
    read_file,
    squeeze,
)
from comptoir.logic.errors import ValidationFailed


def test_english_headers():
    headers = ["Account No", "First Name", "Surname", "E-mail Address", "Zip Code", "Mobile"]
    assert guess_mapping(headers) == [
        "account_number",
        "first_name",
        "last_name",
        "email",
        "postcode",
        "mobile",
    ]


def test_french_headers_with_accents_and_punctuation():
    headers = [
        "N° client",
        "Prénom",
        "NOM",
        "Courriel",
        "Code postal",
        "Tél. portable",
        "Société",
        "Date de naissance",
        "Remise %",
        "Exonéré de TVA",
    ]
    assert guess_mapping(headers) == [
        "account_number",
        "first_name",
        "last_name",
        "email",
        "postcode",
        "mobile",
        "company",
        "date_of_birth",
        "discount_percent",
        "tax_exempt",
    ]


def test_our_own_export_codes_and_a_second_column_for_a_field():
    assert guess_mapping(["last_name", "email", "Mail", "whatever"]) == [
        "last_name",
        "email",
        None,
        None,
    ]
    assert squeeze(" Numéro de-Compte ") == "numerodecompte"


def test_a_mapping_is_checked():
    check_mapping(["last_name", None, "email"])
    with pytest.raises(ValidationFailed) as refused:
        check_mapping(["email", "email", "nonsense"])
    assert [e.code for e in refused.value.errors] == [
        "not_in_list",
        "import_mapped_twice",
        "import_needs_last_name",
    ]


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Nom;Ville\nCôté;Créteil\n".encode(), "utf-8"),
        ("Nom;Ville\nCôté;Créteil\n".encode("utf-8-sig"), "utf-8-sig"),
        ("Nom;Ville\nCôté;Créteil\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings(data, encoding):
    text, found = detect_encoding(data)
    assert found == encoding and "Côté;Créteil" in text


def test_utf16_and_binary_are_refused():
    for data, code in (("Nom".encode("utf-16"), "csv_utf16"), (b"\x00\x01\x02", "csv_binary")):
        with pytest.raises(ValidationFailed) as refused:
            detect_encoding(data)
        assert refused.value.errors[0].code == code


@pytest.mark.parametrize(
    "first, separator",
    [
        ("Nom,Prénom,Ville", ","),
        ("Nom;Prénom;Ville", ";"),
        ("Nom\tPrénom\tVille", "\t"),
        ('"Martin, Jean";Ville;Pays', ";"),  # a comma inside quotes does not count
    ],
)
def test_separators(first, separator):
    assert detect_separator(first + "\n") == separator


def test_values_as_other_systems_write_them():
    assert cell_value("date_of_birth", "31/12/1980") == "1980-12-31"
    assert cell_value("date_of_birth", "1.2.1975") == "1975-02-01"
    assert cell_value("date_of_birth", datetime(1980, 12, 31, 0, 0)) == "1980-12-31"
    assert cell_value("date_of_birth", "31/02/1980") == "31/02/1980"  # refused later, named
    assert cell_value("marketing_opt_in", "Oui") is True
    assert cell_value("tax_exempt", "non") is False
    assert cell_value("tax_exempt", "peut-être") == "peut-être"  # refused later, named
    assert cell_value("country_code", "Belgique") == "BE"
    assert cell_value("country_code", "United Kingdom") == "GB"
    assert cell_value("discount_percent", "12,5 %") == "12,5"
    assert cell_value("discount_percent", 12.5) == "12.5"


def test_a_workbook_keeps_dates_and_skips_empty_rows():
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Date de naissance"])
    sheet.append(["Durand", date(1980, 12, 31)])
    sheet.append([None, None])
    sheet.append(["Martin"])
    data = io.BytesIO()
    book.save(data)
    table = read_file(data.getvalue(), "clients.xlsx")
    assert table.headers == ("Nom", "Date de naissance")
    assert [line for line, _ in table.rows] == [2, 4]
    assert table.rows[0][1][1] == datetime(1980, 12, 31)
    assert table.rows[1][1] == ("Martin", "")


def test_a_line_with_too_many_fields_is_named():
    with pytest.raises(ValidationFailed) as refused:
        read_file(b"Nom;Ville\nDurand;Lyon\nMartin;Paris;extra\n", "c.csv")
    assert [(e.code, e.params["line"]) for e in refused.value.errors] == [("csv_fields", "3")]
