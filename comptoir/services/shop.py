"""Shop settings and lists as the screens and rules need them."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import available_timezones

from comptoir.data import db
from comptoir.data import messages as messages_repo
from comptoir.data import settings as settings_repo
from comptoir.i18n import LANGUAGES
from comptoir.logic.account_numbers import clean_prefix
from comptoir.logic.addresses import parse_country
from comptoir.logic.audit import diff
from comptoir.logic.auth import Actor, clean_minutes, require
from comptoir.logic.backups import clean_folder, parse_time
from comptoir.logic.customers import CardRules
from comptoir.logic.emails import parse_email
from comptoir.logic.errors import DatabaseUnavailable, FieldError, FieldProblem, ValidationFailed
from comptoir.logic.pricing import ALL_TENDERS, parse_tax_rates
from comptoir.logic.rewards import SETTING_KEYS as REWARDS_KEYS
from comptoir.logic.rewards import clean_setting as clean_rewards_setting
from comptoir.logic.settings import clean_currency, clean_locale, clean_price_levels
from comptoir.logic.shops import (
    DEFAULT_SHOP,
    INVOICE_NUMBERING,
    clean_shop_code,
    clean_time_zone,
    prefix_clash,
)
from comptoir.logic.vouchers import parse_months
from comptoir.logic.workshop import format_intervals, parse_capacity, parse_intervals
from comptoir.services import audit, clock


@dataclass(frozen=True)
class ShopLists:
    """Titles, genders and price levels for pickers."""

    titles: list[dict]
    genders: list[dict]
    price_levels: list[dict]
    shops: tuple[dict[str, str], ...] = ()


DEMO_KEY = "demo_shop"
TIME_ZONES = tuple(sorted(available_timezones()))
SHOP_ENV = "COMPTOIR_SHOP"


def here() -> str:
    """The code of the shop this server runs for: $COMPTOIR_SHOP, else MAIN."""
    raw = os.environ.get(SHOP_ENV, "").strip()
    if not raw:
        return DEFAULT_SHOP
    try:
        return clean_shop_code(raw)
    except FieldProblem:
        return raw  # refused by check_here() with the value as given


def check_here() -> None:
    """Refuse to start for a shop the database does not have (a typo must not invent one)."""
    code = here()
    with db.cursor() as cur:
        if settings_repo.shop_exists(cur, code):
            return
        known = ", ".join(s["code"] for s in settings_repo.shops(cur))
    raise DatabaseUnavailable("unknown_shop", db.target(), holder=code, detail=known)


@dataclass(frozen=True)
class ShopSettings:
    """The settings and pick lists as one read: what screens ask for on every rerun."""

    values: Mapping[str, str]
    lists: ShopLists

    @property
    def default_country(self) -> str:
        return self.values.get("default_country", "FR")

    @property
    def currency(self) -> str:
        return self.values.get("currency", "EUR")

    @property
    def locale(self) -> str:
        return self.values.get("locale", "en")

    @property
    def code(self) -> str:
        return self.values.get("shop_code", DEFAULT_SHOP)

    @property
    def shops(self) -> tuple[dict[str, str], ...]:
        """Every shop of the chain (code and own settings), for pickers and filters."""
        return self.lists.shops


# Read once and kept until a setting is saved in this process, or for a few seconds
# (another process may have saved). Keyed by database, so tests on new files start clean.
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, int, ShopSettings]] = {}
_revision = 0
_cache_lock = threading.Lock()


def forget_settings() -> None:
    """After a write: the next read goes to the database."""
    global _revision
    with _cache_lock:
        _revision += 1
        _cache.clear()


def current() -> ShopSettings:
    """The shop's settings and lists, from the cache when it is fresh."""
    place = f"{db.target()}#{here()}"
    with _cache_lock:
        kept, revision = _cache.get(place), _revision
    if kept and kept[1] == revision and time.monotonic() - kept[0] < CACHE_SECONDS:
        return kept[2]
    code = here()
    with db.cursor() as cur:
        snapshot = ShopSettings(
            values=MappingProxyType({**settings_repo.get_all(cur, code), "shop_code": code}),
            lists=ShopLists(
                titles=settings_repo.titles(cur),
                genders=settings_repo.genders(cur),
                price_levels=settings_repo.price_levels(cur),
                shops=tuple(settings_repo.shops(cur)),
            ),
        )
    with _cache_lock:
        if _revision == revision:  # not overtaken by a write meanwhile
            _cache[place] = (time.monotonic(), revision, snapshot)
    return snapshot


