"""Importing a 1,000-row customer file in Chromium against the app as `make run` starts it:
every row imported, the bad values left out and named with their line and field (to
check), then the whole batch undone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from devkit.browser import steady_box
from tests.e2e.conftest import acting, prepared_app, sign_in

pytestmark = pytest.mark.e2e


def _twins() -> None:
    """Two customers a file will likely double: Anne by name and postcode, Marc by mobile."""
    from comptoir.services import customers
    from tests.conftest import STAFF

    for values in (
        {
            "last_name": "Durand",
            "first_name": "Anne",
            "postcode": "74000",
            "account_number": "AD-1",
        },
        {
            "last_name": "Morel",
            "first_name": "Marc",
            "mobile": "+33612345678",
            "account_number": "MM-1",
        },
    ):
        customers.create_customer({**values, "city": "Annecy"}, STAFF)


@pytest.fixture(scope="module")
def import_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("import"), 10, _twins) as base:
        yield base


def _file(path) -> None:
    lines = ["Nom;Prénom;Courriel;Code postal;Remise"]
    for i in range(1000):
        email = f"client{i}@example.org"
        if i == 10:
            email = "pas-une-adresse"  # line 12
        discount = "150" if i == 500 else "5"  # line 502
        lines.append(f"Fichier{i};Client;{email};75001;{discount}")
    path.write_bytes("\n".join(lines).encode("cp1252"))


def _metrics(page, shown: dict[str, str]) -> None:
    """The dry run's counts, by their label."""
    for label, value in shown.items():
        expect(page.get_by_test_id("stMetric").filter(has_text=label)).to_contain_text(value)


def _import_then_undo(page, count: int, done: str) -> None:
    """Import the rows the dry run counted, then undo the newest batch."""
    acting(page, lambda: page.get_by_role("button", name=f"Import ({count} customers)").click())
    expect(page.get_by_text(done)).to_be_visible()
    acting(page, page.get_by_role("button", name="Undo").first.click)
    expect(page.get_by_text(re.compile(r"Import \d+ undone\."))).to_be_visible()


def test_import_a_thousand_rows_with_bad_ones_named_then_undo(import_app, page, tmp_path):
    source = tmp_path / "clients.csv"
    _file(source)
    sign_in(page, f"{import_app}/import", "manager")
    acting(
        page,
        lambda: page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(source)),
    )
    expect(page.get_by_text("1,000 rows read (cp1252, semicolons).")).to_be_visible()
    acting(page, lambda: page.get_by_role("button", name="Dry run").click())
    _metrics(page, {"To create": "1,000", "Invalid": "0", "To check": "2"})
    report = page.get_by_test_id("stTable").last
    expect(report).to_contain_text("imported; to check: Line 12: E-mail is not a valid address")
    expect(report).to_contain_text("imported; to check: Line 502: Discount %")
    _import_then_undo(page, 1000, "Imported: 1000 created, 0 updated, 0 skipped.")


# The likely duplicates' grid: its columns' widths (ui/import_duplicates.py), no row marker.
DUPLICATE_COLUMNS = {"line": 70, "customer": 260, "why": 260, "choice": 200}


def _choose(page, row: int, label: str) -> None:
    """Pick a choice in the duplicates grid's row: double-click its cell, type, Enter."""
    box = steady_box(page, "[data-testid=stDataFrame]")
    x = box["x"] + sum(list(DUPLICATE_COLUMNS.values())[:3]) + DUPLICATE_COLUMNS["choice"] / 2
    y = box["y"] + 35 + 35 * row + 35 / 2
    page.mouse.move(x, y)  # hovered first: a grid not yet following the pointer loses clicks
    page.locator("[data-testid=stElementToolbar]").first.wait_for(state="visible")
    page.mouse.dblclick(x, y)
    # The cell's list opens with a filter box: typed into, the one option left taken by
    # Enter (keys wait for the list, where a click could land while it still moves).
    page.get_by_role("option", name=label, exact=True).wait_for()
    page.keyboard.type(label)
    expect(page.get_by_role("option")).to_have_count(1)
    acting(page, lambda: page.keyboard.press("Enter"))


def test_likely_duplicates_skipped_updated_or_created_as_chosen(import_app, page, tmp_path):
    source = tmp_path / "doubles.csv"
    source.write_text(
        "Nom;Prénom;Code postal;Ville;Portable\n"
        "Durand;Anne;74000;Seynod;\n"
        "Morel;Marc;;Cran;06 12 34 56 78\n"
        "Neuf;Client;;;\n",
        encoding="utf-8",
    )
    sign_in(page, f"{import_app}/import", "manager")
    acting(
        page,
        lambda: page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(source)),
    )
    acting(page, lambda: page.get_by_role("button", name="Dry run").click())
    expect(page.get_by_test_id("stMetric").filter(has_text="Likely duplicates")).to_contain_text(
        "2"
    )
    # Every duplicate created anyway, except Anne's row, which updates Anne.
    for_all = page.get_by_test_id("stSelectbox").filter(has_text="For every likely duplicate")
    for_all.click()  # opens the list: no run
    acting(page, page.get_by_role("option", name="Create anyway", exact=True).click)
    _choose(page, 0, "Update that customer")
    expect(page.get_by_text("Your choices for the likely duplicates changed")).to_be_visible()
    acting(page, lambda: page.get_by_role("button", name="Dry run").click())
    _metrics(page, {"To update": "1", "To create": "2"})
    report = page.get_by_test_id("stTable").last
    expect(report).to_contain_text("Likely the same person as Anne Durand (AD-1)")
    expect(report).to_contain_text("updates that customer, as chosen")
    expect(report).to_contain_text("Likely the same person as Marc Morel (MM-1)")
    expect(report).to_contain_text("created all the same, as chosen")
    _import_then_undo(page, 3, "Imported: 2 created, 1 updated, 0 skipped.")
