"""The messages table: the outbox, the communications log, staff notes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from comptoir.data.rows import as_dicts, scanned

Cursor = duckdb.DuckDBPyConnection

LOG_COLUMNS = (
    "id, customer_id, channel, direction, kind, recipient, subject, body, attachment_name,"
    " status, attempts, next_attempt_at, provider_id, error, staff_name, created_at, sent_at,"
    " order_id"
)


def by_key(cur: Cursor, key: str) -> int | None:
    """The message queued under this idempotency key, if any."""
    cur.execute("SELECT id FROM messages WHERE idempotency_key = ?", [key])
    found = cur.fetchall()
    return int(found[0][0]) if found else None


def insert(cur: Cursor, values: Mapping[str, Any]) -> int:
    """One message (queued, received or a note); returns its id."""
    names = list(values)
    cur.execute(
        f"INSERT INTO messages ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        " RETURNING id",
        [values[n] for n in names],
    )
    return int(cur.fetchall()[0][0])


def get(cur: Cursor, message_id: int) -> dict[str, Any] | None:
    """One message with its attachment."""
    cur.execute(f"SELECT {LOG_COLUMNS}, attachment FROM messages WHERE id = ?", [message_id])
    found = as_dicts(cur)
    return found[0] if found else None


def due(cur: Cursor, now: datetime, stale_before: datetime, limit: int) -> list[int]:
    """Messages to send now: queued or failed and due, or claimed by a sender long gone."""
    cur.execute(
        "SELECT id FROM messages WHERE (status IN ('queued', 'failed')"
        " AND next_attempt_at <= ?) OR (status = 'sending' AND next_attempt_at <= ?)"
        " ORDER BY next_attempt_at, id LIMIT ?",
        [now, stale_before, limit],
    )
    return [int(row[0]) for row in cur.fetchall()]


def claim(cur: Cursor, message_id: int, now: datetime, stale_before: datetime) -> bool:
    """Take the message for sending; False when another sender has it or it is done.

    The conditional UPDATE is the claim: of two senders (threads or servers) only
    one sees its row updated.
    """
    cur.execute(
        "UPDATE messages SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?"
        " WHERE id = ? AND ((status IN ('queued', 'failed') AND next_attempt_at <= ?)"
        " OR (status = 'sending' AND next_attempt_at <= ?)) RETURNING id",
        [now, message_id, now, stale_before],
    )
    return bool(cur.fetchall())


def claim_many(cur: Cursor, ids: list[int], now: datetime, stale_before: datetime) -> list[int]:
    """claim for many messages in one statement: the ids this sender got."""
    if not ids:
        return []
    cur.execute(
        "UPDATE messages SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?"
        " WHERE id = ANY(?) AND ((status IN ('queued', 'failed') AND next_attempt_at <= ?)"
        " OR (status = 'sending' AND next_attempt_at <= ?)) RETURNING id",
        [now, list(ids), now, stale_before],
    )
    return sorted(int(row[0]) for row in cur.fetchall())


def get_many(cur: Cursor, ids: list[int]) -> list[dict[str, Any]]:
    """Messages with their attachment and whether their customer consents to marketing now."""
    if not ids:
        return []
    columns = ", ".join(f"m.{c.strip()}" for c in LOG_COLUMNS.split(","))
    cur.execute(
        f"SELECT {columns}, m.attachment, CASE WHEN m.channel = 'sms' THEN c.sms_opt_in"
        " ELSE c.marketing_opt_in END AS customer_opt_in FROM messages m"
        " LEFT JOIN customers c ON c.id = m.customer_id WHERE m.id = ANY(?) ORDER BY m.id",
        [list(ids)],
    )
    return as_dicts(cur)


def mark_sent_many(cur: Cursor, sent: list[tuple[int, str]], now: datetime) -> None:
    """mark_sent for many messages in one statement: (id, provider id) pairs."""
    if not sent:
        return
    frame = pd.DataFrame(sent, columns=["id", "provider_id"])
    with scanned(cur, "sent_frame", frame):
        cur.execute(
            "UPDATE messages SET status = 'sent', provider_id = f.provider_id, error = NULL,"
            " sent_at = ?, next_attempt_at = NULL FROM sent_frame f"
            " WHERE messages.id = CAST(f.id AS BIGINT)",
            [now],
        )


def insert_queued(cur: Cursor, frame: pd.DataFrame, shared: Mapping[str, Any]) -> dict[str, int]:
    """Queued messages in one statement, one per frame row (customer_id, channel,
    recipient, subject, body, order_id, idempotency_key; text columns), with the fields
    they share (shop_code, kind, staff_id, staff_name, created_at); ids by key."""
    if frame.empty:
        return {}
    with scanned(cur, "queued_frame", frame):
        cur.execute(
            "INSERT INTO messages (customer_id, shop_code, channel, direction, kind, recipient,"
            " subject, body, status, next_attempt_at, idempotency_key, staff_id, staff_name,"
            " created_at, order_id) SELECT CAST(customer_id AS BIGINT), ?, channel, 'out', ?,"
            " recipient, CAST(subject AS VARCHAR), body, 'queued', ?, idempotency_key, ?, ?, ?,"
            " CAST(order_id AS BIGINT) FROM queued_frame RETURNING id, idempotency_key",
            [
                shared["shop_code"],
                shared["kind"],
                shared["created_at"],
                shared["staff_id"],
                shared["staff_name"],
                shared["created_at"],
            ],
        )
        return {str(key): int(message_id) for message_id, key in cur.fetchall()}


def mark_sent(cur: Cursor, message_id: int, provider_id: str, now: datetime) -> None:
    """The provider accepted it."""
    cur.execute(
        "UPDATE messages SET status = 'sent', provider_id = ?, error = NULL, sent_at = ?,"
        " next_attempt_at = NULL WHERE id = ?",
        [provider_id, now, message_id],
    )


def mark_failed(cur: Cursor, message_id: int, reason: str, retry_at: datetime | None) -> None:
    """The provider refused it or was unreachable; retried at retry_at (None: given up)."""
    cur.execute(
        "UPDATE messages SET status = 'failed', error = ?, next_attempt_at = ? WHERE id = ?",
        [reason, retry_at, message_id],
    )


def retry_now(cur: Cursor, message_id: int, now: datetime) -> bool:
    """A failed message due again at once (by hand)."""
    cur.execute(
        "UPDATE messages SET next_attempt_at = ? WHERE id = ? AND status = 'failed' RETURNING id",
        [now, message_id],
    )
    return bool(cur.fetchall())


def for_customer(
    cur: Cursor, customer_id: int, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A customer's communications, newest first, and how many there are."""
    cur.execute(
        f"SELECT {LOG_COLUMNS}, count(*) OVER () AS total_rows FROM messages"
        " WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        [customer_id, limit, offset],
    )
    rows = as_dicts(cur)
    total = int(rows[0]["total_rows"]) if rows else 0
    for row in rows:
        del row["total_rows"]
    return rows, total


