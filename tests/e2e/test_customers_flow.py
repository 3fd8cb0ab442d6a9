"""Main flows in real Chromium: sign in, search, open a card, edit, save, reload; grid edits;
a staff member refused a manager page; History names who changed what."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.i18n.catalog import t
from comptoir.ui.grid_state import GRID_WIDTHS
from devkit.browser import steady_box
from tests.e2e.conftest import (
    acting,
    new_page,
    open_tab,
    script_runs,
    settle,
    sign_in,
    type_search,
)

pytestmark = pytest.mark.e2e

# Column widths fixed in ui/grid_state.py (pixels), in display order: the read-only
# grid starts with glide's row-marker column (32 px under 100 rows), the editor with
# its Open and Label boxes.
MARKER = 32
EDIT_ONLY = {"open": 60, "label": 60}

HEADER = ROW = 35


MARKETING = t("field.marketing_opt_in", "en")


def cell_point(page, column: str, row: int, editing: bool = False) -> tuple[float, float]:
    """Centre of a grid cell, from the fixed column widths and row height."""
    page.locator("[data-testid=stDataFrame]").first.wait_for(state="visible")
    box = steady_box(page, "[data-testid=stDataFrame]")  # mounted again after a save
    x = box["x"] + (0 if editing else MARKER)
    widths = {**EDIT_ONLY, **GRID_WIDTHS} if editing else GRID_WIDTHS
    for name, width in widths.items():
        if name == column:
            return x + width / 2, box["y"] + HEADER + ROW * row + ROW / 2
        x += width
    raise KeyError(column)


def textbox(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def search(page, term: str) -> None:
    """Go to the customers grid through the sidebar and type a search."""
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("Customers", exact=True).click()
        ),
    )
    type_search(page, "Search", term)


def open_first_row(page) -> None:
    """One click on the first row's name opens the card."""
    x, y = cell_point(page, "last_name", 0)
    # A click on a grid that does not yet follow the pointer is lost: hover first,
    # until the grid shows its toolbar.
    page.mouse.move(x, y)
    page.locator("[data-testid=stElementToolbar]").first.wait_for(state="visible")
    acting(page, lambda: page.mouse.click(x, y))
    page.wait_for_url("**/customer?id=*")
    settle(page)


def edit_mode(page, on: bool = True) -> None:
    """Switch the customers grid to editing (or back to a click opening the card)."""
    acting(page, lambda: page.get_by_text("Edit in the grid", exact=True).click())
    save = expect(page.get_by_role("button", name="Save changes"))
    save.to_be_visible() if on else save.to_have_count(0)


def type_in_cell(page, x: float, y: float, text: str) -> None:
    """Double-click a canvas grid's cell at (x, y), type text, Enter."""
    page.mouse.move(x, y)  # hovered first: a grid not yet following the pointer loses clicks
    page.locator("[data-testid=stElementToolbar]").first.wait_for(state="visible")
    page.mouse.dblclick(x, y)
    editor = page.locator(
        "[data-testid=portal] .gdg-clip-region input, "
        "[data-testid=portal] .gdg-clip-region textarea"
    ).first
    editor.wait_for()
    editor.fill(text)
    acting(page, lambda: editor.press("Enter"))  # the cell took the value, its run over
    editor.wait_for(state="detached")


def edit_cell(page, column: str, row: int, text: str) -> None:
    x, y = cell_point(page, column, row, editing=True)
    type_in_cell(page, x, y, text)


def save_card(page) -> None:
    acting(page, lambda: page.get_by_role("button", name="Save", exact=True).click())


