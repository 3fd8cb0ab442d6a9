"""One round trip over a shop that has done everything the app knows: backup → restore →
every check passes → balances, voucher liability, points, search results and numbering
equal the original's. Every table of the copy order must hold rows here, so a new table
or ledger joins this test (or the test fails naming it)."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from comptoir import demo_shop
from comptoir.data import backup as repo
from comptoir.data import db, demo, migrate
from comptoir.data.copy_to_postgres import ORDER
from comptoir.logic.consent import token_customer, unsubscribe_token
from comptoir.logic.customer_import import guess_mapping, read_file
from comptoir.logic.opening_import import guess as opening_guess
from comptoir.logic.vouchers import check_code
from comptoir.operations import context, suppression
from comptoir.services import (
    accounts,
    auth,
    backup,
    browser_sessions,
    customer_import,
    customers,
    delivery,
    gdpr,
    import_presets,
    merges,
    messaging,
    opening_import,
    printing,
    receipts,
    returns,
    rewards,
    shop,
    till,
    vouchers,
    workshop,
    workshop_lines,
)
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest
from comptoir.startup import create_demo_accounts
from tests.conftest import ADMIN, MANAGER, STAFF, application
from tests.sales_samples import make_sales_shop

NOW = datetime.now(UTC)
ERASED_EMAIL = "leaving@example.org"
IMPORT = (
    "Prénom;Nom;Code postal;Courriel\n"
    "Gone;Undone;74000;gone@example.org\n"
    "Kept;Imported;74000;kept@example.org\n"
).encode()


def key() -> str:
    return uuid.uuid4().hex


def _voucher(customer_id: int | None, amount: str, now: datetime = NOW) -> dict:
    sale_id = till.record_sale(
        STAFF, customer_id, [vouchers.voucher_line(amount)], [("card", amount)], key(), now=now
    )
    code = check_code(receipts.sale_detail(STAFF, sale_id)["lines"][0]["name"].split()[-1])
    return vouchers.find(STAFF, code)


def _person(last: str, **fields: object) -> int:
    return customers.create_customer({"last_name": last, "first_name": "Rich", **fields}, STAFF)


def _activity() -> dict[str, object]:
    """Everything on top of the demo's sales, returns, accounts and workshop jobs."""
    shop_ids = make_sales_shop()
    anna = _person(
        "Roundtrip",
        email="anna.rt@example.org",
        address1="3 rue Royale",
        city="Annecy",
        postcode="74000",
        country_code="FR",
    )
    light = shop_ids["light"]
    # Vouchers: partly spent, fully spent, cancelled, expired, given back by a return.
    partly = _voucher(anna, "50")
    till.record_sale(
        STAFF, anna, [LineRequest(light, "1")], [], key(), vouchers=[(partly["code"], "24")]
    )
    spent = _voucher(None, "24")
    paid = till.record_sale(
        STAFF, anna, [LineRequest(light, "1")], [], key(), vouchers=[(spent["code"], "24")]
    )
    returns.refund_sale(STAFF, paid, {1: "1"}, "voucher", key())
    again = vouchers.find(STAFF, spent["code"])
    till.record_sale(
        STAFF, anna, [LineRequest(light, "1")], [], key(), vouchers=[(again["code"], "24")]
    )
    cancelled = _voucher(anna, "30")
    vouchers.cancel(MANAGER, cancelled["id"], cancelled["version"], "Lost")
    expired = _voucher(anna, "20", now=NOW - timedelta(days=800))
    later = vouchers.find(STAFF, _voucher(anna, "15")["code"])
    vouchers.change_expiry(MANAGER, later["id"], later["version"], date(2031, 1, 1), "Goodwill")
    # Rewards: earned, spent, clawed back, adjusted, lapsed.
    rewards.create(STAFF, anna)
    earning = till.record_sale(STAFF, anna, [LineRequest(light, "30")], [("card", "720")], key())
    till.record_sale(STAFF, anna, [LineRequest(light, "1")], [("card", "19")], key(), points="500")
    returns.refund_sale(STAFF, earning, {1: "2"}, "card", key())
    rewards.adjust(MANAGER, anna, "40", "Birthday")
    dormant = _person("Dormant")
    long_ago = NOW - timedelta(days=1000)
    rewards.create(STAFF, dormant, now=long_ago)
    rewards.adjust(MANAGER, dormant, "300", "Old points", now=long_ago)
    rewards.assign_new_card(STAFF, dormant, now=long_ago)
    assert rewards.expire_lapsed() >= 1
    # An invoice, account charges and payments, a note and an e-mail waiting to go.
    invoiced = till.record_sale(
        STAFF, shop_ids["pro"], [LineRequest(light, "2")], [("card", "40")], key()
    )
    receipts.issue_invoice(STAFF, invoiced)
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, anna, trade, "500")
    accounts.record_entry(STAFF, anna, EntryRequest("charge", "40"), key())
    accounts.record_entry(STAFF, anna, EntryRequest("payment", "15", method="cash"), key())
    messaging.add_note(STAFF, anna, "Rides on Saturdays", key())
    delivery.add_billing(STAFF, anna)
    printing.print_courier_label(STAFF, anna)
    messaging.send_message(STAFF, anna, "email", "Your bike is ready", key(), subject="Ready")
    # Workshop: a job with a deposit collected, another whose deposit was given back.
    job = workshop.create_order(
        STAFF, anna, {"kind": "job", "reported": "Brakes"}, key(), {"name": "Trek", "serial": "RT1"}
    )
    workshop_lines.add_part(STAFF, job, light, "1")
    workshop_lines.take_deposit(STAFF, job, "10", "card", key())
    for status in ("in_progress", "ready"):
        workshop.move(STAFF, job, status)
    workshop_lines.collect(STAFF, job, [("cash", "20")], key())
    dropped = workshop.create_order(STAFF, anna, {"kind": "job", "reported": "Wheel"}, key())
    workshop_lines.take_deposit(STAFF, dropped, "20", "cash", key())
    workshop.cancel(STAFF, dropped, "cash", key(), "Changed mind")
    # Imports: one undone, one kept.
    table = read_file(IMPORT, "in.csv")
    undone = customer_import.run_import(MANAGER, table, guess_mapping(table.headers), "in.csv")
    customer_import.undo(MANAGER, undone.batch_id)
    kept = read_file(IMPORT.replace(b"Gone;Undone", b"Also;Kept"), "in2.csv")
    customer_import.run_import(MANAGER, kept, guess_mapping(kept.headers), "in2.csv")
    import_presets.save_preset(MANAGER, "Old till", kept.headers, guess_mapping(kept.headers))
    # A sign-in remembered by its browser (its cookie's token traded for the code).
    signed_in = auth.sign_in("manager", "demo-manager-2026")
    browser_sessions.trade(browser_sessions.start(signed_in, "fr")[1])
    # Opening positions: a balance with points, a voucher with its old code, a past sale.
    _person("Opening", email="opening.rt@example.org")
    for kind, text in (
        ("balances", b"E-mail,Balance,Points\nopening.rt@example.org,42.50,30\n"),
        ("vouchers", b"Code,Balance,Email\nOLD-CARD-0042,15.00,opening.rt@example.org\n"),
        ("sales", b"Order,Date,Email,Item,Total\nA-1,2025-06-01,opening.rt@example.org,Pump,30\n"),
    ):
        opening = read_file(text, f"{kind}.csv")
        opening_import.run_import(
            MANAGER,
            kind,
            opening,
            opening_guess(kind, opening.headers),
            f"{kind}.csv",
            opening_import.Options("Old till"),
        )
    # Merges: one undone, one kept.
    for survivor, other in ((_person("Twin"), _person("Twin")), (_person("Dup"), _person("Dup"))):
        a, b = customers.get_customer(survivor), customers.get_customer(other)
        merge_id = merges.merge(ADMIN, survivor, a["version"], other, b["version"], {})
    merges.undo(ADMIN, merge_id)
    # An erasure (its contacts go to the suppression list, keyed by the shop's key).
    leaving = _person("Leaving", email=ERASED_EMAIL, mobile="06 12 34 56 78")
    gdpr.erase(ADMIN, leaving, customers.get_customer(leaving)["version"])
    # A second shop with a sale of its own numbering.
    shop.add_shop(
        ADMIN,
        {
            "shop_code": "lyon",
            "shop_name": "Comptoir Lyon",
            "time_zone": "Europe/Paris",
            "receipt_prefix": "L",
        },
    )
    return {"anna": anna, "expired": expired["code"], "light": light}


