"""Voucher codes, expiry and states; rewards earning, value, redemption, clawback, expiry;
delivery address normalisation and duplicates."""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.logic.delivery import billing_as_delivery, check_address, place_key
from comptoir.logic.errors import FieldProblem
from comptoir.logic.rewards import (
    card_number,
    check_redeem,
    clawback,
    earned,
    expires,
    parse_rules,
    value_of,
)
from comptoir.logic.vouchers import (
    ALPHABET,
    BODY,
    check_code,
    expiry,
    format_code,
    new_code,
    normalise_code,
    state,
)
from comptoir.logic.vouchers import check_redeem as check_voucher

D = Decimal
bodies = st.text(alphabet=ALPHABET, min_size=BODY, max_size=BODY)


def test_the_alphabet_has_no_look_alikes_and_a_prime_size():
    assert len(ALPHABET) == 31 and len(set(ALPHABET)) == 31
    assert not set("01ILO") & set(ALPHABET)


@given(bodies)
def test_every_code_checks_and_formats_in_groups(body):
    code = new_code(body)
    assert check_code(code) == code
    assert check_code(format_code(code).lower()) == code
    assert format_code(code).count("-") == 3


@given(bodies)
def test_every_single_character_typo_is_caught(body):
    code = new_code(body)
    for position, wrong in itertools.product(range(len(code)), ALPHABET):
        if wrong != code[position]:
            typo = code[:position] + wrong + code[position + 1 :]
            with pytest.raises(FieldProblem):
                check_code(typo)


@given(bodies)
def test_every_swap_of_neighbours_is_caught(body):
    code = new_code(body)
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            with pytest.raises(FieldProblem):
                check_code(swapped)


@pytest.mark.parametrize("typed", ["", "ABC", "O" * 13, "AAAA-BBBB-CCCC-DD", "€" * 13])
def test_malformed_codes_are_refused(typed):
    with pytest.raises(FieldProblem):
        check_code(typed)


def test_codes_look_random_and_spread_over_the_alphabet():
    rng = random.Random(4)
    codes = {new_code("".join(rng.choice(ALPHABET) for _ in range(BODY))) for _ in range(2000)}
    assert len(codes) == 2000
    assert normalise_code(" ab-cd ") == "ABCD"


def test_expiry_and_states():
    assert expiry(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert expiry(date(2026, 3, 10), 0) is None
    today = date(2026, 3, 10)
    assert state("active", D("5"), date(2026, 3, 10), today) == "active"
    assert state("active", D("5"), date(2026, 3, 9), today) == "expired"
    assert state("active", D("0"), None, today) == "used"
    assert state("cancelled", D("5"), None, today) == "cancelled"
    with pytest.raises(FieldProblem, match="voucher_balance_short"):
        check_voucher("active", D("5"), None, today, D("5.01"))
    with pytest.raises(FieldProblem, match="voucher_expired"):
        check_voucher("active", D("5"), date(2026, 3, 1), today, D("1"))


RULES = parse_rules(
    {
        "rewards_points_per_unit": "1",
        "rewards_point_value": "0.01",
        "rewards_min_redeem": "500",
        "rewards_expiry_months": "24",
        "rewards_excluded_tenders": "voucher, rewards",
        "rewards_excluded_skus": "voucher; deposit",
    }
)


def test_points_earned_round_down_and_skip_what_earns_none():
    lines = [("LAMP", D("30.99")), ("VOUCHER", D("50.00"))]
    assert earned(lines, [("card", D("80.99"))], RULES) == 30
    # Paid partly by voucher: only what the card paid earns.
    assert earned([("LAMP", D("30.00"))], [("voucher", D("20")), ("card", D("10"))], RULES) == 10
    assert earned([("LAMP", D("-30.00"))], [("card", D("-30"))], RULES) == 0
    double = parse_rules({"rewards_points_per_unit": "1.5"})
    assert earned([("LAMP", D("9.99"))], [("cash", D("9.99"))], double) == 14


def test_redeeming_is_whole_points_within_balance_and_minimum():
    assert check_redeem("500", 600, RULES) == 500
    assert value_of(500, RULES) == D("5.00")
    for typed, code in (
        ("499", "points_below_minimum"),
        ("601", "points_over_balance"),
        ("5.5", "points_invalid"),
        ("-5", "points_invalid"),
        ("", "points_invalid"),
    ):
        with pytest.raises(FieldProblem, match=code):
            check_redeem(typed, 600, RULES)


def test_a_return_claws_back_its_share_never_more_than_earned():
    assert clawback(600, D("600"), D("-300"), 0) == 300
    assert clawback(600, D("600"), D("-300"), 300) == 300
    assert clawback(600, D("600"), D("-600"), 500) == 100
    assert clawback(7, D("30"), D("-10"), 0) == 2  # 2.33 → 2
    assert clawback(0, D("30"), D("-10"), 0) == 0


def test_points_expire_after_months_without_activity():
    assert not expires(date(2023, 1, 5), 24, date(2025, 1, 4))
    assert expires(date(2023, 1, 5), 24, date(2025, 1, 5))
    assert not expires(date(2000, 1, 1), 0, date(2026, 1, 1))


def test_card_numbers_carry_a_luhn_digit():
    number = card_number(42)
    assert number == "7000000000425" and len(number) == 13
    digits = [int(c) for c in number]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
        for i, d in enumerate(reversed(digits))
    )
    assert total % 10 == 0


def test_addresses_follow_the_billing_rules():
    clean, errors = check_address(
        {
            "address1": " 3  rue Royale ",
            "city": "Annecy",
            "postcode": "74000",
            "phone": "06 12 34 56 78",
        },
        "FR",
    )
    assert errors == []
    assert (clean["address1"], clean["country_code"], clean["phone"]) == (
        "3 rue Royale",
        "FR",
        "+33612345678",
    )
    _, errors = check_address(
        {"address1": "", "city": "", "postcode": "7400", "country_code": "GB"}, "FR"
    )
    assert sorted((e.field, e.code) for e in errors) == [
        ("address1", "required"),
        ("city", "required"),
        ("postcode", "postcode_invalid"),
    ]


def test_the_same_place_is_found_whatever_the_case_accents_and_spacing():
    one = {
        "address1": "3 Rue de l'Église",
        "city": "Annecy",
        "postcode": "74000",
        "country_code": "FR",
    }
    two = {
        "address1": "3 rue de l eglise ",
        "city": "ANNECY",
        "postcode": "74 000",
        "country_code": "fr",
    }
    three = {**one, "address1": "5 Rue de l'Église"}
    assert place_key(one) == place_key(two) != place_key(three)
    copied = billing_as_delivery({"first_name": "Anna", "last_name": "Martin", "mobile": "+336"})
    assert (copied["name"], copied["phone"]) == ("Anna Martin", "+336")
