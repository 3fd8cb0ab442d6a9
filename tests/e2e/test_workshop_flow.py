"""The workshop in Chromium against the app as `make run` starts it: check a bike in
(new serviced item with its serial, a reported fault, a promised date), download the
job ticket PDF, move the job to ready, collect it at the till, see the reminders it
scheduled, cancel one; then find the bike by serial from the customers grid."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from pypdf import PdfReader

from comptoir.data import db, demo
from comptoir.operations import clock
from comptoir.services import customers, shop
from comptoir.startup import create_demo_accounts
from devkit.browser import steady_box
from tests.conftest import ADMIN, STAFF, application
from tests.e2e.conftest import (
    _chromium_or_skip,
    acting,
    open_tab,
    running_app,
    sign_in,
    type_search,
)

pytestmark = pytest.mark.e2e

HEADER = ROW = 35
PICK = 60  # the reminders grid's first column (the cancel tick), in pixels


@pytest.fixture(scope="module")
def workshop_app(tmp_path_factory) -> Iterator[tuple[str, int, str]]:
    _chromium_or_skip()
    folder = tmp_path_factory.mktemp("workshop")
    path = folder / "shop.duckdb"
    with application(db.DuckDBFile(path)):
        demo.generate(20, seed=4, path=path)
        create_demo_accounts()
        shop.save_settings({"locale": "en_GB"}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)
        customer_id = customers.create_customer(
            {"last_name": "Atelier", "first_name": "Victor", "email": "victor@example.com"},
            STAFF,
        )
        promised = (clock.local_day() + timedelta(days=3)).strftime("%Y-%m-%d")
        db.close(path)
        with running_app({db.ENV_VAR: str(path)}, folder / "server.log") as base:
            yield base, customer_id, promised


def popover(page):
    return page.locator("[data-testid=stPopoverBody]")


def click(page, name: str) -> None:
    acting(page, lambda: page.get_by_role("button", name=name, exact=True).click())


def test_check_in_ticket_ready_collect_reminders_and_serial_search(workshop_app, page):
    base, customer_id, promised = workshop_app
    sign_in(page, f"{base}/customer?id={customer_id}", "staff")
    open_tab(page, "Orders and workshop jobs")

    # Check the bike in: a new serviced item with its frame number, the fault, a date.
    page.get_by_text("New order or check a bike in").click()  # opens; starts no run
    # Typed as a staff member types: each field is taken when the next one gets the
    # focus (its own run, not awaited: whether the date box asks for one on Enter
    # depends on its calendar); Create asks for the run that matters, and the ticket
    # below proves every value, the date included, was taken.
    page.get_by_role("textbox", name="Name", exact=True).fill("Trek Domane SL6")
    page.get_by_role("textbox", name="Serial number", exact=True).fill("WTU 555 777")
    page.get_by_role("textbox", name="Reported by the customer").fill("Gears skip under load")
    date_box = (
        page.locator("[data-testid=stDateInput]").filter(has_text="Promised for").locator("input")
    )
    date_box.fill(promised)
    date_box.press("Enter")
    page.get_by_role("textbox", name="Mechanic").click()  # the calendar closes
    click(page, "Create")
    expect(page.get_by_text("Order J000001 created.")).to_be_visible()

    # The job ticket as an A4 PDF with the customer's signature box.
    with page.expect_download() as download:
        page.get_by_role("button", name="Job ticket (A4 PDF)").click()  # starts no run
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = pdf.pages[0].extract_text()
    assert "J000001" in text and "Gears skip under load" in text
    assert "Customer's signature" in text
    # The ticket's language writes the date, unambiguously (Dec 10, 2026).
    shown = format_date(date.fromisoformat(promised), format="medium", locale="en")
    assert f"Promised for {shown}" in text.replace("\n", " ")

    # Labour, then the job moves to ready; the customer is not told this time.
    page.get_by_role("button", name="Add labour", exact=True).click()
    popover(page).get_by_role("textbox", name="Hours").fill("1")
    acting(page, lambda: popover(page).get_by_role("button", name="Add").click())
    expect(page.get_by_text("Line added.")).to_be_visible()
    page.keyboard.press("Escape")
    click(page, "Move to In progress")
    expect(page.get_by_text("Now: In progress.")).to_be_visible()
    click(page, "Move to Ready for collection")
    expect(page.get_by_text("Now: Ready for collection.")).to_be_visible()
    click(page, "Not now")

    # Collected at the till: one sale, the receipt numbered.
    page.get_by_role("button", name="Collect at the till", exact=True).click()
    popover(page).get_by_role("textbox", name="Card").fill("60.00")
    acting(
        page, lambda: popover(page).get_by_role("button", name="Collect and take payment").click()
    )
    expect(page.get_by_text("Collected: receipt R000001.")).to_be_visible()

    # Collecting scheduled the two reminders; tick the first and cancel it.
    open_tab(page, "Service reminders")
    page.locator("[data-testid=stDataFrame]").first.wait_for(state="visible")
    box = steady_box(page, "[data-testid=stDataFrame]")
    x, y = box["x"] + PICK / 2, box["y"] + HEADER + ROW / 2
    page.mouse.move(x, y)
    page.locator("[data-testid=stElementToolbar]").first.wait_for(state="visible")
    acting(page, lambda: page.mouse.click(x, y))
    click(page, "Cancel ticked (1)")
    expect(page.get_by_text("1 reminder(s) cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel ticked (0)")).to_be_disabled()

    # The frame number typed in the customers grid's search finds the owner.
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("Customers", exact=True).click()
        ),
    )
    type_search(page, "Search", "wtu555777")
    expect(
        page.get_by_text("Serial number WTU 555 777: Trek Domane SL6, owned by Victor Atelier")
    ).to_be_visible()
    click(page, "Open the card")
    expect(page.get_by_role("heading", name="Victor Atelier")).to_be_visible()
