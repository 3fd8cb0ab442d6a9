"""Main flows in real Chromium: search, open a card, edit, save, reload; grid edits."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e

# Column widths fixed in pages/customers.py (pixels), in display order.
WIDTHS = {
    "open": 60,
    "account_number": 110,
    "title": 70,
    "first_name": 120,
    "last_name": 130,
    "company": 140,
    "email": 220,
    "mobile": 130,
    "phone": 130,
    "postcode": 90,
    "city": 110,
    "country_code": 70,
}
HEADER = ROW = 35


def cell_point(page, column: str, row: int) -> tuple[float, float]:
    """Centre of a grid cell, from the fixed column widths and row height."""
    box = page.locator("[data-testid=stDataFrame]").first.bounding_box()
    x = box["x"]
    for name, width in WIDTHS.items():
        if name == column:
            return x + width / 2, box["y"] + HEADER + ROW * row + ROW / 2
        x += width
    raise KeyError(column)


def search(page, base: str, term: str) -> None:
    page.goto(f"{base}/")
    settle(page)
    box = page.get_by_role("textbox", name="Search", exact=True)
    box.fill(term)
    box.press("Enter")
    settle(page)


def edit_cell(page, column: str, row: int, text: str) -> None:
    x, y = cell_point(page, column, row)
    page.mouse.dblclick(x, y)
    editor = page.locator(
        "[data-testid=portal] .gdg-clip-region input, "
        "[data-testid=portal] .gdg-clip-region textarea"
    ).first
    editor.wait_for()
    editor.fill(text)
    editor.press("Enter")
    page.wait_for_timeout(300)


def test_search_open_edit_save_reload_and_invalid_email(server, page):
    search(page, server, "testeur")
    assert page.get_by_text("1 customers · page 1 of 1").is_visible()
    x, y = cell_point(page, "open", 0)
    page.mouse.click(x, y)
    settle(page)
    page.wait_for_url("**/customer?id=*")
    settle(page)
    assert page.get_by_role("heading", name="Zacharie Testeur").is_visible()

    city = page.get_by_role("textbox", name="City", exact=True)
    city.fill("Chamonix-Mont-Blanc")
    city.press("Enter")
    settle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    assert page.get_by_text("Saved.").is_visible()

    page.reload()
    settle(page)
    assert (
        page.get_by_role("textbox", name="City", exact=True).input_value() == "Chamonix-Mont-Blanc"
    )

    email = page.get_by_role("textbox", name="E-mail", exact=True)
    email.fill("zacharie@@example")
    email.press("Enter")
    settle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    alert = page.get_by_text("E-mail is not a valid address")
    assert alert.is_visible()
    page.reload()
    settle(page)
    assert (
        page.get_by_role("textbox", name="E-mail", exact=True).input_value()
        == "zacharie@example.com"
    )


def test_grid_inline_edit_saves_good_rows_and_names_bad_ones(server, page):
    search(page, server, "E2E-1")
    edit_cell(page, "postcode", 0, "74400")
    page.get_by_role("button", name="Save changes").click()
    settle(page)
    assert page.get_by_text("1 customers saved.").is_visible()

    edit_cell(page, "email", 0, "not-an-address")
    page.get_by_role("button", name="Save changes").click()
    settle(page)
    assert page.get_by_text("1 rows were not saved").is_visible()

    page.get_by_role("button", name="Discard changes").click()
    settle(page)
    page.goto(
        f"{server}/customer?id=" + page.url.split("id=")[-1]
        if "id=" in page.url
        else f"{server}/customers"
    )
    search(page, server, "74400")
    assert page.get_by_text("1 customers · page 1 of 1").is_visible()
