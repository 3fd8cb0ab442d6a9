"""The shop's settings as staff change them: Settings, the chain's shops, the demo mark.

Reading them (here, current, settings_of, card_rules) lives one floor down in
operations/settings.py; the names are offered here too for the screens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import available_timezones

from comptoir.data import db
from comptoir.data import messages as messages_repo
from comptoir.data import settings as settings_repo
from comptoir.logic.account_numbers import clean_prefix
from comptoir.logic.addresses import parse_country
from comptoir.logic.audit import diff
from comptoir.logic.auth import Actor, clean_minutes, require
from comptoir.logic.backups import clean_folder, parse_time
from comptoir.logic.emails import parse_email
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed, check_fields
from comptoir.logic.pricing import ALL_TENDERS, parse_tax_rates
from comptoir.logic.rewards import SETTING_KEYS as REWARDS_KEYS
from comptoir.logic.rewards import clean_setting as clean_rewards_setting
from comptoir.logic.settings import clean_currency, clean_locale, clean_price_levels
from comptoir.logic.shops import (
    INVOICE_NUMBERING,
    clean_shop_code,
    clean_time_zone,
    prefix_clash,
)
from comptoir.logic.vouchers import parse_months
from comptoir.logic.workshop import format_intervals, parse_capacity, parse_intervals
from comptoir.operations import clock, unit_of_work
from comptoir.operations.settings import (
    ShopLists,
    ShopSettings,
    card_rules,
    check_here,
    current,
    forget_settings,
    get_lists,
    get_settings,
    here,
    settings_of,
)
from comptoir.operations.unit_of_work import UnitOfWork

__all__ = [
    "ShopLists",
    "ShopSettings",
    "card_rules",
    "check_here",
    "current",
    "forget_settings",
    "get_lists",
    "get_settings",
    "here",
    "settings_of",
]


DEMO_KEY = "demo_shop"
TIME_ZONES = tuple(sorted(available_timezones()))


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

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
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
            uow.audit("update", "settings", None, changes)

    try:
        unit_of_work.run(actor, "settings.edit", SCREEN_SETTINGS, work, moment)
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
    checks = {
        "shop_code": clean_shop_code,
        "shop_name": lambda v: " ".join(str(v or "").split()) or _required(),
        "time_zone": clean_time_zone,
        "receipt_prefix": lambda v: clean_prefix(str(v or "")) or _required(),
    }
    clean = check_fields({key: partial(check, values.get(key)) for key, check in checks.items()})
    code = clean.pop("shop_code")

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        if settings_repo.shop_exists(cur, code):
            raise ValidationFailed([FieldError("shop_code", "shop_code_taken", {"value": code})])
        chain = settings_repo.get_all(cur, here())
        # Invoices keep the chain's prefix pattern until the shop sets its own.
        own = {**clean, "invoice_prefix": chain.get("invoice_prefix", "F{year}-")}
        own["printer_receipts"] = own["printer_labels"] = '{"kind": "pdf"}'
        settings_repo.insert_shop(cur, code, own, moment)
        _refuse_prefix_clashes(cur, code, own)
        changes = diff({}, {"shop_code": code, **clean}, ["shop_code", *clean])
        uow.audit("create", "shop", None, changes)

    try:
        unit_of_work.run(actor, "settings.edit", SCREEN_SETTINGS, work, moment)
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
