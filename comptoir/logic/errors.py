"""Named errors the rules raise; the UI turns codes into words."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


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


class StaleRecord(Exception):
    """Someone else saved the record after it was loaded."""

    def __init__(self, record_id: int, current_version: int | None):
        self.record_id = record_id
        self.current_version = current_version
        super().__init__(f"record {record_id} changed (now version {current_version})")


class NotFound(Exception):
    """The record does not exist (or no longer does)."""


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
