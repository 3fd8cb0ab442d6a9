"""The same services on PostgreSQL: migrations, settings, staff, customers, accounts."""

from __future__ import annotations

import pytest

from comptoir.data import db, migrate
from comptoir.services import accounts, auth, customers, receipts, returns, shop, till
from tests.conftest import ADMIN, MANAGER, STAFF

pytestmark = pytest.mark.postgres


def test_every_migration_applies_and_none_twice(pg_db):
    with db.cursor() as cur:
        rows = cur.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    versions = [r[0] for r in rows]
    assert versions == [v for v, _ in migrate.migration_files()]
    assert migrate.migrate() == []


def test_the_target_never_shows_the_password(pg_db, postgres_cluster):
    assert postgres_cluster.password in pg_db
    assert postgres_cluster.password not in db.target()
    assert db.target().startswith("postgresql://comptoir:***@127.0.0.1:")


def test_staff_settings_and_customers_on_postgres(pg_db):
    owner = auth.create_first_admin("owner", "Shop Owner", "a-long-password-1", "a-long-password-1")
    assert auth.sign_in("OWNER", "a-long-password-1").staff_id == owner.staff_id
    shop.save_settings({"shop_name": "Cycles Chaîne"}, [("A", "Public"), ("B", "Trade")], ADMIN)
    assert shop.current().values["shop_name"] == "Cycles Chaîne"
    customer_id = customers.create_customer(
        {"last_name": "Martin", "first_name": "Léa", "email": "lea@example.com"}, STAFF
    )
    stored = customers.get_customer(customer_id)
    assert stored["account_number"] == "C000001"
    customers.update_customer(customer_id, stored["version"], {"city": "Lyon"}, STAFF)
    assert customers.get_customer(customer_id)["city"] == "Lyon"
    assert customers.search_customers("mart lea").total == 1
    kind = accounts.account_types()[0]["id"]
    accounts.assign_account_type(MANAGER, customer_id, kind, "100")
    assert accounts.overview(STAFF, customer_id).account["credit_limit"] == 100


def _charge_from_one_process(url: str, customer_id: int, threads: int, attempts: int) -> tuple:
    """A separate app server: threads charging the account, in-process locks off."""
    import os
    import uuid as uuid_module

    os.environ[db.URL_ENV] = url
    os.environ["COMPTOIR_PROCESS_LOCKS"] = "0"
    from comptoir.logic.accounts import CreditLimitExceeded
    from comptoir.services.accounts import EntryRequest
    from tests.concurrency import at_once

    def charge() -> int:
        request = EntryRequest("charge", "7.00", reference="R-load")
        return accounts.record_entry(STAFF, customer_id, request, uuid_module.uuid4().hex)

    outcomes = at_once(threads, attempts, charge, (CreditLimitExceeded,))
    db.close()
    return len(outcomes.done), len(outcomes.refused), [repr(e) for e in outcomes.others]


def test_four_servers_charging_one_account_never_pass_its_limit(pg_db):
    import multiprocessing

    customer_id = customers.create_customer({"last_name": "Limite"}, STAFF)
    kind = accounts.account_types()[0]["id"]
    accounts.assign_account_type(MANAGER, customer_id, kind, "100")
    db.close()  # the workers start without this process's pool
    processes, threads, attempts = 4, 8, 2
    with multiprocessing.get_context("spawn").Pool(processes) as workers:
        results = workers.starmap(
            _charge_from_one_process,
            [(pg_db, customer_id, threads, attempts)] * processes,
        )
    done = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    assert [e for r in results for e in r[2]] == []
    assert done + refused == processes * threads * attempts
    assert done == 14  # 14 × 7.00 = 98.00 fits under 100.00; a 15th would not
    overview = accounts.overview(STAFF, customer_id)
    assert overview.account["balance"] == 98
    assert accounts.check_consistency(customer_id)["ledger"] == 98


def test_sales_invoices_returns_and_import_on_postgres(pg_db):
    from comptoir.services import products
    from comptoir.services.till import LineRequest
    from tests.sales_samples import make_sales_shop

    shop_ids = make_sales_shop(discount_percent="5")
    sale_id = till.record_sale(
        STAFF, shop_ids["pro"], [LineRequest(shop_ids["tube"], "2")], [("card", "7.92")], "k-1"
    )
    assert receipts.sale_detail(STAFF, sale_id)["receipt_number"] == "R000001"
    number, pdf = receipts.invoice_pdf_for(STAFF, sale_id)
    assert number.endswith("-000001") and pdf.startswith(b"%PDF")
    refund_id = returns.refund_sale(STAFF, sale_id, {1: "1"}, "card", "k-2")
    assert str(receipts.sale_detail(STAFF, refund_id)["total"]) == "-3.96"
    count = products.import_csv(MANAGER, b"sku;name;price;tax_rate\nPUMP-1;Pompe;29,90;20\n")
    assert count == 1
    assert products.active_by_sku("pump-1")["name"] == "Pompe"


