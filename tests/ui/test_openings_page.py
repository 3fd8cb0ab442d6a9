"""The opening positions page in AppTest: a balances file mapped, its dry run with totals and
refusals, the import, the undo; a vouchers file recognised; a changed choice asks for a new
dry run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from comptoir.services import accounts, customers, vouchers
from tests.conftest import MANAGER, STAFF
from tests.ui.conftest import open_app, table, texts

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "openings"
BALANCES = (
    "Code client;Solde;Plafond de crédit;Points fidélité\n"
    "OPN-1;1 234,50;2 000;120\n"
    "OPN-2;12,3,4;;\n"
    "OPN-9;10;;\n"
).encode()


def _customer(number: str) -> int:
    return customers.create_customer(
        {"last_name": f"Client {number}", "account_number": number}, STAFF
    )


def test_balances_dry_run_import_and_undo(shop_db):
    first, _ = _customer("OPN-1"), _customer("OPN-2")
    app = open_app("manager")
    app.switch_page("pages/import_openings.py").run()
    assert not app.exception, app.exception
    app.file_uploader[0].set_value(("soldes.csv", BALANCES, "text/csv")).run()
    assert [app.selectbox(key=f"openings.map.{i}").value for i in range(4)] == [
        "account_number",
        "balance",
        "credit_limit",
        "points",
    ]
    assert app.text_input(key="openings.system").value == "soldes"
    app.text_input(key="openings.system").set_value("Caisse Dupont").run()
    app.button(key="openings.dry_run").click().run()
    shown = {m.label: m.value for m in app.metric}
    assert (shown["To import"], shown["Refused"]) == ("1", "2")
    assert (shown["Owed by customers"], shown["Points"]) == ("€1,234.50", "120")
    report = table(app, -1)
    assert list(report["Why"]) == [
        "Line 3: Balance is not an amount.",
        "Line 4: Account number: no customer has OPN-9.",
    ]
    assert accounts.overview(MANAGER, first).account is None  # nothing written yet
    app.button(key="openings.go").click().run()
    assert any("Batch 1 written: 1 lines." in s for s in texts(app, "toast"))
    account = accounts.overview(MANAGER, first).account
    assert (account["balance"], account["credit_limit"]) == (Decimal("1234.50"), Decimal("2000"))
    app.button(key="openings.undo.1").click().run()
    assert any("undone" in s for s in texts(app, "toast"))
    assert accounts.overview(MANAGER, first).account["balance"] == 0


def test_a_vouchers_file_is_recognised_and_a_changed_column_asks_again(shop_db):
    _customer("LSX-0001")
    app = open_app("manager")
    app.switch_page("pages/import_openings.py").run()
    app.segmented_control(key="openings.kind").set_value("vouchers").run()
    data = (FILES / "lightspeed_x_gift_cards.csv").read_bytes()
    app.file_uploader[0].set_value(("gift_cards.csv", data, "text/csv")).run()
    assert "Recognised: an export of Lightspeed Retail (X-Series, Vend)" in " ".join(
        texts(app, "caption")
    )
    app.button(key="openings.dry_run").click().run()
    shown = {m.label: m.value for m in app.metric}
    assert (shown["Vouchers"], shown["Voucher liability"]) == ("3", "€135.50")
    app.selectbox(key="openings.map.5").set_value("").run()
    assert "The columns changed: run the dry run again." in texts(app, "info")
    assert not any(b.key == "openings.go" for b in app.button)
    app.button(key="openings.dry_run").click().run()
    app.button(key="openings.go").click().run()
    assert vouchers.find(STAFF, "GC-4410-2231-7781")["customer_id"] is None
