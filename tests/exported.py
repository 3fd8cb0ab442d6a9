"""The customers of a search exported through the streamed writer, read back into memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from comptoir.logic.auth import Actor
from comptoir.services import exports


@dataclass(frozen=True)
class Exported:
    """A finished export's name, bytes and rows."""

    filename: str
    data: bytes
    rows: int


def export_customers(
    actor: Actor, term: str, include_archived: bool, fmt: str, now: datetime | None = None
) -> Exported:
    """What the Export page's download gives for a search, as bytes."""
    made = exports.export(actor, exports.customers_view(term, include_archived), fmt, now=now)
    try:
        return Exported(made.filename, made.read(), made.rows)
    finally:
        made.discard()
