"""One message that cannot be sent fails alone, with its reason: a recipient with a line
break (restored from a file), a template stored before templates were checked, a
provider refusal. A real SMTP server counts: every other message arrives exactly once,
however often the sender runs; the scheduler's other jobs run whatever failed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir import jobs
from comptoir.data import db
from comptoir.operations import sender
from comptoir.services import customers, messaging, reminders, rewards, templates
from devkit.messaging_servers import smtp_server, write_secrets
from tests.conftest import MANAGER, STAFF

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _customer(last: str, email: str) -> int:
    return customers.create_customer(
        {"last_name": last, "first_name": "Test", "email": email, "contact_preference": "email"},
        STAFF,
    )


def _statuses() -> dict[str, tuple[str, str | None]]:
    with db.cursor() as cur:
        rows = cur.execute("SELECT recipient, status, error FROM messages").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def test_every_good_message_arrives_once_whatever_fails_beside_it(database, tmp_path, monkeypatch):
    good = [_customer(f"Good{i}", f"good{i}@example.org") for i in range(3)]
    smuggled = _customer("Smuggled", "smuggled@example.org")
    bounce = _customer("Bounce", "bounce@example.org")
    with db.transaction() as cur:  # as a doctored or old file would hold it
        cur.execute(
            "UPDATE customers SET email = ? WHERE id = ?",
            ["smuggled@example.org\r\nBcc: everyone@example.org", smuggled],
        )
    for customer_id in (good[0], smuggled, good[1], bounce, good[2]):
        reminders.schedule(STAFF, customer_id, date(2026, 3, 10), now=NOW)
    with smtp_server() as (mailbox, port):
        mailbox.refuse, mailbox.refuse_only = "550 no such user", "bounce@example.org"
        monkeypatch.setenv("COMPTOIR_SECRETS", str(write_secrets(tmp_path / "s.toml", port, None)))
        first = reminders.send_due(now=NOW)
        # Later rounds of both senders, after every retry delay has passed.
        for hours in (1, 2, 5, 24):
            reminders.send_due(now=NOW + timedelta(hours=hours))
            sender.deliver_due(now=NOW + timedelta(hours=hours))
        received = [to for _, rcpt, _ in mailbox.received for to in rcpt]
    assert first == {"sent": 3, "failed": 2, "phone": 0}
    assert sorted(received) == [f"good{i}@example.org" for i in range(3)]
    statuses = _statuses()
    assert statuses["smuggled@example.org\r\nBcc: everyone@example.org"] == (
        "failed",
        "invalid_recipient",
    )
    status, error = statuses["bounce@example.org"]
    assert status == "failed" and error is not None and error.startswith("SMTP 550")
    assert {statuses[f"good{i}@example.org"][0] for i in range(3)} == {"sent"}


def test_a_provider_error_of_any_kind_leaves_nothing_in_sending(database):
    ids = [
        messaging.send_message(
            STAFF, _customer(f"P{i}", f"p{i}@example.org"), "email", "Hi", f"k{i}", subject="Hello"
        )
        for i in range(3)
    ]  # not configured: failed, due again
    calls: list[int] = []

    def provider(message):
        calls.append(message["id"])
        if message["id"] == ids[1]:
            raise ValueError("header injection")  # what yagmail or email raise on bad input
        return sender.Sent(provider_id=f"id-{message['id']}")

    later = datetime.now(UTC) + timedelta(hours=1)  # after the first retry's delay
    outcome = sender.deliver_many(ids, now=later, provider=provider)
    assert outcome == {"sent": 2, "failed": 1}
    again = sender.deliver_many(ids, now=later + timedelta(days=2), provider=provider)
    assert again == {} and sorted(calls) == sorted(ids)
    assert [messaging.status_of(i)["status"] for i in ids] == ["sent", "failed", "sent"]
    assert messaging.status_of(ids[1])["error"] == "ValueError: header injection"


def test_a_broken_stored_template_never_stops_the_scheduler(database):
    anna = _customer("Anna", "anna@example.org")
    with db.transaction() as cur:  # saved before templates were checked
        cur.execute(
            "UPDATE message_templates SET body = '{balance:>1000000}' WHERE code LIKE 'service%'"
        )
    reminders.schedule(STAFF, anna, date(2026, 3, 10), now=NOW)
    long_ago = NOW - timedelta(days=1000)
    rewards.create(STAFF, anna, now=long_ago)
    rewards.adjust(MANAGER, anna, "300", "Old points", now=long_ago)
    assert jobs.run_round(now=NOW) == {"reminders": "ok", "points_expiry": "ok"}
    (reminder,) = reminders.customer_reminders(STAFF, anna)
    assert (reminder["status"], reminder["reason"]) == ("phone", "template_not_plain")
    assert rewards.overview(STAFF, anna).points == 0  # the next job ran


@pytest.mark.parametrize("body", ["{balance:.2f}", "{first_name.__class__}", "{balance:>99999}"])
def test_a_template_that_is_not_plain_is_refused_when_saved(database, body):
    from comptoir.logic.errors import ValidationFailed
    from tests.conftest import ADMIN

    with pytest.raises(ValidationFailed) as refused:
        templates.save_template(ADMIN, "bike_ready", "en", "Ready", body)
    [error] = refused.value.errors
    assert (error.field, error.code) == ("body", "template_not_plain")