def test_search_open_edit_save_reload_and_invalid_email(server, page):
    sign_in(page, f"{server}/", "staff")
    search(page, "testeur")
    expect(page.get_by_text("1 customer · page 1 of 1")).to_be_visible()
    open_first_row(page)
    expect(page.get_by_role("heading", name="Zacharie Testeur")).to_be_visible()
    card_url = page.url

    city = textbox(page, "City")
    city.fill("Chamonix-Mont-Blanc")
    acting(page, lambda: city.press("Enter"))
    save_card(page)
    expect(page.get_by_text("Saved.")).to_be_visible()

    # A reload is a new session: sign in again and land back on the same card.
    page.reload()
    settle(page)
    sign_in(page, card_url, "staff")
    expect(textbox(page, "City")).to_have_value("Chamonix-Mont-Blanc")

    email = textbox(page, "E-mail")
    email.fill("zacharie@@example")
    acting(page, lambda: email.press("Enter"))
    save_card(page)
    expect(page.get_by_text("E-mail is not a valid address")).to_be_visible()
    sign_in(page, card_url, "staff")
    expect(textbox(page, "E-mail")).to_have_value("zacharie@example.com")


def test_card_tabs_switch_back_and_forth_and_keep_what_was_typed(server, page):
    sign_in(page, f"{server}/", "staff")
    search(page, "testeur")
    open_first_row(page)
    textbox(page, "City").fill("Typed-city")
    acting(page, lambda: textbox(page, "City").press("Tab"))
    for typed in ("FR-TYPED-1", "FR-TYPED-2"):  # each tab more than once
        open_tab(page, "General")
        # What was typed on the previous visit is still there, then changed.
        expect(textbox(page, "Tax number")).to_have_value(
            "" if typed.endswith("1") else "FR-TYPED-1"
        )
        textbox(page, "Tax number").fill(typed)
        acting(page, lambda: textbox(page, "Tax number").press("Tab"))
        # The edit's run draws the card's sections again: the open one stays open.
        expect(page.get_by_role("tab", name="General", exact=True)).to_have_attribute(
            "aria-selected", "true"
        )
        open_tab(page, "Account information")
        expect(textbox(page, "City")).to_have_value("Typed-city")
    open_tab(page, "General")
    expect(textbox(page, "Tax number")).to_have_value("FR-TYPED-2")
    # The Customer group's sections are drawn already: the browser shows one, no run asked.
    before = page.evaluate("() => window.__comptoirSeq")
    open_tab(page, "GDPR")
    expect(page.get_by_role("checkbox", name=MARKETING, exact=True)).to_be_visible()
    asked = "b => window.__comptoirLog.filter(e => e.seq > b && e.rerun_asked).length"
    assert page.evaluate(asked, before) == 0


def test_grid_inline_edit_saves_good_rows_and_names_bad_ones(server, page):
    sign_in(page, f"{server}/", "staff")
    search(page, "E2E-1")
    edit_mode(page)
    edit_cell(page, "postcode", 0, "74400")
    acting(page, lambda: page.get_by_role("button", name="Save changes").click())
    expect(page.get_by_text("1 customer saved.")).to_be_visible()

    edit_cell(page, "email", 0, "not-an-address")
    acting(page, lambda: page.get_by_role("button", name="Save changes").click())
    expect(page.get_by_text("1 row was not saved")).to_be_visible()
    acting(page, lambda: page.get_by_role("button", name="Discard changes").click())
    edit_mode(page, on=False)

    search(page, "74400")
    expect(page.get_by_text("1 customer · page 1 of 1")).to_be_visible()
    open_first_row(page)
    expect(textbox(page, "Postcode")).to_have_value("74400")
    expect(textbox(page, "E-mail")).to_have_value("zacharie@example.com")


def test_staff_is_refused_a_manager_page_and_history_names_them(server, page):
    sign_in(page, f"{server}/export", "staff")
    expect(
        page.get_by_text("You do not have access to this page: it needs the manager role.")
    ).to_be_visible()
    nav = page.locator("[data-testid=stSidebarNav]")
    assert nav.get_by_text("Customers", exact=True).is_visible()
    assert nav.get_by_text("Export customers").count() == 0
    assert nav.get_by_text("Settings").count() == 0
    assert nav.get_by_text("Balances").count() == 0

    search(page, "testeur")
    open_first_row(page)
    company = textbox(page, "Company")
    company.fill("Atelier Testeur")
    acting(page, lambda: company.press("Enter"))
    save_card(page)
    expect(page.get_by_text("Saved.")).to_be_visible()
    open_tab(page, "History")
    history = page.locator("[data-testid=stTable]").last
    expect(history).to_contain_text("Sam Vendeur")
    expect(history).to_contain_text("Company: — → Atelier Testeur")


