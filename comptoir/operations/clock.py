"""The time: moments are UTC instants; days and displays are the shop's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from comptoir.logic.shops import DEFAULT_TIME_ZONE
from comptoir.operations import settings


def now() -> datetime:
    """This instant in UTC, to the second (what every service stores)."""
    return datetime.now(UTC).replace(microsecond=0)


def utc(moment: datetime | None) -> datetime:
    """A moment given to a service, as UTC: now when None, naive taken as UTC."""
    if moment is None:
        return now()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def zone(shop_code: str | None = None) -> ZoneInfo:
    """The time zone of a shop (this server's by default)."""
    values = settings.settings_of(shop_code) if shop_code else settings.current().values
    try:
        return ZoneInfo(values.get("time_zone") or DEFAULT_TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


@overload
def local(moment: datetime, shop_code: str | None = None) -> datetime: ...
@overload
def local(moment: None, shop_code: str | None = None) -> None: ...
def local(moment: datetime | None, shop_code: str | None = None) -> datetime | None:
    """A stored moment as the shop's wall-clock time (None stays None)."""
    if moment is None:
        return None
    return utc(moment).astimezone(zone(shop_code))


def local_day(moment: datetime | None = None, shop_code: str | None = None) -> date:
    """The shop's calendar day at a moment (now by default): what 'today' means there."""
    return local(utc(moment), shop_code).date()


def day_start(day: date, shop_code: str | None = None) -> datetime:
    """Midnight of a shop's day, as a UTC instant (for filters by day)."""
    return datetime.combine(day, datetime.min.time(), zone(shop_code)).astimezone(UTC)
