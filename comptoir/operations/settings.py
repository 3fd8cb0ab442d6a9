"""The shop this server runs for and its settings, read once and kept a few seconds:
what every screen, use case and in-transaction operation asks on every rerun.

Below the use cases (services/) so that the clock, the unit of work and the operations
can read the shop's time zone and rules without importing a use case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from comptoir.data import db
from comptoir.data import settings as settings_repo
from comptoir.i18n import LANGUAGES
from comptoir.logic.customers import CardRules
from comptoir.logic.errors import DatabaseUnavailable
from comptoir.logic.shops import DEFAULT_SHOP
from comptoir.operations import context


@dataclass(frozen=True)
class ShopLists:
    """Titles, genders and price levels for pickers."""

    titles: list[dict]
    genders: list[dict]
    price_levels: list[dict]
    shops: tuple[dict[str, str], ...] = ()


def here() -> str:
    """The code of the shop this server runs for (the context's: $COMPTOIR_SHOP, else MAIN)."""
    return context.current().shop


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
# (another process may have saved). Keyed by database (a test may bind another).
CACHE_SECONDS = 5.0


def _kept() -> context.Kept[ShopSettings]:
    return context.current().kept("settings", CACHE_SECONDS)


def forget_settings() -> None:
    """After a write: the next read goes to the database."""
    _kept().clear()


def current() -> ShopSettings:
    """The shop's settings and lists, from the cache when it is fresh."""
    kept, code = _kept(), here()
    place = f"{db.target()}#{code}"
    since = kept.generation()
    found = kept.get(place)
    if found is not None:
        return found
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
    kept.put(place, None, snapshot, since)  # unless overtaken by a write meanwhile
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
