"""The card's rules, field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.logic.account_numbers import account_key, clean_account_number, format_account_number
from comptoir.logic.customers import (
    discount_needs_warning,
    parse_birth_date,
    parse_discount,
    validate_customer,
)
from comptoir.logic.errors import FieldProblem, ValidationFailed

TODAY = date(2026, 11, 29)


def card(**fields):
    base = {"account_number": "C000001", "last_name": "Dupont"}
    base.update(fields)
    return base


def refused(raw, rules) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as info:
        validate_customer(raw, rules)
    return {e.field: e.code for e in info.value.errors}


def test_minimal_card_is_accepted_with_defaults(rules):
    clean = validate_customer(card(), rules)
    assert clean.last_name == "Dupont"
    assert clean.gender == "not_defined"
    assert clean.discount_percent == Decimal("0")
    assert clean.marketing_opt_in is False


def test_last_name_and_account_number_are_required(rules):
    assert refused({"account_number": "  ", "last_name": " "}, rules) == {
        "account_number": "required",
        "last_name": "required",
    }


def test_every_refused_field_is_reported_at_once(rules):
    errors = refused(card(email="not-an-email", mobile="12", discount_percent="150"), rules)
    assert errors == {
        "email": "email_invalid",
        "mobile": "phone_invalid",
        "discount_percent": "discount_invalid",
    }


def test_account_key_ignores_case_and_surrounding_spaces():
    assert account_key("  c000042 ") == account_key("C000042")
    assert clean_account_number("  C42  ") == "C42"
    assert format_account_number("C", 42) == "C000042"
    with pytest.raises(FieldProblem):
        clean_account_number("x" * 31)


def test_names_are_trimmed_and_bounded(rules):
    clean = validate_customer(
        card(first_name="  Jean   Pierre ", company=" Cycles  Dupont "), rules
    )
    assert clean.first_name == "Jean Pierre"
    assert clean.company == "Cycles Dupont"
    assert refused(card(last_name="x" * 101), rules) == {"last_name": "too_long"}


@pytest.mark.parametrize(
    "typed",
    ["06 12 34 56 78", "06-12-34-56-78", "0612345678", "+33 6 12 34 56 78", "0033612345678"],
)
def test_french_mobile_in_any_format_is_stored_e164(rules, typed):
    assert validate_customer(card(mobile=typed), rules).mobile == "+33612345678"


def test_phone_uses_customer_country_before_shop_default(rules):
    clean = validate_customer(card(country_code="GB", phone="020 7946 0018"), rules)
    assert clean.phone == "+442079460018"
    # The same digits are not a valid French number.
    assert refused(card(phone="020 7946 0018"), rules) == {"phone": "phone_invalid"}


def test_invalid_phone_and_fax(rules):
    assert refused(card(phone="12345", fax="abc"), rules) == {
        "phone": "phone_invalid",
        "fax": "phone_invalid",
    }


def test_email_is_checked_without_network_and_normalised(rules):
    assert validate_customer(card(email="Jean.Dupont@Example.COM"), rules).email == (
        "Jean.Dupont@example.com"
    )
    for bad in ("jean@", "jean dupont@example.com", "@example.com", "jean@@example.com"):
        assert refused(card(email=bad), rules) == {"email": "email_invalid"}


def test_country_must_be_iso(rules):
    assert validate_customer(card(country_code="gb"), rules).country_code == "GB"
    assert refused(card(country_code="XX"), rules) == {"country_code": "country_unknown"}


def test_postcode_checked_and_normalised_by_country(rules):
    assert validate_customer(card(country_code="GB", postcode="sw1a2aa"), rules).postcode == (
        "SW1A 2AA"
    )
    assert validate_customer(card(postcode=" 74000 "), rules).postcode == "74000"
    assert refused(card(postcode="7400"), rules) == {"postcode": "postcode_invalid"}
    assert refused(card(country_code="GB", postcode="12345"), rules) == {
        "postcode": "postcode_invalid"
    }


def test_postcode_of_unknown_format_is_accepted_as_typed(rules):
    clean = validate_customer(card(country_code="AQ", postcode="Base 7"), rules)
    assert clean.postcode == "Base 7"


def test_birth_date_bounds():
    assert parse_birth_date(date(1990, 5, 1), TODAY) == date(1990, 5, 1)
    assert parse_birth_date("1990-05-01", TODAY) == date(1990, 5, 1)
    assert parse_birth_date(date(1906, 11, 29), TODAY) == date(1906, 11, 29)
    for bad, code in [
        (date(2026, 11, 30), "birth_date_future"),
        (date(1906, 11, 28), "birth_date_too_old"),
        ("29/02/1990", "date_invalid"),
    ]:
        with pytest.raises(FieldProblem) as info:
            parse_birth_date(bad, TODAY)
        assert info.value.code == code


def test_birth_date_limit_on_29_february():
    # 1900 had no 29 February: the oldest allowed day is the 28th.
    assert parse_birth_date(date(1900, 2, 28), date(2020, 2, 29)) == date(1900, 2, 28)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("", "0"),
        ("10", "10.00"),
        ("12,5", "12.50"),
        ("12.75", "12.75"),
        ("100", "100.00"),
        (Decimal("5"), "5.00"),
        ("7 %", "7.00"),
    ],
)
def test_discount_accepted(typed, expected):
    assert parse_discount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["-1", "100.01", "12.345", "abc", "NaN", "Infinity", True])
def test_discount_refused(typed):
    with pytest.raises(FieldProblem) as info:
        parse_discount(typed)
    assert info.value.code == "discount_invalid"


def test_discount_warning_only_when_setting_one():
    assert discount_needs_warning(Decimal("0"), Decimal("10"))
    assert not discount_needs_warning(Decimal("10"), Decimal("10"))
    assert not discount_needs_warning(Decimal("10"), Decimal("0"))


def test_lists_title_gender_price_level(rules):
    clean = validate_customer(card(title="dr", gender="female", price_level="B"), rules)
    assert (clean.title, clean.gender, clean.price_level) == ("dr", "female", "B")
    assert refused(card(title="king", gender="robot", price_level="Z"), rules) == {
        "title": "not_in_list",
        "gender": "not_in_list",
        "price_level": "not_in_list",
    }


def test_contact_preference_needs_the_channel(rules):
    assert refused(card(contact_preference="email"), rules) == {
        "contact_preference": "preference_needs_email"
    }
    assert refused(card(contact_preference="sms", phone="01 42 68 53 00"), rules) == {
        "contact_preference": "preference_needs_mobile"
    }
    ok = validate_customer(card(contact_preference="sms", mobile="0612345678"), rules)
    assert ok.contact_preference == "sms"
    assert refused(card(contact_preference="pigeon"), rules) == {
        "contact_preference": "not_in_list"
    }


def test_notes_keep_line_breaks(rules):
    assert validate_customer(card(notes=" line one\nline two "), rules).notes == (
        "line one\nline two"
    )


def test_nan_from_pandas_counts_as_empty(rules):
    clean = validate_customer(card(company=float("nan"), email=None), rules)
    assert clean.company is None and clean.email is None


def test_tags_are_tidied_and_bounded():
    from comptoir.logic.customers import MAX_TAGS, has_tag, parse_tags, tag_list

    assert parse_tags(" club ;  trade\nGravel | club ,, ") == "club, trade, Gravel"
    assert parse_tags("  ") is None and parse_tags(None) is None
    assert tag_list("Club, CLUB, club house") == ["Club", "club house"]
    assert has_tag("club, trade", " TRADE ") and not has_tag("club house", "club")
    with pytest.raises(FieldProblem) as refused:
        parse_tags(", ".join(f"t{i}" for i in range(MAX_TAGS + 1)))
    assert refused.value.code == "too_many_tags"
    with pytest.raises(FieldProblem) as refused:
        parse_tags("ok, " + "x" * 41)
    assert (refused.value.code, refused.value.params["max"]) == ("tag_too_long", "40")
    with pytest.raises(FieldProblem) as refused:
        parse_tags("club\x1b")
    assert refused.value.code == "control_characters"
