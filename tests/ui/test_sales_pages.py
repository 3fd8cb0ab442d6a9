"""AppTest: New sale, Products and the card's Purchase history."""

from __future__ import annotations

import pytest

from comptoir.services import accounts, receipts, returns, shop, till
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, STAFF
from tests.sales_samples import make_sales_shop
from tests.ui.conftest import open_app, open_tab, table, texts, type_into


@pytest.fixture
def till_shop(shop_db):
    return make_sales_shop()


def add_item(app, term: str, product_id: int, quantity: str) -> None:
    nonce = app.session_state["till.nonce"]
    type_into(app, f"till.product_term.{app.session_state['till.finds']}", term)
    picker = app.selectbox(key=f"till.product.{nonce}.{term.strip().lower()}")
    assert picker.value == product_id  # the first match is chosen already

    app.text_input(key=f"till.quantity.{nonce}").input(quantity).run()
    app.button(key="till.add").click().run()


def test_sell_two_items_to_a_level_b_tax_exempt_customer(till_shop):
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    assert app.title[0].value == "New sale"
    type_into(app, "till.customer_term.0", "atelier")
    # One customer found: picked at once.
    assert app.selectbox(key="till.customer_choice.0.1").value == till_shop["pro"]
    assert any("Price level B" in c and "Tax exempt" in c for c in texts(app, "caption"))
    add_item(app, "tube", till_shop["tube"], "2")
    add_item(app, "light", till_shop["light"], "1")
    basket = table(app, 0)
    # The till's basket is compact: the item with its unit price, the quantity, the amount.
    assert list(basket.columns) == ["Item", "Qty", "Amount"]
    assert list(basket["Item"]) == ["Chambre à air · €5.00", "Éclairage · €24.00"]
    assert list(basket["Amount"]) == ["€10.00", "€24.00"]  # unit × quantity, no line discount
    # The running total sits under the scan box too (on a phone, both in one screen).
    assert "Basket: 2 lines · **Total €28.33**" in texts(app, "markdown")
    assert "Tax not charged (exempt) -€5.67" in texts(app, "caption")  # 34.00 → 28.33
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.tender.card.{nonce}").input("10").run()
    app.button(key="till.close").click().run()
    assert any("must cover the total" in e for e in texts(app, "error"))
    app.text_input(key=f"till.tender.card.{nonce}").input("28.33").run()
    app.button(key="till.close").click().run()
    assert "Sale closed: receipt R000001." in texts(app, "toast")
    assert len(app.code) == 0  # the receipt preview is built only when opened
    app.session_state[f"till.sale.{app.session_state['till.done']}.preview"] = True
    app.run()
    receipt = app.code[0].value
    # Printed words follow the shop's locale (French in the demo shop).
    assert "Exonéré de taxe" in receipt and "FR99123456789" in receipt and "TVA" not in receipt
    sale_id = app.session_state["till.done"]
    app.button(key=f"till.sale.{sale_id}.invoice").click().run()
    assert any(s.startswith("Invoice F20") for s in texts(app, "toast"))


def test_scanned_codes_go_straight_into_the_basket_and_the_box_empties(till_shop):
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    assert "Basket: empty" in texts(app, "markdown")  # the running total's line, held
    app.text_input(key="till.quantity.0").input("3").run()
    for code in ("TUBE-700", "tube-700", "LIGHT-1"):
        app.text_input(key="till.sku").input(code).run()
        assert app.text_input(key="till.sku").value == ""
    assert list(table(app, 0)["Qty"]) == ["3", "1", "1"]
    # An unknown code is named, and the search by name below lists what it matches.
    app.text_input(key="till.sku").input("Éclair").run()
    assert "No active product has the SKU Éclair" in " ".join(texts(app, "warning"))
    assert app.session_state[f"till.product_term.{app.session_state['till.finds']}"] == "Éclair"
    assert len(table(app, 0)) == 3


def test_purchase_history_tab_lists_sales_and_issues_the_invoice(till_shop):
    sale_id = till.record_sale(
        STAFF, till_shop["pro"], [LineRequest(till_shop["light"], "1")], [("card", "20.00")], "k-1"
    )
    app = open_app("staff")
    app.query_params["id"] = str(till_shop["pro"])
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Purchase history")
    assert not app.exception, app.exception
    history = next(t for t in app.table if "Receipt" in t.value.columns).value
    assert list(history["Receipt"]) == ["R000001"]
    app.button(key=f"history.sale.{sale_id}.invoice").click().run()
    assert any(s.startswith("Invoice F20") for s in texts(app, "toast"))
    assert receipts.sale_detail(STAFF, sale_id)["invoice_number"].endswith("000001")


def test_products_page_read_only_for_staff_editable_for_managers(till_shop):
    staff = open_app("staff")
    staff.switch_page("pages/products.py").run()
    assert not staff.exception, staff.exception
    assert staff.title[0].value == "Products"
    assert not any(b.key == "products.save" for b in staff.button)
    manager = open_app("manager")
    manager.switch_page("pages/products.py").run()
    assert any(b.key == "products.save" for b in manager.button)
    assert list(manager.data_editor[0].value["sku"]) == ["TUBE-700", "LIGHT-1"] or sorted(
        manager.data_editor[0].value["sku"]
    ) == ["LIGHT-1", "TUBE-700"]


