"""Gift vouchers, rewards points and delivery addresses on real databases: sold and spent
through sales, never overspent by concurrent tills, given back by returns; the
web-shop address import."""

from __future__ import annotations

import io
import json
import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from comptoir.data import db
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.records import Edit
from comptoir.logic.vouchers import check_code, format_code
from comptoir.services import (
    customers,
    delivery,
    export_views,
    exports,
    products,
    receipts,
    returns,
    rewards,
    vouchers,
)
from comptoir.services.till import LineRequest, record_sale
from tests.conftest import ADMIN, MANAGER, STAFF

D = Decimal
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def till(database):
    lamp = products.save_product(
        MANAGER,
        None,
        None,
        {"sku": "LAMP", "name": "Lampe", "price": "30.00", "tax_rate": "20"},
    )
    anna = customers.create_customer(
        {
            "last_name": "Martin",
            "first_name": "Anna",
            "email": "anna@example.org",
            "address1": "3 rue Royale",
            "postcode": "74000",
            "city": "Annecy",
            "country_code": "FR",
        },
        STAFF,
    )
    return {"lamp": lamp, "anna": anna}


def sell_voucher(customer_id: int | None, amount: str = "50", now=None) -> str:
    """A voucher sold now (or at now): valid 12 months from that day."""
    sale_id = record_sale(
        STAFF, customer_id, [vouchers.voucher_line(amount)], [("card", amount)], key(), now=now
    )
    (line,) = receipts.sale_detail(STAFF, sale_id)["lines"]
    assert (line["tax"], line["gross"]) == (D("0.00"), D(amount).quantize(D("0.01")))
    return check_code(line["name"].split()[-1])


def count(table: str, where: str = "true") -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchall()[0][0]


def test_a_voucher_sold_then_spent_across_two_sales(till):
    code = sell_voucher(till["anna"], now=NOW)
    (sold,) = vouchers.customer_vouchers(STAFF, till["anna"])
    assert (sold["amount"], sold["balance"], sold["state"]) == (D("50.00"), D("50.00"), "active")
    assert sold["expires_on"] == date(2027, 3, 10)  # Settings: 12 months
    lamp = [LineRequest(till["lamp"], "1")]
    first = record_sale(STAFF, None, lamp, [], key(), now=NOW, vouchers=[(code, "30")])
    assert vouchers.find(STAFF, format_code(code))["balance"] == D("20.00")
    # The rest pays part of a second sale; the card pays what is left.
    record_sale(
        STAFF, None, lamp, [("card", "10")], key(), now=NOW, vouchers=[(code.lower(), "20")]
    )
    found = vouchers.find(STAFF, code)
    assert (found["balance"], found["state"]) == (D("0.00"), "used")
    with pytest.raises(ValidationFailed) as refused:
        record_sale(STAFF, None, lamp, [], key(), now=NOW, vouchers=[(code, "30")])
    assert refused.value.errors[0].code == "voucher_used"
    # A return of the first sale, paid by voucher, goes back to it.
    returns.refund_sale(STAFF, first, {1: "1"}, "voucher", key(), now=NOW)
    assert vouchers.find(STAFF, code)["balance"] == D("30.00")


def test_a_mistyped_expired_or_cancelled_voucher_is_refused_with_the_reason(till):
    code = sell_voucher(None, "40")
    lamp = [LineRequest(till["lamp"], "1")]
    typo = code[:3] + ("2" if code[3] != "2" else "3") + code[4:]
    for typed, reason in ((typo, "voucher_code_invalid"), ("", "required")):
        with pytest.raises(ValidationFailed) as refused:
            record_sale(STAFF, None, lamp, [], key(), vouchers=[(typed, "30")])
        assert refused.value.errors[0].code == reason
    voucher = vouchers.find(STAFF, code)
    vouchers.change_expiry(STAFF, voucher["id"], voucher["version"], date(2026, 1, 1), "Promo")
    with pytest.raises(ValidationFailed) as refused:
        record_sale(STAFF, None, lamp, [], key(), vouchers=[(code, "30")])
    assert refused.value.errors[0].code == "voucher_expired"
    voucher = vouchers.find(STAFF, code)
    vouchers.cancel(STAFF, voucher["id"], voucher["version"], "Lost, reissued")
    with pytest.raises(ValidationFailed) as refused:
        record_sale(STAFF, None, lamp, [], key(), vouchers=[(code, "30")])
    assert refused.value.errors[0].code == "voucher_cancelled"
    with pytest.raises(ValidationFailed) as refused:
        vouchers.cancel(STAFF, voucher["id"], voucher["version"] + 1, "Again")
    assert refused.value.errors[0].code == "voucher_cancelled"
    entries = [e["kind"] for e in vouchers.detail(STAFF, voucher["id"])["entries"]]
    assert entries == ["issued", "expiry", "cancelled"]
    assert count("sales") == 1  # only the voucher's own sale


