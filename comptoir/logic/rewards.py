"""Customer rewards: points earned by sales, their value, redemption, expiry, clawback."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from comptoir.logic.dates import add_months
from comptoir.logic.errors import FieldProblem

ZERO = Decimal(0)
CARD_PREFIX = "7"
CARD_DIGITS = 12


@dataclass(frozen=True)
class RewardsRules:
    """The Settings' rules: points per currency unit, a point's value, the least that can
    be redeemed, months without activity before points expire (0: never), what earns none."""

    points_per_unit: Decimal
    point_value: Decimal
    minimum: int
    expiry_months: int
    excluded_tenders: frozenset[str]
    excluded_skus: frozenset[str]


def _decimal(value: object, code: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise FieldProblem(code) from None
    if not number.is_finite() or number < low or number > high:
        raise FieldProblem(code)
    return number


def parse_rules(values: Mapping[str, str]) -> RewardsRules:
    """The rules from settings (refused with the field's code when one is out of range)."""
    return RewardsRules(
        points_per_unit=_decimal(
            values.get("rewards_points_per_unit", "1"),
            "points_rate_range",
            Decimal(0),
            Decimal(100),
        ),
        point_value=_decimal(
            values.get("rewards_point_value", "0.01"), "point_value_range", Decimal(0), Decimal(100)
        ),
        minimum=int(
            _decimal(
                values.get("rewards_min_redeem", "0"), "points_range", Decimal(0), Decimal(10**7)
            )
        ),
        expiry_months=int(
            _decimal(
                values.get("rewards_expiry_months", "0"), "months_range", Decimal(0), Decimal(120)
            )
        ),
        excluded_tenders=frozenset(_words(values.get("rewards_excluded_tenders", ""))),
        excluded_skus=frozenset(w.upper() for w in _words(values.get("rewards_excluded_skus", ""))),
    )


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace(";", ",").split(",") if w.strip()]


def earned(
    lines: Iterable[tuple[str, Decimal]],
    tenders: Iterable[tuple[str, Decimal]],
    rules: RewardsRules,
) -> int:
    """Points a sale earns: its lines' amounts (products that earn none left out), at most
    what was paid with tenders that earn, times the rate, rounded down to whole points."""
    eligible = sum(
        (amount for sku, amount in lines if sku.upper() not in rules.excluded_skus), Decimal(0)
    )
    paid = sum(
        (amount for method, amount in tenders if method not in rules.excluded_tenders), Decimal(0)
    )
    base = min(eligible, paid)
    if base <= 0:
        return 0
    return int((base * rules.points_per_unit).to_integral_value(rounding=ROUND_FLOOR))


def value_of(points: int, rules: RewardsRules) -> Decimal:
    """What points are worth in money (to the cent, rounded down: never more than earned)."""
    return (Decimal(points) * rules.point_value).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def check_redeem(points: object, balance: int, rules: RewardsRules) -> int:
    """Points to spend: a whole number, at least the minimum, at most the balance."""
    text = str(points if points is not None else "").strip()
    if not text.isdigit() or int(text) <= 0:
        raise FieldProblem("points_invalid")
    wanted = int(text)
    if wanted < rules.minimum:
        raise FieldProblem("points_below_minimum", minimum=str(rules.minimum))
    if wanted > balance:
        raise FieldProblem("points_over_balance", balance=str(balance))
    return wanted


def clawback(earned_by_sale: int, sale_total: Decimal, returned: Decimal, clawed: int) -> int:
    """Points a return takes back: its share of what the sale earned (half up), never more
    than the sale earned in all."""
    if earned_by_sale <= 0 or sale_total <= 0:
        return 0
    share = (Decimal(earned_by_sale) * abs(returned) / sale_total).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return max(0, min(int(share), earned_by_sale - clawed))


def expires(last_activity: date, months: int, today: date) -> bool:
    """Points lapse after months without activity (0: never)."""
    return months > 0 and add_months(last_activity, months) <= today


def card_number(sequence: int) -> str:
    """A 13-digit card number: prefix, the sequence, and a Luhn check digit."""
    body = f"{CARD_PREFIX}{sequence:0{CARD_DIGITS - len(CARD_PREFIX)}d}"
    total = 0
    for i, digit in enumerate(reversed(body)):
        d = int(digit) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


SETTING_KEYS = (
    "rewards_points_per_unit",
    "rewards_point_value",
    "rewards_min_redeem",
    "rewards_expiry_months",
    "rewards_excluded_tenders",
    "rewards_excluded_skus",
)


def clean_setting(key: str, value: object, tenders: Iterable[str]) -> str:
    """A rewards setting as stored, or refused (the field's code)."""
    text = " ".join(str(value if value is not None else "").split())
    if key == "rewards_excluded_tenders":
        words = _words(text)
        unknown = [w for w in words if w not in set(tenders)]
        if unknown:
            raise FieldProblem("not_in_list", allowed=", ".join(tenders))
        return ", ".join(words)
    if key == "rewards_excluded_skus":
        return ", ".join(w.upper() for w in _words(text))
    limits = {
        "rewards_points_per_unit": ("points_rate_range", Decimal(100)),
        "rewards_point_value": ("point_value_range", Decimal(100)),
        "rewards_min_redeem": ("points_range", Decimal(10**7)),
        "rewards_expiry_months": ("months_range", Decimal(120)),
    }
    code, high = limits[key]
    number = _decimal(text, code, ZERO, high)
    if key in ("rewards_min_redeem", "rewards_expiry_months") and number != int(number):
        raise FieldProblem(code)
    return f"{number.normalize():f}"
