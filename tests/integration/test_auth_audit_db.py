"""Sign-in, roles and the audit trail on a real DuckDB file."""

from __future__ import annotations

import io
import json
import re
import threading
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from comptoir.data import db
from comptoir.logic.auth import Actor, PermissionDenied
from comptoir.logic.errors import StaleRecord, ValidationFailed
from comptoir.logic.records import Edit
from comptoir.services import audit, auth, customers, shop
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.exported import export_customers

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2] / "comptoir"


def trail(entity: str | None = None) -> list[audit.AuditEntry]:
    entries, _ = audit.search_audit(ADMIN, entity=entity, page_size=500)
    return entries


@pytest.fixture
def owner(database) -> Actor:
    return auth.create_first_admin("Owner", "Shop Owner", "velo-rouge-42", "velo-rouge-42", now=NOW)


def test_first_admin_once_with_a_strong_hash(owner):
    assert owner.role == "admin" and owner.username == "Owner"
    with db.cursor() as cur:
        (stored,) = cur.execute("SELECT password_hash FROM staff").fetchall()[0]
    assert stored.startswith("$argon2id$") and "velo-rouge-42" not in stored
    with pytest.raises(ValidationFailed) as info:
        auth.create_first_admin("second", "Second", "velo-bleu-42", "velo-bleu-42")
    assert info.value.errors[0].code == "setup_done"


def test_sign_in_ignores_username_case_and_refuses_alike(owner):
    assert auth.sign_in("  OWNER ", "velo-rouge-42", now=NOW).staff_id == owner.staff_id
    for username, password in (("owner", "wrong-password"), ("nobody", "velo-rouge-42")):
        with pytest.raises(auth.SignInRefused) as info:
            auth.sign_in(username, password, now=NOW)
        assert info.value.reason == "bad_credentials"


def test_lockout_then_unlock_after_the_delay(owner):
    for attempt in range(4):
        with pytest.raises(auth.SignInRefused) as info:
            auth.sign_in("owner", f"wrong-{attempt}", now=NOW)
        assert info.value.reason == "bad_credentials"
    with pytest.raises(auth.SignInRefused) as info:
        auth.sign_in("owner", "wrong-5", now=NOW)
    assert info.value.reason == "bad_credentials"  # locked now, and told nothing more
    with db.cursor() as cur:
        locked = cur.execute("SELECT locked_until FROM staff").fetchall()[0][0]
    assert locked == NOW + timedelta(minutes=15)
    with pytest.raises(auth.SignInRefused) as info:  # right password, still locked
        auth.sign_in("owner", "velo-rouge-42", now=NOW + timedelta(minutes=14))
    assert info.value.reason == "bad_credentials"
    assert auth.sign_in("owner", "velo-rouge-42", now=NOW + timedelta(minutes=16))
    actions = [e.action for e in trail("staff")]
    assert actions[:3] == ["sign_in", "sign_in_locked", "locked"]
    assert actions.count("sign_in_failed") == 4


def test_session_expiry_follows_the_setting(owner):
    shop.save_settings(
        {"session_timeout_minutes": "10"}, [("A", "A"), ("B", "B"), ("C", "C")], owner
    )
    assert not auth.is_expired(NOW - timedelta(minutes=9), now=NOW)
    assert auth.is_expired(NOW - timedelta(minutes=11), now=NOW)


def test_services_refuse_roles_that_may_not(database):
    with pytest.raises(PermissionDenied, match="needs manager"):
        export_customers(STAFF, "", False, "csv")
    with pytest.raises(PermissionDenied, match="needs admin"):
        shop.save_settings({"shop_name": "X"}, [], MANAGER)
    with pytest.raises(PermissionDenied):
        auth.list_staff(MANAGER)
    with pytest.raises(PermissionDenied):
        audit.search_audit(MANAGER)
    with pytest.raises(PermissionDenied):
        customers.create_customer({"last_name": "X"}, Actor(None, "x", "X", "visitor"))
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM customers").fetchall() == [(0,)]


def test_a_committed_change_always_has_its_entry(database):
    customer_id = customers.create_customer({"last_name": "Roux", "city": "Annecy"}, STAFF, now=NOW)
    customers.update_customer(
        customer_id, 1, {"city": "Lyon", "marketing_opt_in": True}, STAFF, now=NOW
    )
    entries, total = audit.customer_history(STAFF, customer_id)
    assert total == 2
    latest = entries[0]
    assert (latest.action, latest.staff_name, latest.screen) == (
        "update",
        "Counter Staff",
        "customer_card",
    )
    changes = {c.field: (c.before, c.after) for c in latest.changes}
    assert changes["city"] == ("Annecy", "Lyon")
    assert changes["marketing_opt_in"] == (False, True)
    assert customers.consent_history(customer_id)[0]["changed_by"] == "Counter Staff"
    created = {c.field: c.after for c in entries[1].changes}
    assert created["last_name"] == "Roux" and created["account_number"] == "C000001"


def test_a_failed_change_leaves_no_entry(database):
    customer_id = customers.create_customer({"last_name": "Roux"}, STAFF, now=NOW)
    with pytest.raises(ValidationFailed):
        customers.update_customer(customer_id, 1, {"city": "Lyon", "email": "bad@"}, STAFF)
    customers.update_customer(customer_id, 1, {"city": "Nantes"}, STAFF)
    with pytest.raises(StaleRecord):
        customers.update_customer(customer_id, 1, {"city": "Lille"}, STAFF)
    outcome = customers.save_grid_edits(
        {customer_id: (2, {"city": "Brest"}), 999: (1, {"city": "Nowhere"})}, STAFF
    )
    assert outcome.saved == [customer_id]
    assert [e.action for e in audit.customer_history(STAFF, customer_id)[0]] == [
        "update",
        "update",
        "create",
    ]
    assert audit.customer_history(STAFF, 999)[1] == 0


