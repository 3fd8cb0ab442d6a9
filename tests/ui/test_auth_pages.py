"""AppTest: sign-in, first administrator, roles in the navigation, staff and audit pages."""

from __future__ import annotations

import pytest

from comptoir.data import demo
from comptoir.logic.records import Edit
from comptoir.operations import clock
from comptoir.services import audit, auth, customers
from comptoir.ui.navigation import visible_scripts
from tests.conftest import ADMIN
from tests.ui.conftest import open_app, open_tab, sign_in, table, texts

REFUSED = (
    "Sign-in refused: unknown username or wrong password, or the account is locked for a while"
    " after too many tries. Ask an administrator if it persists."
)


def test_sign_in_page_refuses_then_opens_the_requested_page(shop_db):
    app = open_app(None)
    assert [t.value for t in app.title] == ["Sign in"]
    sign_in(app, "staff", "wrong-password")
    assert texts(app, "error") == [REFUSED]
    sign_in(app, "STAFF", "demo-staff-2026")
    assert [t.value for t in app.title] == ["Customers"]
    assert any("Signed in as Sam Vendeur (staff)" in c for c in texts(app.sidebar, "caption"))


def test_a_locked_account_gets_the_same_answer_as_a_wrong_password(shop_db):
    app = open_app(None)
    for attempt in range(5):
        sign_in(app, "manager", f"wrong-{attempt}")
    assert texts(app, "error") == [REFUSED]
    sign_in(app, "manager")  # the right password, while locked
    assert texts(app, "error") == [REFUSED]
    sign_in(app, "nobody-here", "whatever-123")
    assert texts(app, "error") == [REFUSED]


def test_a_changed_account_signs_in_again_at_its_next_action(shop_db):
    app = open_app("staff")
    assert [t.value for t in app.title] == ["Customers"]
    staff = next(a for a in auth.list_staff(ADMIN) if a["username"] == "staff")
    auth.update_staff(ADMIN, Edit(staff["id"], staff["version"], {"role": "manager"}))
    app.run()
    assert [t.value for t in app.title] == ["Sign in"]
    assert texts(app, "info") == [
        "Your account was changed (password, role or access): sign in again."
    ]
    app = open_app("staff")  # a fresh sign-in under the new role works
    assert [t.value for t in app.title] == ["Customers"]
    auth.reset_password(ADMIN, staff["id"], "velo-neuf-4242", "velo-neuf-4242")
    app.run()
    assert [t.value for t in app.title] == ["Sign in"]


def test_first_start_creates_the_administrator(db_path):
    demo.generate(10, seed=2, path=db_path)
    app = open_app(None)
    assert [t.value for t in app.title] == ["Create the first administrator"]
    app.text_input(key="setup.username").input("owner")
    app.text_input(key="setup.display_name").input("Shop Owner")
    app.text_input(key="setup.password").input("short")
    app.text_input(key="setup.confirm").input("short")
    next(b for b in app.button if b.label == "Create and sign in").click().run()
    assert any("Password must have at least 10 characters" in e for e in texts(app, "error"))
    assert not auth.has_staff()
    app.text_input(key="setup.password").input("velo-rouge-42")
    app.text_input(key="setup.confirm").input("velo-rouge-42")
    next(b for b in app.button if b.label == "Create and sign in").click().run()
    assert [t.value for t in app.title] == ["Customers"]
    assert [a["role"] for a in auth.list_staff(ADMIN)] == ["admin"]


def test_each_role_sees_only_its_pages():
    staff = [
        "pages/customers.py",
        "pages/customer_card.py",
        "pages/new_sale.py",
        "pages/workshop.py",
        "pages/products.py",
    ]
    assert visible_scripts("staff") == staff
    assert visible_scripts("manager") == [
        *staff,
        "pages/balances.py",
        "pages/insights.py",
        "pages/vouchers.py",
        "pages/duplicates.py",
        "pages/import_customers.py",
        "pages/import_openings.py",
        "pages/export.py",
    ]
    assert len(visible_scripts("admin")) == 16
    assert visible_scripts(None) == []


@pytest.mark.parametrize(
    "page, role",
    [
        ("pages/export.py", "manager"),
        ("pages/balances.py", "manager"),
        ("pages/insights.py", "manager"),
        ("pages/import_customers.py", "manager"),
        ("pages/import_openings.py", "manager"),
        ("pages/duplicates.py", "manager"),
        ("pages/settings.py", "administrator"),
        ("pages/staff_admin.py", "administrator"),
        ("pages/audit_log.py", "administrator"),
        ("pages/system.py", "administrator"),
    ],
)
def test_staff_typing_a_restricted_url_is_refused(shop_db, page, role):
    app = open_app("staff")
    app.switch_page(page).run()
    assert texts(app, "error") == [
        f"You do not have access to this page: it needs the {role} role."
    ]
    assert not app.title


def test_sign_out_and_session_expiry(shop_db):
    app = open_app("staff")
    app.sidebar.button(key="auth.sign_out").click().run()
    assert [t.value for t in app.title] == ["Sign in"]
    assert "You are signed out." in texts(app, "info")
    app = open_app("staff")
    from datetime import timedelta

    app.session_state["auth.last_seen"] = clock.now() - timedelta(minutes=31)
    app.run()
    assert [t.value for t in app.title] == ["Sign in"]
    assert any("expired after 30 minutes" in i for i in texts(app, "info"))


