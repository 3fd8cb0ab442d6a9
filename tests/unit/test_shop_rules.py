"""Rules for the shops of a chain."""

from __future__ import annotations

import pytest

from comptoir.logic.errors import FieldProblem
from comptoir.logic.shops import (
    PER_SHOP_KEYS,
    clean_shop_code,
    clean_time_zone,
    counter_for_invoices,
    counter_for_receipts,
    prefix_clash,
    split_settings,
)


@pytest.mark.parametrize(("raw", "code"), [(" lyon ", "LYON"), ("ann-2", "ANN-2"), ("A", "A")])
def test_shop_codes_are_upper_cased(raw, code):
    assert clean_shop_code(raw) == code


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "required"),
        ("lyon 2", "shop_code_invalid"),
        ("-X", "shop_code_invalid"),
        ("ABCDEFGHIJKLM", "shop_code_invalid"),
        ("LYÖN", "shop_code_invalid"),
    ],
)
def test_bad_shop_codes_are_named(raw, problem):
    with pytest.raises(FieldProblem) as refused:
        clean_shop_code(raw)
    assert refused.value.code == problem


def test_time_zones_are_iana_names():
    assert clean_time_zone(" Europe/Paris ") == "Europe/Paris"
    for bad in ("Paris", "europe/paris", "../etc/passwd", "+01:00"):
        with pytest.raises(FieldProblem) as refused:
            clean_time_zone(bad)
        assert refused.value.code == "time_zone_unknown"


def test_counters_name_the_shop_when_numbering_is_per_shop():
    assert counter_for_receipts("LYON") == "receipt:LYON"
    assert counter_for_invoices("chain", "LYON", 2026) == "invoice:2026"
    assert counter_for_invoices("chain", "LYON", None) == "invoice"
    assert counter_for_invoices("shop", "LYON", 2026) == "invoice:LYON:2026"


def test_a_prefix_clashes_only_with_another_shop_counting_the_same_way():
    others = {"MAIN": "R", "LYON": "L"}
    assert prefix_clash("R", "ANN", others) == "MAIN"
    assert prefix_clash("R", "MAIN", others) is None
    assert prefix_clash("R", "ANN", others, numbering_per_shop=False) is None


def test_settings_split_between_the_chain_and_the_shop():
    chain, own = split_settings({"shop_name": "Lyon", "tax_rates": "20", "time_zone": "UTC"})
    assert (chain, own) == ({"tax_rates": "20"}, {"shop_name": "Lyon", "time_zone": "UTC"})
    assert "currency" not in PER_SHOP_KEYS
