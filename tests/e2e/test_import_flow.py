"""Importing a 1,000-row customer file in Chromium against the app as `make run` starts it:
every row imported, the bad values left out and named with their line and field (to
check), then the whole batch undone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import acting, prepared_app, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def import_app(tmp_path_factory) -> Iterator[str]:
    with prepared_app(tmp_path_factory.mktemp("import"), 10, lambda: None) as base:
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
    expect(page.get_by_test_id("stMetric").filter(has_text="To create")).to_contain_text("1,000")
    expect(page.get_by_test_id("stMetric").filter(has_text="Invalid")).to_contain_text("0")
    expect(page.get_by_test_id("stMetric").filter(has_text="To check")).to_contain_text("2")
    report = page.get_by_test_id("stTable").last
    expect(report).to_contain_text("imported; to check: Line 12: E-mail is not a valid address")
    expect(report).to_contain_text("imported; to check: Line 502: Discount %")
    acting(page, lambda: page.get_by_role("button", name="Import (1000 customers)").click())
    expect(page.get_by_text("Imported: 1000 created, 0 updated, 0 skipped.")).to_be_visible()
    acting(page, page.get_by_role("button", name="Undo").first.click)
    expect(page.get_by_text("Import 1 undone.")).to_be_visible()
