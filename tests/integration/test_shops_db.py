"""A chain of shops on one database: per-shop settings, receipt numbers, filters."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from comptoir.data import db
from comptoir.logic.errors import DatabaseUnavailable, ValidationFailed
from comptoir.operations import context
from comptoir.services import accounts, printing, receipts, shop, till
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.sales_samples import make_sales_shop

NOW = datetime(2026, 11, 30, 10, 0)


def key() -> str:
    return uuid.uuid4().hex


def refusal(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in exc.value.errors]


@pytest.fixture
def chain(database, monkeypatch):
    """The MAIN shop (the migration's) and LYON, added by the administrator."""
    shop.add_shop(
        ADMIN,
        {
            "shop_code": "lyon",
            "shop_name": "Comptoir Lyon",
            "time_zone": "Europe/Paris",
            "receipt_prefix": "L",
        },
        now=NOW,
    )
    samples = make_sales_shop()

    def at(code: str) -> None:
        context.install(context.current().for_shop(code))

    return samples, at


def sell(samples: dict[str, int], **fields) -> dict:
    sale_id = till.record_sale(
        STAFF,
        samples["pro"],
        [LineRequest(samples["light"], "1")],
        [("card", "20.00")],
        key(),
        **fields,
    )
    return receipts.sale_detail(STAFF, sale_id)


def test_the_first_shop_keeps_the_settings_it_had(database):
    assert shop.here() == "MAIN"
    values = shop.current().values
    assert (values["shop_name"], values["receipt_prefix"], values["time_zone"]) == (
        "Comptoir",
        "R",
        "Europe/Paris",
    )
    with db.cursor() as cur:
        chain_keys = {r[0] for r in cur.execute("SELECT key FROM settings").fetchall()}
    assert "shop_name" not in chain_keys and "tax_rates" in chain_keys
    assert [s["code"] for s in shop.current().shops] == ["MAIN"]


def test_each_shop_numbers_its_own_receipts_and_sales_name_their_shop(chain):
    samples, at = chain
    first_main = sell(samples)
    at("LYON")
    first_lyon, second_lyon = sell(samples), sell(samples)
    at("MAIN")
    second_main = sell(samples)
    assert [
        (s["receipt_number"], s["shop_code"])
        for s in (first_main, first_lyon, second_lyon, second_main)
    ] == [("R000001", "MAIN"), ("L000001", "LYON"), ("L000002", "LYON"), ("R000002", "MAIN")]


def test_a_receipt_names_the_shop_of_the_sale_wherever_it_is_reprinted(chain):
    samples, at = chain
    at("LYON")
    sale = sell(samples)
    at("MAIN")
    receipt = receipts.receipt_document(receipts.sale_detail(STAFF, sale["id"]))
    assert receipt.shop.name == "Comptoir Lyon"
    outcome = receipts.reprint_receipt(STAFF, sale["id"])
    assert [j["shop_code"] for j in printing.print_history(f"sale:{sale['id']}")] == ["MAIN"]
    assert outcome.filename == "receipt-L000001.pdf"


def test_history_and_balances_filter_by_shop(chain):
    samples, at = chain
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, samples["pro"], trade, "500", now=NOW)
    sell(samples)
    at("LYON")
    sell(samples)
    accounts.record_entry(MANAGER, samples["pro"], EntryRequest("charge", "40"), key(), now=NOW)
    history, total = receipts.purchase_history(STAFF, samples["pro"], shop_code="LYON")
    assert (total, [s["receipt_number"] for s in history]) == (1, ["L000001"])
    assert receipts.purchase_history(STAFF, samples["pro"])[1] == 2
    assert accounts.balances(MANAGER, NOW.date(), shop_code="LYON").count == 1
    assert accounts.balances(MANAGER, NOW.date(), shop_code="MAIN").count == 0
    assert accounts.balances(MANAGER, NOW.date()).count == 1


