"""Marketing consent: when it was given, and the history of every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ConsentChange:
    """One change of marketing consent, kept forever."""

    opted_in: bool
    at: datetime


def consent_after(
    was_opted_in: bool,
    opted_in_at: datetime | None,
    opt_in: bool,
    now: datetime,
) -> tuple[datetime | None, ConsentChange | None]:
    """New opt-in date and the change to record (None when nothing changed)."""
    if opt_in == was_opted_in:
        return opted_in_at, None
    return (now if opt_in else None), ConsentChange(opted_in=opt_in, at=now)
