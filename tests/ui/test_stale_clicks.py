"""A click acts on the record the staff member saw: two sessions on one database, the
record changed, removed or merged between the pick and the click; odd links; errors
inside the card's fragment. Nothing else is ever touched."""

from __future__ import annotations

import logging

import pytest

from comptoir.logic.records import Edit
from comptoir.services import customer_import, customers, delivery, merges, workshop_items
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.ui.conftest import open_app, open_tab, table, texts

PLACES = {
    "first": {"name": "First Place", "address1": "1 rue A", "city": "Annecy", "country_code": "FR"},
    "second": {
        "name": "Second Place",
        "address1": "2 rue B",
        "city": "Annecy",
        "country_code": "FR",
    },
}


@pytest.fixture
def two_places(shop_db):
    customer_id = customers.create_customer({"last_name": "Pick", "first_name": "Paul"}, STAFF)
    ids = {name: delivery.add(STAFF, customer_id, raw) for name, raw in PLACES.items()}
    return customer_id, ids


def _delivery_tab(customer_id: int):
    app = open_app("staff")
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Delivery addresses")
    assert not app.exception, app.exception
    return app


def _names(customer_id: int) -> list[str]:
    return sorted(a["name"] for a in delivery.addresses(STAFF, customer_id))


def _version(customer_id: int, address_id: int) -> int:
    return next(
        a["version"] for a in delivery.addresses(STAFF, customer_id) if a["id"] == address_id
    )


def test_a_pick_removed_by_someone_else_is_never_replaced_by_another_row(two_places):
    customer_id, ids = two_places
    base = f"delivery.{customer_id}"
    app = _delivery_tab(customer_id)
    app.selectbox(key=f"{base}.chosen").set_value(ids["second"]).run()
    # The other session removes it meanwhile.
    delivery.remove(STAFF, ids["second"], _version(customer_id, ids["second"]))
    app.button(key=f"{base}.remove").click().run()
    assert not app.exception, app.exception
    assert _names(customer_id) == ["First Place"]  # the first one was not touched
    assert any("removed meanwhile" in w for w in texts(app, "warning"))
    assert texts(app, "success") == []
    # Nothing is offered to act on the removed pick; the next run offers the rows left,
    # First Place on screen before any click can reach it.
    assert not any(b.key == f"{base}.remove" for b in app.button)
    app.run()
    assert app.selectbox(key=f"{base}.chosen").value == ids["first"]
    assert any(b.key == f"{base}.remove" for b in app.button)


def test_a_pick_changed_by_someone_else_is_refused_then_shown_as_it_is(two_places):
    customer_id, ids = two_places
    base = f"delivery.{customer_id}"
    app = _delivery_tab(customer_id)
    app.selectbox(key=f"{base}.chosen").set_value(ids["second"]).run()
    delivery.edit(
        STAFF,
        Edit(
            ids["second"],
            _version(customer_id, ids["second"]),
            {**PLACES["second"], "name": "Moved"},
        ),
    )
    app.button(key=f"{base}.remove").click().run()
    assert any("changed this address meanwhile" in w for w in texts(app, "warning"))
    assert _names(customer_id) == ["First Place", "Moved"]
    # Seen as it is now, the same click acts on it.
    app.button(key=f"{base}.remove").click().run()
    assert texts(app, "toast") == ["Address removed (kept in the audit trail)."]
    assert _names(customer_id) == ["First Place"]


def _card(customer_id: int, who: str = "staff"):
    app = open_app(who)
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    assert not app.exception, app.exception
    return app


def test_a_card_whose_customer_was_merged_meanwhile_writes_nothing(shop_db):
    kept = customers.create_customer({"last_name": "Twin", "first_name": "Kept"}, STAFF)
    other = customers.create_customer({"last_name": "Twin", "first_name": "Gone"}, STAFF)
    app = _card(other)
    nonce = app.session_state[f"card.nonce.{other}"]
    app.text_input(key=f"card.{other}.{nonce}.company").input("Typed meanwhile").run()
    a, b = customers.get_customer(kept), customers.get_customer(other)
    merges.merge(ADMIN, kept, a["version"], other, b["version"], {})
    before = customers.get_customer(other)
    app.button(key="card.save").click().run()
    assert not app.exception, app.exception
    number = customers.get_customer(kept)["account_number"]
    assert any(f"merged into {number}" in e for e in texts(app, "error"))
    assert customers.get_customer(other) == before  # nothing written
    assert app.text_input(key=f"card.{other}.{nonce}.company").value == "Typed meanwhile"


