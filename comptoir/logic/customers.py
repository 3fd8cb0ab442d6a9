"""The customer card's rules, field by field (see docs/design.md)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comptoir.logic.account_numbers import clean_account_number
from comptoir.logic.addresses import parse_country, parse_postcode
from comptoir.logic.emails import parse_email
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed
from comptoir.logic.numbers import plain_decimal
from comptoir.logic.phones import parse_phone
from comptoir.logic.text import check_no_controls

MAX_AGE_YEARS = 120
CONTACT_PREFERENCES = ("email", "sms")
DEFAULT_GENDER = "not_defined"

# Longest text accepted per field; beyond this it is a typing accident.
TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "company": 150,
    "address1": 200,
    "address2": 200,
    "city": 100,
    "region": 100,
    "tax_number": 50,
    "notes": 5000,
}

# Every field of the card, in the order the grid and exports show them.
FIELDS = (
    "account_number",
    "title",
    "first_name",
    "last_name",
    "company",
    "postcode",
    "address1",
    "address2",
    "city",
    "region",
    "country_code",
    "phone",
    "mobile",
    "fax",
    "email",
    "contact_preference",
    "language",
    "date_of_birth",
    "gender",
    "tax_exempt",
    "tax_number",
    "price_level",
    "discount_percent",
    "tags",
    "notes",
    "marketing_opt_in",
    "sms_opt_in",
)


@dataclass(frozen=True)
class CardRules:
    """What the rules need from settings and lists, and today's date."""

    default_country: str
    today: date
    titles: tuple[str, ...] = ()
    genders: tuple[str, ...] = (DEFAULT_GENDER,)
    price_levels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en", "fr")


@dataclass(frozen=True)
class CustomerFields:
    """A customer card that passed every rule, ready to store."""

    account_number: str
    last_name: str
    title: str | None = None
    first_name: str | None = None
    company: str | None = None
    postcode: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    region: str | None = None
    country_code: str | None = None
    phone: str | None = None
    mobile: str | None = None
    fax: str | None = None
    email: str | None = None
    contact_preference: str | None = None
    language: str | None = None  # None: the shop's
    date_of_birth: date | None = None
    gender: str = DEFAULT_GENDER
    tax_exempt: bool = False
    tax_number: str | None = None
    price_level: str | None = None
    discount_percent: Decimal = field(default=Decimal("0"))
    tags: str | None = None
    notes: str | None = None
    marketing_opt_in: bool = False  # to e-mail marketing
    sms_opt_in: bool = False  # to marketing by SMS

    def as_dict(self) -> dict[str, Any]:
        """Field name to value (the values are immutable: no deep copy needed)."""
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(f.name for f in fields(CustomerFields))


def blank(value: object) -> bool:
    """Nothing there: None, NaN (pandas) or only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from pandas
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: object, name: str, required: bool = False) -> str | None:
    if blank(value):
        if required:
            raise FieldProblem("required")
        return None
    notes = name == "notes"
    raw_text = check_no_controls(str(value), multiline=notes)
    text = " ".join(raw_text.split()) if not notes else raw_text.strip()
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise FieldProblem("too_long", max=str(limit))
    return text


def _choice(value: object, allowed: tuple[str, ...]) -> str | None:
    if blank(value):
        return None
    text = str(value).strip()
    if text not in allowed:
        raise FieldProblem("not_in_list", allowed=", ".join(allowed))
    return text


def parse_discount(value: object) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals ('12,5' accepted)."""
    if blank(value):
        return Decimal("0")
    if isinstance(value, bool):
        raise FieldProblem("discount_invalid")
    try:
        number = plain_decimal(str(value).strip().rstrip("%"))
    except ValueError as exc:
        raise FieldProblem("discount_invalid") from exc
    if number < 0 or number > 100:
        raise FieldProblem("discount_invalid")
    if number != number.quantize(Decimal("0.01")):
        raise FieldProblem("discount_invalid")
    return number.quantize(Decimal("0.01"))


MAX_TAG = 40
MAX_TAGS = 20
TAG_SEPARATORS = re.compile(r"[,;\n|]")


def tag_list(value: object) -> list[str]:
    """The tags of a stored or typed text: split on commas (or ; | and new lines), each
    on one line of single spaces, the first spelling of each kept (case aside)."""
    if blank(value):
        return []
    found: dict[str, str] = {}
    for part in TAG_SEPARATORS.split(str(value)):
        tag = " ".join(part.split())
        if tag:
            found.setdefault(tag.casefold(), tag)
    return list(found.values())


