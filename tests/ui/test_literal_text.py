"""Markdown stored in every text field is shown as typed on every page, never rendered."""

from __future__ import annotations

import uuid

import pytest

from comptoir.operations import clock
from comptoir.services import (
    accounts,
    auth,
    customers,
    delivery,
    messaging,
    products,
    reminders,
    returns,
    rewards,
    till,
    vouchers,
    workshop,
    workshop_lines,
)
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER
from tests.ui.conftest import open_app, open_tab, shown, type_into

PAYLOAD = "**x** [l](http://127.0.0.1:9/) ![i](http://127.0.0.1:9/p.png) :red[x]"
SHORT = "**x** [l](http://127.0.0.1:9/) :red[x]"  # fits a tax number (50)
# What would render as bold, a link, an image the browser fetches, coloured text.
RENDERED = ("**x**", "[l](", "![i](", ":red[x]", "http://127")
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "region",
    "tax_number",
    "notes",
)
MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "warning",
    "success",
    "info",
)
LABELLED = (
    "button",
    "text_input",
    "text_area",
    "selectbox",
    "checkbox",
    "toggle",
    "radio",
    "number_input",
    "date_input",
    "tabs",
    "expander",
    "metric",
)


@pytest.fixture
def hostile(shop_db):
    """A customer, product, staff member and ledger entries made of the payload."""
    customer_id = customers.create_customer(
        {name: PAYLOAD for name in TEXT_FIELDS} | {"account_number": "MD-1", "tax_number": SHORT},
        ADMIN,
    )
    product_id = products.save_product(
        MANAGER, None, None, {"sku": "MD-1", "name": PAYLOAD, "price": "10", "tax_rate": "20"}
    )
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, customer_id, trade, "500")
    accounts.record_entry(
        ADMIN, customer_id, EntryRequest("charge", "30", reference=PAYLOAD), uuid.uuid4().hex
    )
    accounts.record_entry(
        ADMIN,
        customer_id,
        EntryRequest("adjustment", "5", reason=PAYLOAD, direction="decrease"),
        uuid.uuid4().hex,
    )
    sale_id = till.record_sale(
        ADMIN, customer_id, [LineRequest(product_id, "2")], [("card", "20")], uuid.uuid4().hex
    )
    returns.refund_sale(ADMIN, sale_id, {1: "1"}, "card", uuid.uuid4().hex)
    auth.create_staff(ADMIN, "mdstaff", PAYLOAD[:80], "staff", "velo-bleu-42", "velo-bleu-42")
    messaging.add_note(ADMIN, customer_id, PAYLOAD, uuid.uuid4().hex)
    # The workshop, delivery addresses, vouchers and rewards, made of it too.
    order_id = workshop.create_order(
        ADMIN,
        customer_id,
        {"kind": "job", "reported": PAYLOAD, "agreed": PAYLOAD, "mechanic": SHORT},
        uuid.uuid4().hex,
        new_item={"name": PAYLOAD, "make": SHORT, "serial": SHORT, "colour": SHORT},
    )
    workshop_lines.add_labour(ADMIN, order_id, "1", "50", PAYLOAD)
    reminders.schedule(ADMIN, customer_id, clock.local_day(), PAYLOAD)
    delivery.add(ADMIN, customer_id, {"name": PAYLOAD, "address1": PAYLOAD, "city": PAYLOAD})
    rewards.create(ADMIN, customer_id)
    rewards.adjust(ADMIN, customer_id, "10", PAYLOAD)
    sold = till.record_sale(
        ADMIN, customer_id, [vouchers.voucher_line("20")], [("card", "20")], uuid.uuid4().hex
    )
    (voucher,) = vouchers.sold_by(ADMIN, sold)
    vouchers.change_expiry(ADMIN, voucher["id"], voucher["version"], None, PAYLOAD)
    return customer_id, product_id


def _rendered_sources(test) -> list[str]:
    """Every string the page hands to something that renders Markdown."""
    found = [e.value for kind in MARKDOWN_KINDS for e in getattr(test, kind)]
    for kind in LABELLED:
        found += [getattr(e, "label", "") or "" for e in getattr(test, kind)]
    for index in range(len(test.table)):
        frame = test.table[index].value
        found += [str(c) for c in frame.columns]
        found += [str(v) for v in frame.to_numpy().ravel()]
    return found


def _assert_literal(test, page: str) -> int:
    assert not test.exception, (page, test.exception)
    sources = _rendered_sources(test)
    for source in sources:
        for fragment in RENDERED:
            assert fragment not in source, (page, source)
    # And the payload is still there to read, as typed, where it is shown.
    return sum(PAYLOAD[:20] in shown(s) for s in sources)


def test_no_page_renders_stored_markdown(hostile):
    customer_id, _ = hostile
    app = open_app("admin")
    seen = {}
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    seen["card"] = _assert_literal(app, "card")
    for tab in (
        "General",
        "Account",
        "Purchase history",
        "Messages and communications",
        "GDPR",
        "History",
        "Orders and workshop jobs",
        "Serviced items",
        "Service reminders",
        "Delivery addresses",
        "Gift vouchers",
        "Customer rewards",
    ):
        app = open_app("admin")  # a fresh session per tab: AppTest keeps stale pick-lists
        app.query_params["id"] = str(customer_id)
        app.switch_page("pages/customer_card.py").run()
        open_tab(app, tab)
        seen["card"] += _assert_literal(app, f"card: {tab}")
    for page in (
        "pages/customers.py",
        "pages/products.py",
        "pages/audit_log.py",
        "pages/staff_admin.py",
        "pages/balances.py",
        "pages/export.py",
        "pages/workshop.py",
        "pages/vouchers.py",
        "pages/insights.py",
        "pages/duplicates.py",
        "pages/import_customers.py",
    ):
        app = open_app("admin")  # a fresh session per page, as a user opening it
        app.switch_page(page).run()
        seen[page] = _assert_literal(app, page)
    app = open_app("admin")
    app.switch_page("pages/new_sale.py").run()
    type_into(app, "till.customer_term.0", "MD-1")
    assert app.selectbox(key="till.customer_choice.0.1").value == customer_id  # one found
    type_into(app, "till.product_term.0", "MD-1")
    app.button(key="till.add").click().run()
    seen["till"] = _assert_literal(app, "till")
    # Shown literally in the card (title, caption, tables), the audit trail and the till.
    assert seen["card"] >= 3 and seen["pages/audit_log.py"] >= 1 and seen["till"] >= 2