def test_a_return_is_linked_to_its_sale_as_typed(till_shop):
    shop.save_settings({"receipt_prefix": "T-"}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)
    sale_id = till.record_sale(
        STAFF, till_shop["pro"], [LineRequest(till_shop["light"], "1")], [("card", "20.00")], "k-2"
    )
    returns.refund_sale(STAFF, sale_id, {1: "1"}, "card", "k-3")
    app = open_app("staff")
    app.query_params["id"] = str(till_shop["pro"])
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Purchase history")
    history = table(app, next(i for i, t in enumerate(app.table) if "Link" in t.value.columns))
    assert list(history["Link"]) == ["return of T-000001", ""]


def test_namesakes_at_the_till_are_told_apart_by_postcode_and_city(shop_db):
    from comptoir.services import customers

    for city, postcode in (("Annecy", "74000"), ("Lyon", "69003")):
        customers.create_customer(
            {"last_name": "Homonyme", "first_name": "Paul", "postcode": postcode, "city": city},
            STAFF,
        )
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    type_into(app, "till.customer_term.0", "homonyme")
    options = app.selectbox(key="till.customer_choice.0.0").options  # two found: none picked
    assert app.selectbox(key="till.customer_choice.0.0").value == 0  # still the walk-in
    shown = [o for o in options if "Homonyme" in o]
    assert [o.split(" — ", 1)[1] for o in shown] == [
        "Homonyme Paul · 74000 Annecy",
        "Homonyme Paul · 69003 Lyon",
    ]


def test_the_till_says_what_is_left_to_pay_and_the_change_before_closing(till_shop):
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    add_item(app, "light", till_shop["light"], "1")  # 24.00
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.tender.card.{nonce}").input("10").run()
    said = " ".join(m.value for m in app.markdown)
    assert "Paid €10.00 · **Left to pay €14.00**" in said.replace("\\", "")
    app.text_input(key=f"till.tender.cash.{nonce}").input("20").run()
    said = " ".join(m.value for m in app.markdown)
    assert "Paid €30.00 · **Change to give €6.00**" in said.replace("\\", "")
    app.text_input(key=f"till.tender.card.{nonce}").input("30").run()
    # 50.00 for 24.00: the card alone is 6.00 over; cash cannot make that change.
    assert any("Paid €50.00: €6.00 more than the total" in w for w in texts(app, "warning"))


def test_a_voucher_sold_in_french_reads_in_english_on_an_english_screen(till_shop):
    from comptoir.services import vouchers

    shop.save_settings({"locale": "fr_FR"}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)
    sale_id = till.record_sale(
        STAFF, till_shop["pro"], [vouchers.voucher_line("20")], [("card", "20")], "k-v"
    )
    (stored,) = receipts.sale_detail(STAFF, sale_id)["lines"]
    assert stored["name"].startswith("Bon cadeau ")
    app = open_app("staff")
    app.query_params["id"] = str(till_shop["pro"])
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Purchase history")
    lines = next(table(app, i) for i in range(len(app.table)) if "Item" in table(app, i).columns)
    assert list(lines["Item"]) == [f"Gift voucher {stored['name'].split()[-1]}"]


def line_pick(app):
    return app.selectbox(key=f"till.line_pick.{app.session_state['till.line_edits']}")


def test_any_line_of_the_basket_changes_its_quantity_or_goes(till_shop):
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    add_item(app, "tube", till_shop["tube"], "1")
    add_item(app, "light", till_shop["light"], "1")
    first, second = (line["id"] for line in app.session_state["till.lines"])
    # The first line, not the last: three tubes.
    line_pick(app).set_value(first).run()
    app.text_input(key=f"till.line_quantity.{first}").input("3").run()
    app.button(key="till.line_change").click().run()
    basket = table(app, 0)
    assert list(basket["Item"]) == ["Chambre à air · €6.50", "Éclairage · €24.00"]
    assert list(basket["Qty"]) == ["3", "1"]
    assert line_pick(app).value == first  # still the line changed
    # A quantity that is no number is named; the basket stays as it was.
    line_pick(app).set_value(second).run()
    app.text_input(key=f"till.line_quantity.{second}").input("lots").run()
    app.button(key="till.line_change").click().run()
    assert any("Quantity" in e for e in texts(app, "error"))
    assert list(table(app, 0)["Qty"]) == ["3", "1"]
    # Remove the first line: the light stays.
    line_pick(app).set_value(first).run()
    app.button(key="till.line_remove").click().run()
    assert list(table(app, 0)["Item"]) == ["Éclairage · €24.00"]


def test_a_charge_over_the_credit_limit_is_refused_under_close_and_the_basket_stays(
    till_shop,
):
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(ADMIN, till_shop["pro"], trade, "10")
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    type_into(app, "till.customer_term.0", "atelier")  # one match: picked
    app.text_input(key="till.sku").input("LIGHT-1").run()
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.tender.account.{nonce}").input("20.00").run()
    app.button(key="till.close").click().run()
    assert texts(app, "error") == [
        "Refused: the balance is €0.00 and the limit €10.00; this charge would exceed it by €10.00."
    ]
    assert len(table(app, 0)) == 1  # the basket as it was, for another tender
    assert app.session_state["till.customer"] == till_shop["pro"]
    assert accounts.overview(ADMIN, till_shop["pro"]).balance == 0
    # The refusal is said once: the next run (another tender typed) no longer shows it.
    app.text_input(key=f"till.tender.account.{nonce}").input("").run()
    assert texts(app, "error") == []
