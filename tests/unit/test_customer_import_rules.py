"""Reading another POS's customer file: headers in English and French, encodings,
separators, and values as that system wrote them."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from comptoir.logic.customer_import import (
    Unreadable,
    cell_value,
    check_mapping,
    complete_row,
    date_order,
    detect_encoding,
    detect_separator,
    guess_mapping,
    read_csv,
    read_file,
    split_full_name,
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
    assert [e.code for e in refused.value.errors] == ["not_in_list", "import_mapped_twice"]
    check_mapping(["email", "city"])  # a subscriber: the e-mail names them
    with pytest.raises(ValidationFailed) as nobody:
        check_mapping(["city", None, "postcode"])
    assert [e.code for e in nobody.value.errors] == ["import_needs_identity"]


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


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("Jean Martin", "Jean", "Martin"),
        ("Martin, Jean", "Jean", "Martin"),
        ("Jean de La Fontaine", "Jean", "de La Fontaine"),
        ("Anna Maria van der Berg", "Anna Maria", "van der Berg"),
        ("Cher", "", "Cher"),
    ],
)
def test_a_full_name_is_split(text, first, last):
    assert split_full_name(text) == (first, last)


@pytest.mark.parametrize(
    "field, given, expected",
    [
        ("marketing_opt_in", "subscribed", True),
        ("marketing_opt_in", "Unsubscribed", False),
        ("marketing_opt_in", "cleaned", False),
        ("marketing_opt_in", "pending", False),
        ("marketing_opt_in", "not_subscribed", False),
        ("marketing_opt_in", "1", True),
        ("marketing_opt_in", "Ja", True),
        ("country_code", "base.fr", "FR"),
        ("country_code", "be", "BE"),
        ("country_code", "Deutschland", "DE"),
        ("country_code", "España", "ES"),
        ("postcode", "'75019", "75019"),
        ("mobile", "'+33612345678", "+33612345678"),
        ("mobile", 33612345678.0, "33612345678"),
        ("mobile", "9.19961E+11", Unreadable("import_scientific")),
        ("account_number", "1,5E+12", Unreadable("import_scientific")),
        ("notes", "'quoted on purpose", "'quoted on purpose"),
    ],
)
def test_values_as_other_systems_and_excel_write_them(field, given, expected):
    assert cell_value(field, given) == expected


def test_the_date_order_is_the_files_own():
    assert date_order(["03/04/1980", "3/15/1987"]) == "mdy"
    assert date_order(["03/04/1980", "31/12/1980"]) == "dmy"
    assert date_order(["03/04/1980", ""]) == "dmy"  # nothing decides: day first
    assert cell_value("date_of_birth", "3/4/1980", "mdy") == "1980-03-04"
    assert cell_value("date_of_birth", "3/4/1980") == "1980-04-03"


def test_a_row_is_made_whole_and_what_was_made_is_said():
    values, notes = complete_row(
        {"email": "jean-paul.roux@example.fr", "mobile": "+41 79 123 45 67", "postcode": "1000"},
        "FR",
    )
    assert values["last_name"] == "Jean Paul Roux"
    assert values["country_code"] == "CH" and values["postcode"] == "1000"  # Swiss: 4 digits
    assert [(n.field, n.code) for n in notes] == [
        ("country_code", "import_country_from_phone"),
        ("last_name", "import_name_made_up"),
    ]
    values, notes = complete_row({"last_name": "Roux", "postcode": "6000"}, "FR")
    assert values["postcode"] == "06000" and notes == []


def test_a_ragged_file_reads_and_a_multiline_cell_is_named_by_its_first_line():
    table = read_csv(b"Nom;Ville;\nRoux;Annecy;\nBlanc\n")
    assert table.headers == ("Nom", "Ville")
    assert [cells for _, cells in table.rows] == [("Roux", "Annecy"), ("Blanc", "")]
    with pytest.raises(ValidationFailed) as refused:
        read_csv(b"Nom,Ville\nRoux,Annecy\nBlanc,Lyon,extra\n")
    assert refused.value.errors[0].params["line"] == "3"
    table = read_csv(b'Nom,Adresse\nRoux,"1 rue\nde la Paix"\nBlanc,Lyon\n')
    assert [line for line, _ in table.rows] == [2, 4]


def test_a_consent_date_is_read_as_systems_write_it():
    from datetime import UTC, datetime

    from comptoir.logic.customer_import import Unreadable, consent_moment

    when = datetime(2025, 3, 1, 10, 1, tzinfo=UTC)
    assert consent_moment("2025-03-01 10:01:00") == when  # Mailchimp, UTC
    assert consent_moment("2025-03-01T11:01:00+01:00") == when
    assert consent_moment("2025-03-01T10:01:00Z") == when
    assert consent_moment("01/03/2025 10:01") == when
    assert consent_moment("03/01/2025 10:01", "mdy") == when
    assert consent_moment("  ") == ""
    assert consent_moment("31/02/2025") == Unreadable("date_invalid")
    assert consent_moment("yesterday") == Unreadable("date_invalid")
