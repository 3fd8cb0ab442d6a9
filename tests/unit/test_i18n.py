"""Every message exists in English and French; formatting follows the language."""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po

from comptoir.i18n import (
    catalog,
    country_name,
    country_options,
    format_date,
    format_money,
    format_number,
    format_percent,
    t,
    tn,
)
from comptoir.i18n.catalog import LANGUAGES, keys
from comptoir.i18n.errors import describe
from comptoir.logic.errors import FieldError

ROOT = Path(__file__).resolve().parents[2] / "comptoir"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalogue(language: str) -> dict[str, tuple[str, ...]]:
    """Key -> its forms (one, or one per plural form) as the .po file states them."""
    path = catalog.LOCALES / language / "LC_MESSAGES" / "comptoir.po"
    with path.open("rb") as source:
        messages = read_po(source, locale=language)
    found = {}
    for message in messages:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found[key] = (message.string,) if isinstance(message.string, str) else message.string
    return found


def test_every_message_exists_in_every_language_with_the_same_placeholders():
    english = _catalogue("en")
    assert len(english) > 500
    assert list(LANGUAGES) == ["en", "fr"]
    for language in LANGUAGES:
        other = _catalogue(language)
        assert sorted(set(english) ^ set(other)) == [], language
        for key, forms in english.items():
            assert len(other[key]) == len(forms), (language, key)
            for form in other[key]:
                assert form.strip(), (language, key)
                assert _placeholders(form) == _placeholders(forms[-1]), (language, key)


def test_plural_forms_follow_each_language():
    assert tn("audit.count", 1, "en", total=1, page=1, pages=1) == "1 entry · page 1 of 1"
    assert tn("audit.count", 2, "en", total=2, page=1, pages=1) == "2 entries · page 1 of 1"
    assert tn("audit.count", 0, "en", total=0, page=1, pages=1) == "0 entries · page 1 of 1"
    assert tn("audit.count", 1, "fr", total=1, page=1, pages=1) == "1 entrée · page 1 sur 1"
    assert tn("audit.count", 2, "fr", total=2, page=1, pages=1) == "2 entrées · page 1 sur 1"
    # French counts zero in the singular.
    assert tn("customers.saved", 0, "fr", count=0) == "0 client enregistré."
    assert tn("customers.saved", 3, "en", count=3) == "3 customers saved."


def test_a_third_language_is_one_new_file(tmp_path, monkeypatch):
    for language in ("en", "fr"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "comptoir.po").write_bytes(
            (catalog.LOCALES / language / "LC_MESSAGES" / "comptoir.po").read_bytes()
        )
    german = tmp_path / "de" / "LC_MESSAGES"
    german.mkdir(parents=True)
    text = (catalog.LOCALES / "en" / "LC_MESSAGES" / "comptoir.po").read_text(encoding="utf-8")
    text = text.replace('"Language: en\\n"', '"Language: de\\n"').replace(
        'msgstr "Customers"', 'msgstr "Kunden"'
    )
    (german / "comptoir.po").write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog, "LOCALES", tmp_path)
    languages = catalog._languages()
    assert languages == {"en": "English", "de": "Deutsch", "fr": "Français"}
    monkeypatch.setattr(catalog, "LANGUAGES", languages)
    catalog._translations.cache_clear()
    try:
        assert t("nav.customers", "de") == "Kunden"
        assert catalog.language_of("de_CH") == "de"
    finally:
        catalog._translations.cache_clear()


def test_an_unknown_language_or_key_falls_back():
    assert t("nav.customers", "es") == "Customers"
    assert catalog.language_of("es_ES") == "en"
    assert catalog.language_of("fr_CA") == "fr"
    assert t("no.such.key", "fr") == "no.such.key"


def test_every_key_used_in_code_exists():
    used: set[str] = set()
    pattern = re.compile(r"""\b(?:tr|t)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    for folder in ("pages", "ui", "app.py"):
        target = ROOT / folder
        files = [target] if target.is_file() else target.rglob("*.py")
        for file in files:
            used |= set(pattern.findall(file.read_text(encoding="utf-8")))
    assert used, "no keys found: the pattern is wrong"
    assert sorted(used - keys()) == []


def test_every_error_code_raised_in_logic_has_a_message():
    codes: set[str] = set()
    pattern = re.compile(
        r"""FieldProblem\(\s*["']([a-z_]+)|FieldError\(\s*["'][a-z_]+["'],\s*["']([a-z_]+)"""
    )
    for file in list((ROOT / "logic").rglob("*.py")) + list((ROOT / "services").rglob("*.py")):
        for pair in pattern.findall(file.read_text(encoding="utf-8")):
            codes |= {code for code in pair if code}
    assert "required" in codes
    assert sorted(c for c in codes if f"error.{c}" not in keys()) == []


def test_every_card_field_has_a_label():
    from comptoir.logic.customers import FIELDS

    assert [f for f in FIELDS if f"field.{f}" not in keys()] == []


def test_error_sentence_names_the_field_in_each_language():
    error = FieldError("email", "email_invalid", {"detail": "no @"})
    assert describe(error, "en").startswith("E-mail is not a valid address")
    assert describe(error, "fr").startswith("E-mail n'est pas une adresse valide")
    assert t("error.required", "fr", field="Nom de famille") == "Nom de famille est obligatoire."


def test_money_and_dates_follow_the_language():
    assert format_money(Decimal("1234.5"), "EUR", "fr", "FR") == "1\u202f234,50\xa0€"
    assert format_money(Decimal("1234.5"), "GBP", "en", "GB") == "£1,234.50"
    assert format_date(date(2026, 11, 29), "fr", "FR") == "29 nov. 2026"
    assert format_date(date(2026, 11, 29), "en", "GB") == "29 Nov 2026"


def test_numbers_and_percentages_follow_the_language():
    assert format_percent(Decimal("12.50"), "fr") == "12,5\xa0%"
    assert format_percent(Decimal("12.50"), "en") == "12.5%"
    assert format_percent(93.4, "fr") == "93,4\xa0%"  # a float's binary tail is not shown
    assert format_number(Decimal("2.500"), "fr") == "2,5"
    assert format_number(Decimal("1234.5"), "fr") == "1\u202f234,5"
    assert format_number(Decimal("1234.5"), "en", grouped=False) == "1234.5"
    assert format_number(Decimal("1E+1"), "en") == "10"
    assert t("format.labelled", "fr", label="Total", value="5 €") == "Total : 5 €"
    assert t("format.labelled", "en", label="Total", value="€5") == "Total: €5"


def test_country_names_in_the_ui_language():
    assert country_name("DE", "fr") == "Allemagne"
    assert country_name("DE", "en") == "Germany"
    names = [name for _, name in country_options("fr")]
    assert names.index("Égypte") < names.index("France")  # sorted ignoring accents
    assert len(names) == 249


def test_format_functions_capture_the_language():
    # AppTest (and Streamlit) may call a format_func outside the script run, where the
    # session's language is unknown: lambdas must use t(key, lang), never tr(key).
    offenders = []
    for folder in ("pages", "ui"):
        for file in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"lambda[^:]*:.*\btr\(", line):
                    offenders.append(f"{file.name}:{number}")
    assert offenders == []


def test_every_refused_field_has_a_label():
    fields: set[str] = set()
    for file in (ROOT / "services").rglob("*.py"):
        fields |= set(re.findall(r'FieldError\(\s*"([a-z_]+)"', file.read_text(encoding="utf-8")))
    assert fields
    assert sorted(f for f in fields if f"field.{f}" not in keys()) == []
