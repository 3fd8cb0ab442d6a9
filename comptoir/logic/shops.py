"""Rules for the shops of a chain: codes, time zones, what is set per shop."""

from __future__ import annotations

import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from comptoir.logic.errors import FieldProblem

DEFAULT_SHOP = "MAIN"
DEFAULT_TIME_ZONE = "Europe/Paris"
# Settings that differ from shop to shop; every other setting is the chain's.
PER_SHOP_KEYS = (
    "shop_name",
    "shop_address",
    "shop_phone",
    "shop_email",
    "time_zone",
    "receipt_prefix",
    "invoice_prefix",
    "receipt_footer",
    "printer_receipts",
    "printer_labels",
    "workshop_capacity_hours",
    # Each shop's server keeps its own backups, in its own data folder.
    "backup_time",
    "backup_second_folder",
    "backup_alert_email",
)
INVOICE_NUMBERING = ("chain", "shop")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,11}$")


def clean_shop_code(raw: object) -> str:
    """1-12 letters, digits, '-' or '_', upper-cased: what COMPTOIR_SHOP names."""
    code = str(raw or "").strip().upper()
    if not code:
        raise FieldProblem("required")
    if not _CODE.match(code):
        raise FieldProblem("shop_code_invalid", value=code)
    return code


def clean_time_zone(raw: object) -> str:
    """An IANA time zone such as Europe/Paris."""
    text = str(raw or "").strip()
    if not text:
        raise FieldProblem("required")
    if text not in available_timezones():
        raise FieldProblem("time_zone_unknown", value=text)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise FieldProblem("time_zone_unknown", value=text) from exc
    return text


def split_settings(values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(chain-wide, this shop's) halves of a settings form."""
    chain = {k: v for k, v in values.items() if k not in PER_SHOP_KEYS}
    own = {k: v for k, v in values.items() if k in PER_SHOP_KEYS}
    return chain, own


def counter_for_receipts(shop: str) -> str:
    """Receipt numbers are counted per shop."""
    return f"receipt:{shop}"


def counter_for_invoices(numbering: str, shop: str, year: int | None) -> str:
    """The invoice counter: the chain's or the shop's, per year when the prefix has {year}."""
    name = "invoice" if numbering != "shop" else f"invoice:{shop}"
    return f"{name}:{year}" if year is not None else name


def prefix_clash(
    prefix: str, shop: str, others: Mapping[str, str], numbering_per_shop: bool = True
) -> str | None:
    """The other shop already numbering with this prefix, if any (numbers would repeat)."""
    if not numbering_per_shop:
        return None
    for code, other in sorted(others.items()):
        if code != shop and other == prefix:
            return code
    return None
