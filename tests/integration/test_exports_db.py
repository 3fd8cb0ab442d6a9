"""Exports of what a list shows, on both engines: every row in the list's order, three formats,
inert text, audited, refused beyond a worksheet's rows, streamed in batches."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import openpyxl
import pyarrow.parquet as pq
import pytest

from comptoir.data import db, streams
from comptoir.logic.auth import PermissionDenied
from comptoir.logic.errors import ValidationFailed
from comptoir.operations import export_files
from comptoir.services import accounts, audit, customers, export_views, exports, till
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.sales_samples import make_sales_shop


@pytest.fixture(autouse=True)
def _folder(tmp_path, monkeypatch):
    monkeypatch.setattr(export_files, "FOLDER", tmp_path / "exports")


CITIES = ["Lyon", "Annecy", "Brest", "Dijon", "Caen", "Nantes", "Metz"]


def _customers() -> list[int]:
    return [
        customers.create_customer(
            {"last_name": f"Client{i:02d}", "first_name": "Ana", "city": CITIES[i % len(CITIES)]},
            STAFF,
        )
        for i in range(14)
    ]


def _csv_rows(made: exports.ExportFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(made.read().decode("utf-8-sig"))))


def test_customers_export_every_page_in_the_grid_order_in_three_formats(database, monkeypatch):
    _customers()
    monkeypatch.setattr(streams, "BATCH_ROWS", 4)  # several batches, as a big export has
    view = exports.customers_view("ana", False, sort="city", descending=True)
    shown = customers.search_customers("ana", 0, 50, "city", True).rows
    seen: list[tuple[int, int]] = []
    made = exports.export(MANAGER, view, "csv", progress=lambda *step: seen.append(step))
    rows = _csv_rows(made)
    assert [r["last_name"] for r in rows] == [r["last_name"] for r in shown]
    assert seen == [(4, 14), (8, 14), (12, 14), (14, 14)]
    assert made.read().startswith(b"\xef\xbb\xbf") and made.filename.startswith("customers-")

    plain = exports.export(MANAGER, view, "csv", bom=False)
    assert not plain.read().startswith(b"\xef\xbb\xbf")

    sheet = openpyxl.load_workbook(io.BytesIO(exports.export(MANAGER, view, "xlsx").read())).active
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 15
    assert [r[header.index("last_name")] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        r["last_name"] for r in shown
    ]
    table = pq.read_table(exports.export(MANAGER, view, "parquet").path)
    assert table.num_rows == 14 and table.column("last_name").to_pylist() == [
        r["last_name"] for r in shown
    ]
    entries, total = audit.search_audit(ADMIN, entity="customer_list")
    assert total == 4
    assert {c.field: c.after for c in entries[0].changes} == {
        "search": "ana",
        "rows": 14,
        "format": "parquet",
    }


def test_an_xlsx_sheet_names_its_columns_in_the_viewers_language(database):
    from comptoir.i18n.catalog import field_label as column_label

    _customers()
    view = exports.customers_view("", False)
    for lang, expected in (("en", "First name"), ("fr", "Prénom")):
        made = exports.export(
            MANAGER, view, "xlsx", label=lambda c, lang=lang: column_label(c, lang)
        )
        header = [c.value for c in openpyxl.load_workbook(io.BytesIO(made.read())).active[1]]
        assert header[:4] == [column_label(c, lang) for c in view_columns(view)][:4]
        assert expected in header and "first_name" not in header
    # A CSV keeps the codes an import reads back.
    assert "first_name" in _csv_rows(exports.export(MANAGER, view, "csv"))[0]
    view = export_views.purchase_history(MANAGER, 1)
    made = exports.export(MANAGER, view, "xlsx", label=lambda c: column_label(c, "en"))
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(made.read())).active[1]]
    assert header == [
        "Receipt",
        "Sold",
        "Shop code",
        "Staff",
        "Items",
        "Payments",
        "Total",
        "Invoice",
        "Return of receipt",
    ]


def view_columns(view: exports.View) -> list[str]:
    with db.cursor() as cur:
        cur.execute(f"SELECT * FROM ({view.sql}) q LIMIT 0", list(view.params))
        return [c[0] for c in cur.description]


def test_xlsx_beyond_a_sheet_is_refused_naming_the_format_and_leaves_nothing(database, monkeypatch):
    _customers()
    monkeypatch.setattr(export_files, "XLSX_MAX_ROWS", 10)
    with pytest.raises(ValidationFailed) as refused:
        exports.export(MANAGER, exports.customers_view("", False), "xlsx")
    assert [(e.field, e.code) for e in refused.value.errors] == [("format", "export_xlsx_limit")]
    assert audit.search_audit(ADMIN, entity="customer_list")[1] == 0
    assert list(exports.FOLDER.glob("*/*.xlsx")) == []
    assert exports.export(MANAGER, exports.customers_view("", False), "csv").rows == 14


def test_staff_cannot_export(database):
    with pytest.raises(PermissionDenied):
        exports.export(STAFF, exports.customers_view("", False), "csv")


def test_money_stays_a_number_and_dates_a_date(database):
    shop = make_sales_shop()
    till.record_sale(
        STAFF, shop["pro"], [LineRequest(shop["light"], "2")], [("card", "40.00")], uuid.uuid4().hex
    )
    view = export_views.purchase_history(MANAGER, shop["pro"])
    sheet = openpyxl.load_workbook(io.BytesIO(exports.export(MANAGER, view, "xlsx").read())).active
    header = [c.value for c in sheet[1]]
    total = sheet.cell(row=2, column=header.index("total") + 1)
    sold = sheet.cell(row=2, column=header.index("sold_at") + 1)
    assert (total.data_type, float(total.value)) == ("n", 40.0)
    assert sold.is_date
    [row] = _csv_rows(exports.export(MANAGER, view, "csv"))
    assert (row["receipt_number"], row["total"], row["tenders"]) == ("R000001", "40.00", "card")


def test_every_list_exports_its_filtered_rows(database):
    shop = make_sales_shop()
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, shop["pro"], trade, "500")
    for amount in ("50", "30"):
        accounts.record_entry(STAFF, shop["pro"], EntryRequest("charge", amount), uuid.uuid4().hex)
    activity = exports.export(MANAGER, export_views.activity(MANAGER, shop["pro"]), "csv")
    assert [(r["amount"], r["balance"]) for r in _csv_rows(activity)] == [
        ("30.00", "80.00"),
        ("50.00", "50.00"),
    ]
    only_overdue = export_views.balances(MANAGER, only="overdue")
    assert exports.export(MANAGER, only_overdue, "csv").rows == 0
    [owed] = _csv_rows(exports.export(MANAGER, export_views.balances(MANAGER), "csv"))
    assert (owed["last_name"], owed["balance"]) == ("Atelier", "80.00")
    products = _csv_rows(exports.export(MANAGER, export_views.products("tube"), "csv"))
    assert [(p["sku"], p["price"]) for p in products] == [("TUBE-700", "6.50")]
    trail = export_views.audit_trail(ADMIN, entity="product")
    rows = audit.search_audit(ADMIN, entity="product")[1]
    assert exports.export(ADMIN, trail, "csv").rows == rows
    with pytest.raises(PermissionDenied):
        export_views.audit_trail(MANAGER)


def test_a_customers_reminders_export(database):
    from comptoir.services import reminders

    customer = customers.create_customer({"last_name": "Rappel"}, STAFF)
    reminders.schedule(STAFF, customer, date(2099, 3, 1), "Time for a check", "auto")
    made = exports.export(MANAGER, export_views.reminders(MANAGER, customer), "csv")
    [row] = _csv_rows(made)
    assert (row["due_on"], row["body"], row["status"]) == (
        "2099-03-01",
        "Time for a check",
        "scheduled",
    )


@pytest.mark.parametrize(
    ("term", "sort", "descending"),
    [
        ("", "last_name", False),
        ("ana", "city", True),
        ("", "postcode", False),
        ("zz", "city", False),
    ],
)
def test_slices_of_a_ranked_list_give_the_same_rows_in_the_same_order(
    db_path, term, sort, descending
):
    _customers()
    customers.create_customer({"last_name": "Client05", "first_name": None}, STAFF)  # a tie
    view = exports.customers_view(term, True, sort=sort, descending=descending)
    with db.cursor() as cur:
        whole = [r for b in streams.batches(cur, view.sql, view.params) for r in b.to_pylist()]
        assert view.ranked is not None
        sliced = [
            r
            for b in streams.ranked_batches(cur, view.ranked, size=2, slice_rows=3)
            for r in b.to_pylist()
        ]
        tables = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()
    assert sliced == whole
    assert len(whole) == (0 if term == "zz" else 15 if term == "" else 14)
    assert tables == [(0,)]  # the ranks' table is dropped