def settings_of(code: str) -> Mapping[str, str]:
    """The settings as another shop of the chain has them (its name, address, footer...)."""
    snapshot = current()
    if code == snapshot.code:
        return snapshot.values
    own = next((s for s in snapshot.shops if s["code"] == code), {})
    return MappingProxyType({**snapshot.values, **own, "shop_code": code})


def get_settings() -> dict[str, str]:
    """Every shop setting (a copy of the cached read)."""
    return dict(current().values)


def get_lists() -> ShopLists:
    """The pick lists of the customer card."""
    return current().lists


def card_rules(cur, today: date) -> CardRules:
    """Rules context from the stored settings and lists."""
    values = settings_repo.get_all(cur, here())
    return CardRules(
        default_country=values.get("default_country", "FR"),
        today=today,
        titles=tuple(t["code"] for t in settings_repo.titles(cur)),
        genders=tuple(g["code"] for g in settings_repo.genders(cur)),
        price_levels=tuple(p["code"] for p in settings_repo.price_levels(cur)),
        languages=tuple(LANGUAGES),
    )


SCREEN_SETTINGS = "settings"
# Limits for the numeric security settings: (low, high).
NUMBER_LIMITS = {
    "session_timeout_minutes": (1, 720),
    "lockout_attempts": (3, 20),
    "lockout_minutes": (1, 1440),
    "messages_per_minute": (1, 600),
}


