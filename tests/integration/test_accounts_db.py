"""Credit accounts on a real DuckDB file: ledger, allocations, limit under races, reports."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest
from pypdf import PdfReader

from comptoir.data import accounts as repo
from comptoir.data import db
from comptoir.logic.accounts import CreditLimitExceeded, OverpaymentNeedsConfirmation
from comptoir.logic.auth import PermissionDenied
from comptoir.logic.errors import Busy, ValidationFailed
from comptoir.services import accounts, audit, customers
from comptoir.services.accounts import EntryRequest
from tests.concurrency import at_once
from tests.conftest import ADMIN, MANAGER, STAFF

D = Decimal
NOW = datetime(2026, 11, 29, 10, 0)


def key() -> str:
    return uuid.uuid4().hex


def trade_type() -> int:
    return next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")


@pytest.fixture
def customer(database) -> int:
    customer_id = customers.create_customer(
        {
            "last_name": "Roux",
            "first_name": "Léa",
            "address1": "3 place de l'Église",
            "postcode": "69003",
            "city": "Lyon",
        },
        STAFF,
    )
    accounts.assign_account_type(
        MANAGER, customer_id, trade_type(), "500", now=datetime(2026, 1, 5, 9, 0)
    )
    return customer_id


def post(customer_id: int, kind: str, amount: str, **fields) -> int:
    actor = fields.pop("actor", MANAGER)
    return accounts.record_entry(
        actor, customer_id, EntryRequest(kind, amount, **fields), key(), now=fields.get("now", NOW)
    )


def consistent(customer_id: int) -> dict:
    state = accounts.check_consistency(customer_id)
    assert state["balance"] == state["ledger"]
    assert state["over_debits"] == 0 and state["over_credits"] == 0
    return state


def test_type_assignment_default_or_custom_limit_and_opened_date(database):
    customer_id = customers.create_customer({"last_name": "Petit"}, STAFF)
    accounts.assign_account_type(MANAGER, customer_id, trade_type(), now=datetime(2026, 3, 1))
    first = accounts.overview(STAFF, customer_id).account
    assert first["credit_limit"] == D("1000.00") and first["opened_on"] == date(2026, 3, 1)
    club = next(t["id"] for t in accounts.account_types() if t["name"] == "Club members")
    accounts.assign_account_type(MANAGER, customer_id, club, "750", now=datetime(2026, 6, 1))
    later = accounts.overview(STAFF, customer_id).account
    assert (later["account_type"], later["credit_limit"], later["opened_on"]) == (
        "Club members",
        D("750.00"),
        date(2026, 3, 1),
    )
    with pytest.raises(PermissionDenied):
        accounts.assign_account_type(STAFF, customer_id, club, "10000")
    entries = [e for e in audit.customer_history(STAFF, customer_id)[0] if e.action == "account"]
    assert {c.field for c in entries[0].changes} == {"account_type", "credit_limit"}
    assert {c.field for c in entries[1].changes} == {
        "account_type",
        "credit_limit",
        "account_opened",
    }


def test_account_types_are_unique_ignoring_case(database):
    new_id = accounts.save_account_type(ADMIN, None, "Schools", "300", "45")
    with pytest.raises(ValidationFailed) as info:
        accounts.save_account_type(ADMIN, None, "  schools ", "100", "30")
    assert info.value.errors[0].code == "account_type_taken"
    with pytest.raises(ValidationFailed) as info:
        accounts.save_account_type(ADMIN, new_id, "", "-1", "400")
    assert {e.field for e in info.value.errors} == {
        "account_type_name",
        "default_credit_limit",
        "payment_terms_days",
    }
    with pytest.raises(PermissionDenied):
        accounts.save_account_type(MANAGER, None, "Other", "1", "1")


def test_no_account_no_charge(database):
    customer_id = customers.create_customer({"last_name": "Cash"}, STAFF)
    with pytest.raises(ValidationFailed) as info:
        post(customer_id, "charge", "10")
    assert info.value.errors[0].code == "no_account"


def test_charge_over_the_limit_is_refused_with_figures(customer):
    post(customer, "charge", "450")
    with pytest.raises(CreditLimitExceeded) as info:
        post(customer, "charge", "60")
    assert (info.value.balance, info.value.limit, info.value.excess) == (
        D("450.00"),
        D("500.00"),
        D("10.00"),
    )
    assert accounts.overview(STAFF, customer).balance == D("450.00")
    consistent(customer)


def test_payment_oldest_first_or_ticked_and_overpayment_needs_confirmation(customer):
    first = post(customer, "charge", "100", on=date(2026, 9, 1))
    second = post(customer, "charge", "80", on=date(2026, 10, 1))
    third = post(customer, "charge", "50", on=date(2026, 11, 1))
    post(customer, "payment", "120", method="cash")
    owed = {r["id"]: r["owed"] for r in accounts.overview(STAFF, customer).receivables}
    assert owed == {first: D("0.00"), second: D("60.00"), third: D("50.00")}
    post(customer, "payment", "50", method="card", chosen=[third])
    owed = {r["id"]: r["owed"] for r in accounts.overview(STAFF, customer).receivables}
    assert owed[third] == D("0.00") and owed[second] == D("60.00")
    with pytest.raises(OverpaymentNeedsConfirmation) as info:
        post(customer, "payment", "100", method="cash")
    assert info.value.balance == D("60.00")
    post(customer, "payment", "100", method="cash", confirm_overpayment=True)
    view = accounts.overview(STAFF, customer)
    assert view.balance == D("-40.00") and view.unallocated_credit == D("40.00")
    # The credit is used by the next charge.
    fourth = post(customer, "charge", "70")
    owed = {r["id"]: r["owed"] for r in accounts.overview(STAFF, customer).receivables}
    assert owed[fourth] == D("30.00")
    consistent(customer)


def test_bad_input_is_named_and_stores_nothing(customer):
    with pytest.raises(ValidationFailed) as info:
        accounts.record_entry(
            STAFF,
            customer,
            EntryRequest("payment", "-3", on=date(2027, 1, 1), method="bitcoin"),
            key(),
        )
    assert {e.field for e in info.value.errors} == {"amount", "entry_date", "payment_method"}
    with pytest.raises(ValidationFailed) as info:
        post(customer, "adjustment", "10", reason=" ")
    assert [e.field for e in info.value.errors] == ["reason"]
    with pytest.raises(PermissionDenied):
        post(customer, "adjustment", "10", reason="typo", actor=STAFF)
    assert accounts.activity(STAFF, customer)[1] == 0


def test_a_failed_allocation_leaves_no_payment_behind(customer, monkeypatch):
    post(customer, "charge", "100")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(repo, "insert_allocations", broken)
        with pytest.raises(RuntimeError):
            post(customer, "payment", "40", method="cash")
    assert accounts.activity(STAFF, customer)[1] == 1
    assert accounts.overview(STAFF, customer).balance == D("100.00")
    actions = [e.action for e in audit.customer_history(STAFF, customer)[0]]
    assert "charge" in actions and "payment" not in actions
    consistent(customer)


def test_the_same_idempotency_key_never_pays_twice(customer):
    post(customer, "charge", "100")
    once = key()
    request = EntryRequest("payment", "30", method="cash")
    first = accounts.record_entry(STAFF, customer, request, once)
    again = accounts.record_entry(STAFF, customer, request, once)
    assert first == again and accounts.overview(STAFF, customer).balance == D("70.00")


def test_reversals_point_at_the_original_and_are_not_repeated(customer):
    charge = post(customer, "charge", "100")
    payment = post(customer, "payment", "30", method="cash")
    reversal = accounts.reverse_entry(MANAGER, customer, charge, "wrong customer", key())
    view = accounts.overview(STAFF, customer)
    assert view.balance == D("-30.00") and view.unallocated_credit == D("30.00")
    with db.cursor() as cur:
        assert repo.entry(cur, reversal)["reverses_id"] == charge
    with pytest.raises(ValidationFailed) as info:
        accounts.reverse_entry(MANAGER, customer, charge, "again", key())
    assert info.value.errors[0].code == "already_reversed"
    accounts.reverse_entry(MANAGER, customer, payment, "cheque bounced", key())
    assert accounts.overview(STAFF, customer).balance == D("0.00")
    with pytest.raises(PermissionDenied):
        accounts.reverse_entry(STAFF, customer, reversal, "x", key())
    consistent(customer)


def test_credit_note_refund_and_adjustments(customer):
    post(customer, "charge", "80")
    post(customer, "credit_note", "100", reason="returned wheel")
    assert accounts.overview(STAFF, customer).balance == D("-20.00")
    with pytest.raises(ValidationFailed) as info:
        post(customer, "refund", "25", reason="cash back")
    assert info.value.errors[0].code == "refund_over_credit"
    post(customer, "refund", "20", reason="cash back")
    post(customer, "adjustment", "5", reason="rounding", direction="increase")
    post(customer, "adjustment", "2", reason="goodwill", direction="decrease")
    assert accounts.overview(STAFF, customer).balance == D("3.00")
    consistent(customer)


def test_many_concurrent_charges_never_exceed_the_limit(customer, locks):
    threads, per_thread = 8, 200
    outcomes = at_once(
        threads,
        per_thread,
        lambda: accounts.record_entry(STAFF, customer, EntryRequest("charge", "1.00"), key()),
        # Busy only without the in-process lock: conflicts outlasting the retries.
        (CreditLimitExceeded, Busy),
    )
    assert outcomes.others == []
    assert len(outcomes.done) + len(outcomes.refused) == threads * per_thread  # all accounted
    # Never over the limit, every charge either stored or refused in words.
    assert len(outcomes.done) == 500
    assert len(outcomes.refused) == 1100
    assert consistent(customer)["balance"] == D("500.00")


def test_the_database_itself_refuses_two_writers_on_one_account(customer, database):
    # Without any lock in Python, two open transactions moving the same balance conflict.
    if database.startswith("postgresql://"):
        import psycopg

        from comptoir.data import postgres

        with psycopg.connect(database) as one, psycopg.connect(database) as two:
            for con in (one, two):
                con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            two.execute("SELECT 1")  # the second's snapshot is taken before the first commits
            repo.add_to_balance(postgres.Cursor(one.cursor()), customer, D("400"), NOW)
            one.commit()
            with pytest.raises(psycopg.errors.SerializationFailure):
                repo.add_to_balance(postgres.Cursor(two.cursor()), customer, D("400"), NOW)
        return
    first, second = db.connect().cursor(), db.connect().cursor()
    first.execute("BEGIN TRANSACTION")
    second.execute("BEGIN TRANSACTION")
    repo.add_to_balance(first, customer, D("400"), NOW)
    with pytest.raises(duckdb.TransactionException):
        repo.add_to_balance(second, customer, D("400"), NOW)
    second.execute("ROLLBACK")
    first.execute("ROLLBACK")


def test_activity_running_balance_filters_and_csv(customer):
    post(customer, "charge", "100", on=date(2026, 9, 1))
    post(customer, "payment", "40", method="card", on=date(2026, 10, 1))
    post(customer, "charge", "10", on=date(2026, 11, 1))
    rows, total = accounts.activity(STAFF, customer)
    assert total == 3
    assert [(r["kind"], r["amount"], r["balance"]) for r in rows] == [
        ("charge", D("10.00"), D("70.00")),
        ("payment", D("-40.00"), D("60.00")),
        ("charge", D("100.00"), D("100.00")),
    ]
    rows, total = accounts.activity(STAFF, customer, kinds=["payment"])
    assert total == 1 and rows[0]["balance"] == D("60.00")
    rows, total = accounts.activity(STAFF, customer, since=date(2026, 10, 15))
    assert total == 1
    text = accounts.activity_csv(STAFF, customer).decode("utf-8-sig")
    assert text.splitlines()[0] == "date,kind,reference,method,reason,staff,amount,balance"
    assert len(text.splitlines()) == 4


def test_statement_pdf(customer):
    post(customer, "charge", "100", on=date(2026, 8, 1), reference="R000001")
    post(customer, "charge", "60", on=date(2026, 10, 10), reference="R000002")
    post(customer, "payment", "30", method="card", on=date(2026, 10, 20))
    pdf = accounts.statement(STAFF, customer, date(2026, 10, 1), date(2026, 10, 31))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "Relevé de compte",
        "1 oct. 2026",
        "Léa Roux",
        "69003 LYON",
        "Solde d'ouverture",
        "100,00 €",
        "R000002",
        "Solde de clôture",
        "130,00 €",
        "61-90 jours",
        "70,00 €",
    ):
        assert expected in text, expected
    with pytest.raises(ValidationFailed):
        accounts.statement(STAFF, customer, date(2026, 10, 31), date(2026, 10, 1))


def test_aged_balances_report_and_filters(customer):
    other = customers.create_customer({"last_name": "Blanc"}, STAFF)
    accounts.assign_account_type(MANAGER, other, trade_type(), "100")
    post(customer, "charge", "200", on=date(2026, 7, 1))
    post(customer, "charge", "250", on=date(2026, 11, 20))
    post(other, "charge", "95", on=date(2026, 11, 25))
    day = date(2026, 11, 29)
    report = accounts.balances(MANAGER, day)
    assert report.count == 2 and [r["customer_id"] for r in report.rows] == [customer, other]
    by_id = {r["customer_id"]: r for r in report.rows}
    assert by_id[customer]["over_90"] == D("200.00") and by_id[customer]["current"] == D("250.00")
    assert by_id[customer]["overdue"] == D("200.00")
    assert by_id[other]["used"] == D("95.0")
    assert report.totals["balance"] == D("545.00") and report.totals["over_90"] == D("200.00")
    near = accounts.balances(MANAGER, day, only="near_limit")
    assert {r["customer_id"] for r in near.rows} == {customer, other}
    assert [r["customer_id"] for r in accounts.balances(MANAGER, day, only="overdue").rows] == [
        customer
    ]
    assert accounts.balances(MANAGER, day, only="over_limit").count == 0
    by_name = accounts.balances(MANAGER, day, sort="last_name", descending=False)
    assert [r["last_name"] for r in by_name.rows] == ["Blanc", "Roux"]
    second_page = accounts.balances(MANAGER, day, page=1, page_size=1)
    assert [r["customer_id"] for r in second_page.rows] == [other]
    assert second_page.totals["balance"] == D("545.00")
    with pytest.raises(PermissionDenied):
        accounts.balances(STAFF)


def test_statement_in_the_customers_language(customer):
    version = customers.get_customer(customer)["version"]
    customers.update_customer(customer, version, {"language": "en"}, STAFF)
    post(customer, "charge", "100", on=date(2026, 10, 2), reference="R000001")
    pdf = accounts.statement(STAFF, customer, date(2026, 10, 1), date(2026, 10, 31))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Account statement" in text
    assert "Relevé" not in text


def test_balances_are_kept_until_the_ledger_or_an_account_changes(customer, monkeypatch):
    day = date(2026, 11, 29)
    post(customer, "charge", "200", on=date(2026, 11, 1))
    queries = []
    original = accounts.repo.aged_balances_page
    monkeypatch.setattr(
        accounts.repo,
        "aged_balances_page",
        lambda *a, **k: queries.append(1) or original(*a, **k),
    )
    first = accounts.balances(MANAGER, day)
    assert accounts.balances(MANAGER, day) is first
    assert len(queries) == 1
    post(customer, "payment", "50", method="card", on=day)
    assert accounts.balances(MANAGER, day).totals["balance"] == D("150.00")
    accounts.assign_account_type(MANAGER, customer, trade_type(), "120")
    assert accounts.balances(MANAGER, day, only="over_limit").count == 1
    assert len(queries) == 3
