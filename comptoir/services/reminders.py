"""Service reminders: scheduled when a job is collected or by hand, sent once when due.

Sending claims reminders (scheduled -> queued) in the transaction that queues
their messages, each under the idempotency key reminder:<id>; two senders at the
same moment (the app's scheduler, a manager's button, the command) never send
one twice. The message sender then delivers and retries with back-off.
Run `python -m comptoir.services.reminders` to send what is due while the app is stopped.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from comptoir.data import customers as customers_repo
from comptoir.data import db, migrate
from comptoir.data import messages as messages_repo
from comptoir.data import workshop as repo
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import SYSTEM, Actor, require
from comptoir.logic.errors import (
    Checked,
    DatabaseUnavailable,
    FieldError,
    FieldProblem,
    NotFound,
    StaleRecord,
    ValidationFailed,
    present,
)
from comptoir.logic.messages import clean_body, pick_channel
from comptoir.logic.text import clean_text
from comptoir.logic.workshop import (
    REMINDER_CHANNELS,
    check_reminder_date,
)
from comptoir.operations import clock, outbox, sender, unit_of_work
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "reminders"
HAND_TEMPLATE = "service_reminder"
BATCH = 50
LOG = logging.getLogger("comptoir.reminders")

Progress = Callable[[int, int], None]


def _clean_hand(
    due_on: object, body: object, channel: object, today: date
) -> tuple[dict[str, Any], list[FieldError]]:
    checked = Checked()
    checked.take("due_on", lambda: check_reminder_date(due_on, today))
    checked.take("body", lambda: clean_text(body, 1000))
    checked.take("channel", lambda: _channel(channel))
    return checked.values, checked.errors


def _channel(value: object) -> str:
    if value not in REMINDER_CHANNELS:
        raise FieldProblem("not_in_list", allowed=", ".join(REMINDER_CHANNELS))
    return str(value)


def schedule(
    actor: Actor,
    customer_id: int,
    due_on: object,
    body: object = "",
    channel: object = "auto",
    item_id: int | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """A reminder scheduled by hand (a date, today or later; text or the template's)."""
    require(actor, "workshop.edit")
    moment = clock.utc(now)
    clean, errors = _clean_hand(due_on, body, channel, clock.local_day(moment))
    if errors:
        raise ValidationFailed(errors)

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        if idempotency_key:
            cur.execute(
                "SELECT id FROM service_reminders WHERE idempotency_key = ?", [idempotency_key]
            )
            found = cur.fetchall()
            if found:
                return int(found[0][0])
        present(customers_repo.get(cur, customer_id), customer_id)
        if item_id is not None:
            item = repo.item(cur, item_id)
            if item is None or item["customer_id"] != customer_id:
                raise ValidationFailed([FieldError("item_id", "item_not_customers")])
        reminder_id = repo.insert_reminder(
            cur,
            {
                "customer_id": customer_id,
                "item_id": item_id,
                "shop_code": here(),
                **clean,
                "template": HAND_TEMPLATE,
                "status": "scheduled",
                "created_at": moment,
                "staff_name": actor.display_name,
                "updated_at": moment,
                "idempotency_key": idempotency_key,
            },
        )
        uow.audit_change(
            "create",
            "customer",
            customer_id,
            "reminder",
            None,
            f"{clean['due_on']} {clean['channel']}",
        )
        return reminder_id

    return unit_of_work.run(actor, "workshop.edit", SCREEN, work, moment)


def send_now(
    actor: Actor,
    customer_id: int,
    item_id: int | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """ "Send service reminder": one due today, sent at once through the customer's
    contact preference (kept as due when messaging is not configured). The reminder."""
    require(actor, "messages.send")
    moment = clock.utc(now)
    reminder_id = schedule(
        actor,
        customer_id,
        clock.local_day(moment),
        item_id=item_id,
        idempotency_key=idempotency_key,
        now=moment,
    )
    queued, _ = db.run_in_transaction(lambda cur: _queue(cur, [reminder_id], moment))
    sender.deliver_many(queued, now=moment)
    with db.cursor() as cur:
        found = repo.reminder(cur, reminder_id)
    assert found is not None
    return found


def _queue(cur, candidates: Sequence[int], moment: datetime) -> tuple[list[int], int]:
    """Claim these reminders if still scheduled and queue their messages (a few
    statements for the whole batch); the message ids, and how many were left to phone.

    A customer with no usable channel (or a text too long for SMS) is left for staff
    to phone.
    """
    claimed = repo.claim_reminders(cur, candidates, moment)
    stored = messages_repo.templates(cur)
    phone: dict[str, list[int]] = {}
    queued: list[dict[str, Any]] = []
    for row in repo.reminders_to_send(cur, claimed):
        reminder_id = int(row["reminder_id"])
        wanted = None if row["wanted"] == "auto" else row["wanted"]
        channel = pick_channel(wanted, row["contact_preference"], row["email"], row["mobile"])
        if channel is None or row["archived"]:
            phone.setdefault("no_channel", []).append(reminder_id)
            continue
        extra = {"item_name": row["item_name"] or ""}
        balance = Decimal(row["account_balance"] or 0)
        try:
            subject, body = outbox.rendered(cur, row, row["template"], extra, stored, balance)
            body = clean_body(row["own"] or body, channel)
        except (NotFound, FieldProblem) as problem:
            reason = problem.code if isinstance(problem, FieldProblem) else "template_missing"
            phone.setdefault(reason, []).append(reminder_id)
            continue
        except Exception:  # noqa: BLE001 - this reminder alone goes to the phone list
            LOG.exception("reminder %s not rendered", reminder_id)
            phone.setdefault("template_invalid", []).append(reminder_id)
            continue
        queued.append(
            {
                "customer_id": str(row["id"]),
                "channel": channel,
                "recipient": row["email"] if channel == "email" else row["mobile"],
                "subject": subject if channel == "email" else None,
                "body": body,
                "order_id": None if row["order_id"] is None else str(row["order_id"]),
                "idempotency_key": f"reminder:{reminder_id}",
            }
        )
    for reason, ids in phone.items():
        repo.set_reminders(cur, ids, "phone", reason)
    frame = pd.DataFrame(
        queued,
        columns=[
            "customer_id",
            "channel",
            "recipient",
            "subject",
            "body",
            "order_id",
            "idempotency_key",
        ],
        dtype=object,
    )
    made = messages_repo.insert_queued(
        cur,
        frame,
        {
            "shop_code": here(),
            "kind": "service",
            "staff_id": SYSTEM.staff_id,
            "staff_name": SYSTEM.display_name,
            "created_at": moment,
        },
    )
    repo.link_messages(cur, [i for i in claimed if f"reminder:{i}" in made])
    return sorted(made.values()), sum(len(ids) for ids in phone.values())


def _queue_batch(candidates: Sequence[int], moment: datetime) -> tuple[list[int], int]:
    return db.run_in_transaction(lambda cur: _queue(cur, candidates, moment))


def due_count(today: date | None = None) -> int:
    """How many scheduled reminders are due by today."""
    day = today or clock.local_day()
    with db.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM service_reminders WHERE status = 'scheduled' AND due_on <= ?",
            [day],
        )
        return int(cur.fetchall()[0][0])


def send_due(
    now: datetime | None = None,
    progress: Progress | None = None,
    provider: sender.Provider | None = None,
) -> dict[str, int]:
    """Send every reminder due by today: claimed and queued in batches, then delivered.

    Outcomes counted by the message's status (sent, failed) or phone.
    """
    moment = clock.utc(now)
    today = clock.local_day(moment)
    total = due_count(today)
    done = 0
    outcome: dict[str, int] = {}
    while True:
        with db.cursor() as cur:
            candidates = repo.due_reminder_ids(cur, today, BATCH)
        if not candidates:
            break
        message_ids, phoned = _queue_batch(candidates, moment)
        outcome["phone"] = outcome.get("phone", 0) + phoned
        delivered = (
            sender.deliver_many(message_ids, now=moment)
            if provider is None
            else sender.deliver_many(message_ids, now=moment, provider=provider)
        )
        for status, count in delivered.items():
            outcome[status] = outcome.get(status, 0) + count
        done += len(candidates)
        if progress is not None:
            progress(min(done, total), max(total, done))
    return outcome


def send_due_now(actor: Actor, progress: Progress | None = None) -> dict[str, int]:
    """A manager's "Send due reminders now"."""
    require(actor, "workshop.send_due")
    return send_due(progress=progress)


def customer_reminders(actor: Actor, customer_id: int) -> list[dict[str, Any]]:
    """A customer's reminders with their message's outcome, soonest first."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        return repo.reminders_of(cur, customer_id)


def save_edits(
    actor: Actor,
    edits: Mapping[int, tuple[int, Mapping[str, object]]],
    now: datetime | None = None,
) -> None:
    """Grid edits of scheduled reminders (date, channel, text), by id and loaded version;
    all or none."""
    require(actor, "workshop.edit")
    moment = clock.utc(now)
    today = clock.local_day(moment)

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        errors: list[FieldError] = []
        for reminder_id, (version, raw) in edits.items():
            current = present(repo.reminder(cur, reminder_id), reminder_id)
            if current["status"] != "scheduled":
                errors.append(FieldError("status", "reminder_not_scheduled"))
                continue
            merged = {
                "due_on": raw.get("due_on", current["due_on"]),
                "body": raw.get("body", current["body"]),
                "channel": raw.get("channel", current["channel"]),
            }
            clean, problems = _clean_hand(
                merged["due_on"], merged["body"], merged["channel"], today
            )
            if problems:
                errors += problems
                continue
            new_version = repo.update_reminder(cur, reminder_id, version, clean, moment)
            if new_version is None:
                raise StaleRecord(reminder_id, current["version"])
            changes = [
                FieldChange(f"reminder.{name}", str(current[name]), str(value))
                for name, value in clean.items()
                if str(current[name]) != str(value)
            ]
            if changes:
                customer_id = current["customer_id"]
                uow.audit("update", "customer", customer_id, changes)
        if errors:
            raise ValidationFailed(errors)

    unit_of_work.run(actor, "workshop.edit", SCREEN, work, moment)


def cancel(
    actor: Actor,
    ids: Sequence[int],
    now: datetime | None = None,
    versions: Mapping[int, int] | None = None,
) -> list[int]:
    """Cancel reminders still scheduled (or waiting for a call); the ids cancelled.
    versions (id → version shown): refused, cancelling none, if one changed since."""

    def work(uow: UnitOfWork) -> list[int]:
        cur = uow.cur
        if versions is not None:
            current = repo.reminder_versions(cur, list(ids))
            for reminder_id in ids:
                if current.get(reminder_id) != versions.get(reminder_id):
                    raise StaleRecord(reminder_id, current.get(reminder_id))
        done = repo.cancel_reminders(cur, list(ids), uow.now)
        by_customer: dict[int, list[int]] = {}
        for reminder_id, customer_id in done:
            by_customer.setdefault(customer_id, []).append(reminder_id)
        for customer_id, cancelled in by_customer.items():
            uow.audit(
                "update",
                "customer",
                customer_id,
                [FieldChange(f"reminder{r}.status", "scheduled", "cancelled") for r in cancelled],
            )
        return [reminder_id for reminder_id, _ in done]

    return unit_of_work.run(actor, "workshop.edit", SCREEN, work, now)


def phone_list(actor: Actor) -> list[dict[str, Any]]:
    """Customers to phone: reminders no e-mail or SMS could carry."""
    require(actor, "workshop.view")
    with db.cursor() as cur:
        return repo.to_phone(cur)


def mark_phoned(actor: Actor, reminder_id: int, now: datetime | None = None) -> None:
    """Staff phoned the customer about this reminder."""

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        found = present(repo.reminder(cur, reminder_id), reminder_id)
        if found["status"] != "phone":
            return
        repo.set_reminder(cur, reminder_id, "phoned", found["reason"], None)
        uow.audit_change(
            "update",
            "customer",
            found["customer_id"],
            f"reminder{reminder_id}.status",
            "phone",
            "phoned",
        )

    unit_of_work.run(actor, "workshop.edit", SCREEN, work, now)


def main(argv: list[str] | None = None) -> int:
    """Send due reminders from the command line (while the app is stopped)."""
    parser = argparse.ArgumentParser(description="Send the service reminders due today.")
    parser.parse_args(argv)
    try:
        migrate.migrate()
        counts = send_due(progress=lambda done, total: print(f"{done}/{total}", file=sys.stderr))
    except DatabaseUnavailable as exc:
        if exc.reason == "in_use":
            print(
                "Refused: the app holds the database file and sends due reminders itself"
                " (Workshop > Send due reminders now). Stop the app to use this command.",
                file=sys.stderr,
            )
            return 2
        print(f"Refused: the database cannot be opened ({exc.reason}).", file=sys.stderr)
        return 2
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
    print(f"Service reminders: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
