"""Shop settings rules."""

from __future__ import annotations

import pytest

from comptoir.logic.account_numbers import clean_prefix
from comptoir.logic.errors import FieldProblem
from comptoir.logic.settings import clean_currency, clean_locale, clean_price_levels


def test_currency_and_locale():
    assert clean_currency(" eur ") == "EUR"
    assert clean_locale("en-GB") == "en_GB"
    with pytest.raises(FieldProblem):
        clean_currency("EURO")
    with pytest.raises(FieldProblem):
        clean_locale("xx_YY_zz")


def test_price_levels_are_cleaned_and_unique():
    assert clean_price_levels([("a", "Trade"), ("", ""), ("B", "")]) == [
        ("A", "Trade"),
        ("B", "Level B"),
    ]
    with pytest.raises(FieldProblem) as info:
        clean_price_levels([("A", "x"), ("a", "y")])
    assert info.value.code == "price_level_duplicate"
    with pytest.raises(FieldProblem):
        clean_price_levels([("A B", "x")])


def test_prefix():
    assert clean_prefix(" CL- ") == "CL-"
    assert clean_prefix("") == ""
    with pytest.raises(FieldProblem):
        clean_prefix("C 1")
