"""Messages through real edges: an SMTP server on loopback, the twilio client against a
local fake of its API; the outbox in the database on both engines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.data import db
from comptoir.logic.errors import ValidationFailed
from comptoir.operations import sender
from comptoir.services import accounts, customers, messaging, replies, templates
from devkit.messaging_servers import smtp_server, twilio_server, write_secrets
from tests.conftest import MANAGER, STAFF, child_environment

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def edges(database, tmp_path, monkeypatch):
    with smtp_server() as (mailbox, smtp_port), twilio_server() as (fake, twilio_port):
        secrets = write_secrets(tmp_path / "secrets.toml", smtp_port, twilio_port)
        monkeypatch.setenv("COMPTOIR_SECRETS", str(secrets))
        yield mailbox, fake


@pytest.fixture
def lea(database) -> int:
    return customers.create_customer(
        {
            "last_name": "Roux",
            "first_name": "Léa",
            "email": "lea.roux@exemple.fr",
            "mobile": "06 12 34 56 78",
        },
        STAFF,
    )


def stored(message_id: int) -> dict:
    with db.cursor() as cur:
        return cur.execute(
            "SELECT status, attempts, provider_id, error, next_attempt_at FROM messages"
            " WHERE id = ?",
            [message_id],
        ).fetchall()[0]


def test_an_email_with_a_pdf_arrives_with_both_bodies(edges, lea):
    mailbox, _ = edges
    pdf = b"%PDF-1.4 receipt bytes"
    message_id = messaging.send_message(
        STAFF,
        lea,
        "email",
        "Bonjour Léa,\n\nvotre vélo est prêt.\n<b>pas du HTML</b>",
        key(),
        subject="Votre vélo est prêt",
        attachment=("receipt-R000001.pdf", pdf),
        now=NOW,
    )
    sender, recipients, mail = mailbox.wait_for(1)[0]
    assert (sender, recipients) == ("atelier@comptoir.example", ["lea.roux@exemple.fr"])
    assert mail["Subject"] == "Votre vélo est prêt"
    parts = {p.get_content_type(): p for p in mail.walk() if not p.is_multipart()}
    # Lines end in CRLF on the wire.
    assert parts["text/plain"].get_content().replace("\r\n", "\n") == (
        "Bonjour Léa,\n\nvotre vélo est prêt.\n<b>pas du HTML</b>\n"
    )
    assert "&lt;b&gt;pas du HTML&lt;/b&gt;" in parts["text/html"].get_payload(decode=True).decode()
    assert parts["application/pdf"].get_payload(decode=True) == pdf
    assert parts["application/pdf"].get_filename() == "receipt-R000001.pdf"
    status, attempts, provider_id, error, _ = stored(message_id)
    assert (status, attempts, error) == ("sent", 1, None)
    assert provider_id.startswith(f"<comptoir-{message_id}@")


def test_the_same_key_twice_sends_once(edges, lea):
    mailbox, fake = edges
    same = key()
    first = messaging.send_message(STAFF, lea, "sms", "Votre vélo est prêt", same, now=NOW)
    again = messaging.send_message(STAFF, lea, "sms", "Votre vélo est prêt", same, now=NOW)
    assert first == again
    assert len(fake.requests) == 1


def test_an_sms_goes_through_the_twilio_client(edges, lea):
    _, fake = edges
    message_id = messaging.send_message(STAFF, lea, "sms", "Vélo prêt ✔", key(), now=NOW)
    (request,) = fake.requests
    assert request["path"].endswith("/Accounts/AC" + "0" * 32 + "/Messages.json")
    assert (request["To"], request["From"], request["Body"]) == (
        "+33612345678",
        "+33600000000",
        "Vélo prêt ✔",
    )
    assert stored(message_id)[:3] == ("sent", 1, "SM" + "1".zfill(32))


def test_provider_refusals_are_recorded_and_retried_later(edges, lea):
    mailbox, fake = edges
    fake.mode = "invalid_number"
    sms = messaging.send_message(STAFF, lea, "sms", "Bonjour", key(), now=NOW)
    status, attempts, _, error, retry_at = stored(sms)
    assert (status, attempts) == ("failed", 1)
    assert error == (
        "Twilio 21211: Unable to create record: The 'To' number +33612345678 is not a valid"
        " phone number."
    )
    assert retry_at == NOW + timedelta(minutes=1)
    fake.mode = "down"
    assert sender.deliver_due(now=NOW + timedelta(minutes=1)) == {"failed": 1}
    assert stored(sms)[:2] == ("failed", 2)
    assert stored(sms)[3].startswith("Twilio 500")
    assert stored(sms)[4] == NOW + timedelta(minutes=3)  # waits twice as long
    assert sender.deliver_due(now=NOW + timedelta(minutes=2)) == {}  # not due yet
    fake.mode = "ok"
    assert sender.deliver_due(now=NOW + timedelta(minutes=3)) == {"sent": 1}
    assert stored(sms)[:2] == ("sent", 3)

    mailbox.refuse = "550 5.1.1 mailbox unavailable"
    mail = messaging.send_message(STAFF, lea, "email", "Bonjour", key(), subject="Test", now=NOW)
    assert stored(mail)[0] == "failed"
    assert stored(mail)[3] == "SMTP 550 5.1.1 mailbox unavailable"
    mailbox.refuse = None
    assert messaging.retry(STAFF, mail, now=NOW) == "sent"
    assert len(mailbox.wait_for(1)) == 1


def test_a_server_that_is_down_leaves_a_failed_row(database, lea, tmp_path, monkeypatch):
    from devkit.messaging_servers import free_port

    monkeypatch.setenv(
        "COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", free_port(), None))
    )
    mail = messaging.send_message(STAFF, lea, "email", "Bonjour", key(), subject="Test", now=NOW)
    status, attempts, _, error, _ = stored(mail)
    assert (status, attempts) == ("failed", 1)
    assert error.startswith("ConnectionRefusedError")
    sms = messaging.send_message(STAFF, lea, "sms", "Bonjour", key(), now=NOW)
    assert stored(sms)[0] == "failed" and stored(sms)[3] == "not_configured"


def test_a_claimed_message_left_by_a_dead_sender_is_sent_once_after_the_lease(edges, lea):
    _, fake = edges
    fake.mode = "down"
    message_id = messaging.send_message(STAFF, lea, "sms", "Bonjour", key(), now=NOW)

    def dies(message):
        raise SystemExit  # killed after claiming, before any answer

    fake.mode = "ok"
    with pytest.raises(SystemExit):
        sender.deliver_due(now=NOW + timedelta(minutes=1), provider=dies)
    assert stored(message_id)[0] == "sending"
    # Another sender (a restart) leaves it alone while the lease runs, then sends it once.
    assert sender.deliver_due(now=NOW + timedelta(minutes=3)) == {}
    assert sender.deliver_due(now=NOW + timedelta(minutes=7)) == {"sent": 1}
    assert sender.deliver_due(now=NOW + timedelta(minutes=20)) == {}
    assert len(fake.requests) == 2  # the first (refused) attempt and the one that went


def test_marketing_needs_consent_at_queueing_and_at_sending(edges, lea):
    _, fake = edges
    with pytest.raises(ValidationFailed) as refused:
        messaging.send_message(MANAGER, lea, "sms", "Soldes !", key(), kind="marketing")
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("sms_opt_in", "no_marketing_consent")
    ]
    # Consent is per channel: agreeing to e-mails is no consent to texts.
    current = customers.get_customer(lea)
    customers.update_customer(lea, current["version"], {"marketing_opt_in": True}, STAFF)
    with pytest.raises(ValidationFailed) as refused:
        messaging.send_message(MANAGER, lea, "sms", "Soldes !", key(), kind="marketing")
    assert [e.field for e in refused.value.errors] == ["sms_opt_in"]
    with pytest.raises(Exception) as denied:
        messaging.send_message(STAFF, lea, "sms", "Soldes !", key(), kind="marketing")
    assert type(denied.value).__name__ == "PermissionDenied"
    assert fake.requests == []


def test_notes_and_the_log_keep_text_as_typed(database, lea):
    messaging.add_note(STAFF, lea, "Appeler **avant** 18h <script>", key(), now=NOW)
    rows, total = messaging.communications(STAFF, lea)
    assert total == 1
    assert (rows[0]["channel"], rows[0]["body"], rows[0]["status"]) == (
        "note",
        "Appeler **avant** 18h <script>",
        "noted",
    )
    with pytest.raises(ValidationFailed):
        messaging.add_note(STAFF, lea, "   ", key())


def test_bad_input_is_named_and_nothing_is_queued(database, lea):
    nobody = customers.create_customer({"last_name": "Sans"}, STAFF)
    with pytest.raises(ValidationFailed) as bad:
        messaging.send_message(STAFF, lea, "email", "", key(), subject="")
    assert [(e.field, e.code) for e in bad.value.errors] == [
        ("subject", "required"),
        ("body", "required"),
    ]
    with pytest.raises(ValidationFailed) as no_mobile:
        messaging.send_message(STAFF, nobody, "sms", "Bonjour", key())
    assert [(e.field, e.code) for e in no_mobile.value.errors] == [
        ("mobile", "no_address_for_channel")
    ]
    with pytest.raises(ValidationFailed) as long_sms:
        messaging.send_message(STAFF, lea, "sms", "ç" * 500, key())
    assert [(e.field, e.code) for e in long_sms.value.errors] == [("body", "sms_too_long")]
    assert messaging.communications(STAFF, lea)[1] == 0


def test_a_statement_is_emailed_in_the_customers_language(edges, lea):
    from datetime import date

    from comptoir.services.accounts import EntryRequest

    mailbox, _ = edges
    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    accounts.assign_account_type(MANAGER, lea, trade, "500", now=NOW)
    accounts.record_entry(MANAGER, lea, EntryRequest("charge", "40"), key(), now=NOW)
    accounts.email_statement(STAFF, lea, date(2026, 11, 1), date(2026, 11, 30), key(), now=NOW)
    _, recipients, mail = mailbox.wait_for(1)[0]
    assert (recipients, mail["Subject"]) == (
        ["lea.roux@exemple.fr"],
        "Votre relevé de compte de Comptoir",
    )
    (pdf,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    account_number = customers.get_customer(lea)["account_number"]
    assert pdf.get_filename() == f"statement-{account_number}-20261130.pdf"
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
    text = mail.get_body(("plain",)).get_content()
    assert "du 1 nov. 2026 au 30 nov. 2026" in text


def test_replies_are_filed_matched_once_and_stop_withdraws_consent(edges, lea):
    _, fake = edges
    current = customers.get_customer(lea)
    # Opted in before the replies came (NOW is a fixed moment, not the wall clock).
    customers.update_customer(
        lea,
        current["version"],
        {"marketing_opt_in": True, "sms_opt_in": True},
        STAFF,
        now=NOW - timedelta(hours=2),
    )
    fake.inbound = [
        (
            "SM" + "a" * 32,
            "+33612345678",
            "Merci, je passe demain",
            "Mon, 30 Nov 2026 08:00:00 +0000",
        ),
        ("SM" + "b" * 32, "+33699999999", "Qui est-ce ?", "Mon, 30 Nov 2026 08:05:00 +0000"),
        ("SM" + "c" * 32, "+33612345678", "STOP", "Mon, 30 Nov 2026 08:10:00 +0000"),
    ]
    found = replies.check_replies(now=NOW)
    assert (found.matched, found.unmatched, found.stops) == (2, 1, 1)
    # A STOP by text withdraws consent to texts; e-mails are another channel.
    assert customers.get_customer(lea)["sms_opt_in"] is False
    assert customers.get_customer(lea)["marketing_opt_in"] is True
    [stop] = [h for h in customers.consent_history(lea) if h["screen"] == "sms_stop"]
    assert (stop["channel"], stop["marketing_opt_in"]) == ("sms", False)
    rows, _ = messaging.communications(STAFF, lea)
    assert [(r["direction"], r["body"], r["status"]) for r in rows] == [
        ("in", "STOP", "received"),
        ("in", "Merci, je passe demain", "received"),
    ]
    assert rows[0]["created_at"] == datetime(2026, 11, 30, 8, 10, tzinfo=UTC)
    # Checked again: nothing twice; the next check asks from the day before the last.
    assert replies.check_replies(now=NOW) == replies.Replies(0, 0, 0)
    assert "DateSent%3E=2026-11-29" in fake.listed[-1]
    (stranger,) = replies.unmatched_replies(STAFF)
    assert (stranger["recipient"], stranger["body"]) == ("+33699999999", "Qui est-ce ?")
    replies.attach_reply(STAFF, stranger["id"], lea)
    assert replies.unmatched_replies(STAFF) == []
    assert messaging.communications(STAFF, lea)[1] == 3


def test_templates_are_checked_when_saved_and_filled_in_the_customers_language(database, lea):
    from tests.conftest import ADMIN

    with pytest.raises(ValidationFailed) as unknown:
        templates.save_template(ADMIN, "bike_ready", "fr", "Prêt", "Bonjour {prenom}")
    assert [(e.field, e.code, e.params.get("field_name")) for e in unknown.value.errors] == [
        ("body", "template_unknown_field", "prenom")
    ]
    subject, body = templates.render_template(STAFF, lea, "bike_ready")
    assert subject == "Votre vélo est prêt"  # the shop's language: French
    assert body.startswith("Bonjour Léa, votre vélo est prêt")
    current = customers.get_customer(lea)
    customers.update_customer(lea, current["version"], {"language": "en"}, STAFF)
    templates.save_template(
        ADMIN, "balance_reminder", "en", "Balance", "{first_name} owes {balance} ({account_number})"
    )
    number = customers.get_customer(lea)["account_number"]
    assert templates.render_template(STAFF, lea, "balance_reminder") == (
        "Balance",
        f"Léa owes 0,00\u00a0€ ({number})",  # the shop's country writes the money
    )
    with pytest.raises(Exception) as denied:
        templates.save_template(STAFF, "bike_ready", "fr", "x", "y")
    assert type(denied.value).__name__ == "PermissionDenied"


def test_a_bulk_send_leaves_out_who_it_must_and_never_sends_twice(edges, lea):
    mailbox, fake = edges
    opted = customers.create_customer(
        {
            "last_name": "Oui",
            "first_name": "Ana",
            "mobile": "06 22 33 44 55",
            "marketing_opt_in": True,
            "sms_opt_in": True,
        },
        STAFF,
    )
    silent = customers.create_customer({"last_name": "Sans", "first_name": "Contact"}, STAFF)
    service = messaging.bulk_plan(MANAGER, [lea, opted, silent, lea], "service", "sms")
    assert (service.recipients, service.excluded) == (
        ((lea, "sms"), (opted, "sms")),
        {"no_channel": 1},
    )
    marketing = messaging.bulk_plan(MANAGER, [lea, opted, silent], "marketing", None)
    assert (marketing.recipients, marketing.excluded) == (
        ((opted, "sms"),),
        {"no_consent": 1, "no_channel": 1},  # nobody to ask for consent without a channel
    )
    waits, seen = [], []
    results = messaging.send_bulk(
        MANAGER, service, "bike_ready", "batch-1", lambda d, t: seen.append((d, t)), waits.append
    )
    assert results == [(lea, "sms", "sent"), (opted, "sms", "sent")]
    assert (seen, waits) == ([(1, 2), (2, 2)], [1.0])  # 60 a minute: one second apart
    assert [r["To"] for r in fake.requests] == ["+33612345678", "+33622334455"]
    assert fake.requests[1]["Body"].startswith("Bonjour Ana, votre vélo est prêt")
    again = messaging.send_bulk(MANAGER, service, "bike_ready", "batch-1", pause=waits.append)
    assert again == results and len(fake.requests) == 2
    with pytest.raises(Exception) as denied:
        messaging.bulk_plan(STAFF, [lea], "marketing", None)
    assert type(denied.value).__name__ == "PermissionDenied"


def test_a_sender_process_killed_after_claiming_is_replaced_once(edges, lea, database):
    import subprocess
    import sys
    from pathlib import Path

    _, fake = edges
    fake.mode = "down"
    message_id = messaging.send_message(STAFF, lea, "sms", "Bonjour", key(), now=NOW)
    fake.mode = "ok"
    db.close()
    # Another process claims the message for sending and is killed before any answer.
    script = (
        "import os, sys\n"
        "from datetime import datetime, timedelta, UTC\n"
        "from comptoir.operations import sender\n"
        "def killed(message):\n"
        "    os._exit(9)\n"
        f"sender.deliver({message_id}, now=datetime(2026, 11, 30, 9, 1, tzinfo=UTC),"
        " provider=killed)\n"
    )
    root = Path(__file__).resolve().parents[2]
    ended = subprocess.run([sys.executable, "-c", script], cwd=root, env=child_environment())
    assert ended.returncode == 9
    assert stored(message_id)[:2] == ("sending", 2)
    # A restarted sender leaves it alone while the lease runs, then sends it once.
    assert sender.deliver_due(now=NOW + timedelta(minutes=3)) == {}
    assert sender.deliver_due(now=NOW + timedelta(minutes=7)) == {"sent": 1}
    assert sender.deliver_due(now=NOW + timedelta(minutes=30)) == {}
    assert [r["Body"] for r in fake.requests] == ["Bonjour", "Bonjour"]  # refused, then sent


def _opted_in(last: str, mobile: str = "06 11 22 33 44") -> int:
    customer_id = customers.create_customer(
        {"last_name": last, "first_name": "Fam", "mobile": mobile}, STAFF
    )
    current = customers.get_customer(customer_id)
    customers.update_customer(
        customer_id,
        current["version"],
        {"sms_opt_in": True},
        STAFF,
        now=NOW - timedelta(hours=2),
    )
    return customer_id


def test_a_stop_from_a_shared_number_opts_out_everyone_on_it(edges):
    _, fake = edges
    family = [_opted_in("Parent"), _opted_in("Child"), _opted_in("Other")]
    fake.inbound = [
        ("SM" + "d" * 32, "+33611223344", "Arrêt svp", "Mon, 30 Nov 2026 08:00:00 +0000")
    ]
    found = replies.check_replies(now=NOW)
    assert (found.matched, found.unmatched, found.stops) == (1, 0, 3)
    for customer_id in family:
        assert customers.get_customer(customer_id)["sms_opt_in"] is False
        assert customers.consent_history(customer_id)[0]["screen"] == "sms_stop"
        rows, _ = messaging.communications(STAFF, customer_id)
        assert [(r["direction"], r["body"]) for r in rows] == [("in", "Arrêt svp")]
    assert replies.check_replies(now=NOW) == replies.Replies(0, 0, 0)


def test_a_shared_number_s_other_reply_waits_and_a_stop_filed_by_hand_opts_out(edges):
    _, fake = edges
    first, second = _opted_in("Parent"), _opted_in("Child")
    fake.inbound = [
        ("SM" + "e" * 32, "+33611223344", "C'est qui ?", "Mon, 30 Nov 2026 08:00:00 +0000"),
        ("SM" + "f" * 32, "+33655555555", "STOP", "Mon, 30 Nov 2026 08:01:00 +0000"),
    ]
    assert replies.check_replies(now=NOW) == replies.Replies(0, 2, 0)
    question, stop = replies.unmatched_replies(STAFF)[::-1]
    assert stop["body"] == "STOP"
    replies.attach_reply(STAFF, question["id"], first)
    assert customers.get_customer(first)["sms_opt_in"] is True
    replies.attach_reply(STAFF, stop["id"], second)
    assert customers.get_customer(second)["sms_opt_in"] is False
    assert customers.consent_history(second)[0]["screen"] == "sms_stop"


def test_a_received_sms_keeps_printable_text_only_and_is_bounded(edges, lea):
    _, fake = edges
    hostile = "Salut\x1b[2J\x00 \u202eevil\u202c" + "x" * 200_000
    fake.inbound = [
        ("SM" + "g" * 32, "+33612345678\x07", hostile, "Mon, 30 Nov 2026 08:00:00 +0000")
    ]
    assert replies.check_replies(now=NOW).matched == 1
    (row,), _ = messaging.communications(STAFF, lea)
    assert row["body"].startswith("Salut[2J evilxxx") and len(row["body"]) == 1600
    assert row["recipient"] == "+33612345678"