@pytest.fixture(scope="module")
def rich_shop(tmp_path_factory):
    """The demo's year of business and every other kind of activity, built once."""
    path = tmp_path_factory.mktemp("rich") / "shop.duckdb"
    with pytest.MonkeyPatch.context() as patch, application(db.DuckDBFile(path)) as made_here:
        patch.setenv("COMPTOIR_DEMO_CUSTOMERS", "0")
        patch.delenv(suppression.KEY_ENV, raising=False)
        migrate.migrate(path)
        demo.generate(40, seed=8, path=path)
        demo_shop.create(create_demo_accounts(), seed=8)
        made = _activity()
        with context.active(made_here.for_shop("lyon")):
            till.record_sale(
                STAFF, None, [LineRequest(made["light"], "1")], [("cash", "24")], key()
            )
        db.close(path)
    return path, made


def _facts(path: Path, made: dict) -> dict[str, object]:
    """What the shop would check by hand after a restore."""
    with db.cursor(path) as cur:
        balances = cur.execute(
            "SELECT customer_id, balance FROM customer_accounts ORDER BY customer_id"
        ).fetchall()
        points = cur.execute(
            "SELECT customer_id, points FROM rewards_accounts ORDER BY customer_id"
        ).fetchall()
    return {
        "balances": balances,
        "points": points,
        "liability": vouchers.liability(MANAGER),
        "search": [r["id"] for r in customers.search_customers("rich", page_size=100).rows],
        "archived": customers.search_customers("twin", page_size=100, include_archived=True).total,
        "anna": accounts.overview(STAFF, made["anna"]).balance,
        "expired": vouchers.find(STAFF, made["expired"])["state"],
        "suppressed": gdpr.is_suppressed(ERASED_EMAIL, None),
        "token": token_customer(suppression.suppression_key(), TOKEN[0]) if TOKEN else None,
    }


