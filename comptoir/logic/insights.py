"""Rules of the Insights page: its filters, periods, and RFM scores named as segments."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from comptoir.logic.dates import add_months
from comptoir.logic.errors import FieldError, ValidationFailed

GRAINS = ("day", "week", "month")
# Named from recency and frequency, the best first (monetary is scored and shown beside).
SEGMENTS = (
    "champions",
    "loyal",
    "new",
    "potential",
    "cant_lose",
    "at_risk",
    "hibernating",
    "lapsed",
)
SCORES = range(1, 6)
MAX_DAYS = 3_660  # ten years: a longer period is a mistake, not a question
LIST_LIMIT = 500  # rows a click-through list shows (its export has them all)
LAPSED_MONTHS = (3, 6, 12, 18, 24)


@dataclass(frozen=True)
class Filters:
    """What the charts look at: shop days from start to end (inclusive) and who/what."""

    start: date
    end: date
    shop_code: str | None = None
    price_level: str | None = None
    account_type_id: int | None = None
    product_id: int | None = None
    product_group: str | None = None
    tax_exempt: bool | None = None
    tag: str | None = None  # customers carrying this tag


def check(filters: Filters) -> Filters:
    """The filters, or a refusal naming the date that is wrong."""
    if filters.end < filters.start:
        raise ValidationFailed([FieldError("end", "end_before_start")])
    if (filters.end - filters.start).days > MAX_DAYS:
        raise ValidationFailed([FieldError("end", "period_too_long", {"max": "10"})])
    return filters


def a_year_earlier(day: date) -> date:
    """The same day a year before (29 February becomes the 28th)."""
    return add_months(day, -12)


def last_year(filters: Filters) -> Filters:
    """The same filters over the same days one year earlier."""
    return replace(filters, start=a_year_earlier(filters.start), end=a_year_earlier(filters.end))


def bucket_start(day: date, grain: str) -> date:
    """The first day of the day / ISO week (Monday) / month holding day."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(grain)


def bucket_end(start: date, grain: str) -> date:
    """The last day of the bucket starting at start."""
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=6)
    return add_months(start, 1) - timedelta(days=1)


def segment(recency: int, frequency: int) -> str:
    """The segment of a customer scored 1 (worst) to 5 (best) on recency and frequency."""
    if recency not in SCORES or frequency not in SCORES:
        raise ValueError((recency, frequency))
    if recency >= 4 and frequency >= 4:
        return "champions"
    if recency >= 3 and frequency >= 3:
        return "loyal"
    if recency >= 4 and frequency == 1:
        return "new"
    if recency >= 3:
        return "potential"
    if frequency >= 4:
        return "cant_lose"
    if frequency >= 2:
        return "at_risk"
    return "hibernating" if recency == 2 else "lapsed"


def cells_of(name: str) -> list[tuple[int, int]]:
    """The (recency, frequency) scores that make up a segment."""
    if name not in SEGMENTS:
        raise ValueError(name)
    return [(r, f) for r in SCORES for f in SCORES if segment(r, f) == name]


def lapsed_before(end: date, months: int) -> date:
    """Customers whose last purchase is before this day have lapsed."""
    return add_months(end, -months) + timedelta(days=1)