def parse_tags(value: object) -> str | None:
    """Tags as stored: "club, trade" (at most 20 tags of 40 characters; None when none)."""
    if blank(value):
        return None
    tags = tag_list(check_no_controls(str(value), multiline=True))
    if len(tags) > MAX_TAGS:
        raise FieldProblem("too_many_tags", max=str(MAX_TAGS))
    longest = max(tags, key=len, default="")
    if len(longest) > MAX_TAG:
        raise FieldProblem("tag_too_long", tag=longest[:MAX_TAG] + "…", max=str(MAX_TAG))
    return ", ".join(tags) or None


def has_tag(stored: object, tag: str) -> bool:
    """Whether a customer's stored tags hold this one (case aside)."""
    wanted = " ".join(tag.split()).casefold()
    return any(t.casefold() == wanted for t in tag_list(stored))


def parse_birth_date(value: object, today: date) -> date | None:
    """Not in the future, not more than 120 years ago."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise FieldProblem("date_invalid") from exc
    if not isinstance(value, date):
        raise FieldProblem("date_invalid")
    if value > today:
        raise FieldProblem("birth_date_future")
    if value < oldest_birth_date(today):
        raise FieldProblem("birth_date_too_old", years=str(MAX_AGE_YEARS))
    return value


def oldest_birth_date(today: date) -> date:
    """The earliest date of birth accepted: 120 years before today."""
    try:
        return today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MAX_AGE_YEARS, day=28)


def _flag(value: object) -> bool:
    if blank(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "oui", "x")
    return bool(value)


def validate_customer(raw: Mapping[str, object], rules: CardRules) -> CustomerFields:
    """Check every field; raise ValidationFailed naming each refused field."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}

    def take(name: str, parse: Callable[[], Any]) -> None:
        try:
            clean[name] = parse()
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))

    take("account_number", lambda: clean_account_number(_opt_str(raw.get("account_number"))))
    take("last_name", lambda: _text(raw.get("last_name"), "last_name", required=True))

    def text_of(name: str) -> Callable[[], str | None]:
        return lambda: _text(raw.get(name), name)

    for name in ("first_name", "company", "address1", "address2", "city", "region"):
        take(name, text_of(name))
    take("tax_number", lambda: _text(raw.get("tax_number"), "tax_number"))
    take("notes", lambda: _text(raw.get("notes"), "notes"))
    take("tags", lambda: parse_tags(raw.get("tags")))
    take("title", lambda: _choice(raw.get("title"), rules.titles))
    take("country_code", lambda: parse_country(_opt_str(raw.get("country_code"))))
    region = clean.get("country_code") or rules.default_country
    take("postcode", lambda: parse_postcode(_opt_str(raw.get("postcode")), region))

    def phone_of(name: str) -> Callable[[], str | None]:
        return lambda: parse_phone(_opt_str(raw.get(name)), region)

    for name in ("phone", "mobile", "fax"):
        take(name, phone_of(name))
    take("email", lambda: parse_email(_opt_str(raw.get("email"))))
    take("date_of_birth", lambda: parse_birth_date(raw.get("date_of_birth"), rules.today))
    take("gender", lambda: _choice(raw.get("gender"), rules.genders) or DEFAULT_GENDER)
    take("tax_exempt", lambda: _flag(raw.get("tax_exempt")))
    take("price_level", lambda: _choice(raw.get("price_level"), rules.price_levels))
    take("discount_percent", lambda: parse_discount(raw.get("discount_percent")))
    take("marketing_opt_in", lambda: _flag(raw.get("marketing_opt_in")))
    take("sms_opt_in", lambda: _flag(raw.get("sms_opt_in")))
    take("contact_preference", lambda: _preference(raw.get("contact_preference"), raw))
    take("language", lambda: _choice(raw.get("language"), rules.languages))

    if errors:
        raise ValidationFailed(errors)
    return CustomerFields(**clean)


def _opt_str(value: object) -> str | None:
    return None if blank(value) else check_no_controls(str(value))


def _preference(value: object, raw: Mapping[str, object]) -> str | None:
    choice = _choice(value, CONTACT_PREFERENCES)
    if choice == "email" and blank(raw.get("email")):
        raise FieldProblem("preference_needs_email")
    if choice == "sms" and blank(raw.get("mobile")):
        raise FieldProblem("preference_needs_mobile")
    return choice


def discount_needs_warning(old: Decimal | None, new: Decimal) -> bool:
    """Setting a discount warns that it applies even to discounted items."""
    return new > 0 and new != (old or Decimal("0"))