def test_a_card_whose_customer_was_removed_meanwhile_keeps_what_was_typed(shop_db):
    from comptoir.logic.customer_import import guess_mapping, read_file

    data = read_file(b"Nom;Courriel\nImported;imp@example.org\n", "in.csv")
    done = customer_import.run_import(MANAGER, data, guess_mapping(data.headers), "in.csv")
    [row] = customers.search_customers("imported").rows
    app = _card(row["id"])
    nonce = app.session_state[f"card.nonce.{row['id']}"]
    app.text_input(key=f"card.{row['id']}.{nonce}.company").input("Typed meanwhile").run()
    customer_import.undo(MANAGER, done.batch_id)
    app.button(key="card.save").click().run()
    assert not app.exception, app.exception
    assert any("removed meanwhile" in e for e in texts(app, "error"))
    # A full run cannot draw the card any more: what was typed is shown to copy.
    typed = dict(zip(table(app)["Field"], table(app)["What was typed"], strict=True))
    assert typed["Company"] == "Typed meanwhile"
    assert customers.search_customers("imported", include_archived=True).total == 0


@pytest.mark.parametrize("value", ["²", "1²", "-1", " 1", "1" * 5000, "0x1", "١"])
def test_an_odd_link_lands_on_the_picker_with_a_word(shop_db, value):
    app = open_app("staff")
    app.query_params["id"] = value
    app.switch_page("pages/customer_card.py").run()
    assert not app.exception, app.exception
    assert "That link does not name a customer: find them below." in texts(app, "warning")
    assert not app.error


def test_a_repeated_id_in_a_link_is_refused(shop_db):
    app = open_app("staff")
    app.query_params["id"] = ["1", "2"]
    app.switch_page("pages/customer_card.py").run()
    assert not app.exception, app.exception
    assert "That link does not name a customer: find them below." in texts(app, "warning")


def _page_with_a_failing_fragment() -> None:
    import streamlit as st

    from comptoir.ui.errors import guarded_fragment

    @guarded_fragment
    def part() -> None:
        if st.button("Boom", key="boom"):
            raise RuntimeError("inside the fragment")
        st.write("fine")

    part()


def test_an_error_inside_a_fragment_is_an_incident_not_a_traceback(caplog):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_page_with_a_failing_fragment)
    app.session_state["ui_language"] = "en"
    app.run()
    with caplog.at_level(logging.ERROR, logger="comptoir.incidents"):
        app.button(key="boom").click().run()
    assert not app.exception, app.exception
    [shown] = [e.value for e in app.error]
    assert shown.startswith("Something went wrong; nothing half-done was stored.")


def test_a_voucher_changed_by_someone_else_is_not_cancelled_on_the_old_view(shop_db):
    from comptoir.services import till, vouchers
    from tests.sales_samples import make_sales_shop

    shop = make_sales_shop()
    sale = till.record_sale(
        STAFF, shop["pro"], [vouchers.voucher_line("30")], [("card", "30")], "stale-v"
    )
    (voucher,) = vouchers.sold_by(STAFF, sale)
    app = open_app("manager")
    app.query_params["id"] = str(shop["pro"])
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Gift vouchers")
    base = f"vouchers.{shop['pro']}"
    app.text_input(key=f"{base}.{voucher['id']}.cancel_why").input("Lost").run()
    # Between the last screen and the click, the other session changes it.
    current = vouchers.detail(STAFF, voucher["id"])
    vouchers.change_expiry(MANAGER, voucher["id"], current["version"], None, "Goodwill")
    app.button(key=f"{base}.cancel.go").click().run()
    assert any("changed this voucher meanwhile" in w for w in texts(app, "warning"))
    assert vouchers.detail(STAFF, voucher["id"])["status"] == "active"


