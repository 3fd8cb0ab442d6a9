"""What a staff member's change is about: one record, as they saw it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Changes to one record at the version the staff member saw.

    A grid edit or a click after a pick belongs to that record and that version, never
    to another row: a use case stores it only while the record still has that version
    (StaleRecord otherwise).
    """

    record_id: int
    version: int
    changes: Mapping[str, object]