def save_settings(
    values: Mapping[str, object],
    price_levels: list[tuple[str, str]],
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Check and store shop settings and price levels in one transaction (administrators)."""
    require(actor, "settings.edit")
    moment = clock.utc(now)
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    checks: dict[str, Callable[[Any], str]] = {
        "default_country": lambda v: parse_country(v) or _required(),
        "currency": clean_currency,
        "locale": clean_locale,
        "account_prefix": clean_prefix,
        "receipt_prefix": clean_prefix,
        "invoice_prefix": lambda v: _invoice_prefix(v),
        "tax_rates": lambda v: "; ".join(f"{r.normalize():f}" for r in parse_tax_rates(v)),
        "prices_include_tax": lambda v: "true" if str(v).lower() == "true" else "false",
        "time_zone": clean_time_zone,
        "invoice_numbering": _numbering,
        "order_prefix": lambda v: clean_prefix(str(v or "")) or _required(),
        "workshop_capacity_hours": lambda v: f"{parse_capacity(v).normalize():f}",
        "service_reminder_intervals": lambda v: format_intervals(parse_intervals(str(v or ""))),
        "voucher_validity_months": lambda v: str(parse_months(v)),
        "backup_time": parse_time,
        "backup_second_folder": clean_folder,
        "backup_alert_email": _optional_email,
        **{key: _rewards_check(key) for key in REWARDS_KEYS},
    }
    for key, value in values.items():
        try:
            if key in NUMBER_LIMITS:
                clean[key] = str(clean_minutes(value, *NUMBER_LIMITS[key]))
            elif key in checks:
                clean[key] = checks[key](value)
            else:
                clean[key] = " ".join(str(value or "").split())
        except FieldProblem as problem:
            errors.append(FieldError(key, problem.code, problem.params))
    if not clean.get("shop_name", "x"):
        errors.append(FieldError("shop_name", "required"))
    try:
        levels = clean_price_levels(price_levels)
    except FieldProblem as problem:
        errors.append(FieldError("price_levels", problem.code, problem.params))
        levels = []
    if errors:
        raise ValidationFailed(errors)

    code = here()

    def work(cur) -> None:
        _refuse_prefix_clashes(cur, code, clean)
        _refuse_unknown_templates(cur, clean)
        kept = {code for code, _ in levels}
        before_levels = settings_repo.price_levels(cur)
        for old in before_levels:
            used = settings_repo.customers_using_price_level(cur, old["code"])
            if old["code"] not in kept and used:
                raise ValidationFailed(
                    [
                        FieldError(
                            "price_levels",
                            "price_level_in_use",
                            {"code": old["code"], "count": str(used)},
                        )
                    ]
                )
        before = settings_repo.get_all(cur, code)
        settings_repo.set_many(cur, clean, code)
        settings_repo.replace_price_levels(cur, levels)
        changes = diff(before, clean, list(clean))
        old_levels = [f"{x['code']}: {x['name']}" for x in before_levels]
        new_levels = [f"{code}: {name}" for code, name in levels]
        changes += diff({"price_levels": old_levels}, {"price_levels": new_levels})
        if changes:
            audit.record(cur, actor, "update", "settings", None, SCREEN_SETTINGS, changes, moment)

    try:
        db.run_in_transaction(work)
    finally:
        forget_settings()


def _rewards_check(key: str) -> Callable[[Any], str]:
    return lambda value: clean_rewards_setting(key, value, ALL_TENDERS)


def _refuse_unknown_templates(cur, clean: Mapping[str, str]) -> None:
    """Each reminder interval names a message template that exists."""
    if "service_reminder_intervals" not in clean:
        return
    known = {t["code"] for t in messages_repo.templates(cur)}
    for interval in parse_intervals(clean["service_reminder_intervals"]):
        if interval.template not in known:
            raise ValidationFailed(
                [
                    FieldError(
                        "service_reminder_intervals",
                        "template_unknown",
                        {"value": interval.template},
                    )
                ]
            )


def _numbering(raw: object) -> str:
    if str(raw) not in INVOICE_NUMBERING:
        raise FieldProblem("invalid_choice", value=str(raw))
    return str(raw)


def _refuse_prefix_clashes(cur, code: str, clean: Mapping[str, str]) -> None:
    """Receipt numbers (always) and invoice numbers (when per shop) must not repeat."""
    stored = settings_repo.get_all(cur, code)
    per_shop_invoices = clean.get("invoice_numbering", stored.get("invoice_numbering")) == "shop"
    shops = settings_repo.shops(cur)
    errors = []
    for key, counted_per_shop in (("receipt_prefix", True), ("invoice_prefix", per_shop_invoices)):
        prefix = clean.get(key, stored.get(key, ""))
        others = {s["code"]: s.get(key, "") for s in shops}
        clash = prefix_clash(prefix, code, others, counted_per_shop)
        if clash:
            errors.append(FieldError(key, "prefix_used_by_shop", {"value": prefix, "shop": clash}))
    if errors:
        raise ValidationFailed(errors)


SHOP_FIELDS = ("shop_code", "shop_name", "time_zone", "receipt_prefix")


def add_shop(actor: Actor, values: Mapping[str, object], now: datetime | None = None) -> str:
    """Add a shop to the chain (administrators): shop_code, shop_name, time_zone, receipt_prefix.

    Its other settings (address, printers, ...) are set in Settings on its own server.
    """
    require(actor, "settings.edit")
    moment = clock.utc(now)
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    checks = {
        "shop_code": clean_shop_code,
        "shop_name": lambda v: " ".join(str(v or "").split()) or _required(),
        "time_zone": clean_time_zone,
        "receipt_prefix": lambda v: clean_prefix(str(v or "")) or _required(),
    }
    for key, check in checks.items():
        try:
            clean[key] = check(values.get(key))
        except FieldProblem as problem:
            errors.append(FieldError(key, problem.code, problem.params))
    if errors:
        raise ValidationFailed(errors)
    code = clean.pop("shop_code")

    def work(cur) -> None:
        if settings_repo.shop_exists(cur, code):
            raise ValidationFailed([FieldError("shop_code", "shop_code_taken", {"value": code})])
        chain = settings_repo.get_all(cur, here())
        # Invoices keep the chain's prefix pattern until the shop sets its own.
        own = {**clean, "invoice_prefix": chain.get("invoice_prefix", "F{year}-")}
        own["printer_receipts"] = own["printer_labels"] = '{"kind": "pdf"}'
        settings_repo.insert_shop(cur, code, own, moment)
        _refuse_prefix_clashes(cur, code, own)
        changes = diff({}, {"shop_code": code, **clean}, ["shop_code", *clean])
        audit.record(cur, actor, "create", "shop", None, SCREEN_SETTINGS, changes, moment)

    try:
        db.run_in_transaction(work)
    finally:
        forget_settings()
    return code


def _invoice_prefix(raw: object) -> str:
    text = str(raw or "").strip()
    clean_prefix(text.replace("{year}", ""))
    return text


def _optional_email(raw: object) -> str:
    return parse_email(str(raw or "")) or ""


def _required() -> str:
    raise FieldProblem("required")


def mark_demo() -> None:
    """Mark this database as the demo shop (published passwords, DEMO on every page)."""
    db.run_in_transaction(lambda cur: settings_repo.set_many(cur, {DEMO_KEY: "true"}, here()))
    forget_settings()


def is_demo() -> bool:
    """True for the demo shop's database."""
    return get_settings().get(DEMO_KEY) == "true"
