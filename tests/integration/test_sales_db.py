"""Sales on a real DuckDB file: closing a sale, refusals, refunds, gap-free invoices."""

from __future__ import annotations

import io
import threading
import uuid
from decimal import Decimal

import pytest
from pypdf import PdfReader

from comptoir.data import db
from comptoir.logic.accounts import CreditLimitExceeded
from comptoir.logic.errors import ValidationFailed
from comptoir.services import accounts, customers, products, receipts, returns, till
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.sales_samples import make_sales_shop

D = Decimal


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def shop(database):
    return make_sales_shop(
        discount_percent="5", address1="1 rue de la Gare", postcode="74000", city="Annecy"
    )


def count(table: str) -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_a_sale_applies_level_discount_and_exemption(shop):
    sale_id = till.record_sale(
        STAFF,
        shop["pro"],
        [LineRequest(shop["tube"], "2"), LineRequest(shop["light"], "1", "10")],
        [("card", "25.02")],
        key(),
    )
    sale = receipts.sale_detail(STAFF, sale_id)
    # Tube at level B 5.00 × 2 = 10.00, less 5 % = 9.50, tax removed: 7.92.
    # Light 24.00 (no B price), less 10 % = 21.60, less 5 % = 20.52, tax removed: 17.10.
    assert [(x["unit_price"], x["gross"], x["tax"]) for x in sale["lines"]] == [
        (D("5.00"), D("7.92"), D("0.00")),
        (D("24.00"), D("17.10"), D("0.00")),
    ]
    assert sale["total"] == D("25.02") == sum(x["gross"] for x in sale["lines"])
    assert sale["receipt_number"] == "R000001" and sale["tax_exempt"]


def test_receipt_text_shows_no_tax_and_the_tax_number(shop):
    basket, totals = till.preview(shop["pro"], [LineRequest(shop["tube"], "2")])
    sale_id = till.record_sale(
        STAFF,
        shop["pro"],
        [LineRequest(shop["tube"], "2")],
        [("cash", str(totals.total + D("10")))],
        key(),
    )
    text = receipts.receipt_text(STAFF, sale_id)
    assert "Exonéré de taxe" in text and "TVA" not in text and "FR99123456789" in text
    assert "Rendu" in text and "10,00 €" in text


def test_bad_sales_are_refused_and_store_nothing(shop):
    customers.set_archived(shop["pro"], customers.get_customer(shop["pro"])["version"], True, STAFF)
    cases = [
        ([LineRequest(999, "1")], [("card", "1")], None, "product_unknown"),
        ([LineRequest(shop["tube"], "0")], [("card", "1")], None, "quantity_invalid"),
        ([LineRequest(shop["tube"], "1")], [("card", "5.00")], None, "tenders_short"),
        ([LineRequest(shop["tube"], "1")], [("card", "9.00")], None, "tenders_over"),
        ([LineRequest(shop["tube"], "1")], [("account", "6.50")], None, "account_needs_customer"),
        ([LineRequest(shop["tube"], "1")], [("card", "6.50")], shop["pro"], "customer_archived"),
        ([], [("card", "1")], None, "sale_empty"),
    ]
    for lines, tenders, customer_id, code in cases:
        with pytest.raises(ValidationFailed) as info:
            till.record_sale(STAFF, customer_id, lines, tenders, key())
        assert code in {e.code for e in info.value.errors}, code
    assert count("sales") == count("sale_lines") == count("sale_tenders") == 0
    with db.cursor() as cur:
        assert cur.execute(
            "SELECT value FROM number_counters WHERE name = 'receipt:MAIN'"
        ).fetchall() == [(0,)]


def test_account_tender_goes_through_the_limit_and_a_refusal_leaves_nothing(shop):
    customer_id = customers.create_customer({"last_name": "Compte"}, STAFF)
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, customer_id, trade, "30")
    till.record_sale(
        STAFF, customer_id, [LineRequest(shop["light"], "1")], [("account", "24.00")], key()
    )
    assert accounts.overview(STAFF, customer_id).balance == D("24.00")
    with pytest.raises(CreditLimitExceeded):
        till.record_sale(
            STAFF, customer_id, [LineRequest(shop["light"], "1")], [("account", "24.00")], key()
        )
    assert count("sales") == 1 and count("ledger_entries") == 1
    assert accounts.check_consistency(customer_id)["ledger"] == D("24.00")


def test_the_same_key_records_one_sale(shop):
    once = key()
    first = till.record_sale(
        STAFF, None, [LineRequest(shop["tube"], "1")], [("card", "6.50")], once
    )
    again = till.record_sale(
        STAFF, None, [LineRequest(shop["tube"], "1")], [("card", "6.50")], once
    )
    assert first == again and count("sales") == 1


