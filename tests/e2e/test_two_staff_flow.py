"""Two staff members at once, each in a browser of their own on one shop: a pick removed
by the other is never replaced by another row, and a card merged away under the other's
open card writes nothing and says where the customer went."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from comptoir.services import customers, delivery
from tests.conftest import STAFF
from tests.e2e.conftest import acting, keep_evidence, new_page, open_tab, prepared_app, sign_in

pytestmark = pytest.mark.e2e

PLACES = (
    {"name": "First Place", "address1": "1 rue A", "city": "Annecy", "country_code": "FR"},
    {"name": "Second Place", "address1": "2 rue B", "city": "Annecy", "country_code": "FR"},
)


@pytest.fixture(scope="module")
def shop_app(tmp_path_factory) -> Iterator[tuple[str, dict[str, int]]]:
    made: dict[str, int] = {}

    def prepare() -> None:
        made["picked"] = customers.create_customer(
            {"last_name": "Pick", "first_name": "Paul"}, STAFF
        )
        for place in PLACES:
            delivery.add(STAFF, made["picked"], place)
        for role, first in (("kept", "Marc"), ("other", "Marcus")):
            made[role] = customers.create_customer(
                {"last_name": "Doublon", "first_name": first}, STAFF
            )
            made[f"{role}_number"] = customers.get_customer(made[role])["account_number"]

    with prepared_app(tmp_path_factory.mktemp("two_staff"), 20, prepare) as base:
        yield base, made


@pytest.fixture
def pages(browser, request):
    opened = [new_page(browser), new_page(browser)]
    yield opened
    for one in opened:
        keep_evidence(request, one)
        one.context.close()


def _pick(page, label: str, text: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    acting(page, page.get_by_role("option").filter(has_text=text).first.click)
    expect(box).to_have_value(re.compile(f"^{re.escape(text)}"))


def test_an_address_removed_by_one_is_never_removed_again_on_the_other(shop_app, pages):
    base, made = shop_app
    counter, back_office = pages
    for page, who in ((counter, "staff"), (back_office, "manager")):
        sign_in(page, f"{base}/customer?id={made['picked']}", who)
        open_tab(page, "Delivery addresses")
        _pick(page, "Address", "Second Place")

    remove = "Remove this address"
    acting(counter, counter.get_by_role("button", name=remove, exact=True).click)
    expect(counter.get_by_text("Address removed")).to_be_visible()

    # The back office still shows Second Place picked; its click acts on that one only.
    acting(back_office, back_office.get_by_role("button", name=remove, exact=True).click)
    expect(back_office.get_by_text("This address was removed meanwhile")).to_be_visible()
    expect(back_office.get_by_text("Address removed")).to_have_count(0)
    listed = back_office.locator("[data-testid=stTable]").first
    expect(listed).to_contain_text("First Place")
    expect(listed).not_to_contain_text("Second Place")
    # The counter's next look at the list: First Place is still there.
    open_tab(counter, "Customer rewards")
    open_tab(counter, "Delivery addresses")
    expect(counter.locator("[data-testid=stTable]").first).to_contain_text("First Place")


def test_a_card_merged_away_under_the_counter_saves_nothing_and_keeps_the_typing(shop_app, pages):
    base, made = shop_app
    counter, back_office = pages
    sign_in(counter, f"{base}/customer?id={made['other']}", "staff")
    city = counter.get_by_role("textbox", name="City", exact=True)
    city.fill("Chambéry")

    # Meanwhile the administrator merges that customer into the other Doublon.
    sign_in(back_office, f"{base}/duplicates", "admin")
    back_office.get_by_text("Merge two customers by account number").click()
    back_office.get_by_role("textbox", name="Record kept", exact=True).fill(made["kept_number"])
    other = back_office.get_by_role("textbox", name="Record merged into it", exact=True)
    other.fill(made["other_number"])
    acting(back_office, lambda: other.press("Enter"))
    acting(back_office, back_office.get_by_role("button", name="Compare and merge").last.click)
    kept, gone = f"{made['kept_number']} — Marc Doublon", f"{made['other_number']} — Marcus Doublon"
    acting(back_office, back_office.get_by_role("button", name=f"Merge {gone} into {kept}").click)
    expect(back_office.get_by_text(f"{gone} was merged into {kept}")).to_be_visible()

    acting(counter, counter.get_by_role("button", name="Save", exact=True).click)
    expect(
        counter.get_by_text(f"this record was merged into {made['kept_number']} meanwhile")
    ).to_be_visible()
    expect(city).to_have_value("Chambéry")  # what was typed stays on screen to copy
    expect(counter.get_by_text("Saved.", exact=True)).to_have_count(0)
