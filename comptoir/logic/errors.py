"""Named errors the rules raise; the UI turns codes into words."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class FieldError:
    """One refused field: which field, which rule (a message code), details."""

    field: str
    code: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)


class ValidationFailed(Exception):
    """One or more fields break a rule; nothing was stored."""

    def __init__(self, errors: Iterable[FieldError]):
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in self.errors))

    def fields(self) -> set[str]:
        """Names of the refused fields."""
        return {e.field for e in self.errors}


class FieldProblem(Exception):
    """Raised by single-field parsers; collected into ValidationFailed."""

    def __init__(self, code: str, **params: str):
        self.code = code
        self.params = params
        super().__init__(code)


class Checked:
    """Fields checked one by one: each value kept, each refusal kept as a FieldError
    naming its field, so one form reports every wrong field at once."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.errors: list[FieldError] = []

    def take(self, name: str, check: Callable[[], Any]) -> None:
        """Keep check()'s value under name, or its FieldProblem as name's error."""
        try:
            self.values[name] = check()
        except FieldProblem as problem:
            self.errors.append(FieldError(name, problem.code, problem.params))

    def refuse(self, name: str, code: str, **params: str) -> None:
        self.errors.append(FieldError(name, code, params))

    def refused(self, name: str) -> bool:
        return any(e.field == name for e in self.errors)

    def done(self) -> dict[str, Any]:
        """The values, or ValidationFailed naming every refused field."""
        if self.errors:
            raise ValidationFailed(self.errors)
        return self.values


def check_fields(checks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Each field's check run; the values, or ValidationFailed naming every refused field."""
    checked = Checked()
    for name, check in checks.items():
        checked.take(name, check)
    return checked.done()


class StaleRecord(Exception):
    """Someone else saved the record after it was loaded."""

    def __init__(self, record_id: int, current_version: int | None):
        self.record_id = record_id
        self.current_version = current_version
        super().__init__(f"record {record_id} changed (now version {current_version})")


class NotFound(Exception):
    """The record does not exist (or no longer does)."""


def present(row: T | None, *key: object) -> T:
    """The row read, or NotFound(*key) when there is none."""
    if row is None:
        raise NotFound(*key)
    return row


class Busy(Exception):
    """The database stayed busy with other tills' changes; nothing was stored, try again."""


class DatabaseUnavailable(Exception):
    """The database cannot be opened: in_use, cannot_write, not_database, damaged or
    unreachable (a PostgreSQL server that refuses or does not answer)."""

    def __init__(self, reason: str, path: str, holder: str = "", detail: str = ""):
        self.reason = reason
        self.path = path
        self.holder = holder
        self.detail = detail
        super().__init__(f"{reason}: {path} {holder} {detail}".strip())
