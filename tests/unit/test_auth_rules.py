"""Roles, passwords, lockout, session expiry and audit diffs (pure rules)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from comptoir.logic.audit import FieldChange, created, diff, from_json, to_json
from comptoir.logic.auth import (
    Actor,
    PermissionDenied,
    after_failure,
    can,
    check_password,
    clean_minutes,
    clean_username,
    is_locked,
    require,
    session_expired,
    username_key,
)
from comptoir.logic.errors import FieldProblem

NOW = datetime(2026, 11, 29, 10, 0)


def test_roles_are_ordered():
    assert can("staff", "customers.edit") and can("admin", "customers.edit")
    assert not can("staff", "customers.export") and can("manager", "customers.export")
    assert not can("manager", "settings.edit") and can("admin", "settings.edit")
    assert not can("admin", "no.such.permission")
    assert not can("visitor", "customers.view") and not can(None, "customers.view")


def test_require_names_what_is_needed():
    staff = Actor(1, "sam", "Sam", "staff")
    assert require(staff, "customers.edit") is staff
    with pytest.raises(PermissionDenied) as info:
        require(staff, "audit.view")
    assert info.value.needed == "admin" and info.value.role == "staff"
    with pytest.raises(PermissionDenied):
        require(None, "customers.view")


def test_usernames():
    assert username_key("  Marie.D ") == "marie.d"
    assert clean_username(" marie.d ") == "marie.d"
    for bad in ("ab", "marie d", "x" * 41, "ma@rie"):
        with pytest.raises(FieldProblem):
            clean_username(bad)


@pytest.mark.parametrize(
    "password, code",
    [
        ("short", "password_too_short"),
        ("1234567890", "password_too_simple"),
        ("aaaaaaaaaaaa", "password_too_simple"),
        ("x" * 129, "too_long"),
    ],
)
def test_weak_passwords_refused(password, code):
    with pytest.raises(FieldProblem) as info:
        check_password(password)
    assert info.value.code == code


def test_password_confirmation():
    assert check_password("velo-rouge-42", "velo-rouge-42") == "velo-rouge-42"
    with pytest.raises(FieldProblem) as info:
        check_password("velo-rouge-42", "velo-rouge-43")
    assert info.value.code == "password_mismatch"


def test_lockout_after_max_failures_in_a_row():
    state = after_failure(0, NOW, max_attempts=3, minutes=15)
    assert state.failed_attempts == 1 and state.locked_until is None
    state = after_failure(2, NOW, max_attempts=3, minutes=15)
    assert state.failed_attempts == 0 and state.locked_until == NOW + timedelta(minutes=15)
    assert is_locked(state.locked_until, NOW + timedelta(minutes=14))
    assert not is_locked(state.locked_until, NOW + timedelta(minutes=15))
    assert not is_locked(None, NOW)


def test_session_expiry():
    assert not session_expired(NOW - timedelta(minutes=30), NOW, 30)
    assert session_expired(NOW - timedelta(minutes=30, seconds=1), NOW, 30)
    assert not session_expired(None, NOW, 30)


def test_minutes_setting():
    assert clean_minutes(" 45 ", 1, 720) == 45
    for bad in ("0", "721", "ten", "4.5"):
        with pytest.raises(FieldProblem):
            clean_minutes(bad, 1, 720)


def test_diff_keeps_only_changed_fields_in_plain_form():
    before = {
        "city": "Annecy",
        "discount_percent": Decimal("0.00"),
        "date_of_birth": None,
        "archived": False,
    }
    after = {
        "city": "Lyon",
        "discount_percent": Decimal("5.00"),
        "date_of_birth": date(1990, 5, 1),
        "archived": False,
    }
    assert diff(before, after) == [
        FieldChange("city", "Annecy", "Lyon"),
        FieldChange("discount_percent", "0.00", "5.00"),
        FieldChange("date_of_birth", None, "1990-05-01"),
    ]


def test_secrets_never_reach_the_trail():
    changes = diff({"password_hash": "$argon2id$old"}, {"password_hash": "$argon2id$new"})
    assert changes == [FieldChange("password_hash", "•••", "•••")]


def test_created_lists_filled_fields_and_round_trips_json():
    changes = created(
        {
            "last_name": "Roux",
            "company": None,
            "tax_exempt": False,
            "discount_percent": Decimal("0.00"),
            "city": "Nantes",
        }
    )
    assert [c.field for c in changes] == ["last_name", "city"]
    assert from_json(to_json(changes)) == changes