def test_print_courier_label_from_the_card_and_download_the_pdf(server, page, tmp_path):
    import io

    from pypdf import PdfReader

    sign_in(page, f"{server}/", "staff")
    search(page, "testeur")
    open_first_row(page)
    acting(page, lambda: page.get_by_role("button", name="Print courier label").click())
    expect(page.get_by_text("No printer is set for this: the PDF is ready.")).to_be_visible()
    expect(page.get_by_text("Document: label-E2E-1.pdf")).to_be_visible()
    with page.expect_download() as download_info:
        acting(page, page.get_by_role("button", name="Download PDF").click)
    download = download_info.value
    assert download.suggested_filename == "label-E2E-1.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "Zacharie Testeur" in text and "Cycles E2E" in text
    # Downloaded, the box has done its work: it goes.
    expect(page.get_by_text("Document: label-E2E-1.pdf")).to_have_count(0)
    expect(page.get_by_role("button", name="Download PDF")).to_have_count(0)
    # Printed again, then the card left and opened again: the box does not come back.
    acting(page, lambda: page.get_by_role("button", name="Print courier label").click())
    expect(page.get_by_text("Document: label-E2E-1.pdf")).to_have_count(1)
    search(page, "testeur")
    open_first_row(page)
    expect(page.get_by_role("button", name="Print courier label")).to_be_visible()
    expect(page.get_by_text("Document: label-E2E-1.pdf")).to_have_count(0)
    # Signed out, the file's address (fetched above by the download) serves nothing.
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebar]").get_by_role("button", name="Sign out").click()
        ),
    )
    assert page.request.get(download.url).status == 404


def test_take_a_payment_and_see_balance_and_receivables_change(server, page):
    sign_in(page, f"{server}/", "staff")
    search(page, "testeur")
    open_first_row(page)
    open_tab(page, "Account")
    balance = page.locator("[data-testid=stMetric]").filter(has_text="Balance")
    expect(balance).to_contain_text("€200.00")
    receivables = page.locator("[data-testid=stTable]").filter(has_text="Still owed")
    expect(receivables).to_contain_text("R000901")
    textbox(page, "Amount").fill("120")
    acting(page, lambda: textbox(page, "Amount").press("Enter"))
    acting(page, lambda: page.get_by_role("button", name="Take payment").click())
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    open_tab(page, "Account")
    expect(balance).to_contain_text("€80.00")
    expect(receivables).to_contain_text("R000902")
    expect(receivables).not_to_contain_text("R000901")  # paid in full, oldest first


