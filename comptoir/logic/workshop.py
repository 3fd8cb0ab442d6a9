"""Workshop rules: order kinds and statuses, what may follow what, reminder dates, diary load."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from comptoir.logic.accounts import parse_amount
from comptoir.logic.dates import add_months
from comptoir.logic.errors import FieldError, FieldProblem
from comptoir.logic.text import MAX_TEXT, clean_text

KINDS = ("job", "special_order", "layaway", "quote")
STATUSES = ("open", "in_progress", "waiting_parts", "ready", "collected", "cancelled")
OPEN_STATUSES = ("open", "in_progress", "waiting_parts", "ready")
CLOSED_STATUSES = ("collected", "cancelled")
# The board's columns, left to right.
BOARD_COLUMNS = ("open", "in_progress", "waiting_parts", "ready")

# What a status may move to by hand. "collected" is reached only by collecting the
# order through the till, never by a status change.
_MOVES: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "waiting_parts", "ready", "cancelled"),
    "in_progress": ("open", "waiting_parts", "ready", "cancelled"),
    "waiting_parts": ("in_progress", "ready", "cancelled"),
    "ready": ("in_progress", "cancelled"),
    "collected": (),
    "cancelled": (),
}
# One click on the board: the usual next step.
_NEXT = {"open": "in_progress", "in_progress": "ready", "waiting_parts": "in_progress"}

LINE_KINDS = ("labour", "part")
REMINDER_STATUSES = ("scheduled", "queued", "phone", "phoned", "cancelled")
REMINDER_CHANNELS = ("auto", "email", "sms")
MAX_HOURS = Decimal("24")
MAX_SERIAL = 60
DEFAULT_INTERVALS = "6w:service_first_check, 12m:service_annual"


class MoveRefused(Exception):
    """A status change the rules do not allow (named by from and to)."""

    def __init__(self, current: str, wanted: str):
        self.current = current
        self.wanted = wanted
        super().__init__(f"{current} -> {wanted}")


def allowed_moves(kind: str, status: str) -> tuple[str, ...]:
    """The statuses an order of this kind may be moved to from this one by hand.

    A quote is not worked on: it stays open until converted (or cancelled).
    """
    if kind == "quote":
        return ("cancelled",) if status == "open" else ()
    return _MOVES[status]


def check_move(kind: str, current: str, wanted: str) -> None:
    """Refuse a status change the rules do not allow."""
    if wanted not in allowed_moves(kind, current):
        raise MoveRefused(current, wanted)


def next_status(kind: str, status: str) -> str | None:
    """The board's one-click step from this status, if there is one."""
    if kind == "quote":
        return None
    return _NEXT.get(status)


def check_conversion(kind: str, status: str, to_kind: str) -> None:
    """A quote becomes a job, special order or layaway before any work starts."""
    if kind != "quote":
        raise FieldProblem("not_a_quote")
    if status != "open":
        raise FieldProblem("quote_closed")
    if to_kind not in KINDS or to_kind == "quote":
        raise FieldProblem("not_in_list", allowed=", ".join(k for k in KINDS if k != "quote"))


def takes_deposit(kind: str, status: str) -> bool:
    """Quotes and closed orders take no deposit."""
    return kind != "quote" and status in OPEN_STATUSES


def can_collect(kind: str, status: str) -> bool:
    """An order is collected through the till while open and not a quote."""
    return kind != "quote" and status in OPEN_STATUSES


def is_overdue(status: str, promised_on: date | None, today: date) -> bool:
    """Promised before today and not ready or closed."""
    return promised_on is not None and promised_on < today and status in _NEXT


def serial_key(serial: str | None) -> str:
    """A serial number as compared: upper case, letters and digits only."""
    if not serial:
        return ""
    folded = unicodedata.normalize("NFKD", serial).upper()
    return "".join(c for c in folded if c.isascii() and c.isalnum())


ITEM_LIMITS = {"name": 120, "make": 60, "model": 60, "serial": MAX_SERIAL, "colour": 40}


def check_item(raw: Mapping[str, object]) -> tuple[dict[str, str], list[FieldError]]:
    """A serviced item's fields cleaned, and what is wrong with them (name required)."""
    clean: dict[str, str] = {}
    errors: list[FieldError] = []
    for name, limit in (*ITEM_LIMITS.items(), ("notes", MAX_TEXT)):
        try:
            clean[name] = clean_text(raw.get(name), limit, multiline=name == "notes")
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))
    if not clean.get("name") and "name" not in {e.field for e in errors}:
        errors.append(FieldError("name", "required"))
    clean["serial_key"] = serial_key(clean.get("serial"))
    return clean, errors


ORDER_TEXT = {"reported": MAX_TEXT, "agreed": MAX_TEXT, "mechanic": 60}


