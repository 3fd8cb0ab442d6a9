"""The shop this server runs for and its settings, read once and kept a few seconds:
what every screen, use case and in-transaction operation asks on every rerun.

Below the use cases (services/) so that the clock, the unit of work and the operations
can read the shop's time zone and rules without importing a use case.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from comptoir.data import db
from comptoir.data import settings as settings_repo
from comptoir.i18n import LANGUAGES
from comptoir.logic.customers import CardRules
from comptoir.logic.errors import DatabaseUnavailable, FieldProblem
from comptoir.logic.shops import DEFAULT_SHOP, clean_shop_code


@dataclass(frozen=True)
class ShopLists:
    """Titles, genders and price levels for pickers."""

    titles: list[dict]
    genders: list[dict]
    price_levels: list[dict]
    shops: tuple[dict[str, str], ...] = ()


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
