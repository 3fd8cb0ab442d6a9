"""Message catalogues: gettext .po files under i18n/locales, one per language.

The message id is a key ("customers.count"); each language's file gives its text.
The .po files are compiled in memory with Babel when first needed, so an edited
file needs no build step and a new language is one new file.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Sequence
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from comptoir.logic.audit import FieldChange

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "comptoir"
SOURCE = "en"  # the fallback when a language lacks a message


def _po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _languages() -> dict[str, str]:
    """Each catalogue's code and its name in its own language, English first."""
    codes = sorted(p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    codes.sort(key=lambda code: code != SOURCE)
    return {
        code: (Locale.parse(code).get_display_name(code) or code).capitalize() for code in codes
    }


LANGUAGES = _languages()


def language_of(locale: str) -> str:
    """The catalogue language of a locale such as "fr_FR", else English."""
    code = locale.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else SOURCE


@cache
def _translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of language, falling back to English, then to the key."""
    if language not in LANGUAGES:
        return _translations(SOURCE)
    with _po_path(language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    translations = gettext.GNUTranslations(compiled)
    if language != SOURCE:
        translations.add_fallback(_translations(SOURCE))
    return translations


@cache
def keys() -> frozenset[str]:
    """Every message key of the English catalogue."""
    with _po_path(SOURCE).open("rb") as source:
        catalog = read_po(source, locale=SOURCE, domain=DOMAIN)
    return frozenset(m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id)


def _filled(text: str, params: dict[str, object]) -> str:
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def t(key: str, language: str = SOURCE, **params: object) -> str:
    """The message in the language, with {params} filled in."""
    return _filled(_translations(language).gettext(key), params)


# The app's own products (made in the shop's language the first time): shown, and printed,
# in the reader's language while they keep the name they were made with.
SYSTEM_PRODUCTS = {
    "LABOUR": "product.system.labour",
    "DEPOSIT": "product.system.deposit",
    "VOUCHER": "product.system.voucher",
    "IMPORTED": "product.system.imported",
}


def system_product_names(sku: str) -> dict[str, str]:
    """A system product's name in each language (what it is made with)."""
    return {language: t(SYSTEM_PRODUCTS[sku], language) for language in LANGUAGES}


def product_name(sku: object, stored: str, language: str) -> str:
    """A sold line's name as the reader reads it: a system product that still has one of
    its own names (a gift voucher's followed by its code) in the reader's language; any
    other name as stored (what was sold)."""
    key = SYSTEM_PRODUCTS.get(str(sku or "").upper())
    if key is None:
        return stored
    for name in system_product_names(str(sku).upper()).values():
        if stored == name or stored.startswith(name + " "):
            return t(key, language) + stored[len(name) :]
    return stored


# Changes to a part of the card are stored as "delivery.address1" or "reminder17.status".
_PART = re.compile(r"(delivery|item|order|voucher|reminder)(\d*)\.(\w+)")


def field_label(code: str, language: str = SOURCE) -> str:
    """A stored field's name as the screens label it (the card's field label, else the
    exports' own; "Delivery address — City" for a part of the card), else the code."""
    for key in (f"field.{code}", f"export.column.{code}"):
        if key in keys():
            return t(key, language)
    part = _PART.fullmatch(code)
    if part is None:
        return code
    kind, number, field = part.groups()
    whose = t(f"audit.part.{kind}", language) + (f" {number}" if number else "")
    return f"{whose} — {field_label(field, language)}"


def _shown(value: object, language: str) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return t("choice.yes", language)
    if value is False:
        return t("choice.no", language)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def labelled(label: str, value: str, language: str = SOURCE) -> str:
    """A label and its value as the language writes them: 'City: Lyon', 'Ville : Lyon'."""
    return t("format.labelled", language, label=label, value=value)


def describe_changes(changes: Sequence[FieldChange], language: str = SOURCE) -> str:
    """An audit entry's changes as a reader reads them, one per field:
    'City: Annecy → Lyon · Postcode: 74000 → 69003'."""
    return " · ".join(
        labelled(
            field_label(c.field, language),
            f"{_shown(c.before, language)} → {_shown(c.after, language)}",
            language,
        )
        for c in changes
    )


def tn(key: str, n: int, language: str = SOURCE, **params: object) -> str:
    """The singular or plural form of a message for the number n, by the language's rule.

    {count} in the message is n unless params say otherwise.
    """
    return _filled(_translations(language).ngettext(key, key, n), {"count": n, **params})
