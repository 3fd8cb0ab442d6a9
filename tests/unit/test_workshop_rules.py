"""Workshop rules: status moves, quotes, reminder dates, diary load, serials, settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.logic.dates import add_months
from comptoir.logic.errors import FieldProblem
from comptoir.logic.workshop import (
    STATUSES,
    Interval,
    MoveRefused,
    allowed_moves,
    can_collect,
    check_conversion,
    check_item,
    check_move,
    check_order,
    diary_load,
    format_intervals,
    is_overdue,
    next_status,
    over_estimate,
    parse_capacity,
    parse_hours,
    parse_intervals,
    reminder_date,
    reminder_dates,
    serial_key,
    takes_deposit,
)
from comptoir.ui.reminders_grid import reminder_edits

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        ("open", "in_progress", True),
        ("open", "ready", True),
        ("in_progress", "waiting_parts", True),
        ("waiting_parts", "in_progress", True),
        ("ready", "in_progress", True),
        ("ready", "open", False),
        ("open", "collected", False),  # only the till collects
        ("collected", "open", False),
        ("cancelled", "open", False),
        ("collected", "cancelled", False),
    ],
)
def test_status_moves(current, wanted, allowed):
    assert (wanted in allowed_moves("job", current)) is allowed
    if allowed:
        check_move("job", current, wanted)
    else:
        with pytest.raises(MoveRefused):
            check_move("job", current, wanted)


def test_nothing_moves_to_collected_by_hand_and_closed_orders_stay_closed():
    for status in STATUSES:
        assert "collected" not in allowed_moves("job", status)
    assert allowed_moves("job", "collected") == allowed_moves("job", "cancelled") == ()


def test_the_boards_one_click_goes_to_the_usual_next_step():
    assert [next_status("job", s) for s in STATUSES] == [
        "in_progress",
        "ready",
        "in_progress",
        None,
        None,
        None,
    ]


def test_a_quote_is_not_worked_on_takes_no_deposit_and_converts_while_open():
    assert allowed_moves("quote", "open") == ("cancelled",)
    assert next_status("quote", "open") is None
    assert not takes_deposit("quote", "open") and takes_deposit("job", "open")
    assert not can_collect("quote", "open") and can_collect("layaway", "ready")
    check_conversion("quote", "open", "job")
    with pytest.raises(FieldProblem, match="not_a_quote"):
        check_conversion("job", "open", "special_order")
    with pytest.raises(FieldProblem, match="quote_closed"):
        check_conversion("quote", "cancelled", "job")
    with pytest.raises(FieldProblem, match="not_in_list"):
        check_conversion("quote", "open", "quote")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 10), 12, date(2027, 3, 10)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 240))
def test_a_month_interval_never_lands_in_the_wrong_month(start, months):
    landed = add_months(start, months)
    assert (landed.year * 12 + landed.month) - (start.year * 12 + start.month) == months
    assert landed.day <= start.day


def test_reminder_dates_in_weeks_and_months():
    intervals = parse_intervals("6w:service_first_check, 12M:service_annual")
    assert intervals == (
        Interval(6, "w", "service_first_check"),
        Interval(12, "m", "service_annual"),
    )
    assert reminder_dates(date(2028, 2, 29), intervals) == [
        (date(2028, 4, 11), "service_first_check"),
        (date(2029, 2, 28), "service_annual"),
    ]
    assert reminder_date(date(2026, 12, 31), Interval(2, "w", "x")) == date(2027, 1, 14)
    assert format_intervals(intervals) == "6w:service_first_check, 12m:service_annual"
    assert parse_intervals("  ") == ()


@pytest.mark.parametrize("text", ["6 weeks", "0w:x", "6d:x", "6w", "6w:Bad Code", "1000m:x"])
def test_badly_written_intervals_are_refused(text):
    with pytest.raises(FieldProblem, match="interval_format"):
        parse_intervals(text)


def test_diary_load_against_capacity():
    load = diary_load({date(2026, 3, 11): Decimal("18.5")}, TODAY, 3, parse_capacity("16"))
    assert [(d.day.day, d.booked, d.over, d.free) for d in load] == [
        (10, Decimal("0"), False, Decimal("16.00")),
        (11, Decimal("18.5"), True, Decimal("-2.50")),
        (12, Decimal("0"), False, Decimal("16.00")),
    ]
    with pytest.raises(FieldProblem, match="capacity_range"):
        parse_capacity("-1")
    with pytest.raises(FieldProblem, match="not_a_number"):
        parse_capacity("lots")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("25", "hours_range"),
        ("-1", "hours_range"),
        ("1.555", "too_many_decimals"),
        ("x", "not_a_number"),
        ("NaN", "hours_range"),
    ],
)
def test_hours_are_checked(typed, code):
    with pytest.raises(FieldProblem, match=code):
        parse_hours(typed)


def test_hours_accept_a_decimal_comma():
    assert parse_hours("1,5") == Decimal("1.50")
    assert parse_hours("") == Decimal("0")


def test_serial_keys_ignore_case_spaces_and_dashes():
    assert serial_key("wtu-123 456") == serial_key("WTU123456") == "WTU123456"
    assert serial_key("ÉX 1") == "EX1"
    assert serial_key(None) == ""


def test_items_need_a_name_and_refuse_control_characters():
    clean, errors = check_item({"name": "  Trek  ", "serial": "ab\x00c", "notes": "a\nb"})
    assert clean["name"] == "Trek" and clean["notes"] == "a\nb"
    assert [(e.field, e.code) for e in errors] == [("serial", "control_characters")]
    _, errors = check_item({"name": ""})
    assert [(e.field, e.code) for e in errors] == [("name", "required")]
    _, errors = check_item({"name": "x" * 121})
    assert [(e.field, e.code) for e in errors] == [("name", "too_long")]


def test_order_fields_are_checked_together():
    clean, errors = check_order(
        {
            "kind": "repair",
            "estimate_limit": "-5",
            "promised_on": date(2026, 3, 9),
            "booked_hours": "2",
            "booked_on": None,
        },
        TODAY,
        creating=True,
    )
    assert sorted((e.field, e.code) for e in errors) == [
        ("booked_on", "required_with_hours"),
        ("estimate_limit", "amount_invalid"),
        ("kind", "not_in_list"),
        ("promised_on", "date_in_past"),
    ]
    clean, errors = check_order({"promised_on": date(2026, 3, 9)}, TODAY, creating=False)
    assert errors == [] and clean == {"promised_on": date(2026, 3, 9)}  # editing a late job


def test_overdue_and_over_estimate():
    assert is_overdue("in_progress", date(2026, 3, 9), TODAY)
    assert not is_overdue("ready", date(2026, 3, 9), TODAY)  # done, waiting for the customer
    assert not is_overdue("open", TODAY, TODAY)
    assert not is_overdue("open", None, TODAY)
    assert over_estimate(Decimal("120.01"), Decimal("120"))
    assert not over_estimate(Decimal("120"), Decimal("120"))
    assert not over_estimate(Decimal("999"), None)


def test_reminder_grid_edits_belong_to_ids_and_versions():
    rows = [{"id": 7, "version": 3}, {"id": 9, "version": 1}]
    state = {
        "edited_rows": {
            1: {"due_on": "2026-05-01", "pick": True},
            0: {"body": "Brakes", "status": "sent"},
        }
    }
    edits, ticked = reminder_edits(rows, state)
    assert edits == {9: (1, {"due_on": date(2026, 5, 1)}), 7: (3, {"body": "Brakes"})}
    assert ticked == [9]
    assert reminder_edits(rows, None) == ({}, [])