def _invoices_from_one_process(url: str, sale_ids: list[int]) -> list[str]:
    """A separate app server issuing invoices from four threads, in-process locks off."""
    import os
    import threading

    os.environ[db.URL_ENV] = url
    os.environ["COMPTOIR_PROCESS_LOCKS"] = "0"

    numbers: list[str] = []
    guard = threading.Lock()

    def issue(share: list[int]) -> None:
        for sale_id in share:
            number = receipts.issue_invoice(STAFF, sale_id)
            with guard:
                numbers.append(number)

    threads = [threading.Thread(target=issue, args=(sale_ids[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.close()
    return numbers


def test_four_servers_issue_gap_free_invoice_numbers(pg_db):
    import multiprocessing

    from comptoir.services.till import LineRequest
    from tests.sales_samples import make_sales_shop

    shop_ids = make_sales_shop()
    sale_ids = [
        till.record_sale(STAFF, None, [LineRequest(shop_ids["light"], "1")], [("cash", "24")], k)
        for k in (f"s-{n}" for n in range(40))
    ]
    db.close()
    with multiprocessing.get_context("spawn").Pool(4) as workers:
        results = workers.starmap(
            _invoices_from_one_process, [(pg_db, sale_ids[i::4]) for i in range(4)]
        )
    numbers = sorted(n for found in results for n in found)
    year = numbers[0].split("-")[0]
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 41)]


def test_postgres_gets_its_indexes_and_money_foreign_keys(pg_db):
    with db.cursor() as cur:
        indexes = {r[0] for r in cur.execute("SELECT indexname FROM pg_indexes").fetchall()}
        keys = cur.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
        ).fetchall()
    assert {"ledger_customer_date", "allocations_debit", "sales_customer_date"} <= indexes
    assert {"customer_search_page", "audit_entity", "sales_shop_date"} <= indexes
    assert "customer_search_token" not in indexes  # covered by customer_search_page
    assert sorted(r[0] for r in keys) == [
        "allocations",
        "allocations",
        "customer_accounts",
        "invoices",
        "ledger_entries",
        "ledger_entries",  # and its shop
        "print_jobs",  # its shop
        "sale_lines",
        "sale_tenders",
        "sales",  # its shop
        "shop_settings",
    ]


def test_a_refused_connection_is_named_without_its_password(
    postgres_cluster, monkeypatch, use_database
):
    from comptoir.data import postgres
    from comptoir.logic.errors import DatabaseUnavailable

    wrong = postgres_cluster.url().replace(postgres_cluster.password, "not-the-password")
    monkeypatch.setattr(postgres, "CONNECT_TIMEOUT", 2.0)
    use_database(db.PostgresServer(wrong))
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            customers.search_customers("anyone")
    finally:
        db.close()
    assert info.value.reason == "unreachable"
    assert (
        info.value.path == f"postgresql://comptoir:***@127.0.0.1:{postgres_cluster.port}/comptoir"
    )
    assert "not-the-password" not in str(info.value)
    assert info.value.__cause__ is None  # psycopg's own message is not carried along


def test_a_shop_moves_from_its_duckdb_file_to_postgres(
    demo_db, postgres_cluster, monkeypatch, use_database
):
    from comptoir.data import copy_to_postgres
    from comptoir.demo_shop import create as create_business
    from comptoir.startup import create_demo_accounts

    owner = create_demo_accounts()
    create_business(owner)
    with db.cursor() as cur:
        before = {
            table: cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("customers", "customer_search", "ledger_entries", "sales", "audit_log")
        }
        balances = dict(
            cur.execute("SELECT customer_id, balance FROM customer_accounts").fetchall()
        )
        found = customers.search_customers("mart").total
    db.close(demo_db)
    url = postgres_cluster.new_database()
    use_database(db.PostgresServer(url))
    try:
        copied = copy_to_postgres.copy_file(demo_db, url)
        assert {table: copied[table] for table in before} == before
        with db.cursor() as cur:
            assert (
                dict(cur.execute("SELECT customer_id, balance FROM customer_accounts").fetchall())
                == balances
            )
        assert customers.search_customers("mart").total == found
        # Numbering goes on where the file stopped.
        new_id = customers.create_customer({"last_name": "Suivant"}, STAFF)
        assert customers.get_customer(new_id)["account_number"] == "C000301"
        assert auth.sign_in("admin", "demo-admin-2026").username == "admin"
        assert receipts.sale_detail(STAFF, 1)["receipt_number"].startswith("R")
        with pytest.raises(copy_to_postgres.NotEmpty):
            copy_to_postgres.copy_file(demo_db, url)
    finally:
        db.close()