TOKEN: list[str] = []


def _next_numbers() -> tuple[str, str]:
    sale_id = till.record_sale(STAFF, None, [LineRequest(1, "1")], [("cash", "100")], key())
    return receipts.sale_detail(STAFF, sale_id)["receipt_number"], receipts.issue_invoice(
        STAFF, sale_id
    )


def test_a_shop_that_did_everything_restores_equal(rich_shop, tmp_path, monkeypatch, use_database):
    source, made = rich_shop
    live = tmp_path / "live" / "shop.duckdb"
    live.parent.mkdir()
    shutil.copyfile(source, live)
    monkeypatch.delenv(suppression.KEY_ENV, raising=False)
    use_database(db.DuckDBFile(live))
    with db.cursor(live) as cur:
        empty = [t for t in ORDER if repo.fingerprint(cur, t)[0] == 0]
        kinds = {
            table: {r[0] for r in cur.execute(f"SELECT DISTINCT kind FROM {table}").fetchall()}
            for table in ("voucher_entries", "rewards_entries", "ledger_entries")
        }
        undone = cur.execute(
            "SELECT (SELECT count(*) FROM import_batches WHERE undone_at IS NOT NULL),"
            " (SELECT count(*) FROM customer_merges WHERE undone_at IS NOT NULL),"
            " (SELECT count(*) FROM customers WHERE erased_at IS NOT NULL),"
            " (SELECT count(*) FROM shops)"
        ).fetchall()[0]
    # The shop really did everything: each table holds rows, each ledger each kind.
    assert empty == []
    assert kinds["voucher_entries"] >= {"issued", "redeemed", "restored", "expiry", "cancelled"}
    assert kinds["rewards_entries"] >= {"earned", "redeemed", "clawed_back", "adjusted", "expired"}
    assert undone == (1, 1, 1, 2)
    TOKEN.append(unsubscribe_token(suppression.suppression_key(), made["anna"]))
    before = _facts(live, made)
    assert before["expired"] == "expired" and before["suppressed"] is True
    made_backup = backup.make_backup(ADMIN)
    fingerprints = {}
    with db.cursor(live) as cur:
        fingerprints = {t: repo.fingerprint(cur, t) for t in repo.tables(cur)}
    # Restored on another machine: another folder, no key file, no configured key.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    restored = backup.restore(made_backup.path, elsewhere / "shop.duckdb")
    with db.cursor(restored.path) as cur:
        assert repo.problems(cur) == dict.fromkeys(repo.LEDGER_CHECKS, 0)
        after_prints = {t: repo.fingerprint(cur, t) for t in repo.tables(cur)}
    changed = {t for t in fingerprints if fingerprints[t] != after_prints[t]}
    # The backup's own audit entry came after the dump; migrations are recorded afresh.
    assert changed == {"audit_log", "schema_migrations"}
    numbers_live = _next_numbers()
    use_database(db.DuckDBFile(restored.path))  # a new context: nothing kept from live
    after = _facts(restored.path, made)
    assert after == before
    assert after["token"] == made["anna"]
    assert _next_numbers() == numbers_live
    made_backup.discard()


def test_a_voucher_spent_before_the_backup_restores(rich_shop, tmp_path, monkeypatch):
    """The report: the voucher check added redemptions as if they were issues."""
    source, _ = rich_shop
    with db.cursor(source) as cur:
        spent = cur.execute(
            "SELECT count(*) FROM voucher_entries WHERE kind = 'redeemed'"
        ).fetchall()[0][0]
        assert spent > 0
        assert repo.problems(cur)["voucher_balances"] == 0
    db.close(source)
    target = tmp_path / "out.zip"
    backup.write_backup(source, target)
    db.close(source)
    assert backup.restore(target, tmp_path / "back.duckdb").rows > 0