def test_refund_is_a_new_sale_pointing_at_the_original(shop):
    sale_id = till.record_sale(
        STAFF, None, [LineRequest(shop["tube"], "3")], [("card", "19.50")], key()
    )
    refund = returns.refund_sale(STAFF, sale_id, {1: "2"}, "card", key())
    detail = receipts.sale_detail(STAFF, refund)
    assert detail["refund_of"] == sale_id and detail["total"] == D("-13.00")
    assert [x["quantity"] for x in detail["lines"]] == [D("-2.000")]
    assert receipts.sale_detail(STAFF, sale_id)["refunds"][0]["id"] == refund
    with pytest.raises(ValidationFailed) as info:
        returns.refund_sale(STAFF, sale_id, {1: "2"}, "card", key())
    assert info.value.errors[0].code == "refund_too_many"


def test_invoice_once_per_sale_and_pdf(shop):
    sale_id = till.record_sale(
        STAFF, shop["pro"], [LineRequest(shop["tube"], "1")], [("card", "3.96")], key()
    )
    number, pdf = receipts.invoice_pdf_for(STAFF, sale_id)
    assert number.endswith("000001") and number.startswith("F20")
    assert receipts.issue_invoice(STAFF, sale_id) == number  # reprint keeps the number
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        number,
        "FR99123456789",
        "Exonéré de taxe",
        "1 rue de la Gare",
        "74000 ANNECY",
    ):
        assert expected in text, expected


def test_invoice_numbers_are_gap_free_under_concurrency(shop):
    sale_ids = [
        till.record_sale(STAFF, None, [LineRequest(shop["tube"], "1")], [("card", "6.50")], key())
        for _ in range(250)
    ]
    issued: list[str] = []
    failures: list[Exception] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        for sale_id in sale_ids[index::8] + sale_ids[: 250 // 8]:  # overlap: repeats too
            try:
                number = receipts.issue_invoice(ADMIN, sale_id)
            except Exception as exc:  # noqa: BLE001 - every failure must be seen
                with lock:
                    failures.append(exc)
                continue
            with lock:
                issued.append(number)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    with db.cursor() as cur:
        numbers = sorted(
            r[0] for r in cur.execute("SELECT invoice_number FROM invoices").fetchall()
        )
    assert failures == []
    values = [int(n[-6:]) for n in numbers]
    assert values == list(range(1, 251))  # consecutive, no gap, one per sale
    assert set(issued) == set(numbers)


def test_products_grid_rules_and_csv_import(database):
    with pytest.raises(ValidationFailed) as info:
        products.save_product(
            MANAGER, None, None, {"sku": "", "name": "", "price": "-1", "tax_rate": "7"}
        )
    assert {e.field for e in info.value.errors} == {"sku", "name", "price", "tax_rate"}
    imported = products.import_csv(
        MANAGER,
        b"sku;name;price;tax_rate;price_B\nA-1;Pneu;30,00;20;25\nA-2;Patin;9.90;5,5;\n",
    )
    assert imported == 2
    rows, total = products.search_products("pneu")
    assert total == 1 and rows[0]["levels"] == {"B": D("25.00")}
    with pytest.raises(ValidationFailed) as info:
        products.import_csv(MANAGER, b"sku,name,price,tax_rate\nA-3,X,abc,20\nA-1,Y,1,20\n")
    assert {(e.code, e.params.get("line")) for e in info.value.errors} == {("price_invalid", "2")}
    assert products.search_products("")[1] == 2  # nothing half-imported


def test_documents_print_in_the_customers_language(database):
    # A French shop; the customer reads English: receipt and invoice in English.
    shop = make_sales_shop(
        language="en", discount_percent="5", address1="1 Long Lane", postcode="74000"
    )
    sale_id = till.record_sale(
        STAFF, shop["pro"], [LineRequest(shop["tube"], "1")], [("card", "3.96")], key()
    )
    text = receipts.receipt_text(STAFF, sale_id)
    assert "Tax exempt" in text
    assert "Exonéré" not in text
    number, pdf = receipts.invoice_pdf_for(STAFF, sale_id)
    invoice = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Invoice" in invoice
    assert "Facture" not in invoice
    # Without a language of their own, a customer gets the shop's.
    version = customers.get_customer(shop["pro"])["version"]
    customers.update_customer(shop["pro"], version, {"language": ""}, STAFF)
    assert "Exonéré de taxe" in receipts.receipt_text(STAFF, sale_id)


def test_a_language_outside_the_catalogues_is_refused(database):
    with pytest.raises(ValidationFailed) as info:
        customers.create_customer({"last_name": "Klein", "language": "xx"}, STAFF)
    assert [(e.field, e.code) for e in info.value.errors] == [("language", "not_in_list")]
