"""Everything held on one customer (subject access), what erasure needs to know, the
anonymising writes, and the suppression list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data.rows import as_dicts
from comptoir.logic.gdpr import ERASED, Holdings

Cursor = Any

# Each section of a subject-access file and how it is read (one customer id parameter).
SECTIONS: dict[str, str] = {
    "card": "SELECT * FROM customers WHERE id = ?",
    "consent_history": "SELECT * FROM consent_history WHERE customer_id = ? ORDER BY id",
    "delivery_addresses": "SELECT * FROM delivery_addresses WHERE customer_id = ? ORDER BY id",
    "messages_and_notes": (
        "SELECT id, channel, direction, kind, recipient, subject, body, attachment_name, status,"
        " error, staff_name, created_at, sent_at FROM messages WHERE customer_id = ?"
        " ORDER BY id"
    ),
    "sales_and_returns": "SELECT * FROM sales WHERE customer_id = ? ORDER BY sold_at, id",
    "sale_lines": (
        "SELECT l.* FROM sale_lines l JOIN sales s ON s.id = l.sale_id"
        " WHERE s.customer_id = ? ORDER BY l.sale_id, l.line_no"
    ),
    "sale_tenders": (
        "SELECT t.* FROM sale_tenders t JOIN sales s ON s.id = t.sale_id"
        " WHERE s.customer_id = ? ORDER BY t.sale_id"
    ),
    "invoices": (
        "SELECT i.* FROM invoices i JOIN sales s ON s.id = i.sale_id WHERE s.customer_id = ?"
        " ORDER BY i.invoice_number"
    ),
    "credit_account": "SELECT * FROM customer_accounts WHERE customer_id = ?",
    "account_ledger": "SELECT * FROM ledger_entries WHERE customer_id = ? ORDER BY id",
    "gift_vouchers": "SELECT * FROM gift_vouchers WHERE customer_id = ? ORDER BY id",
    "voucher_entries": (
        "SELECT e.* FROM voucher_entries e JOIN gift_vouchers v ON v.id = e.voucher_id"
        " WHERE v.customer_id = ? ORDER BY e.happened_at"
    ),
    "rewards_account": "SELECT * FROM rewards_accounts WHERE customer_id = ?",
    "rewards_old_cards": "SELECT * FROM rewards_old_cards WHERE customer_id = ?",
    "rewards_ledger": "SELECT * FROM rewards_entries WHERE customer_id = ? ORDER BY id",
    "serviced_items": "SELECT * FROM serviced_items WHERE customer_id = ? ORDER BY id",
    "orders_and_jobs": "SELECT * FROM orders WHERE customer_id = ? ORDER BY id",
    "order_lines": (
        "SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id"
        " WHERE o.customer_id = ? ORDER BY l.order_id, l.line_no"
    ),
    "order_history": (
        "SELECT e.* FROM order_events e JOIN orders o ON o.id = e.order_id"
        " WHERE o.customer_id = ? ORDER BY e.id"
    ),
    "service_reminders": "SELECT * FROM service_reminders WHERE customer_id = ? ORDER BY id",
    "imports": "SELECT * FROM import_rows WHERE customer_id = ? ORDER BY batch_id",
    "audit_trail": (
        "SELECT occurred_at, staff_name, action, entity, entity_id, screen, changes"
        " FROM audit_log WHERE entity = 'customer' AND entity_id = CAST(? AS VARCHAR)"
        " ORDER BY id"
    ),
}


def held(cur: Cursor, customer_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every section's rows for the customer."""
    found = {}
    for name, sql in SECTIONS.items():
        cur.execute(sql, [customer_id])
        found[name] = as_dicts(cur)
    return found


def holdings(cur: Cursor, customer_id: int, today: Any) -> Holdings:
    """Balance, usable vouchers, points and open orders: what erasure must not lose."""
    cur.execute(
        "SELECT (SELECT coalesce(sum(balance), 0) FROM customer_accounts WHERE customer_id = ?),"
        " (SELECT count(*) FROM gift_vouchers WHERE customer_id = ? AND status = 'active'"
        "  AND balance > 0 AND (expires_on IS NULL OR expires_on >= ?)),"
        " (SELECT coalesce(sum(points), 0) FROM rewards_accounts WHERE customer_id = ?),"
        " (SELECT count(*) FROM orders WHERE customer_id = ?"
        "  AND status NOT IN ('collected', 'cancelled')),"
        " (SELECT erased_at IS NOT NULL FROM customers WHERE id = ?)",
        [customer_id, customer_id, today, customer_id, customer_id, customer_id],
    )
    balance, vouchers, points, orders, erased = cur.fetchall()[0]
    return Holdings(Decimal(balance), int(vouchers), int(points), int(orders), bool(erased))