def test_race_losers_leave_no_entry(database):
    barrier = threading.Barrier(4)

    def create(name: str) -> None:
        barrier.wait()
        with suppress(ValidationFailed):
            customers.create_customer({"last_name": name, "account_number": "SAME"}, STAFF)

    threads = [threading.Thread(target=create, args=(f"N{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.cursor() as cur:
        stored = cur.execute("SELECT count(*) FROM customers").fetchall()[0][0]
    assert stored == 1 and len(trail("customer")) == 1


def test_settings_changes_are_audited_field_by_field(owner):
    shop.save_settings(
        {"shop_name": "Vélos Roux", "currency": "EUR"},
        [("A", "Trade"), ("B", "Level B"), ("C", "Level C")],
        owner,
        now=NOW,
    )
    (entry,) = trail("settings")
    changes = {c.field: (c.before, c.after) for c in entry.changes}
    assert changes["shop_name"] == ("Comptoir", "Vélos Roux")
    assert "currency" not in changes
    assert changes["price_levels"][1][0] == "A: Trade"


def test_staff_management_rules_and_trail(owner):
    clerk = auth.create_staff(owner, "sam", "Sam Counter", "staff", "velo-vert-42", "velo-vert-42")
    with pytest.raises(ValidationFailed) as info:
        auth.create_staff(owner, "SAM", "Other", "staff", "velo-vert-42", "velo-vert-42")
    assert info.value.errors[0].code == "username_taken"
    version = auth.update_staff(owner, Edit(clerk, 1, {"role": "manager"}))
    assert auth.sign_in("sam", "velo-vert-42").role == "manager"
    with pytest.raises(ValidationFailed) as info:
        auth.update_staff(owner, Edit(owner.staff_id, 1, {"role": "staff"}))
    assert {e.code for e in info.value.errors} == {"last_admin"}
    with pytest.raises(ValidationFailed) as info:
        auth.update_staff(owner, Edit(owner.staff_id, 1, {"active": False}))
    assert "cannot_deactivate_self" in {e.code for e in info.value.errors}
    auth.update_staff(owner, Edit(clerk, version, {"active": False}))
    with pytest.raises(auth.SignInRefused):
        auth.sign_in("sam", "velo-vert-42")
    assert auth.current_actor(clerk) is None
    changes = [
        (e.action, [c.field for c in e.changes])
        for e in trail("staff")
        if e.entity_id == str(clerk) and e.action != "sign_in"
    ]
    assert changes == [
        ("update", ["active"]),
        ("update", ["role"]),
        ("create", ["username", "display_name", "role", "password"]),
    ]


def test_password_reset_unlocks_and_is_audited_without_the_secret(owner):
    clerk = auth.create_staff(owner, "sam", "Sam", "staff", "velo-vert-42", "velo-vert-42")
    for attempt in range(5):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in("sam", f"nope-{attempt}")
    auth.reset_password(owner, clerk, "velo-jaune-42", "velo-jaune-42")
    assert auth.sign_in("sam", "velo-jaune-42").staff_id == clerk
    with db.cursor() as cur:
        logged = " ".join(r[0] for r in cur.execute("SELECT changes FROM audit_log").fetchall())
    assert "velo-" not in logged and "argon2" not in logged


def test_export_csv_and_xlsx_are_audited(demo_db):
    csv = export_customers(MANAGER, "martin", False, "csv", now=NOW)
    text = csv.data.decode("utf-8-sig")
    assert csv.data.startswith(b"\xef\xbb\xbf")
    assert text.splitlines()[0].startswith('"account_number","title","first_name","last_name"')
    assert csv.rows == customers.search_customers("martin").total == len(text.splitlines()) - 1
    xlsx = export_customers(MANAGER, "", False, "xlsx", now=NOW)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 301 and sheet["D1"].value == "last_name"
    entries = trail("customer_list")
    assert [(e.action, e.staff_name) for e in entries] == [("export", "Shop Manager")] * 2
    assert {c.field: c.after for c in entries[1].changes} == {
        "search": "martin",
        "rows": csv.rows,
        "format": "csv",
    }


def test_the_trail_is_append_only_in_code():
    """Erasure is the one exception (GDPR): it replaces the values an entry recorded about
    the erased person, by id, and nothing else about any entry."""
    pattern = re.compile(r"(UPDATE|DELETE\s+FROM|TRUNCATE)\s+audit_log[^\"]*", re.IGNORECASE)
    offenders = [
        (str(path.relative_to(ROOT)), found.group(0))
        for folder in ("data", "services", "pages", "ui", "logic")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".sql")
        for found in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [("data/gdpr.py", "UPDATE audit_log SET changes = ? WHERE id = ?")]


def test_stored_changes_are_json(database):
    customers.create_customer({"last_name": "Json"}, STAFF)
    with db.cursor() as cur:
        (text,) = cur.execute("SELECT changes FROM audit_log").fetchall()[0]
    assert {"field": "last_name", "before": None, "after": "Json"} in json.loads(text)