def test_a_removed_order_line_is_never_replaced_by_another(shop_db):
    from comptoir.services import products, workshop, workshop_lines

    customer = customers.create_customer({"last_name": "Lines"}, STAFF)
    order_id = workshop.create_order(STAFF, customer, {"kind": "job", "reported": "Service"}, "o1")
    chain = products.save_product(
        MANAGER, None, None, {"sku": "CH", "name": "Chain", "price": "40", "tax_rate": "20"}
    )
    tube = products.save_product(
        MANAGER, None, None, {"sku": "TU", "name": "Tube", "price": "6", "tax_rate": "20"}
    )
    workshop_lines.add_part(STAFF, order_id, chain, "1")
    workshop_lines.add_part(STAFF, order_id, tube, "1")
    app = open_app("staff")
    app.query_params["id"] = str(customer)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Orders and workshop jobs")
    key = f"order.{order_id}"
    app.selectbox(key=f"{key}.remove.choice").set_value(2).run()
    # The other session removes line 2, then adds another part: it takes number 2.
    workshop_lines.remove_line(STAFF, order_id, 2)
    workshop_lines.add_part(STAFF, order_id, chain, "3")
    app.button(key=f"{key}.remove.go").click().run()
    assert not app.exception, app.exception
    assert any("removed or changed meanwhile" in w for w in texts(app, "warning"))
    lines = workshop.order_detail(STAFF, order_id)["lines"]
    assert [(line["line_no"], str(line["quantity"])) for line in lines] == [
        (1, "1.000"),
        (2, "3.000"),
    ]


def test_a_status_button_acts_on_the_order_as_it_was_shown(shop_db):
    from comptoir.services import workshop

    customer = customers.create_customer({"last_name": "Status"}, STAFF)
    order_id = workshop.create_order(STAFF, customer, {"kind": "job", "reported": "Brakes"}, "s1")
    app = open_app("staff")
    app.query_params["id"] = str(customer)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Orders and workshop jobs")
    key = f"order.{order_id}"
    assert next(b for b in app.button if b.key == f"{key}.next").label == "Move to In progress"
    # The other session starts the job meanwhile; this one's click meant "start it".
    workshop.move(STAFF, order_id, "in_progress")
    app.button(key=f"{key}.next").click().run()
    assert not app.exception, app.exception
    assert any("changed this order meanwhile" in w for w in texts(app, "warning"))
    assert workshop.order_detail(STAFF, order_id)["status"] == "in_progress"  # not "ready"


def _an_open_item(card: dict):
    """A customer with one serviced item, its section open on the card: app, ids."""

    customer = customers.create_customer(card, STAFF)
    item_id = workshop_items.add_item(STAFF, customer, {"name": "Trek", "serial": "S-1"})
    app = open_app("staff")
    app.query_params["id"] = str(customer)
    app.switch_page("pages/customer_card.py").run()
    open_tab(app, "Serviced items")
    app.session_state[f"items.{customer}.item.{item_id}"] = True  # expand it
    app.run()
    return app, customer, item_id


def test_an_item_saved_by_someone_else_meanwhile_is_refused_not_lost_or_overwritten(shop_db):

    app, customer, item_id = _an_open_item({"last_name": "Items"})
    key = f"items.{customer}.edit.{item_id}.1"
    app.text_input(key=f"{key}.serial").input("S-2")
    (item,) = workshop_items.items(STAFF, customer)
    # The other session notes the colour (the item's title, hence its section, unchanged).
    workshop_items.edit_item(
        STAFF, Edit(item_id, item["version"], {"name": "Trek", "serial": "S-1", "colour": "Red"})
    )
    next(b for b in app.button if b.label == "Save the item").click().run()
    assert not app.exception, app.exception
    assert any("changed this item meanwhile" in w for w in texts(app, "warning"))
    (kept,) = workshop_items.items(STAFF, customer)
    assert (kept["serial"], kept["colour"]) == ("S-1", "Red")  # theirs kept, nothing lost


def test_a_renamed_item_keeps_its_section_open_and_the_click_made_in_it(shop_db):

    app, customer, item_id = _an_open_item({"last_name": "Open", "email": "open@example.org"})
    send = f"items.{customer}.remind.{item_id}"
    assert any(b.key == send for b in app.button)
    # The other session renames the item: its section's title changes.
    (item,) = workshop_items.items(STAFF, customer)
    workshop_items.edit_item(
        STAFF, Edit(item_id, item["version"], {"name": "Trek Domane", "serial": "S-1"})
    )
    app.button(key=send).click().run()
    assert not app.exception, app.exception
    assert any(b.key == send for b in app.button)  # still open
    (sent,) = [r for r in _reminders(customer) if r["item_id"] == item_id]
    assert sent["status"] in {"queued", "sent"}


def _reminders(customer_id: int) -> list[dict]:
    from comptoir.services import reminders

    return reminders.customer_reminders(STAFF, customer_id)


