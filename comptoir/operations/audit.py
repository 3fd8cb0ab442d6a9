"""The audit trail, written inside each change's transaction (the unit of work's audit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from comptoir.data import audit as repo
from comptoir.logic.audit import FieldChange, to_json
from comptoir.logic.auth import Actor


def record(
    cur,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    screen: str,
    changes: Iterable[FieldChange],
    at: datetime,
) -> None:
    """Append an entry in the caller's transaction, so it commits or rolls back with it."""
    repo.record(
        cur,
        at=at,
        staff_id=actor.staff_id,
        staff_name=actor.display_name,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        screen=screen,
        changes=to_json(changes),
    )


def record_many(
    cur,
    actor: Actor,
    items: Iterable[tuple[str, object, Iterable[FieldChange]]],
    entity: str,
    screen: str,
    at: datetime,
) -> None:
    """Append one entry per (action, entity id, changes), in the caller's transaction."""
    repo.record_many(
        cur,
        [
            {
                "occurred_at": at,
                "staff_id": actor.staff_id,
                "staff_name": actor.display_name,
                "action": action,
                "entity": entity,
                "entity_id": str(entity_id),
                "screen": screen,
                "changes": to_json(changes),
            }
            for action, entity_id, changes in items
        ],
    )
