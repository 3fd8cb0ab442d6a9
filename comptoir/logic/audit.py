"""What changed, field by field, in a form the audit trail can keep forever."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict


class AuditFilters(TypedDict, total=False):
    """The audit trail's filters, as the Audit page offers them (each optional)."""

    entity: str | None
    staff_id: int | None
    action: str | None
    text: str | None
    since: datetime | None
    until: datetime | None


SECRET_FIELDS = frozenset({"password_hash", "password"})


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after."""

    field: str
    before: Any
    after: Any


def plain(value: Any) -> Any:
    """A JSON-safe form of a stored value (dates ISO, money as text)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str] | None = None
) -> list[FieldChange]:
    """Changes between two versions of a record; secrets shown only as changed."""
    names = list(fields) if fields is not None else list(dict.fromkeys([*before, *after]))
    changes = []
    for name in names:
        old, new = plain(before.get(name)), plain(after.get(name))
        if old == new:
            continue
        if name in SECRET_FIELDS:
            old, new = ("•••" if old else None), "•••"
        changes.append(FieldChange(name, old, new))
    return changes


def created(after: Mapping[str, Any], fields: Iterable[str] | None = None) -> list[FieldChange]:
    """Changes describing a new record: every filled field."""
    return [c for c in diff({}, after, fields) if c.after not in (None, "", False, "0", "0.00")]


def to_json(changes: Iterable[FieldChange]) -> str:
    """The stored form of a list of changes."""
    return json.dumps(
        [{"field": c.field, "before": c.before, "after": c.after} for c in changes],
        ensure_ascii=False,
    )


def from_json(text: str) -> list[FieldChange]:
    """Changes read back from the trail."""
    return [FieldChange(d["field"], d["before"], d["after"]) for d in json.loads(text or "[]")]
