"""The unit of work: the permission first, one transaction, the audit entry inside it
(committed with the work, gone with it), the actor and the moment carried."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import PermissionDenied
from comptoir.operations import unit_of_work
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.services import audit, customers
from tests.conftest import ADMIN, STAFF

MOMENT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def test_the_work_and_its_audit_entry_commit_together(database):
    customer_id = customers.create_customer({"last_name": "Unit"}, STAFF)

    def work(uow: UnitOfWork) -> str:
        uow.audit("update", "customer", customer_id, [FieldChange("notes", None, "seen")])
        return f"{uow.actor.username} {uow.now:%H:%M} {uow.screen}"

    assert (
        unit_of_work.run(STAFF, "customers.edit", "card", work, MOMENT) == "counter 09:30 card"
    )  # STAFF is "counter"
    [entry] = [e for e in audit.search_audit(ADMIN, entity="customer")[0] if e.screen == "card"]
    assert (entry.action, entry.staff_name, entry.at) == ("update", STAFF.display_name, MOMENT)
    assert [(c.field, c.after) for c in entry.changes] == [("notes", "seen")]


def test_an_error_leaves_neither_the_work_nor_its_audit_entry(database):
    customer_id = customers.create_customer({"last_name": "Unit"}, STAFF)
    before = audit.search_audit(ADMIN)[1]

    def work(uow: UnitOfWork) -> None:
        uow.audit("update", "customer", customer_id, [FieldChange("notes", None, "lost")])
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        unit_of_work.run(STAFF, "customers.edit", "card", work, MOMENT)
    assert audit.search_audit(ADMIN)[1] == before


def test_the_permission_is_checked_before_any_work(database):
    ran: list[int] = []
    with pytest.raises(PermissionDenied):
        unit_of_work.run(STAFF, "staff.manage", "staff", lambda uow: ran.append(1))
    assert ran == []
