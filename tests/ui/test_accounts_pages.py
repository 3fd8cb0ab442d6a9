"""AppTest: the card's Account tab, the Balances page and account types in Settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.services import accounts, customers
from comptoir.services.accounts import EntryRequest
from tests.conftest import MANAGER
from tests.ui.conftest import open_app, open_tab, table, texts


def trade() -> int:
    return next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")


@pytest.fixture
def with_account(shop_db):
    customer_id = customers.search_customers("", page_size=1).rows[0]["id"]
    accounts.assign_account_type(MANAGER, customer_id, trade(), "300")
    accounts.record_entry(
        MANAGER, customer_id, EntryRequest("charge", "120", reference="R1"), "seed-1"
    )
    accounts.record_entry(
        MANAGER, customer_id, EntryRequest("charge", "80", reference="R2"), "seed-2"
    )
    return customer_id


def open_card(app, customer_id):
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Account")
    assert not app.exception, app.exception
    return app


def metric(app, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_account_tab_shows_terms_and_takes_a_payment(with_account):
    app = open_card(open_app("staff"), with_account)
    assert [m.label for m in app.metric] == ["Credit limit", "Balance", "Available"]
    assert metric(app, "Balance") == "€200.00"
    # The type, any length, as text: as a big figure it was cut ("Club memb…").
    assert any(
        c.startswith("Account type: Trade 30 days · Account opened: ")
        for c in texts(app, "caption")
    )
    app.text_input(key=f"acct.amount.{with_account}.0").input("50").run()
    app.button(key=f"acct.submit.{with_account}").click().run()
    assert "Payment recorded." in texts(app, "toast")
    assert accounts.overview(MANAGER, with_account).balance == Decimal("150.00")
    receivables = table(app, 0)
    assert list(receivables["Still owed"]) == ["€70.00", "€80.00"]


def test_overpayment_asks_then_keeps_the_credit(with_account):
    app = open_card(open_app("staff"), with_account)
    app.text_input(key=f"acct.amount.{with_account}.0").input("250").run()
    app.button(key=f"acct.submit.{with_account}").click().run()
    assert any("more than the balance" in w for w in texts(app, "warning"))
    assert accounts.overview(MANAGER, with_account).balance == Decimal("200.00")
    app.checkbox(key=f"acct.confirm_box.{with_account}").check().run()
    app.button(key=f"acct.submit.{with_account}").click().run()
    assert accounts.overview(MANAGER, with_account).balance == Decimal("-50.00")


def test_limit_refusal_names_the_figures(with_account):
    app = open_card(open_app("staff"), with_account)
    app.radio(key=f"acct.kind.{with_account}.en").set_value("charge").run()
    app.text_input(key=f"acct.amount.{with_account}.0").input("150").run()
    app.button(key=f"acct.submit.{with_account}").click().run()
    assert texts(app, "error") == [
        "Refused: the balance is €200.00 and the limit €300.00; this charge would exceed it "
        "by €50.00."
    ]


def test_staff_cannot_adjust_or_change_limits(with_account):
    app = open_card(open_app("staff"), with_account)
    assert "adjustment" not in app.radio(key=f"acct.kind.{with_account}.en").options
    assert not any(e.label == "Change type or limit" for e in app.expander)


def test_manager_opens_an_account_with_a_custom_limit(shop_db):
    customer_id = customers.search_customers("", page_size=2).rows[1]["id"]
    app = open_card(open_app("manager"), customer_id)
    assert "No credit account" in texts(app, "info")[0]
    app.radio(key=f"acct.limit_choice.{customer_id}.en").set_value("custom").run()
    app.text_input(key=f"acct.limit.{customer_id}").input("750").run()
    app.button(key=f"acct.assign.{customer_id}").click().run()
    assert accounts.overview(MANAGER, customer_id).account["credit_limit"] == Decimal("750.00")


def test_balances_page_for_managers(with_account):
    app = open_app("manager")
    app.switch_page("pages/balances.py").run()
    assert app.title[0].value == "Balances"
    assert metric(app, "Accounts") == "1"
    buckets = ("Current", "1-30 days", "31-60 days", "61-90 days", "Over 90 days")
    assert [m.label for m in app.metric][2:] == list(buckets)
    table = app.dataframe[0].value
    assert list(table["Balance"]) == ["€200.00"]
    app.radio(key="balances.only").set_value("over_limit").run()
    assert "No account matches." in texts(app, "info")
    assert len(app.get("plotly_chart")) == 0  # no chart of empty axes
    staff = open_app("staff")
    staff.switch_page("pages/balances.py").run()
    assert "needs the manager role" in texts(staff, "error")[0]


def test_account_types_in_settings(shop_db):
    app = open_app("admin")
    app.switch_page("pages/settings.py").run()
    assert not app.exception, app.exception
    assert "Account types" in [s.value for s in app.subheader]
    names = list(app.data_editor[1].value["name"])
    assert names == ["Cash only", "Club members", "Trade 30 days"]