def choose(page, label: str, option_text: str) -> None:
    """Pick an option of a Streamlit selectbox by its label and visible text (typed to filter)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option_text)
    acting(page, page.get_by_role("option").filter(has_text=option_text).first.click)


def test_sell_to_a_level_b_tax_exempt_customer_and_download_the_invoice(server, page, tmp_path):
    import io

    from pypdf import PdfReader

    sign_in(page, f"{server}/", "staff")
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("New sale", exact=True).click()
        ),
    )
    expect(page.get_by_role("heading", name="New sale")).to_be_visible()
    type_search(page, "Find the customer", "workshop")
    # One customer found: already the one sold to.
    expect(page.get_by_role("combobox", name="Sell to")).to_have_value(re.compile("Workshop"))
    expect(page.get_by_text("Price level B")).to_be_visible()
    # As a barcode scanner does: the SKU, then Enter; the item goes straight in.
    basket = page.locator("[data-testid=stTable]")
    scan = textbox(page, "Scan or SKU")
    scan.click()
    for sku, name in (("tube-700", "Inner tube"), ("LIGHT-1", "Front light")):
        page.keyboard.type(sku)
        acting(page, lambda: page.keyboard.press("Enter"))
        expect(basket).to_contain_text(name)
        expect(scan).to_be_focused()
        expect(scan).to_have_value("")
    # A name is picked from the matches and added with the button.
    type_search(page, "Find by name", "front")
    acting(page, lambda: page.get_by_role("button", name="Add", exact=True).click())
    # Any line goes, not only the last: the third, picked by its number.
    page.get_by_role("combobox", name="Line").click()
    acting(page, page.get_by_role("option").filter(has_text="3 · Front light").click)
    acting(page, lambda: page.get_by_role("button", name="Remove", exact=True).click())
    expect(page.get_by_role("combobox", name="Line")).to_have_value(re.compile("^1 · "))
    expect(basket).to_contain_text("€5.00")  # the level-B price
    expect(basket).to_contain_text("€24.00")  # no level-B price: the standard one
    # 5.00 + 24.00 less the 20 % tax the exempt customer does not pay: 24.17.
    expect(page.get_by_text("Tax not charged (exempt) -€4.83")).to_be_visible()
    card = textbox(page, "Card")
    card.fill("24.17")
    acting(page, lambda: card.press("Enter"))
    ran = len(script_runs(server))
    acting(page, lambda: page.get_by_role("button", name="Close the sale").click())
    expect(page.get_by_text("Sale closed: receipt")).to_be_visible()
    # One run: the sale is recorded in the click's callback, then the till drawn afresh
    # (no fragment run drawing the basket again first).
    assert [(r["kind"], r["name"]) for r in script_runs(server)[ran:]] == [("page", "sale")]
    page.get_by_text("Receipt-printer preview").click()
    preview = page.locator("[data-testid=stCode]").last
    expect(preview).to_contain_text("Tax exempt")
    expect(preview).to_contain_text("GB123456789")
    expect(preview).not_to_contain_text("VAT")
    acting(page, lambda: page.get_by_role("button", name="Invoice", exact=True).click())
    expect(page.get_by_text(re.compile(r"^Invoice F20"))).to_be_visible()  # a toast
    expect(page.get_by_text(re.compile(r"^Document: invoice-F20.*\.pdf$"))).to_be_visible()
    with page.expect_download() as download_info:
        acting(page, page.get_by_role("button", name="Download PDF").click)
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "GB123456789" in text and "Tax exempt" in text and "Trade Workshop Ltd" in text


def test_a_barcode_scanner_sells_ten_items_in_ten_scans(server, page):
    sign_in(page, f"{server}/", "staff")
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("New sale", exact=True).click()
        ),
    )
    scan = textbox(page, "Scan or SKU")
    scan.click()
    # A scanner is a keyboard: it types the code and Enter, into whatever has the focus.
    for count in range(1, 11):
        # The box emptied by the last scan (the server's clearing landed): a code typed
        # before it lands would be wiped under the typing.
        expect(scan).to_have_value("")
        page.keyboard.type("TUBE-700")
        acting(page, lambda: page.keyboard.press("Enter"))
        expect(page.locator("[data-testid=stTable] tbody tr")).to_have_count(count)
    expect(scan).to_be_focused()
    # An unknown code says so and leaves the focus in the box for the next scan.
    page.keyboard.type("NOPE-999")
    acting(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_text("No active product has the SKU NOPE-999")).to_be_visible()
    expect(scan).to_be_focused()
    expect(page.locator("[data-testid=stTable] tbody tr")).to_have_count(10)


def test_manager_imports_products_from_csv(server, page, tmp_path):
    csv_file = tmp_path / "products.csv"
    csv_file.write_text(
        "sku;name;price;tax_rate;price_B\nPUMP-1;Pompe à pied;29,90;20;25\n"
        "BELL-1;Sonnette;7,50;20;\n",
        encoding="utf-8",
    )
    sign_in(page, f"{server}/", "manager")
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("Products", exact=True).click()
        ),
    )
    page.get_by_text("Import products from CSV").click()
    acting(
        page,
        lambda: page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
            str(csv_file)
        ),
    )
    acting(page, lambda: page.get_by_role("button", name="Import", exact=True).click())
    expect(page.get_by_text("2 products imported.")).to_be_visible()
    search_box = textbox(page, "Search by SKU or name")
    search_box.fill("pompe")
    acting(page, lambda: search_box.press("Enter"))
    expect(page.get_by_text("1 product")).to_be_visible()


def _edit_on_the_card(browser, server: str, term: str, label: str, value: str) -> None:
    """Another staff member, in another browser session, changes one field of a card."""
    other = new_page(browser)
    context = other.context
    try:
        sign_in(other, f"{server}/", "manager")
        search(other, term)
        open_first_row(other)
        box = textbox(other, label)
        box.fill(value)
        acting(other, lambda: box.press("Enter"))
        save_card(other)
        expect(other.get_by_text("Saved.")).to_be_visible()
    finally:
        context.close()


def test_a_grid_edit_stays_on_its_customer_and_a_stale_one_shows_both(server, browser, page):
    sign_in(page, f"{server}/", "staff")
    search(page, "quorv")
    expect(page.get_by_text("2 customers · page 1 of 1")).to_be_visible()
    edit_mode(page)
    edit_cell(page, "city", 1, "Lyon")  # Quorvab, second row
    # Meanwhile Quorvaa becomes Quorvac: a fresh read would put Quorvab first.
    _edit_on_the_card(browser, server, "quorvaa", "Last name", "Quorvac")
    acting(page, lambda: page.get_by_role("button", name="Save changes").click())
    expect(page.get_by_text("1 customer saved.")).to_be_visible()

    edit_cell(page, "city", 0, "Nice")  # Quorvab is first now
    _edit_on_the_card(browser, server, "quorvab", "City", "Paris")
    acting(page, lambda: page.get_by_role("button", name="Save changes").click())
    expect(page.get_by_text("1 row was changed by someone else meanwhile")).to_be_visible()
    # Saving again, knowingly, keeps this user's value.
    acting(page, lambda: page.get_by_role("button", name="Save changes").click())
    expect(page.get_by_text("1 customer saved.")).to_be_visible()
    edit_mode(page, on=False)

    search(page, "quorvac")
    open_first_row(page)
    expect(textbox(page, "City")).to_have_value("Annecy")
    search(page, "quorvab")
    open_first_row(page)
    expect(textbox(page, "City")).to_have_value("Nice")


def test_stored_markdown_is_shown_as_typed(server, page):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    sign_in(page, f"{server}/", "staff")
    search(page, "MD-1")
    open_first_row(page)
    hostile = "**x** [l](http://127.0.0.1:9/) ![i](http://127.0.0.1:9/p.png) :red[x]"

    def visible(locator) -> str:  # as read: the invisible word joiners left out
        return locator.inner_text().replace("\u2060", "")

    assert visible(page.locator("h1").first) == f"{hostile} Markdown"
    open_tab(page, "History")
    assert f"First name: — → {hostile}" in visible(page.locator("[data-testid=stTable]").last)
    app = page.locator("[data-testid=stApp]")
    assert app.locator("a[href*='127.0.0.1:9']").count() == 0
    assert app.locator("img[src*='127.0.0.1:9']").count() == 0
    assert app.locator("strong", has_text="x").count() == 0
    assert [url for url in fetched if "127.0.0.1:9/" in url] == []


def test_switching_language_mid_edit_keeps_the_card_savable(server, page):
    sign_in(page, f"{server}/", "staff")
    search(page, "langswitch")
    open_first_row(page)
    choose(page, "Country", "United Kingdom")
    city = textbox(page, "City")
    city.fill("Oxford")
    acting(page, lambda: city.press("Enter"))
    choose(page, "Language / Langue", "Français")
    expect(page.get_by_role("combobox", name="Pays")).to_have_value("Royaume-Uni")
    expect(textbox(page, "Ville")).to_have_value("Oxford")
    acting(page, lambda: page.get_by_role("button", name="Enregistrer", exact=True).click())
    expect(page.get_by_text("Enregistré.", exact=True)).to_be_visible()
    choose(page, "Langue / Language", "English")
    expect(page.get_by_role("combobox", name="Country")).to_have_value("United Kingdom")


def test_switching_language_at_the_till_keeps_the_customer(server, page):
    sign_in(page, f"{server}/", "staff")
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("New sale", exact=True).click()
        ),
    )
    type_search(page, "Find the customer", "workshop")
    # One customer found: already the one sold to.
    expect(page.get_by_role("combobox", name="Sell to")).to_have_value(re.compile("Workshop"))
    choose(page, "Language / Langue", "Français")
    expect(page.get_by_text("Niveau de prix B")).to_be_visible()
    expect(page.get_by_role("combobox", name="Vendre à")).to_have_value(
        re.compile(r"^C\d{6} — Workshop Trade · OX1 2JD Oxford$")
    )
    assert page.locator("[data-testid=stException]").count() == 0


def _set_product_price(page, term: str, price: str) -> None:
    """On the Products page, type a price into the first row (SKU 120 px, name 260 px,
    group 130 px)."""
    acting(
        page,
        lambda: (
            page.locator("[data-testid=stSidebarNav]").get_by_text("Products", exact=True).click()
        ),
    )
    box = textbox(page, "Search by SKU or name")
    box.fill(term)
    acting(page, lambda: box.press("Enter"))
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for(state="visible")
    shape = grid.bounding_box()
    type_in_cell(page, shape["x"] + 120 + 260 + 130 + 45, shape["y"] + HEADER + ROW / 2, price)


def test_a_stale_product_edit_names_their_price_and_yours(server, browser, page):
    sign_in(page, f"{server}/", "manager")
    _set_product_price(page, "BELL-9", "13.50")
    # Meanwhile another manager sets the price to 14.00.
    other = new_page(browser)
    context = other.context
    try:
        sign_in(other, f"{server}/", "manager")
        _set_product_price(other, "BELL-9", "14.00")
        acting(other, lambda: other.get_by_role("button", name="Save changes").click())
        expect(other.get_by_text("1 product saved.")).to_be_visible()
    finally:
        context.close()
    acting(page, lambda: page.get_by_role("button", name="Save changes").click())
    expect(
        page.get_by_text(
            "SKU BELL-9 was changed by someone else meanwhile — Price: theirs “14.00”, "
            "yours “13.50”."
        )
    ).to_be_visible()


def test_a_backup_is_offered_to_administrators_only(server, browser, page):
    sign_in(page, f"{server}/export", "manager")
    expect(page.get_by_role("heading", name="Export customers")).to_be_visible()
    expect(page.get_by_role("button", name="Make a backup")).to_have_count(0)
    admin = new_page(browser)
    try:
        sign_in(admin, f"{server}/export", "admin")
        expect(admin.get_by_role("button", name="Make a backup")).to_be_visible()
    finally:
        admin.context.close()


def test_a_template_preview_shows_the_shop_and_warns_of_an_empty_field(server, page):
    sign_in(page, f"{server}/settings", "admin")
    body = page.get_by_role("textbox", name="Message", exact=True)
    body.fill("Hello {first_name}, call us on {shop_phone} at {shop_name}.")
    acting(page, lambda: body.press("Tab"))
    preview = page.locator(".st-key-settings-template-preview")
    expect(preview).to_contain_text("Hello Anna, call us on")
    expect(preview).to_contain_text("at Cycles E2E.")
    expect(preview).to_contain_text(
        "These fields are empty for this shop and will print nothing: {shop_phone}."
    )


def test_the_new_customer_form_tabs_along_its_rows(server, page):
    sign_in(page, f"{server}/", "staff")
    page.get_by_role("button", name="New customer").click()  # a dialog: no run needed
    first = page.get_by_role("textbox", name="First name", exact=True)
    first.click()
    first.press("Tab")
    expect(page.get_by_role("textbox", name="Last name", exact=True)).to_be_focused()
