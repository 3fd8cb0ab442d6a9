"""AppTest: gift vouchers and points at the till, the card's Customer rewards, Delivery
addresses and Gift vouchers tabs, and the managers' Vouchers page."""

from __future__ import annotations

import uuid

import pytest

from comptoir.logic.vouchers import check_code
from comptoir.services import delivery, receipts, rewards, till, vouchers
from comptoir.services.till import LineRequest
from tests.conftest import MANAGER, STAFF
from tests.sales_samples import make_sales_shop
from tests.ui.conftest import open_app, open_tab, table, texts, type_into


@pytest.fixture
def till_shop(shop_db):
    return make_sales_shop(
        email="pro@example.org", address1="1 rue de la Gare", postcode="74000", city="Annecy"
    )


def open_card(app, customer_id: int, tab: str):
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, tab)
    assert not app.exception, app.exception
    return app


def sold_code(sale_id: int) -> str:
    return check_code(receipts.sale_detail(STAFF, sale_id)["lines"][0]["name"].split()[-1])


def test_a_voucher_is_sold_at_the_till_then_spent_in_part(till_shop):
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.voucher_amount.{nonce}").input("abc").run()
    app.button(key="till.voucher_add").click().run()
    assert any("Voucher amount" in e for e in texts(app, "error"))
    app.text_input(key=f"till.voucher_amount.{nonce}").input("40").run()
    app.button(key="till.voucher_add").click().run()
    assert list(table(app, 0)["Amount"]) == ["€40.00"]
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.tender.cash.{nonce}").input("40").run()
    app.button(key="till.close").click().run()
    assert "Sale closed: receipt R000001." in texts(app, "toast")
    sale_id = app.session_state["till.done"]
    code = sold_code(sale_id)
    (sold,) = vouchers.sold_by(STAFF, sale_id)
    app.button(key=f"till.sale.{sale_id}.voucher.{sold['id']}").click().run()
    assert "No printer is set for this: the PDF is ready." in texts(app, "info")
    # The next sale: the light (24.00) paid 20 by the voucher and 4 by card.
    type_into(app, f"till.product_term.{app.session_state['till.finds']}", "light")
    app.button(key="till.add").click().run()
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.voucher_code.{nonce}").input(code.lower()).run()
    app.text_input(key=f"till.voucher_pays.{nonce}").input("20").run()
    app.text_input(key=f"till.tender.card.{nonce}").input("4").run()
    app.button(key="till.close").click().run()
    assert "Sale closed: receipt R000002." in texts(app, "toast")
    assert vouchers.find(STAFF, code)["balance"] == 20


def test_a_mistyped_voucher_code_is_refused_at_the_till(till_shop):
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    type_into(app, f"till.product_term.{app.session_state['till.finds']}", "light")
    app.button(key="till.add").click().run()
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.voucher_code.{nonce}").input("ABCD-EFGH-JKMN-P").run()
    app.text_input(key=f"till.voucher_pays.{nonce}").input("24").run()
    app.button(key="till.close").click().run()
    (error,) = texts(app, "error")
    assert "Gift voucher: this is not a gift voucher code" in error
    assert app.session_state["till.lines"]  # the basket stays


def test_rewards_tab_creates_an_account_and_shows_points_from_a_sale(till_shop):
    app = open_app("staff")
    open_card(app, till_shop["pro"], "Customer rewards")
    assert "No customer rewards account" in texts(app, "info")
    app.button(key=f"rewards.{till_shop['pro']}.create").click().run()
    assert texts(app, "toast") == ["Rewards account created."]
    till.record_sale(
        STAFF,
        till_shop["pro"],
        [LineRequest(till_shop["light"], "5")],
        [("card", "100")],  # 24.00 each with tax, tax exempt: 20.00 each
        uuid.uuid4().hex,
    )
    app.run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Points"] == "100"
    assert metrics["Worth"] == "€1.00"
    assert table(app)["Kind"].tolist() == ["Earned"]
    app.button(key=f"rewards.{till_shop['pro']}.new_card").click().run()
    assert any(c.startswith("Previous card numbers: 7") for c in texts(app, "caption"))


def test_delivery_tab_copies_the_billing_address_once(till_shop):
    app = open_app("staff")
    open_card(app, till_shop["pro"], "Delivery addresses")
    base = f"delivery.{till_shop['pro']}"
    app.button(key=f"{base}.billing").click().run()
    assert texts(app, "toast") == ["Delivery address added."]
    app.button(key=f"{base}.billing").click().run()
    (error,) = texts(app, "error")
    assert "the customer already has this address" in error
    assert table(app)["Source"].tolist() == ["Billing address"]
    app.button(key=f"{base}.label").click().run()
    assert texts(app, "info") == ["No printer is set for this: the PDF is ready."]


def test_vouchers_tab_cancels_with_a_reason_and_the_page_shows_the_liability(till_shop):
    first = till.record_sale(
        STAFF, till_shop["pro"], [vouchers.voucher_line("30")], [("card", "30")], "k1"
    )
    till.record_sale(STAFF, None, [vouchers.voucher_line("20")], [("card", "20")], "k2")
    app = open_app("manager")
    open_card(app, till_shop["pro"], "Gift vouchers")
    assert table(app)["Status"].tolist() == ["Active"]
    voucher = vouchers.find(STAFF, sold_code(first))
    base = f"vouchers.{till_shop['pro']}"
    app.button(key=f"{base}.cancel.go").click().run()
    assert any("Reason is required." in e for e in texts(app, "error"))
    app.text_input(key=f"{base}.{voucher['id']}.cancel_why").input("Lost").run()
    app.button(key=f"{base}.cancel.go").click().run()
    assert texts(app, "toast") == ["Voucher cancelled."]
    assert table(app, 0)["Status"].tolist() == ["Cancelled"]
    assert table(app, 0)["Balance"].tolist() == ["€0.00"]  # nothing can be spent
    # A cancelled voucher is not offered as paper or e-mail any more.
    keys = [b.key for b in app.button]
    assert f"{base}.reprint" not in keys and f"{base}.email" not in keys
    app.switch_page("pages/vouchers.py").run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Outstanding on active vouchers"] == "€20.00"
    assert len(table(app)) == 1
    app.multiselect(key="vouchers.states").set_value(["cancelled"]).run()
    assert table(app)["Status"].tolist() == ["Cancelled"]
    assert delivery and rewards and MANAGER
