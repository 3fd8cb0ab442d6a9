"""The workshop board in Chromium: Open shows the job in a dialog where the staff member
is looking, not below the whole board; closing it closes it for good."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.operations import clock
from comptoir.services import customers, workshop
from tests.conftest import STAFF
from tests.e2e.conftest import acting, prepared_app, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def board_app(tmp_path_factory) -> Iterator[tuple[str, tuple[int, str]]]:
    made: dict[str, tuple[int, str]] = {}

    def prepare() -> None:
        for last in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"):
            owner = customers.create_customer({"last_name": last, "first_name": "Board"}, STAFF)
            job = workshop.create_order(
                STAFF,
                owner,
                {"kind": "job", "reported": "Brakes", "promised_on": clock.local_day()},
                uuid.uuid4().hex,
                new_item={"name": f"Bike {last}", "serial": f"SER-{last.upper()}"},
            )
            made[last] = (job, workshop.order_detail(STAFF, job)["number"])

    with prepared_app(tmp_path_factory.mktemp("board"), 10, prepare) as base:
        yield base, made["Foxtrot"]


def test_open_shows_the_job_in_a_dialog_in_view_and_escape_closes_it(board_app, page):
    base, (job, number) = board_app
    sign_in(page, f"{base}/workshop", "staff")
    # The sixth card of the column: below the fold of a tablet-sized window.
    card = page.locator(f".st-key-workshop-card-{job}")
    expect(card).to_contain_text(f"{number} · Board Foxtrot")
    acting(page, card.get_by_role("button", name="Open", exact=True).click)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"{number} · Workshop job · Open · Board Foxtrot")
    expect(dialog).to_be_in_viewport()
    acting(page, lambda: page.keyboard.press("Escape"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    # The next action on the board does not bring the closed job back.
    acting(page, card.get_by_role("button", name="→ In progress").click)
    expect(page.get_by_text("Now: In progress.")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
