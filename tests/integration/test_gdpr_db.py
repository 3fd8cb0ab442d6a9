"""GDPR on both engines: the subject-access file holds every kind of data and reads back;
erasure is refused while something is owed or open, then anonymises while sales, invoices
and ledger amounts remain; an erased contact is never sent marketing again."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from pypdf import PdfReader

from comptoir.i18n.catalog import field_label
from comptoir.logic.auth import PermissionDenied
from comptoir.logic.errors import ValidationFailed
from comptoir.operations import sender, suppression
from comptoir.services import (
    accounts,
    customers,
    delivery,
    gdpr,
    messaging,
    receipts,
    till,
    workshop,
)
from comptoir.services.accounts import EntryRequest
from comptoir.services.printing import shop_header
from comptoir.services.till import LineRequest
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.sales_samples import make_sales_shop

HOSTILE = "<b>Zoé</b> & =cmd"


def _key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def zoe(database, tmp_path, monkeypatch):
    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    shop = make_sales_shop()
    customer = customers.create_customer(
        {
            "last_name": "Martin",
            "first_name": HOSTILE,
            "email": "zoe@example.org",
            "mobile": "06 12 34 56 78",
            "address1": "3 rue Royale",
            "city": "Annecy",
            "postcode": "74000",
            "country_code": "FR",
            "marketing_opt_in": True,
            "sms_opt_in": True,
            "tags": "club",
        },
        STAFF,
    )
    sale = till.record_sale(
        STAFF, customer, [LineRequest(shop["light"], "1")], [("card", "24.00")], _key()
    )
    receipts.issue_invoice(STAFF, sale)
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, customer, trade, "500")
    accounts.record_entry(STAFF, customer, EntryRequest("charge", "30"), _key())
    messaging.add_note(STAFF, customer, "Prefers mornings; home phone 04 50 00 00 00", _key())
    delivery.add(
        STAFF,
        customer,
        {
            "name": "Zoé",
            "address1": "8 quai Perrière",
            "city": "Annecy",
            "postcode": "74000",
            "country_code": "FR",
        },
    )
    return {"id": customer, "sale": sale, "shop": shop}


def test_the_subject_access_file_holds_everything_and_reads_back(zoe):
    made = gdpr.subject_access(MANAGER, zoe["id"])
    archive = zipfile.ZipFile(made.path)
    [json_name] = [n for n in archive.namelist() if n.endswith(".json")]
    [pdf_name] = [n for n in archive.namelist() if n.endswith(".pdf")]
    held = json.loads(archive.read(json_name))["sections"]
    assert held["card"][0]["first_name"] == HOSTILE
    assert [s["id"] for s in held["sales_and_returns"]] == [zoe["sale"]]
    assert len(held["invoices"]) == 1 and len(held["sale_lines"]) == 1
    assert [e["kind"] for e in held["account_ledger"]] == ["charge"]
    assert held["messages_and_notes"][0]["body"].startswith("Prefers mornings")
    assert held["delivery_addresses"][0]["address1"] == "8 quai Perrière"
    assert held["consent_history"][0]["marketing_opt_in"] is True
    assert {a["action"] for a in held["audit_trail"]} >= {"create"}
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(pdf_name))).pages)
    assert HOSTILE in text and "8 quai Perrière" in text
    # Fields are named as the screens name them, in the file's language.
    language = shop_header(customers.get_customer(zoe["id"])).language
    assert field_label("first_name", language) in text and "first_name" not in text
    assert field_label("first_name", language) != "first_name"
    assert customers.get_customer(zoe["id"])["version"] >= 1
    made.discard()


def test_subject_access_is_for_managers_and_erasure_for_administrators(zoe):
    with pytest.raises(PermissionDenied):
        gdpr.subject_access(STAFF, zoe["id"])
    with pytest.raises(PermissionDenied):
        gdpr.erase(MANAGER, zoe["id"], 1)


def test_erasure_is_refused_with_each_reason_then_anonymises(zoe):
    card = customers.get_customer(zoe["id"])
    with pytest.raises(ValidationFailed) as refused:
        gdpr.erase(ADMIN, zoe["id"], card["version"])
    assert [(e.code, e.params) for e in refused.value.errors] == [
        ("erase_balance", {"balance": "30.00"})
    ]
    item_order = workshop.create_order(
        STAFF, zoe["id"], {"kind": "job", "reported": "Brakes"}, _key(), {"name": "Bike"}
    )
    accounts.record_entry(STAFF, zoe["id"], EntryRequest("payment", "30", method="cash"), _key())
    with pytest.raises(ValidationFailed) as still:
        gdpr.erase(ADMIN, zoe["id"], card["version"])
    assert [e.code for e in still.value.errors] == ["erase_orders"]
    workshop.cancel(STAFF, item_order, None, _key())

    gdpr.erase(ADMIN, zoe["id"], customers.get_customer(zoe["id"])["version"])
    erased = customers.get_customer(zoe["id"])
    assert (erased["last_name"], erased["first_name"], erased["email"], erased["mobile"]) == (
        "Data removed",
        None,
        None,
        None,
    )
    assert erased["archived"] and erased["erased_at"] is not None
    assert not erased["marketing_opt_in"] and not erased["sms_opt_in"]
    assert erased["tags"] is None and erased["sms_opt_in_at"] is None
    # The financial records remain.
    history, total = receipts.purchase_history(STAFF, zoe["id"])
    assert total == 1 and history[0]["invoice_number"]
    assert accounts.overview(STAFF, zoe["id"]).balance == 0
    ledger, _ = accounts.activity(STAFF, zoe["id"])
    assert [str(e["amount"]) for e in ledger] == ["-30.00", "30.00"]
    # The personal data does not.
    assert customers.search_customers("martin", include_archived=True).total == 0
    [address] = delivery.addresses(STAFF, zoe["id"])
    assert (address["address1"], address["name"]) == ("Data removed", "Data removed")
    held = gdpr.subject_access(MANAGER, zoe["id"])
    sections = json.loads(
        zipfile.ZipFile(held.path).read(
            next(n for n in zipfile.ZipFile(held.path).namelist() if n.endswith(".json"))
        )
    )["sections"]
    assert "Prefers mornings" not in json.dumps(sections["messages_and_notes"])
    assert "zoe@example.org" not in json.dumps(sections["card"])
    with pytest.raises(ValidationFailed) as again:
        gdpr.erase(ADMIN, zoe["id"], erased["version"])
    assert [e.code for e in again.value.errors] == ["already_erased"]


def test_an_erased_contact_is_flagged_and_never_sent_marketing(zoe):
    accounts.record_entry(STAFF, zoe["id"], EntryRequest("payment", "30", method="cash"), _key())
    gdpr.erase(ADMIN, zoe["id"], customers.get_customer(zoe["id"])["version"])
    again = customers.create_customer(
        {"last_name": "Martin", "email": "ZOE@example.org", "marketing_opt_in": True}, STAFF
    )
    other = customers.create_customer(
        {"last_name": "Other", "email": "other@example.org", "marketing_opt_in": True}, STAFF
    )
    assert gdpr.is_suppressed("zoe@example.org", None)
    assert gdpr.is_suppressed(None, "+33612345678")
    assert not gdpr.is_suppressed("other@example.org", None)
    plan = messaging.bulk_plan(MANAGER, [again, other], "marketing", "email")
    assert ([i for i, _ in plan.recipients], plan.excluded) == ([other], {"suppressed": 1})
    service = messaging.bulk_plan(MANAGER, [again], "service", "email")
    assert [i for i, _ in service.recipients] == [again]


# Everything that would name the person, in every form it is stored.
TRACES = (
    "Zélie",
    "Vautrin",
    "zelie@example.org",
    "zelie.old@example.org",
    "33699887766",
    "12 impasse des Lilas",
    "Chamonix",
    "Allergic to latex",
)


def _everywhere(text: str) -> list[str]:
    """Every table (and column) of the database whose text holds text (case ignored)."""
    from comptoir.data import db
    from comptoir.data.copy_to_postgres import ORDER

    found = []
    with db.cursor() as cur:
        for table in ORDER:
            columns = [
                r[0]
                for r in cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                    " AND data_type IN ('VARCHAR', 'character varying', 'text')",
                    [table],
                ).fetchall()
            ]
            for column in columns:
                hits = cur.execute(
                    f"SELECT count(*) FROM {table} WHERE lower({column}) LIKE ?",
                    [f"%{text.lower()}%"],
                ).fetchall()[0][0]
                if hits:
                    found.append(f"{table}.{column}")
    return found


def _person(**fields) -> int:
    return customers.create_customer(
        {"last_name": "Vautrin", "first_name": "Zélie", "marketing_opt_in": True, **fields}, STAFF
    )


def test_after_erasure_the_person_is_found_nowhere(database, monkeypatch):
    from comptoir.services import audit, merges

    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    zelie = _person(
        email="zelie@example.org",
        mobile="06 99 88 77 66",
        address1="12 impasse des Lilas",
        city="Chamonix",
        postcode="74400",
        country_code="FR",
    )
    card = customers.get_customer(zelie)
    customers.update_customer(zelie, card["version"], {"notes": "Allergic to latex"}, STAFF)
    old = _person(email="zelie.old@example.org", mobile="06 99 88 77 66")
    a, b = customers.get_customer(zelie), customers.get_customer(old)
    merges.merge(ADMIN, zelie, a["version"], old, b["version"], {"email": "other"})
    assert customers.get_customer(zelie)["email"] == "zelie.old@example.org"
    assert audit.search_audit(ADMIN, text="Lilas")[1] > 0  # the trail held the values

    gdpr.erase(ADMIN, zelie, customers.get_customer(zelie)["version"])

    assert {trace: _everywhere(trace) for trace in TRACES} == {trace: [] for trace in TRACES}
    for term in ("zelie", "vautrin", "chamonix"):
        assert customers.search_customers(term, include_archived=True).total == 0
        assert audit.search_audit(ADMIN, text=term)[1] == 0
    merged_away = customers.get_customer(old)
    assert merged_away["erased_at"] is not None and merged_away["email"] is None
    for email in ("zelie@example.org", "zelie.old@example.org"):
        assert gdpr.is_suppressed(email, None)
    # The facts stay: which fields changed, when, by whom.
    entries, _ = audit.search_audit(ADMIN, entity="customer", page_size=200)
    mine = [e for e in entries if e.entity_id == str(zelie) and e.action == "update"]
    notes = [c for e in mine for c in e.changes if c.field == "notes"]
    assert [(c.before, c.after) for c in notes][-1] == (None, "Data removed")


def test_an_erased_customer_cannot_be_charged_sold_to_on_account_or_messaged(database, monkeypatch):
    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    shop = make_sales_shop()
    gone = _person(email="gone@example.org", mobile="06 11 11 11 11")
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, gone, trade, "500")
    gdpr.erase(ADMIN, gone, customers.get_customer(gone)["version"])
    with pytest.raises(ValidationFailed) as charged:
        accounts.record_entry(STAFF, gone, EntryRequest("charge", "10"), _key())
    assert [(e.field, e.code) for e in charged.value.errors] == [("customer", "customer_erased")]
    with pytest.raises(ValidationFailed) as sold:
        till.record_sale(
            STAFF, gone, [LineRequest(shop["light"], "1")], [("account", "24.00")], _key()
        )
    assert [e.code for e in sold.value.errors] == ["customer_archived"]
    for channel in ("email", "sms"):
        with pytest.raises(ValidationFailed) as sent:
            messaging.send_message(STAFF, gone, channel, "Hello", _key(), subject="Hi")
        assert [e.code for e in sent.value.errors] == ["customer_erased"]


def test_a_returning_contact_gets_no_marketing_by_any_path(database, monkeypatch):
    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    gone = _person(email="back@example.org")
    gdpr.erase(ADMIN, gone, customers.get_customer(gone)["version"])
    back = _person(email="back@example.org")
    with pytest.raises(ValidationFailed) as refused:
        messaging.send_message(
            MANAGER, back, "email", "Spring sale", _key(), subject="Sale", kind="marketing"
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("marketing_opt_in", "suppressed")]
    # A receipt or a "bike ready" still reaches them: they came back and gave it.
    assert messaging.send_message(STAFF, back, "email", "Ready", _key(), subject="Ready") > 0


def _subject_file(customer_id: int) -> tuple[str, bytes]:
    made = gdpr.subject_access(MANAGER, customer_id)
    archive = zipfile.ZipFile(made.path)
    text = archive.read(next(n for n in archive.namelist() if n.endswith(".json"))).decode()
    pdf = archive.read(next(n for n in archive.namelist() if n.endswith(".pdf")))
    return text, pdf


def test_a_subject_access_file_holds_the_subjects_data_only(database):
    from comptoir.services import merges

    anna = customers.create_customer({"last_name": "Annette", "first_name": "Anna"}, STAFF)
    bea = customers.create_customer(
        {
            "last_name": "Annette",
            "first_name": "Béa",
            "mobile": "06 55 44 33 22",
            "notes": "Bea's private note",
        },
        STAFF,
    )
    a, b = customers.get_customer(anna), customers.get_customer(bea)
    merge_id = merges.merge(
        ADMIN, anna, a["version"], bea, b["version"], {"mobile": "other", "notes": "other"}
    )
    merges.undo(ADMIN, merge_id)
    text, _ = _subject_file(anna)
    assert "Bea's private note" not in text and "655443322" not in text
    assert "autre client" in text  # the shop's language: French
    text_b, _ = _subject_file(bea)
    assert "Bea's private note" in text_b


def test_a_subject_access_file_is_made_for_the_longest_note(database):
    # A staff note on the Messages tab may hold 20,000 characters; one cell cannot.
    long_note = ("Lorem ipsum dolor sit amet. " * 700)[:19_000] + " END-OF-NOTE"
    who = customers.create_customer({"last_name": "Long"}, STAFF)
    messaging.add_note(STAFF, who, long_note, _key())
    _, pdf = _subject_file(who)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert "END-OF-NOTE" in "".join(page.extract_text() for page in reader.pages)


def test_a_marketing_message_queued_before_an_erasure_is_held_back_when_sent(database, monkeypatch):
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    shared = "family@example.org"
    parent, child = _person(email=shared), _person(email=shared)
    # Not configured: the message waits in the outbox for its next try.
    message_id = messaging.send_message(
        MANAGER, child, "email", "Spring sale", _key(), subject="Sale", kind="marketing"
    )
    gdpr.erase(ADMIN, parent, customers.get_customer(parent)["version"])
    sent: list[int] = []
    later = datetime.now(UTC) + timedelta(hours=2)
    outcome = sender.deliver_many(
        [message_id], now=later, provider=lambda m: sent.append(m["id"]) or sender.Sent("x")
    )
    assert outcome == {} and sent == []
    status = messaging.status_of(message_id)
    assert (status["status"], status["error"]) == ("failed", "suppressed")
