"""The unit of work a use case opens once: one transaction, the acting staff member, the
moment, the screen, and the audit entry written inside that same transaction.

A use case is a short function `(actor, …)`: it checks what it can before (pure rules),
then hands `work(uow)` to `run`, which checks the permission, fixes the moment, and runs
the work in one transaction (retried as a whole on a write conflict, docs/design.md).
In-transaction operations (ledgers, sale closing, card update) take the `UnitOfWork`
instead of a bare cursor, so the actor and the moment travel with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from comptoir.data import db
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.operations import audit, clock

T = TypeVar("T")


@dataclass(frozen=True)
class UnitOfWork:
    """One transaction of one use case, as seen by the code inside it."""

    cur: Any
    actor: Actor
    now: datetime
    screen: str

    @property
    def today(self) -> date:
        """The shop's calendar day at this moment."""
        return clock.local_day(self.now)

    @property
    def staff(self) -> str:
        """The acting staff member's name, as ledgers store it."""
        return self.actor.display_name

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: object,
        changes: Iterable[FieldChange],
        screen: str | None = None,
        actor: Actor | None = None,
    ) -> None:
        """An audit entry by this actor (or the one named: a sign-in names who tried), at
        this moment, from this screen (or the one named); it commits or rolls back with the
        work."""
        audit.record(
            self.cur,
            actor or self.actor,
            action,
            entity,
            entity_id,
            screen or self.screen,
            changes,
            self.now,
        )

    def audit_change(
        self, action: str, entity: str, entity_id: object, field: str, old: object, new: object
    ) -> None:
        """An audit entry of one field's change from old to new (see audit())."""
        self.audit(action, entity, entity_id, [FieldChange(field, old, new)])

    def audit_many(
        self,
        entity: str,
        items: Iterable[tuple[str, object, Iterable[FieldChange]]],
        screen: str | None = None,
    ) -> None:
        """One entry per (action, entity id, changes), in this transaction."""
        audit.record_many(self.cur, self.actor, items, entity, screen or self.screen, self.now)


def run(
    actor: Actor,
    permission: str | None,
    screen: str,
    work: Callable[[UnitOfWork], T],
    now: datetime | None = None,
    hold: AbstractContextManager | None = None,
) -> T:
    """The permission checked, then work run in one transaction (committed only when it
    ends without error; a write conflict runs it again from the start).

    permission None: work no staff role gates (the app's own background jobs, a
    customer's unsubscribe link). hold: an in-process lock taken around the whole
    transaction (sparing retries when two tills write the same rows; the database's own
    locks still decide).
    """
    if permission is not None:
        require(actor, permission)
    moment = clock.utc(now)
    with hold or nullcontext():
        return db.run_in_transaction(lambda cur: work(UnitOfWork(cur, actor, moment, screen)))