def test_eight_tills_spending_one_voucher_at_once_never_overspend(till):
    code = sell_voucher(None, "100")
    barrier = threading.Barrier(8)
    paid, refused = [], []

    def till_spends():
        barrier.wait()
        try:
            record_sale(
                STAFF, None, [LineRequest(till["lamp"], "1")], [], key(), vouchers=[(code, "30")]
            )
            paid.append(1)
        except ValidationFailed as exc:
            refused.append(exc.errors[0].code)

    threads = [threading.Thread(target=till_spends) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(paid) == 3 and refused == ["voucher_balance_short"] * 5
    assert vouchers.find(STAFF, code)["balance"] == D("10.00")


def test_returning_a_sold_voucher_cancels_it_only_while_unspent(till):
    sale_id = record_sale(STAFF, None, [vouchers.voucher_line("25")], [("cash", "25")], key())
    code = check_code(receipts.sale_detail(STAFF, sale_id)["lines"][0]["name"].split()[-1])
    returns.refund_sale(STAFF, sale_id, {1: "1"}, "cash", key())
    assert vouchers.find(STAFF, code)["state"] == "cancelled"
    other = record_sale(STAFF, None, [vouchers.voucher_line("25")], [("cash", "25")], key())
    spent = check_code(receipts.sale_detail(STAFF, other)["lines"][0]["name"].split()[-1])
    record_sale(
        STAFF,
        None,
        [LineRequest(till["lamp"], "1")],
        [("cash", "20")],
        key(),
        vouchers=[(spent, "10")],
    )
    with pytest.raises(ValidationFailed) as refused:
        returns.refund_sale(STAFF, other, {1: "1"}, "cash", key())
    assert refused.value.errors[0].code == "voucher_already_used"


def test_points_are_earned_spent_capped_and_clawed_back(till):
    card = rewards.create(STAFF, till["anna"], now=NOW)
    assert len(card) == 13 and card.startswith("7")
    assert rewards.create(STAFF, till["anna"], now=NOW) == card  # once per customer
    lamps = [LineRequest(till["lamp"], "20")]  # 600.00: 600 points at 1 per euro
    sale_id = record_sale(STAFF, till["anna"], lamps, [("card", "600")], key(), now=NOW)
    assert rewards.overview(STAFF, till["anna"]).points == 600
    receipt = receipts.receipt_document(receipts.sale_detail(STAFF, sale_id))
    assert (receipt.points_earned, receipt.points_balance) == (600, 600)
    # 500 points (the minimum) are worth 5.00; more than the balance is refused.
    with pytest.raises(ValidationFailed) as refused:
        record_sale(
            STAFF,
            till["anna"],
            lamps[:0] or [LineRequest(till["lamp"], "1")],
            [("card", "23")],
            key(),
            points="700",
        )
    assert refused.value.errors[0].code == "points_over_balance"
    with pytest.raises(ValidationFailed) as refused:
        record_sale(
            STAFF,
            till["anna"],
            [LineRequest(till["lamp"], "1")],
            [("card", "29")],
            key(),
            points="100",
        )
    assert refused.value.errors[0].code == "points_below_minimum"
    second = record_sale(
        STAFF,
        till["anna"],
        [LineRequest(till["lamp"], "1")],
        [("card", "25")],
        key(),
        now=NOW,
        points="500",
    )
    tenders = {t["method"]: t["amount"] for t in receipts.sale_detail(STAFF, second)["tenders"]}
    assert tenders == {"card": D("25.00"), "rewards": D("5.00")}
    # Points are earned on what the card paid only: 25 more.
    assert rewards.overview(STAFF, till["anna"]).points == 600 - 500 + 25
    # Returning half of the first sale takes back half its points, no more than is left.
    returns.refund_sale(STAFF, sale_id, {1: "10"}, "card", key(), now=NOW)
    assert rewards.overview(STAFF, till["anna"]).points == 0  # 125 held, 300 due: capped
    kinds = [e["kind"] for e in rewards.overview(STAFF, till["anna"]).entries]
    assert kinds == ["clawed_back", "earned", "redeemed", "earned"]


def test_two_sales_cannot_spend_the_same_points(till):
    rewards.create(STAFF, till["anna"])
    record_sale(STAFF, till["anna"], [LineRequest(till["lamp"], "20")], [("card", "600")], key())
    barrier = threading.Barrier(8)
    done, refused = [], []

    def spend():
        barrier.wait()
        try:
            record_sale(
                STAFF,
                till["anna"],
                [LineRequest(till["lamp"], "1")],
                [("card", "25")],
                key(),
                points="500",
            )
            done.append(1)
        except ValidationFailed as exc:
            refused.append(exc.errors[0].code)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 1 and len(refused) == 7
    assert set(refused) == {"points_over_balance"}
    assert rewards.overview(STAFF, till["anna"]).points == 600 - 500 + 25


def test_manager_adjusts_points_and_a_new_card_keeps_the_old_number(till):
    old = rewards.create(STAFF, till["anna"])
    assert rewards.adjust(MANAGER, till["anna"], "+40", "Welcome gift") == 40
    with pytest.raises(ValidationFailed) as refused:
        rewards.adjust(MANAGER, till["anna"], "-50", "Too much")
    assert refused.value.errors[0].code == "points_below_zero"
    new = rewards.assign_new_card(STAFF, till["anna"])
    shown = rewards.overview(STAFF, till["anna"])
    assert (shown.card_number, [c["card_number"] for c in shown.old_cards]) == (new, [old])
    assert shown.value == D("0.40")


def test_points_lapse_after_months_without_activity(till):
    rewards.create(STAFF, till["anna"], now=datetime(2023, 1, 5, tzinfo=UTC))
    rewards.adjust(MANAGER, till["anna"], "300", "Old points", now=datetime(2023, 1, 5, tzinfo=UTC))
    assert rewards.expire_lapsed(now=datetime(2024, 12, 31, tzinfo=UTC)) == 0  # 23 months
    assert rewards.expire_lapsed(now=datetime(2025, 1, 6, tzinfo=UTC)) == 1  # 24 months
    assert rewards.overview(STAFF, till["anna"]).points == 0


def test_billing_address_is_copied_once_and_addresses_edit_and_remove(till):
    first = delivery.add_billing(STAFF, till["anna"])
    with pytest.raises(ValidationFailed) as refused:
        delivery.add_billing(STAFF, till["anna"])
    assert refused.value.errors[0].code == "address_exists"
    with pytest.raises(ValidationFailed) as refused:
        delivery.add(
            STAFF,
            till["anna"],
            {"address1": "3, RUE royale ", "postcode": "74000", "city": "ANNECY"},
        )
    assert refused.value.errors[0].code == "address_exists"
    with pytest.raises(ValidationFailed) as refused:
        delivery.add(STAFF, till["anna"], {"address1": "1 rue", "city": "Lyon", "postcode": "6900"})
    assert refused.value.fields() == {"postcode"}
    second = delivery.add(
        STAFF,
        till["anna"],
        {"name": "Atelier", "address1": "1 quai", "city": "Lyon", "postcode": "69001"},
    )
    shown = delivery.addresses(STAFF, till["anna"])
    assert [(a["id"], a["source"], a["is_default"]) for a in shown] == [
        (first, "billing", True),
        (second, "manual", False),
    ]
    delivery.edit(STAFF, Edit(second, 1, {**shown[1], "city": "Lyon 1er", "is_default": True}))
    delivery.remove(STAFF, first, 1)
    shown = delivery.addresses(STAFF, till["anna"])
    assert [(a["city"], a["is_default"]) for a in shown] == [("Lyon 1er", True)]
    outcome = delivery.print_label(STAFF, till["anna"], second)
    assert outcome.pdf.startswith(b"%PDF")
    sale_id = record_sale(
        STAFF,
        till["anna"],
        [LineRequest(till["lamp"], "1")],
        [("card", "30")],
        key(),
        delivery_address_id=second,
    )
    assert receipts.sale_detail(STAFF, sale_id)["delivery_address_id"] == second
    # The invoice says where the goods went, even once the address left the card.
    delivery.remove(STAFF, second, 2)
    _, pdf = receipts.invoice_pdf_for(STAFF, sale_id)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Livrer à" in text and "1 quai" in text and "LYON 1ER" in text.upper()


def test_web_shop_import_adds_new_addresses_and_reports_the_rest(till):
    customers.create_customer(
        {"last_name": "Durand", "account_number": "W0042", "email": "d@example.org"}, STAFF
    )
    rows = [
        {
            "email": "ANNA@example.org",
            "address1": "9 rue Neuve",
            "city": "Annecy",
            "postcode": "74000",
        },
        {
            "account_number": "w0042",
            "address1": "1 place Bellecour",
            "city": "Lyon",
            "postcode": "69002",
        },
        {
            "email": "anna@example.org",
            "address1": "9 Rue Neuve",
            "city": "ANNECY",
            "postcode": "74000",
        },
        {"email": "nobody@example.org", "address1": "1 rue", "city": "Paris", "postcode": "75001"},
        {"email": "anna@example.org", "address1": "", "city": "Paris"},
        {"email": "anna@example.org", "address1": "5 rue", "city": "Paris", "postcode": "7500"},
    ]
    data = json.dumps(rows).encode()
    report = delivery.import_web_orders(STAFF, data, "orders.json")
    assert report.added == 2
    assert report.duplicates == [3]
    assert report.unmatched == [4]
    assert report.invalid == [(5, "address1", "required"), (6, "postcode", "postcode_invalid")]
    again = delivery.import_web_orders(STAFF, data, "orders.json")
    assert (again.added, again.duplicates) == (0, [1, 2, 3])
    csv = (
        b"email;address1;city;postcode\n"
        b"anna@example.org;9 rue neuve;Annecy;74000\n"
        b"anna@example.org;12 avenue du Lac;Annecy;74000\n"
        b'anna@example.org;"unclosed;Annecy;74000\n'
    )
    with pytest.raises(ValidationFailed):
        delivery.import_web_orders(STAFF, csv, "orders.csv")
    good = b"email,address1,city,postcode\nanna@example.org,12 avenue du Lac,Annecy,74000\n"
    assert delivery.import_web_orders(STAFF, good, "orders.csv").added == 1
    sources = sorted(a["source"] for a in delivery.addresses(STAFF, till["anna"]))
    assert sources == ["web", "web"]
    assert ADMIN


def test_a_voucher_sold_with_a_chosen_expiry_keeps_it(till):
    from comptoir.logic.dates import add_months
    from comptoir.operations import clock

    later = add_months(clock.local_day(), 24)
    sale_id = record_sale(
        STAFF, None, [vouchers.voucher_line("15", later)], [("cash", "15")], key()
    )
    code = check_code(receipts.sale_detail(STAFF, sale_id)["lines"][0]["name"].split()[-1])
    assert vouchers.find(STAFF, code)["expires_on"] == later
    with pytest.raises(ValidationFailed) as refused:
        vouchers.voucher_line("15", date(2020, 1, 1))
    assert refused.value.fields() == {"voucher_expires_on"}


def test_a_voucher_is_emailed_with_its_pdf_and_the_list_exports_audited(
    till, tmp_path, monkeypatch
):
    from devkit.messaging_servers import smtp_server, write_secrets

    code = sell_voucher(till["anna"], "35")
    voucher = vouchers.find(STAFF, code)
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        vouchers.email(STAFF, voucher["id"], "mail-1")
        received = list(mailbox.received)
    (_, recipients, mail) = received[0]
    assert recipients == ["anna@example.org"]
    (pdf,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"voucher-{code}.pdf"
    assert format_code(code) in mail.get_body(("plain",)).get_content()
    made = exports.export(MANAGER, export_views.vouchers(MANAGER, "", ["active"]), "csv")
    data = made.read().decode("utf-8-sig")
    made.discard()
    assert data.splitlines()[0].startswith(
        '"code","customer","amount","balance","state","expires_on","issued_at"'
    )
    assert format_code(code) in data and "Anna Martin" in data
    assert count("audit_log", "action = 'export' AND entity = 'voucher_list'") == 1


def test_voucher_and_rewards_settings_are_checked_and_stored(till):
    from comptoir.services import shop

    levels = [("A", "A"), ("B", "B"), ("C", "C")]
    with pytest.raises(ValidationFailed) as refused:
        shop.save_settings(
            {
                "voucher_validity_months": "200",
                "rewards_point_value": "-1",
                "rewards_excluded_tenders": "cheque",
            },
            levels,
            ADMIN,
        )
    assert refused.value.fields() == {
        "voucher_validity_months",
        "rewards_point_value",
        "rewards_excluded_tenders",
    }
    shop.save_settings(
        {
            "voucher_validity_months": "6",
            "rewards_point_value": "0,05",
            "rewards_excluded_skus": "lamp",
        },
        levels,
        ADMIN,
    )
    stored = shop.get_settings()
    assert (stored["voucher_validity_months"], stored["rewards_point_value"]) == ("6", "0.05")
    rewards.create(STAFF, till["anna"])
    record_sale(STAFF, till["anna"], [LineRequest(till["lamp"], "1")], [("card", "30")], key())
    assert rewards.overview(STAFF, till["anna"]).points == 0  # LAMP earns none now


def _pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_voucher_goes_out_as_what_it_is(till, tmp_path, monkeypatch):
    """Partly spent: printed with what is left. Cancelled, expired or spent: refused, as
    the till refuses its code (they went out as "50,00 € valid until…")."""
    from devkit.messaging_servers import smtp_server, write_secrets

    code = sell_voucher(till["anna"], "50")
    record_sale(
        STAFF, till["anna"], [LineRequest(till["lamp"], "1")], [], key(), vouchers=[(code, "30")]
    )
    voucher = vouchers.find(STAFF, code)
    printed = _pdf_text(vouchers.reprint(STAFF, voucher["id"]).pdf)
    assert "Reste à utiliser: 20,00" in printed and "50,00" in printed
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        vouchers.email(STAFF, voucher["id"], "partly")
        (_, _, mail) = mailbox.wait_for(1)[0]
        assert "20,00" in mail.get_body(("plain",)).get_content()
        vouchers.cancel(MANAGER, voucher["id"], voucher["version"], "Lost")
        for act in (
            lambda: vouchers.reprint(STAFF, voucher["id"]),
            lambda: vouchers.email(STAFF, voucher["id"], "cancelled"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                act()
            assert [(e.field, e.code) for e in refused.value.errors] == [
                ("status", "voucher_not_valid_cancelled")
            ]
        assert len(mailbox.received) == 1
    (shown,) = vouchers.customer_vouchers(STAFF, till["anna"])
    assert (shown["state"], shown["usable"]) == ("cancelled", 0)
    old = vouchers.find(
        STAFF, sell_voucher(till["anna"], "10", now=datetime(2020, 1, 2, tzinfo=UTC))
    )
    with pytest.raises(ValidationFailed) as expired:
        vouchers.reprint(STAFF, old["id"])
    assert expired.value.errors[0].code == "voucher_not_valid_expired"


def test_a_french_shops_voucher_prints_in_an_english_customers_language(db_path):
    from comptoir.services import shop

    shop.save_settings({"locale": "fr_FR"}, [("A", "A"), ("B", "B"), ("C", "C")], ADMIN)
    english = customers.create_customer({"last_name": "Smith", "language": "en"}, STAFF)
    french = customers.create_customer({"last_name": "Martin", "language": "fr"}, STAFF)
    for who, word in ((english, "Gift voucher"), (french, "Bon cadeau")):
        sale_id = record_sale(STAFF, who, [vouchers.voucher_line("20")], [("card", "20")], key())
        sale = receipts.sale_detail(STAFF, sale_id)
        (line,) = sale["lines"]
        assert line["name"].startswith("Bon cadeau ")  # stored as sold, in the shop's words
        (printed,) = receipts.receipt_document(sale).lines
        assert printed.name == f"{word} {line['name'].split()[-1]}"
