"""Every message exists in English and French; formatting follows the language."""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

from i18n import country_name, country_options, format_date, format_money, t
from i18n.catalog import MESSAGES
from i18n.errors import describe
from logic.errors import FieldError

ROOT = Path(__file__).resolve().parents[2]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders():
    for key, (en, fr) in MESSAGES.items():
        assert en.strip() and fr.strip(), key
        assert _placeholders(en) == _placeholders(fr), key


def test_every_key_used_in_code_exists():
    used: set[str] = set()
    pattern = re.compile(r"""\b(?:tr|t)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    for folder in ("pages", "ui", "app.py"):
        target = ROOT / folder
        files = [target] if target.is_file() else target.rglob("*.py")
        for file in files:
            used |= set(pattern.findall(file.read_text(encoding="utf-8")))
    assert used, "no keys found: the pattern is wrong"
    assert sorted(used - set(MESSAGES)) == []


def test_every_error_code_raised_in_logic_has_a_message():
    codes: set[str] = set()
    pattern = re.compile(
        r"""FieldProblem\(\s*["']([a-z_]+)|FieldError\(\s*["'][a-z_]+["'],\s*["']([a-z_]+)"""
    )
    for file in list((ROOT / "logic").rglob("*.py")) + list((ROOT / "services").rglob("*.py")):
        for pair in pattern.findall(file.read_text(encoding="utf-8")):
            codes |= {code for code in pair if code}
    assert "required" in codes
    assert sorted(c for c in codes if f"error.{c}" not in MESSAGES) == []


def test_every_card_field_has_a_label():
    from logic.customers import FIELDS

    assert [f for f in FIELDS if f"field.{f}" not in MESSAGES] == []


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
    assert sorted(f for f in fields if f"field.{f}" not in MESSAGES) == []