def test_history_tab_shows_who_changed_what(shop_db):
    app = open_app("staff")
    target = customers.search_customers("", page_size=1).rows[0]
    app.query_params["id"] = str(target["id"])
    app.switch_page("pages/customer_card.py").run()
    app.text_input(key=f"card.{target['id']}.0.city").input("Chamonix").run()
    app.button(key="card.save").click().run()
    open_tab(app, "History")
    first = table(app, -1).iloc[0]
    assert first["Staff"] == "Sam Vendeur" and first["Action"] == "Changed"
    assert "City:" in first["Changes"] and "→ Chamonix" in first["Changes"]


def test_staff_admin_page_adds_an_account(app):
    app.switch_page("pages/staff_admin.py").run()
    assert app.title[0].value == "Staff accounts"
    app.text_input(key="staff.new.username").input("lea")
    app.text_input(key="staff.new.display_name").input("Léa Atelier")
    app.selectbox(key="staff.new.role").set_value("manager")
    app.text_input(key="staff.new.password").input("velo-vert-42")
    app.text_input(key="staff.new.confirm").input("velo-vert-43")
    next(b for b in app.button if b.label == "Create account").click().run()
    assert any("confirmation differ" in e for e in texts(app, "error"))
    app.text_input(key="staff.new.confirm").input("velo-vert-42")
    next(b for b in app.button if b.label == "Create account").click().run()
    assert "Account created for Léa Atelier." in texts(app, "toast")
    assert auth.sign_in("lea", "velo-vert-42").role == "manager"


def test_audit_page_searches_the_whole_trail(app):
    app.switch_page("pages/audit_log.py").run()
    assert app.title[0].value == "Audit trail"
    total = audit.search_audit(ADMIN)[1]
    assert any(f"{total} entries" in c for c in texts(app, "caption"))
    app.selectbox(key="audit.action").set_value("sign_in").run()
    trail = table(app, 0)
    assert set(trail["Action"]) == {"Signed in"} and "Amélie Roux" in set(trail["Staff"])


def test_export_page_for_managers(shop_db):
    app = open_app("manager")
    app.switch_page("pages/export.py").run()
    app.text_input(key="export.term").input("martin").run()
    # Nothing is written (nor audited) before the file is asked for.
    assert app.get("download_button") == []
    assert audit.search_audit(ADMIN, entity="customer_list")[1] == 0
    app.radio(key="export.format").set_value("parquet").run()
    app.button(key="export.prepare").click().run()
    [button] = app.get("download_button")
    assert button.proto.label == "Download"
    [caption] = [c for c in texts(app, "caption") if ".parquet" in c]
    rows = customers.search_customers("martin").total
    assert f"{rows} rows, ready to download" in caption
    # The session holds where the file is, never its bytes.
    state = [app.session_state[k] for k in app.session_state]
    assert not any(isinstance(v, bytes | bytearray) for v in state)
    [entry] = audit.search_audit(ADMIN, entity="customer_list")[0]
    assert {c.field: c.after for c in entry.changes}["format"] == "parquet"
    # Another search drops the file made for the previous one.
    app.text_input(key="export.term").input("dupont").run()
    assert app.get("download_button") == []


def test_a_fragment_checks_the_session_before_it_runs(db_path):
    from streamlit.testing.v1 import AppTest

    def screen():

        import streamlit as st

        from comptoir.logic.auth import Actor
        from comptoir.operations import clock
        from comptoir.ui.auth import ACTOR_KEY, SEEN_KEY, guard_fragment

        if "ui_language" not in st.session_state:  # the first run (sign-out keeps it)
            # An account that no longer exists (as if deactivated meanwhile).
            st.session_state["ui_language"] = "en"
            st.session_state[ACTOR_KEY] = Actor(
                staff_id=None, username="gone", display_name="Gone", role="staff"
            )
            st.session_state[SEEN_KEY] = clock.now()
        if ACTOR_KEY not in st.session_state:
            st.write("signed out")  # what app.py shows instead of the page
            st.stop()
        guard_fragment("customers.view")
        st.write("inside the fragment")

    app = AppTest.from_function(screen).run()
    assert not app.exception
    assert [m.value for m in app.markdown] == ["signed out"]
    assert app.session_state["auth.notice"] == "Your account was deactivated."


def test_the_export_page_filters_by_tag(shop_db):
    from comptoir.data import db
    from comptoir.services import exports
    from tests.conftest import MANAGER, STAFF

    customers.create_customer({"last_name": "Membre", "tags": "Club"}, STAFF)
    with db.cursor() as cur:  # the demo shop's own, and the one just added
        cur.execute(
            "SELECT count(*) FROM customers WHERE NOT archived"
            " AND list_contains(string_split(lower(tags), ', '), 'club')"
        )
        expected = cur.fetchall()[0][0]
    assert expected >= 2
    app = open_app("manager")
    app.switch_page("pages/export.py").run()
    [offered] = [o for o in app.selectbox(key="export.tag").options if o.casefold() == "club"]
    app.selectbox(key="export.tag").set_value(offered).run()  # either spelling: case aside
    assert f"{expected} customers match." in texts(app, "caption")
    assert exports.count(MANAGER, exports.customers_view("", False, tag="club")) == expected
