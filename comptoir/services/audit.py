"""The audit trail as History and the Audit page read it (written by operations/audit.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from comptoir.data import audit as repo
from comptoir.data import db
from comptoir.logic.audit import AuditFilters, FieldChange, from_json
from comptoir.logic.auth import Actor, require

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditEntry:
    """One entry as the screens show it."""

    id: int
    at: datetime
    staff_name: str
    action: str
    entity: str
    entity_id: str | None
    screen: str
    changes: list[FieldChange]


def _entries(rows: list[dict[str, Any]]) -> list[AuditEntry]:
    return [
        AuditEntry(
            id=r["id"],
            at=r["occurred_at"],
            staff_name=r["staff_name"],
            action=r["action"],
            entity=r["entity"],
            entity_id=r["entity_id"],
            screen=r["screen"],
            changes=from_json(r["changes"]),
        )
        for r in rows
    ]


def customer_history(
    actor: Actor, customer_id: int, page: int = 0, page_size: int = PAGE_SIZE
) -> tuple[list[AuditEntry], int]:
    """A customer's trail, newest first, and its length."""
    require(actor, "customers.history")
    with db.cursor() as cur:
        rows, total = repo.search(
            cur,
            entity="customer",
            entity_id=str(customer_id),
            limit=page_size,
            offset=page * page_size,
        )
    return _entries(rows), total


def search_audit(
    actor: Actor, page: int = 0, page_size: int = PAGE_SIZE, **filters: Unpack[AuditFilters]
) -> tuple[list[AuditEntry], int]:
    """The whole trail, filtered, newest first (administrators only)."""
    require(actor, "audit.view")
    cleaned = filters.copy()
    cleaned["text"] = (filters.get("text") or "").strip() or None
    with db.cursor() as cur:
        rows, total = repo.search(cur, **cleaned, limit=page_size, offset=page * page_size)
    return _entries(rows), total