def check_order(
    raw: Mapping[str, object], today: date, creating: bool
) -> tuple[dict[str, object], list[FieldError]]:
    """An order's editable fields cleaned (those present in raw), and what is wrong."""
    clean: dict[str, object] = {}
    errors: list[FieldError] = []

    def take(name: str, check) -> None:
        if name not in raw:
            return
        try:
            clean[name] = check(raw[name])
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))

    def kind(value: object) -> str:
        if value not in KINDS:
            raise FieldProblem("not_in_list", allowed=", ".join(KINDS))
        return str(value)

    def limit(value: object) -> Decimal | None:
        if value is None or not str(value).strip():
            return None
        return parse_amount(value)

    def day(value: object) -> date | None:
        if value is None or value == "":
            return None
        if not isinstance(value, date):
            raise FieldProblem("date_invalid")
        if creating and value < today:
            raise FieldProblem("date_in_past")
        return value

    if creating:
        take("kind", kind)
    for name, size in ORDER_TEXT.items():
        take(name, lambda v, size=size, name=name: clean_text(v, size, name != "mechanic"))
    take("estimate_limit", limit)
    take("promised_on", day)
    take("booked_on", day)
    take("booked_hours", parse_hours)
    if clean.get("booked_hours") and "booked_on" in raw and not clean.get("booked_on"):
        errors.append(FieldError("booked_on", "required_with_hours"))
    return clean, errors


def over_estimate(total: Decimal, estimate_limit: Decimal | None) -> bool:
    """The work now costs more than the customer agreed without a call."""
    return estimate_limit is not None and total > estimate_limit


def parse_hours(value: object, *, allow_zero: bool = True) -> Decimal:
    """Hours of work: 0 to 24, at most two decimals (1,5 as typed in French)."""
    text = "" if value is None else str(value).strip().replace(",", ".")
    if not text:
        return Decimal("0")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise FieldProblem("not_a_number") from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS or (not allow_zero and not hours):
        raise FieldProblem("hours_range", max=str(MAX_HOURS))
    if hours != hours.quantize(Decimal("0.01")):
        raise FieldProblem("too_many_decimals", places="2")
    return hours.quantize(Decimal("0.01"))


# ---- reminders ------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A reminder after a collection: N weeks or months, and the template it sends."""

    count: int
    unit: str  # "w" or "m"
    template: str


_INTERVAL = re.compile(r"^\s*(\d{1,3})\s*([wm])\s*:\s*([a-z0-9_]{1,40})\s*$")


def parse_intervals(text: str) -> tuple[Interval, ...]:
    """'6w:service_first_check, 12m:service_annual' as intervals (empty = none)."""
    found = []
    for part in (p for p in text.split(",") if p.strip()):
        match = _INTERVAL.match(part.lower())
        if match is None or int(match.group(1)) == 0:
            raise FieldProblem("interval_format", example=DEFAULT_INTERVALS)
        found.append(Interval(int(match.group(1)), match.group(2), match.group(3)))
    return tuple(found)


def format_intervals(intervals: Iterable[Interval]) -> str:
    """The setting's text for a list of intervals."""
    return ", ".join(f"{i.count}{i.unit}:{i.template}" for i in intervals)


def reminder_date(collected_on: date, interval: Interval) -> date:
    """When a reminder after a collection falls due."""
    if interval.unit == "w":
        return collected_on + timedelta(weeks=interval.count)
    return add_months(collected_on, interval.count)


def reminder_dates(collected_on: date, intervals: Iterable[Interval]) -> list[tuple[date, str]]:
    """Every reminder a collection schedules: (due date, template)."""
    return [(reminder_date(collected_on, i), i.template) for i in intervals]


def check_reminder_date(due_on: object, today: date) -> date:
    """A reminder scheduled by hand: a date, today or later."""
    if not isinstance(due_on, date):
        raise FieldProblem("required")
    if due_on < today:
        raise FieldProblem("date_in_past")
    return due_on


# ---- diary ----------------------------------------------------------------


@dataclass(frozen=True)
class DayLoad:
    """Booked mechanic hours on a day against the shop's capacity."""

    day: date
    booked: Decimal
    capacity: Decimal

    @property
    def over(self) -> bool:
        """More booked than the mechanics have."""
        return self.booked > self.capacity

    @property
    def free(self) -> Decimal:
        """Hours left (negative when over)."""
        return self.capacity - self.booked


def diary_load(
    booked: Mapping[date, Decimal], start: date, days: int, capacity: Decimal
) -> list[DayLoad]:
    """Each day from start: hours booked (0 when none) against capacity."""
    return [
        DayLoad(day, booked.get(day, Decimal("0")), capacity)
        for day in (start + timedelta(days=n) for n in range(days))
    ]


def parse_capacity(value: object) -> Decimal:
    """Daily capacity in mechanic hours: 0 to 200."""
    text = "" if value is None else str(value).strip().replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise FieldProblem("not_a_number") from None
    if not hours.is_finite() or hours < 0 or hours > 200:
        raise FieldProblem("capacity_range")
    return hours.quantize(Decimal("0.01"))