def _doubles() -> tuple[int, int, int, int]:
    """Two likely-duplicate pairs (same e-mail each)."""
    ids = [
        customers.create_customer({"last_name": name, "email": email}, STAFF)
        for name, email in (
            ("Alpha", "alpha@example.org"),
            ("Alphas", "ALPHA@example.org"),
            ("Beta", "beta@example.org"),
            ("Betas", "BETA@example.org"),
        )
    ]
    return ids[0], ids[1], ids[2], ids[3]


def test_a_pair_merged_by_someone_else_is_never_replaced_by_another_pair(shop_db):
    a1, a2, b1, b2 = _doubles()
    app = open_app("admin")
    app.switch_page("pages/duplicates.py").run()
    app.selectbox(key="duplicates.pick.0").set_value((b1, b2)).run()
    # The other session merges that pair meanwhile.
    first, second = customers.get_customer(b1), customers.get_customer(b2)
    merges.merge(ADMIN, b1, first["version"], b2, second["version"], {})
    app.button(key="duplicates.merge").click().run()
    assert not app.exception, app.exception
    assert any("no longer on the list" in w for w in texts(app, "warning"))
    assert "merge.pair" not in app.session_state  # the Alpha pair was not opened instead
    app.run()  # the next run offers the pairs left, the gone pick forgotten
    shown = app.selectbox(key="duplicates.pick.0")
    assert shown.value == (a1, a2) and "removed meanwhile" not in " ".join(shown.options)


def test_a_merge_confirmed_on_a_card_changed_meanwhile_is_refused(shop_db):
    _, _, b1, b2 = _doubles()
    app = open_app("admin")
    app.switch_page("pages/duplicates.py").run()
    app.selectbox(key="duplicates.pick.0").set_value((b1, b2)).run()
    app.button(key="duplicates.merge").click().run()
    assert not app.exception, app.exception
    # The comparison is on screen; the other session changes the other card's e-mail.
    other = customers.get_customer(b2)
    customers.update_customer(b2, other["version"], {"email": "betas@example.org"}, STAFF)
    app.button(key="merge.confirm").click().run()
    assert not app.exception, app.exception
    assert any("changed one of these customers meanwhile" in w for w in texts(app, "warning"))
    assert customers.get_customer(b2)["merged_into"] is None
    assert customers.get_customer(b1)["email"] == "beta@example.org"  # nothing taken
    app.button(key="merge.confirm").click().run()  # the comparison as it is now: confirmed
    assert customers.get_customer(b2)["merged_into"] == b1


def test_an_undo_already_done_by_someone_else_is_refused_in_words(shop_db):
    _, _, b1, b2 = _doubles()
    first, second = customers.get_customer(b1), customers.get_customer(b2)
    merges.merge(ADMIN, b1, first["version"], b2, second["version"], {})
    (done,) = merges.recent(ADMIN)
    app = open_app("admin")
    app.switch_page("pages/duplicates.py").run()
    merges.undo(ADMIN, done["id"])  # the other session undoes it first
    app.button(key=f"merge.undo.{done['id']}").click().run()
    assert not app.exception, app.exception
    assert any("already" in e.lower() for e in texts(app, "error"))
    assert customers.get_customer(b2)["merged_into"] is None


def test_an_import_undone_by_someone_else_is_not_undone_twice(shop_db):
    from comptoir.logic.customer_import import guess_mapping, read_csv
    from comptoir.services import customer_import

    table = read_csv(b"last_name,email\nImported,imported@example.org\n")
    customer_import.run_import(MANAGER, table, guess_mapping(table.headers), "one.csv")
    (batch,) = customer_import.recent_batches(MANAGER)
    app = open_app("manager")
    app.switch_page("pages/import_customers.py").run()
    customer_import.undo(MANAGER, batch["id"])
    app.button(key=f"import.undo.{batch['id']}").click().run()
    assert not app.exception, app.exception
    assert any("already" in e.lower() for e in texts(app, "error"))
    (after,) = customer_import.recent_batches(MANAGER)
    assert after["undone_at"] is not None


def test_a_password_reset_acts_on_the_account_picked_when_another_is_added(shop_db):
    from comptoir.services import auth

    app = open_app("admin")
    app.switch_page("pages/staff_admin.py").run()
    staff = {a["username"]: a["id"] for a in auth.list_staff(ADMIN)}
    app.selectbox(key="staff.reset.who").set_value(staff["staff"])
    app.text_input(key="staff.reset.password").input("a-new-long-secret-9")
    app.text_input(key="staff.reset.confirm").input("a-new-long-secret-9")
    # The other administrator adds an account meanwhile (it sorts first).
    auth.create_staff(ADMIN, "aaron", "Aaron", "staff", "another-secret-99", "another-secret-99")
    next(b for b in app.button if b.label == "Set password").click().run()
    assert not app.exception, app.exception
    assert auth.sign_in("staff", "a-new-long-secret-9").username == "staff"
    for other in ("aaron", "admin", "manager"):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(other, "a-new-long-secret-9")