def for_order(cur: Cursor, order_id: int) -> list[dict[str, Any]]:
    """The messages and notes about one order, newest first."""
    cur.execute(
        f"SELECT {LOG_COLUMNS} FROM messages WHERE order_id = ? ORDER BY created_at DESC, id DESC",
        [order_id],
    )
    return as_dicts(cur)


def contacts(cur: Cursor, customer_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What a bulk send needs of each selected customer, in one read."""
    cur.execute(
        "SELECT id, archived, marketing_opt_in, sms_opt_in, contact_preference, email, mobile"
        " FROM customers WHERE id = ANY(?)",
        [customer_ids],
    )
    return {int(row["id"]): row for row in as_dicts(cur)}


def customers_with_mobile(cur: Cursor, mobile: str) -> list[int]:
    """Live customers whose mobile is this E.164 number (a family may share one)."""
    cur.execute(
        "SELECT id FROM customers WHERE mobile = ? AND NOT archived ORDER BY id LIMIT 100",
        [mobile],
    )
    return [int(row[0]) for row in cur.fetchall()]


def unmatched(cur: Cursor, limit: int) -> list[dict[str, Any]]:
    """Received SMS matched to no customer, newest first."""
    cur.execute(
        f"SELECT {LOG_COLUMNS} FROM messages WHERE direction = 'in' AND customer_id IS NULL"
        " ORDER BY created_at DESC, id DESC LIMIT ?",
        [limit],
    )
    return as_dicts(cur)


def attach(cur: Cursor, message_id: int, customer_id: int) -> bool:
    """Put an unmatched received SMS on a customer's log."""
    cur.execute(
        "UPDATE messages SET customer_id = ? WHERE id = ? AND direction = 'in'"
        " AND customer_id IS NULL RETURNING id",
        [customer_id, message_id],
    )
    return bool(cur.fetchall())


def templates(cur: Cursor) -> list[dict[str, Any]]:
    """Every message template, by code then language."""
    cur.execute(
        "SELECT code, language, subject, body FROM message_templates ORDER BY code, language"
    )
    return as_dicts(cur)


def save_template(
    cur: Cursor, code: str, language: str, subject: str, body: str, now: datetime
) -> None:
    """Insert or replace one template."""
    cur.execute(
        "INSERT INTO message_templates (code, language, subject, body, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code, language) DO UPDATE"
        " SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at",
        [code, language, subject, body, now],
    )


def outbox_counts(cur: Cursor) -> dict[str, int]:
    """Outgoing messages waiting (queued or being sent) and failing (failed, to retry)."""
    cur.execute(
        "SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')),"
        " count(*) FILTER (WHERE status = 'failed' AND next_attempt_at IS NOT NULL)"
        " FROM messages WHERE direction = 'out'"
    )
    queued, failing = cur.fetchall()[0]
    return {"queued": int(queued), "failing": int(failing)}
