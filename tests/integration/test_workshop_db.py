"""The workshop on real databases: check-in, lines, deposit, collection at the till,
reminders scheduled and sent exactly once."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from comptoir.data import db
from comptoir.logic.errors import StaleRecord, ValidationFailed
from comptoir.logic.records import Edit
from comptoir.messaging.email import SendFailed, Sent
from comptoir.operations import clock, sender
from comptoir.services import (
    customers,
    messaging,
    printing,
    products,
    receipts,
    reminders,
    returns,
    workshop,
    workshop_board,
    workshop_items,
    workshop_lines,
)
from devkit.messaging_servers import smtp_server, write_secrets
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.holders import held_database

D = Decimal
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def bike_shop(database):
    chain = products.save_product(
        MANAGER,
        None,
        None,
        {"sku": "CHAIN-11", "name": "Chaîne 11v", "price": "40.00", "tax_rate": "20"},
    )
    anna = customers.create_customer(
        {
            "last_name": "Martin",
            "first_name": "Anna",
            "email": "anna@example.org",
            "contact_preference": "email",
            "discount_percent": "10",
        },
        STAFF,
    )
    paul = customers.create_customer({"last_name": "Petit", "first_name": "Paul"}, STAFF)
    return {"chain": chain, "anna": anna, "paul": paul}


def check_in(customer_id: int, serial: str = "WTU 123-456", now: datetime = NOW) -> int:
    return workshop.create_order(
        STAFF,
        customer_id,
        {
            "kind": "job",
            "reported": "Gears skip under load",
            "agreed": "Replace chain, index gears",
            "estimate_limit": "120",
            "promised_on": date(2026, 3, 12),
            "booked_on": date(2026, 3, 11),
            "booked_hours": "1,5",
        },
        key(),
        new_item={"name": "Trek Domane SL6", "make": "Trek", "serial": serial, "colour": "Red"},
        now=now,
    )


def count(table: str, where: str = "true") -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchall()[0][0]


def test_a_job_with_labour_and_parts_is_collected_as_one_sale_less_the_deposit(bike_shop):
    order_id = check_in(bike_shop["anna"])
    order = workshop.order_detail(STAFF, order_id)
    assert (order["number"], order["status"], order["item_name"]) == (
        "J000001",
        "open",
        "Trek Domane SL6",
    )
    workshop_lines.add_labour(STAFF, order_id, "1,5", "50", "Index gears", now=NOW)
    workshop_lines.add_part(STAFF, order_id, bike_shop["chain"], "1", now=NOW)
    deposit_sale = workshop_lines.take_deposit(STAFF, order_id, "30", "card", key(), now=NOW)
    deposit = receipts.sale_detail(STAFF, deposit_sale)
    assert (deposit["total"], deposit["receipt_number"]) == (D("30.00"), "R000001")
    assert deposit["lines"][0]["name"] == "Acompte J000001"
    # The price agreed stays: a later price change does not reach the order.
    products.save_product(
        MANAGER,
        bike_shop["chain"],
        1,
        {"sku": "CHAIN-11", "name": "Chaîne 11v", "price": "55.00", "tax_rate": "20"},
    )
    order = workshop.order_detail(STAFF, order_id)
    totals = workshop_lines.order_totals(order)
    # 1.5 h × 50 = 75.00 and 40.00, less the customer's 10 %: 67.50 + 36.00 = 103.50.
    assert (totals.total, totals.deposit, totals.due) == (D("103.50"), D("30.00"), D("73.50"))
    for status in ("in_progress", "ready"):
        workshop.move(STAFF, order_id, status, now=NOW)
    sale_id = workshop_lines.collect(STAFF, order_id, [("cash", "80")], key(), now=NOW)
    sale = receipts.sale_detail(STAFF, sale_id)
    assert sale["receipt_number"] == "R000002"  # gap-free after the deposit's R000001
    assert [(x["name"], x["gross"]) for x in sale["lines"]] == [
        ("Index gears", D("67.50")),
        ("Chaîne 11v", D("36.00")),
        ("Acompte J000001", D("-30.00")),
    ]
    assert (sale["total"], sale["change_given"]) == (D("73.50"), D("6.50"))
    # Purchase history counts the job's labour as one item and the deposit taken off as none.
    history = receipts.purchase_history(STAFF, bike_shop["anna"])[0]
    listed = {s["receipt_number"]: s["items"] for s in history}
    assert listed == {"R000001": D("1.000"), "R000002": D("2.000")}
    order = workshop.order_detail(STAFF, order_id)
    assert (order["status"], order["sale_id"]) == ("collected", sale_id)
    assert [e["status"] for e in order["events"]] == [
        "open",
        "open",
        "in_progress",
        "ready",
        "collected",
    ]
    # Collecting scheduled the Settings' reminders: 6 weeks and 12 months later.
    found = reminders.customer_reminders(STAFF, bike_shop["anna"])
    assert [(r["due_on"], r["template"], r["status"]) for r in found] == [
        (date(2026, 4, 21), "service_first_check", "scheduled"),
        (date(2027, 3, 10), "service_annual", "scheduled"),
    ]


def test_a_collection_is_refused_when_the_order_changed_after_it_was_read(bike_shop):
    order_id = check_in(bike_shop["anna"])
    workshop_lines.add_labour(STAFF, order_id, "1", now=NOW)
    original = workshop_lines._line_requests

    def add_a_line_meanwhile(order):
        requests = original(order)
        workshop_lines.add_part(STAFF, order_id, bike_shop["chain"], "1", now=NOW)
        return requests

    workshop_lines._line_requests = add_a_line_meanwhile  # type: ignore[assignment]
    try:
        with pytest.raises(StaleRecord):
            workshop_lines.collect(STAFF, order_id, [("card", "54")], key(), now=NOW)
    finally:
        workshop_lines._line_requests = original  # type: ignore[assignment]
    assert count("sales") == 0
    assert workshop.order_detail(STAFF, order_id)["status"] == "open"


def test_status_moves_follow_the_rules_and_a_quote_is_converted_first(bike_shop):
    quote = workshop.create_order(STAFF, bike_shop["paul"], {"kind": "quote"}, key(), now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        workshop.move(STAFF, quote, "in_progress", now=NOW)
    assert refused.value.errors[0].code == "move_refused"
    with pytest.raises(ValidationFailed) as refused:
        workshop_lines.take_deposit(STAFF, quote, "10", "cash", key(), now=NOW)
    assert refused.value.errors[0].code == "deposit_not_allowed"
    assert count("sales") == 0  # the deposit's sale rolled back with the refusal
    workshop.convert_quote(STAFF, quote, "special_order", now=NOW)
    assert workshop.advance(STAFF, quote, now=NOW) == "in_progress"
    assert workshop.advance(STAFF, quote, now=NOW) == "ready"
    assert workshop.advance(STAFF, quote, now=NOW) is None
    with pytest.raises(ValidationFailed) as refused:
        workshop.move(STAFF, quote, "collected", now=NOW)
    assert refused.value.errors[0].code == "move_refused"


def test_the_same_serial_on_two_customers_is_flagged_and_found(bike_shop):
    check_in(bike_shop["anna"], "WTU123456")
    workshop_items.add_item(STAFF, bike_shop["paul"], {"name": "Old Trek", "serial": "wtu-123 456"})
    anna_items = workshop_items.items(STAFF, bike_shop["anna"])
    assert [(i["serial_key"], i["serial_elsewhere"], i["jobs"]) for i in anna_items] == [
        ("WTU123456", True, 1)
    ]
    found = workshop_items.find_serial(STAFF, "WTU 123456")
    assert [f["customer_id"] for f in found] == [bike_shop["anna"], bike_shop["paul"]]
    board = workshop_board.board(STAFF, "wtu123456")
    assert [o["customer_id"] for o in board] == [bike_shop["anna"]]


def test_editing_an_item_keeps_the_old_serial_in_the_audit_trail(bike_shop):
    item_id = workshop_items.add_item(
        STAFF, bike_shop["paul"], {"name": "Bike", "serial": "AB1234"}
    )
    workshop_items.edit_item(STAFF, Edit(item_id, 1, {"name": "Gravel bike", "serial": "AB1235"}))
    with pytest.raises(StaleRecord):
        workshop_items.edit_item(STAFF, Edit(item_id, 1, {"name": "Late", "serial": "X"}))
    with db.cursor() as cur:
        cur.execute(
            "SELECT changes FROM audit_log WHERE screen = 'serviced_items' AND action = 'update'"
        )
        (changes,) = [json.loads(row[0]) for row in cur.fetchall()]
    assert sorted((c["field"], c["before"], c["after"]) for c in changes) == [
        ("item.name", "Bike", "Gravel bike"),
        ("item.serial", "AB1234", "AB1235"),
    ]


def test_bad_input_names_the_field_and_stores_nothing(bike_shop):
    with pytest.raises(ValidationFailed) as refused:
        workshop.create_order(
            STAFF,
            bike_shop["anna"],
            {"kind": "job", "booked_hours": "30", "promised_on": date(2020, 1, 1)},
            key(),
            new_item={"name": "", "serial": "x\x1by"},
            now=NOW,
        )
    assert sorted(refused.value.fields()) == ["booked_hours", "name", "promised_on", "serial"]
    assert count("orders") == count("serviced_items") == 0


def test_diary_sums_booked_hours_against_capacity(bike_shop):
    check_in(bike_shop["anna"])
    check_in(bike_shop["paul"], "X2")
    load = workshop_board.diary(date(2026, 3, 10), 3)
    assert [(d.day, d.booked, d.capacity, d.over) for d in load] == [
        (date(2026, 3, 10), D("0"), D("16.00"), False),
        (date(2026, 3, 11), D("3.00"), D("16.00"), False),
        (date(2026, 3, 12), D("0"), D("16.00"), False),
    ]


class Sink:
    """A provider that counts what it was handed (thread safe)."""

    def __init__(self, fail: bool = False):
        self.sent: list[int] = []
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, message):
        if self.fail:
            raise SendFailed("connection_refused")
        with self.lock:
            self.sent.append(message["id"])
        return Sent(f"id-{message['id']}")


def test_two_senders_at_once_deliver_each_due_reminder_exactly_once(
    bike_shop, tmp_path, monkeypatch
):
    for _ in range(12):
        reminders.schedule(STAFF, bike_shop["anna"], date(2026, 3, 10), now=NOW)
    reminders.schedule(STAFF, bike_shop["paul"], date(2026, 3, 10), now=NOW)  # no channel
    reminders.schedule(STAFF, bike_shop["anna"], date(2026, 3, 20), now=NOW)  # not due
    barrier = threading.Barrier(2)
    outcomes = []

    def sender():
        barrier.wait()
        outcomes.append(reminders.send_due(now=NOW))

    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Each send returns once the server accepted the mail: after both senders end,
        # everything sent has arrived.
        received = list(mailbox.received)
    assert len(received) == 12
    assert {tuple(recipients) for _, recipients, _ in received} == {("anna@example.org",)}
    (subject,) = {mail["Subject"] for _, _, mail in received}
    assert subject == "C'est l'heure de la révision"  # the customer's (French) template
    assert sum(o.get("sent", 0) for o in outcomes) == 12
    assert count("service_reminders", "status = 'queued'") == 12
    assert count("service_reminders", "status = 'phone'") == 1
    assert count("service_reminders", "status = 'scheduled'") == 1
    assert count("messages", "status = 'sent'") == 12
    assert [r["last_name"] for r in reminders.phone_list(STAFF)] == ["Petit"]


def test_a_failed_reminder_is_kept_with_its_reason_and_retried(bike_shop):
    reminders.schedule(STAFF, bike_shop["anna"], date(2026, 3, 10), now=NOW)
    assert reminders.send_due(now=NOW, provider=Sink(fail=True)) == {"failed": 1, "phone": 0}
    (found,) = reminders.customer_reminders(STAFF, bike_shop["anna"])
    assert (found["message_status"], found["message_error"]) == ("failed", "connection_refused")
    sink = Sink()
    later = NOW + timedelta(minutes=2)
    assert sender.deliver_due(now=later, provider=sink) == {"sent": 1}
    (found,) = reminders.customer_reminders(STAFF, bike_shop["anna"])
    assert found["message_status"] == "sent"


def test_reminders_edit_by_id_and_version_and_cancel(bike_shop):
    first = reminders.schedule(STAFF, bike_shop["anna"], date(2026, 4, 1), "Check", now=NOW)
    second = reminders.schedule(STAFF, bike_shop["anna"], date(2026, 5, 1), now=NOW)
    reminders.save_edits(STAFF, {first: (1, {"body": "Brake check", "channel": "sms"})}, now=NOW)
    with pytest.raises(StaleRecord):
        reminders.save_edits(STAFF, {first: (1, {"body": "Late"})}, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        reminders.save_edits(STAFF, {second: (1, {"due_on": date(2026, 1, 1)})}, now=NOW)
    assert refused.value.fields() == {"due_on"}
    # Ticked as shown (first at version 1): it changed since, so neither is cancelled.
    with pytest.raises(StaleRecord):
        reminders.cancel(STAFF, [first, second], now=NOW, versions={first: 1, second: 1})
    assert {r["status"] for r in reminders.customer_reminders(STAFF, bike_shop["anna"])} == {
        "scheduled"
    }
    shown = {first: 2, second: 1}
    assert reminders.cancel(STAFF, [first, second], now=NOW, versions=shown) == [first, second]
    assert reminders.cancel(STAFF, [first], now=NOW) == []
    rows = reminders.customer_reminders(STAFF, bike_shop["anna"])
    assert [(r["body"], r["channel"], r["status"]) for r in rows] == [
        ("Brake check", "sms", "cancelled"),
        ("", "auto", "cancelled"),
    ]


def test_job_ticket_prints_on_a_network_printer_with_its_barcode_and_reads_back_as_pdf(
    bike_shop,
):
    from tests.integration.test_printing_devices import listening

    order_id = check_in(bike_shop["anna"])
    with listening() as printer:
        printing.save_printer(
            ADMIN,
            "receipts",
            {"kind": "network", "host": "127.0.0.1", "port": printer.port, "columns": 42},
        )
        outcome = workshop_board.print_ticket(STAFF, order_id)
        printer.done.wait(5)
    assert outcome.printed
    data = bytes(printer.received)
    # CODE39 of the job number, twice: the customer's copy and the bike's tag.
    assert data.count(b"\x1dkE\x07J000001") == 2
    assert b"Trek Domane SL6" in data and b"WTU 123-456" in data
    name, pdf = workshop_board.ticket_pdf(STAFF, order_id)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert name == "ticket-J000001.pdf"
    for expected in ("FICHE ATELIER", "J000001", "Gears skip under load", "Signature du client"):
        assert expected in text
    (job,) = printing.print_history(f"customer:{bike_shop['anna']}")
    assert (job["document"], job["outcome"]) == ("job_ticket", "printed")


def run_command(path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPTOIR_DB": str(path)}
    env.pop("COMPTOIR_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "comptoir.services.reminders"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_sends_due_reminders_and_refuses_while_the_file_is_held(db_path):
    customer = customers.create_customer({"last_name": "Martin"}, STAFF)  # no channel
    reminders.schedule(STAFF, customer, clock.local_day(), "Service due")
    db.close(db_path)
    with held_database(db_path):
        refused = run_command(db_path)
    assert refused.returncode == 2
    assert "Refused: the app holds the database file" in refused.stderr
    done = run_command(db_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Service reminders: phone: 1"
    (found,) = reminders.customer_reminders(STAFF, customer)
    assert (found["status"], found["reason"]) == ("phone", "no_channel")


def test_cancelling_gives_the_deposit_back_through_the_till_and_only_so(bike_shop):
    order_id = check_in(bike_shop["anna"])
    deposit_sale = workshop_lines.take_deposit(STAFF, order_id, "40", "cash", key(), now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        returns.refund_sale(STAFF, deposit_sale, {1: "1"}, "cash", key(), now=NOW)
    assert refused.value.errors[0].code == "deposit_refund_from_order"
    with pytest.raises(ValidationFailed) as refused:
        workshop.move(STAFF, order_id, "cancelled", now=NOW)
    assert refused.value.errors[0].code == "deposit_held"
    with pytest.raises(ValidationFailed) as refused:
        workshop.cancel(STAFF, order_id, "IOU", key(), "", NOW)
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (
        "tenders",
        "not_in_list",
    )
    assert workshop.order_detail(STAFF, order_id)["status"] == "open"
    assert count("sales", "refund_of IS NOT NULL") == 0
    cancel_key = key()
    (refund_id,) = workshop.cancel(
        STAFF, order_id, "card", cancel_key, "Customer changed mind", NOW
    )
    refund = receipts.sale_detail(STAFF, refund_id)
    assert (refund["total"], refund["refund_of"]) == (D("-40.00"), deposit_sale)
    assert [(t["method"], t["amount"]) for t in refund["tenders"]] == [("card", D("-40.00"))]
    order = workshop.order_detail(STAFF, order_id)
    assert (order["status"], order["deposit"]) == ("cancelled", D("0.00"))
    assert order["deposits"][0]["returned_at"] is not None
    # A double click gives nothing back twice.
    assert workshop.cancel(STAFF, order_id, "card", cancel_key, "", NOW) == []
    assert count("sales", "refund_of IS NOT NULL") == 1


def test_ready_tells_the_customer_by_their_preference_or_leaves_a_note(
    bike_shop, tmp_path, monkeypatch
):
    order_id = check_in(bike_shop["anna"])
    workshop.move(STAFF, order_id, "ready", now=NOW)
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        outcome, message_id = workshop_board.notify_ready(STAFF, order_id, "ready-1")
        assert workshop_board.notify_ready(STAFF, order_id, "ready-1") == (outcome, message_id)
        received = list(mailbox.received)
    assert outcome == "sent" and len(received) == 1
    (_, recipients, mail) = received[0]
    assert recipients == ["anna@example.org"]
    assert mail["Subject"] == "Votre vélo est prêt"
    (message,) = messaging.order_messages(STAFF, order_id)
    assert (message["channel"], message["status"]) == ("email", "sent")
    # Paul has no e-mail or mobile: a note on the order asks staff to phone.
    paul_job = check_in(bike_shop["paul"], "X1")
    assert workshop_board.notify_ready(STAFF, paul_job, "ready-2")[0] == "note"
    (note,) = messaging.order_messages(STAFF, paul_job)
    assert note["body"].startswith("J000002: prêt à retirer")


def test_a_batch_of_reminders_shares_one_smtp_connection_and_survives_a_refusal(
    bike_shop, tmp_path, monkeypatch
):
    bruno = customers.create_customer(
        {"last_name": "Refus", "email": "bounce@example.org", "contact_preference": "email"},
        STAFF,
    )
    for customer_id in (bike_shop["anna"], bruno, bike_shop["anna"], bike_shop["anna"]):
        reminders.schedule(STAFF, customer_id, date(2026, 3, 10), now=NOW)
    with smtp_server() as (mailbox, port):
        mailbox.refuse, mailbox.refuse_only = "550 no such user", "bounce@example.org"
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        outcome = reminders.send_due(now=NOW)
        peers = list(mailbox.peers)
    assert outcome == {"sent": 3, "failed": 1, "phone": 0}
    # The first mail goes on one connection; the refusal closes it; the last two
    # share the new one.
    assert len(peers) == 3 and len(set(peers)) == 2
    (failed,) = reminders.customer_reminders(STAFF, bruno)
    assert failed["message_error"].startswith("SMTP 550")


def test_an_order_is_edited_by_version_and_a_line_removed_is_audited(bike_shop):
    order_id = check_in(bike_shop["anna"])
    workshop_lines.add_labour(STAFF, order_id, "1", "50", "Bleed brakes", now=NOW)
    workshop_lines.add_part(STAFF, order_id, bike_shop["chain"], "1", now=NOW)
    version = workshop.order_detail(STAFF, order_id)["version"]
    workshop.update_order(
        STAFF, Edit(order_id, version, {"mechanic": "Léa", "booked_hours": "2"}), now=NOW
    )
    with pytest.raises(StaleRecord):
        workshop.update_order(STAFF, Edit(order_id, version, {"mechanic": "Marc"}), now=NOW)
    workshop_lines.remove_line(STAFF, order_id, 1, now=NOW)
    order = workshop.order_detail(STAFF, order_id)
    assert (order["mechanic"], order["booked_hours"]) == ("Léa", D("2.00"))
    assert [line["description"] for line in order["lines"]] == ["Chaîne 11v"]
    assert workshop_lines.order_totals(order).total == D("36.00")  # 40.00 less 10 %
    with db.cursor() as cur:
        cur.execute("SELECT changes FROM audit_log WHERE screen = 'orders' ORDER BY id")
        fields = [c["field"] for row in cur.fetchall() for c in json.loads(row[0])]
    assert "order.mechanic" in fields and "order.line1" in fields
    workshop.move(STAFF, order_id, "cancelled", now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        workshop.update_order(
            STAFF,
            Edit(order_id, workshop.order_detail(STAFF, order_id)["version"], {"agreed": "x"}),
        )
    assert refused.value.errors[0].code == "order_closed"