LEVELS = [("A", "A"), ("B", "B")]


def test_invoice_numbers_for_the_chain_follow_one_sequence(chain):
    samples, at = chain
    main_sale = sell(samples)
    at("LYON")
    lyon_sale = sell(samples)
    # Issued from the LYON server for both.
    numbers = [receipts.issue_invoice(STAFF, s["id"], now=NOW) for s in (main_sale, lyon_sale)]
    assert numbers == ["F2026-000001", "F2026-000002"]


def test_invoice_numbers_per_shop_need_prefixes_of_their_own(chain):
    samples, at = chain
    with pytest.raises(ValidationFailed) as same_prefix:
        shop.save_settings({"invoice_numbering": "shop"}, LEVELS, ADMIN)
    assert refusal(same_prefix) == [("invoice_prefix", "prefix_used_by_shop")]
    at("LYON")
    shop.save_settings({"invoice_prefix": "FL{year}-", "invoice_numbering": "shop"}, LEVELS, ADMIN)
    lyon_sale = sell(samples)
    at("MAIN")
    main_sale = sell(samples)
    # Issued from the MAIN server for both: each sale's own shop numbers it.
    numbers = [receipts.issue_invoice(STAFF, s["id"], now=NOW) for s in (main_sale, lyon_sale)]
    assert numbers == ["F2026-000001", "FL2026-000001"]


def test_settings_saved_on_one_shop_leave_the_other_alone(chain):
    _, at = chain
    at("LYON")
    shop.save_settings(
        {"shop_name": "Comptoir Lyon Part-Dieu", "tax_rates": "20, 5.5"},
        LEVELS,
        ADMIN,
    )
    lyon = shop.current().values
    at("MAIN")
    main = shop.current().values
    assert (lyon["shop_name"], main["shop_name"]) == ("Comptoir Lyon Part-Dieu", "Comptoir")
    assert main["tax_rates"] == lyon["tax_rates"] == "20; 5.5"  # chain-wide


def test_adding_a_shop_refuses_bad_codes_zones_and_taken_prefixes(database):
    with pytest.raises(ValidationFailed) as bad:
        shop.add_shop(
            ADMIN,
            {
                "shop_code": "lyon centre",
                "shop_name": "",
                "time_zone": "Mars/Olympus",
                "receipt_prefix": "L",
            },
        )
    assert refusal(bad) == [
        ("shop_code", "shop_code_invalid"),
        ("shop_name", "required"),
        ("time_zone", "time_zone_unknown"),
    ]
    with pytest.raises(ValidationFailed) as taken:
        shop.add_shop(
            ADMIN,
            {"shop_code": "main", "shop_name": "Again", "time_zone": "UTC", "receipt_prefix": "M"},
        )
    assert refusal(taken) == [("shop_code", "shop_code_taken")]
    with pytest.raises(ValidationFailed) as clash:
        shop.add_shop(
            ADMIN,
            {"shop_code": "ANN", "shop_name": "Annecy", "time_zone": "UTC", "receipt_prefix": "R"},
        )
    assert refusal(clash) == [("receipt_prefix", "prefix_used_by_shop")]
    assert [s["code"] for s in shop.current().shops] == ["MAIN"]  # nothing half-written
    with pytest.raises(Exception) as denied:
        shop.add_shop(
            STAFF,
            {"shop_code": "X", "shop_name": "X", "time_zone": "UTC", "receipt_prefix": "X"},
        )
    assert type(denied.value).__name__ == "PermissionDenied"


def test_a_server_for_an_unknown_shop_refuses_to_start(database, monkeypatch):
    context.install(context.current().for_shop("LYNO"))
    with pytest.raises(DatabaseUnavailable) as unknown:
        shop.check_here()
    assert (unknown.value.reason, unknown.value.holder, unknown.value.detail) == (
        "unknown_shop",
        "LYNO",
        "MAIN",
    )
