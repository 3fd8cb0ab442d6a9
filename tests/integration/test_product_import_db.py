"""Product CSV import on a real file: all or nothing, every change audited old → new."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.logic.errors import ValidationFailed
from comptoir.services import audit, products
from tests.conftest import ADMIN, MANAGER

FIRST = b"sku;name;price;tax_rate;price_B\nA-1;Pneu;30,00;20;25\nA-2;Patin;9.90;5,5;\n"


def _entries(action: str) -> list[audit.AuditEntry]:
    entries, _ = audit.search_audit(ADMIN, entity="product", action=action, page_size=500)
    return entries


def test_a_price_changed_by_an_import_is_audited_field_by_field(database):
    assert products.import_csv(MANAGER, FIRST) == 2
    assert len(_entries("create")) == 2
    stages: list[tuple[float, str]] = []
    again = b"SKU,Name,Price,Tax_Rate,price_b\nA-1,Pneu,32.50,20,25\nA-2,Patin,9.90,5.5,\n"
    products.import_csv(MANAGER, again, progress=lambda done, stage: stages.append((done, stage)))
    [update] = _entries("update")
    assert [(c.field, c.before, c.after) for c in update.changes] == [("price", "30.00", "32.50")]
    assert stages[0] == (0.0, "reading") and stages[-1] == (1.0, "done")
    assert [done for done, _ in stages] == sorted(done for done, _ in stages)
    rows, _ = products.search_products("A-1")
    assert rows[0]["price"] == Decimal("32.50") and rows[0]["version"] == 2
    # The same file again changes nothing and audits nothing but the import itself.
    products.import_csv(MANAGER, again)
    assert len(_entries("update")) == 1 and len(_entries("import")) == 3


def test_a_refused_line_stores_nothing(database):
    products.import_csv(MANAGER, FIRST)
    bad = b"sku;name;price;tax_rate\nA-1;Pneu;1e30;20\nA-3;Selle;19;20\n"
    with pytest.raises(ValidationFailed) as info:
        products.import_csv(MANAGER, bad)
    assert [(e.field, e.code, e.params["line"]) for e in info.value.errors] == [
        ("price", "price_invalid", "2")
    ]
    assert products.search_products("")[1] == 2
    assert products.search_products("A-1")[0][0]["price"] == Decimal("30.00")


def test_product_groups_are_imported_kept_when_absent_and_edited(database):
    grouped = b"sku;name;price;tax_rate;product_group\nA-1;Pneu;30;20;  Tyres  \nA-2;Patin;9;20;\n"
    products.import_csv(MANAGER, grouped)
    groups = {r["sku"]: r["product_group"] for r in products.search_products("A-")[0]}
    assert groups == {"A-1": "Tyres", "A-2": ""}
    # A file without the column changes prices and leaves the groups as they were.
    products.import_csv(MANAGER, b"sku;name;price;tax_rate\nA-1;Pneu;31;20\nA-3;Selle;19;20\n")
    groups = {r["sku"]: r["product_group"] for r in products.search_products("A-")[0]}
    assert groups == {"A-1": "Tyres", "A-2": "", "A-3": ""}
    [pad] = products.search_products("A-2")[0]
    raw = {"sku": "A-2", "name": "Patin", "price": "9", "tax_rate": "20", "product_group": "Brakes"}
    products.save_product(MANAGER, pad["id"], pad["version"], raw)
    [update] = [e for e in _entries("update") if e.entity_id == str(pad["id"])]
    assert [(c.field, c.before, c.after) for c in update.changes] == [
        ("product_group", "", "Brakes")
    ]
    with pytest.raises(ValidationFailed) as refused:
        products.save_product(MANAGER, None, None, {**raw, "sku": "A-9", "product_group": "x" * 61})
    assert [(e.field, e.code) for e in refused.value.errors] == [("product_group", "too_long")]