def _broken(*args, **kwargs):
    raise RuntimeError("broken inside the fragment")


# Each tab of the card, and what it draws with (patched to fail once the card is open).
TAB_PARTS = {
    "account": ("comptoir.ui.card_fields", "field_widget"),
    "general": ("comptoir.ui.card_fields", "field_widget"),
    "rewards": ("comptoir.ui.vouchers_rewards_tabs", "rewards_tab"),
    "gdpr": ("comptoir.ui.gdpr_panel", "gdpr_requests"),
    "credit": ("comptoir.ui.account_tab", "account_tab"),
    "orders": ("comptoir.ui.workshop_tabs", "orders_tab"),
    "sales": ("comptoir.ui.sale_view", "history_tab"),
    "messages": ("comptoir.ui.messages_tab", "messages_tab"),
    "delivery": ("comptoir.ui.delivery_tab", "delivery_tab"),
    "vouchers": ("comptoir.ui.vouchers_rewards_tabs", "vouchers_tab"),
    "items": ("comptoir.ui.workshop_tabs", "items_tab"),
    "reminders": ("comptoir.ui.workshop_tabs", "reminders_tab"),
    "history": ("comptoir.ui.history", "history_table"),
}


@pytest.mark.parametrize("code", list(TAB_PARTS))
def test_an_error_inside_each_card_tab_is_an_incident_and_the_card_stays(
    shop_db, monkeypatch, caplog, code
):
    import importlib

    from comptoir.i18n import t

    customer = customers.create_customer({"last_name": "Fragile"}, STAFF)
    app = open_app("manager")
    app.query_params["id"] = str(customer)
    app.switch_page("pages/customer_card.py").run()
    module, name = TAB_PARTS[code]
    monkeypatch.setattr(importlib.import_module(module), name, _broken)
    with caplog.at_level(logging.ERROR, logger="comptoir.incidents"):
        open_tab(app, t(f"card.tab.{code}", "en"))
    assert not app.exception, app.exception
    [shown] = texts(app, "error")
    assert shown.startswith("Something went wrong; nothing half-done was stored.")
    assert app.title[0].value == "Fragile"  # the rest of the card is on screen
    assert "broken inside the fragment" in caplog.text  # the traceback went to the log


def test_an_error_inside_the_till_basket_is_an_incident_and_the_sale_stays(
    shop_db, monkeypatch, caplog
):
    from comptoir.ui import sale_lines
    from tests.sales_samples import make_sales_shop
    from tests.ui.test_sales_pages import add_item

    shop = make_sales_shop()
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    monkeypatch.setattr(sale_lines, "lines_table", _broken)  # drawn inside the basket only
    with caplog.at_level(logging.ERROR, logger="comptoir.incidents"):
        add_item(app, "tube", shop["tube"], "2")
    assert not app.exception, app.exception
    [shown] = texts(app, "error")
    assert shown.startswith("Something went wrong; nothing half-done was stored.")
    assert app.title[0].value == "New sale"
    assert "broken inside the fragment" in caplog.text


def test_an_error_while_closing_a_sale_is_an_incident_under_close_and_the_basket_stays(
    shop_db, monkeypatch, caplog
):
    from comptoir.services import till
    from tests.sales_samples import make_sales_shop

    make_sales_shop()
    app = open_app("staff")
    app.switch_page("pages/new_sale.py").run()
    app.text_input(key="till.sku").input("LIGHT-1").run()
    nonce = app.session_state["till.nonce"]
    app.text_input(key=f"till.tender.card.{nonce}").input("24.00").run()
    monkeypatch.setattr(till, "record_sale", _broken)  # the click's callback calls it
    with caplog.at_level(logging.ERROR, logger="comptoir.incidents"):
        app.button(key="till.close").click().run()
    assert not app.exception, app.exception
    [shown] = texts(app, "error")
    assert shown.startswith("Something went wrong; nothing half-done was stored.")
    assert len(table(app, 0)) == 1  # the basket as it was
    assert "broken inside the fragment" in caplog.text
