"""In Chromium against the app as `make run` starts it, with a real SMTP server and a fake
of Twilio's API on loopback: an SMS sent from the card shows in its log; a receipt
e-mailed from purchase history arrives with its PDF."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.data import db, demo
from comptoir.services import customers, products, shop, till
from comptoir.services.till import LineRequest
from comptoir.startup import create_demo_accounts
from devkit.messaging_servers import smtp_server, twilio_server, write_secrets
from tests.conftest import ADMIN, STAFF, application
from tests.e2e.conftest import _chromium_or_skip, acting, open_tab, running_app, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def messaging_app(tmp_path_factory) -> Iterator[tuple[str, int, object, object]]:
    _chromium_or_skip()
    folder = tmp_path_factory.mktemp("messaging")
    path = folder / "shop.duckdb"
    with application(db.DuckDBFile(path)):
        demo.generate(20, seed=4, path=path)
        create_demo_accounts()
        shop.save_settings(
            {"locale": "en_GB", "shop_name": "Cycles E2E"},
            [("A", "A"), ("B", "B"), ("C", "C")],
            ADMIN,
        )
        customer_id = customers.create_customer(
            {
                "last_name": "Messagerie",
                "first_name": "Mona",
                "email": "mona@example.com",
                "mobile": "06 11 22 33 44",
            },
            ADMIN,
        )
        tube = products.save_product(
            ADMIN,
            None,
            None,
            {"sku": "TUBE-1", "name": "Inner tube", "price": "6.50", "tax_rate": "20"},
        )
        till.record_sale(
            STAFF, customer_id, [LineRequest(tube, "2")], [("card", "13.00")], uuid.uuid4().hex
        )
        db.close(path)
        with smtp_server() as (mailbox, smtp_port), twilio_server() as (fake, twilio_port):
            secrets = write_secrets(folder / "secrets.toml", smtp_port, twilio_port)
            env = {db.ENV_VAR: str(path), "COMPTOIR_SECRETS": str(secrets)}
            with running_app(env, folder / "server.log") as base:
                yield base, customer_id, mailbox, fake


def test_send_an_sms_from_the_card_and_see_it_in_the_log(messaging_app, page):
    base, customer_id, _, fake = messaging_app
    sign_in(page, f"{base}/customer?id={customer_id}", "staff")
    open_tab(page, "Messages and communications")
    page.get_by_role("button", name="Send SMS").click()
    box = page.locator("[data-testid=stPopoverBody]").get_by_role("textbox", name="Message")
    box.fill("Your bike is ready")
    acting(page, lambda: box.press("Control+Enter"))
    expect(page.get_by_text("18 characters · 1 SMS (GSM-7)")).to_be_visible()
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stPopoverBody]").get_by_role("button", name="Send").click()
        ),
    )
    expect(page.get_by_text("Sent to +33611223344.")).to_be_visible()
    log = page.locator("[data-testid=stTable]")
    expect(log).to_contain_text("Your bike is ready")
    expect(log).to_contain_text("Sent")
    assert [(r["To"], r["Body"]) for r in fake.requests] == [("+33611223344", "Your bike is ready")]


def test_email_a_receipt_from_purchase_history(messaging_app, page):
    base, customer_id, mailbox, _ = messaging_app
    sign_in(page, f"{base}/customer?id={customer_id}", "staff")
    open_tab(page, "Purchase history")
    acting(page, lambda: page.get_by_role("button", name="E-mail receipt").click())
    # A word joiner after "@" keeps the address from becoming a link.
    expect(page.get_by_text("Sent to mona@\u2060example.com.")).to_be_visible()
    _, recipients, mail = mailbox.wait_for(1)[0]
    assert recipients == ["mona@example.com"]
    assert mail["Subject"] == "Your receipt R000001 from Cycles E2E"
    (pdf,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "receipt-R000001.pdf"
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