def anonymise(
    cur: Cursor, customer_id: int, version: int, cleared: Mapping[str, None], now: datetime
) -> bool:
    """The card's personal fields cleared, the name replaced, archived; False if the card
    changed since it was read (version)."""
    sets = ", ".join(f"{name} = NULL" for name in cleared)
    cur.execute(
        f"UPDATE customers SET {sets}, last_name = ?, marketing_opt_in = false,"
        " marketing_opt_in_at = NULL, sms_opt_in = false, sms_opt_in_at = NULL,"
        " archived = true, archived_at = coalesce(archived_at, ?),"
        " erased_at = ?, updated_at = ?, version = version + 1"
        " WHERE id = ? AND version = ? RETURNING id",
        [ERASED, now, now, now, customer_id, version],
    )
    if not cur.fetchall():
        return False
    cur.execute(
        "UPDATE delivery_addresses SET name = ?, company = NULL, address1 = ?, address2 = NULL,"
        " city = ?, region = NULL, postcode = NULL, phone = NULL,"
        " place_key = 'erased:' || CAST(id AS VARCHAR), updated_at = ? WHERE customer_id = ?",
        [ERASED, ERASED, ERASED, now, customer_id],
    )
    cur.execute(
        "UPDATE messages SET recipient = NULL, subject = NULL, body = ?, attachment = NULL,"
        " attachment_name = NULL WHERE customer_id = ?",
        [ERASED, customer_id],
    )
    cur.execute("UPDATE serviced_items SET notes = '' WHERE customer_id = ?", [customer_id])
    cur.execute(
        "UPDATE service_reminders SET body = '', status = CASE WHEN status IN ('scheduled',"
        " 'phone') THEN 'cancelled' ELSE status END, updated_at = ? WHERE customer_id = ?",
        [now, customer_id],
    )
    cur.execute("DELETE FROM customer_search WHERE customer_id = ?", [customer_id])
    return True


def suppress(cur: Cursor, digests: Mapping[str, str], now: datetime) -> None:
    """Remember erased contacts by their keyed hash (once each)."""
    for kind, digest in digests.items():
        cur.execute(
            "INSERT INTO suppressions (digest, kind, added_at) SELECT ?, ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE digest = ?)",
            [digest, kind, now, digest],
        )


def suppressed(cur: Cursor, digests: list[str]) -> set[str]:
    """Which of these digests are on the suppression list."""
    if not digests:
        return set()
    cur.execute("SELECT digest FROM suppressions WHERE digest = ANY(?)", [digests])
    return {row[0] for row in cur.fetchall()}


def secret(cur: Cursor, name: str) -> str | None:
    """A key the shop holds in its database."""
    cur.execute("SELECT value FROM shop_secrets WHERE name = ?", [name])
    found = cur.fetchall()
    return str(found[0][0]) if found else None


def keep_secret(cur: Cursor, name: str, value: str, now: datetime) -> str:
    """Store value under name unless one is there already (another server may have
    been first); the stored one is returned."""
    cur.execute(
        "INSERT INTO shop_secrets (name, value, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO NOTHING",
        [name, value, now],
    )
    return secret(cur, name) or value


def merged_away(cur: Cursor, customer_id: int) -> list[int]:
    """Records merged into this one, and into those, and so on: the same person."""
    found: list[int] = []
    frontier = [customer_id]
    while frontier:
        cur.execute("SELECT id FROM customers WHERE merged_into = ANY(?) ORDER BY id", [frontier])
        frontier = [int(row[0]) for row in cur.fetchall() if int(row[0]) not in found]
        found.extend(frontier)
    return found


def audit_entries(cur: Cursor, customer_ids: list[int]) -> list[tuple[int, str]]:
    """The trail's entries about these customers (id, changes JSON), the erasure's own
    entries excepted."""
    cur.execute(
        "SELECT id, changes FROM audit_log WHERE entity = 'customer' AND entity_id = ANY(?)"
        " AND action <> 'erase' ORDER BY id",
        [[str(i) for i in customer_ids]],
    )
    return [(int(row[0]), str(row[1])) for row in cur.fetchall()]


def rewrite_audit_changes(cur: Cursor, rewritten: Sequence[tuple[str, int]]) -> None:
    """Erasure's one exception to the append-only trail: the values entries recorded are
    replaced ((changes, entry id) pairs; who changed which field when stays); nothing
    else about an entry changes."""
    if rewritten:
        cur.executemany("UPDATE audit_log SET changes = ? WHERE id = ?", list(rewritten))


def merges_of(cur: Cursor, customer_ids: list[int]) -> list[dict[str, Any]]:
    """Merges these records took part in, with their snapshots (JSON text)."""
    cur.execute(
        "SELECT id, survivor_before, merged_before FROM customer_merges"
        " WHERE survivor_id = ANY(?) OR merged_id = ANY(?) ORDER BY id",
        [customer_ids, customer_ids],
    )
    return as_dicts(cur)


def rewrite_merge_snapshots(
    cur: Cursor, merge_id: int, survivor_before: str, merged_before: str
) -> None:
    """A merge's snapshots of the cards, with the erased values replaced."""
    cur.execute(
        "UPDATE customer_merges SET survivor_before = ?, merged_before = ? WHERE id = ?",
        [survivor_before, merged_before, merge_id],
    )


def forget_import_values(cur: Cursor, customer_ids: list[int]) -> None:
    """What an import's update replaced on these cards (the old values) is forgotten."""
    cur.execute(
        "UPDATE import_rows SET before_values = NULL WHERE customer_id = ANY(?)", [customer_ids]
    )


def undone_merge_moments(cur: Cursor, customer_id: int) -> set[datetime]:
    """When merges this record survived were made and undone: the trail's entries of those
    moments carry the other record's values."""
    cur.execute(
        "SELECT merged_at, undone_at FROM customer_merges"
        " WHERE survivor_id = ? AND undone_at IS NOT NULL",
        [customer_id],
    )
    return {moment for row in cur.fetchall() for moment in row}
