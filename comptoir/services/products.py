"""Products: search, edit in a grid, import from CSV (managers edit, everyone reads)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from comptoir.data import db
from comptoir.data import products as repo
from comptoir.data import settings as settings_repo
from comptoir.logic.audit import FieldChange, created, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.csv_files import MAX_REPORTED, read_table
from comptoir.logic.errors import (
    Busy,
    Checked,
    FieldError,
    FieldProblem,
    StaleRecord,
    ValidationFailed,
)
from comptoir.logic.pricing import cents, parse_percent, parse_price, parse_tax_rates
from comptoir.logic.text import check_no_controls
from comptoir.operations import clock, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN_PRODUCTS = "products"
SCREEN_IMPORT = "product_import"
PAGE_SIZE = 50


def tax_rates() -> tuple[Decimal, ...]:
    """The tax rates products may use (from settings)."""
    with db.cursor() as cur:
        return parse_tax_rates(
            settings_repo.get_all(cur, shop_settings.here()).get("tax_rates", "20")
        )


def price_levels() -> list[str]:
    """Price-level codes from settings."""
    with db.cursor() as cur:
        return [p["code"] for p in settings_repo.price_levels(cur)]


def search_products(
    term: str = "", page: int = 0, page_size: int = PAGE_SIZE, active_only: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Products by SKU or name fragment."""
    with db.cursor() as cur:
        return repo.search(
            cur, term, active_only=active_only, limit=page_size, offset=page * page_size
        )


def active_by_sku(sku: str) -> dict[str, Any] | None:
    """The active product with this SKU (any case), as a scanner or a typist gives it."""
    with db.cursor() as cur:
        product_id = repo.id_for_sku(cur, sku.strip().upper())
        found = repo.by_ids(cur, [product_id]).get(product_id) if product_id else None
    return found if found and found["active"] else None


def _clean(
    raw: Mapping[str, object], rates: Sequence[Decimal], levels: Sequence[str]
) -> dict[str, Any]:
    checked = Checked()
    clean, take = checked.values, checked.take

    def sku() -> str:
        text = check_no_controls(str(raw.get("sku") or "")).strip()
        if not text:
            raise FieldProblem("required")
        if len(text) > 40 or any(ch.isspace() for ch in text):
            raise FieldProblem("sku_invalid")
        return text

    def name() -> str:
        text = " ".join(check_no_controls(str(raw.get("name") or "")).split())
        if not text:
            raise FieldProblem("required")
        if len(text) > 120:
            raise FieldProblem("too_long", max="120")
        return text

    def rate() -> Decimal:
        value = parse_percent(raw.get("tax_rate", ""))
        if value not in rates:
            raise FieldProblem("not_in_list", allowed="; ".join(str(r) for r in rates))
        return value

    def group() -> str | None:
        if "product_group" not in raw:  # a file without the column keeps the groups
            return None
        value = raw.get("product_group")
        if value is None or (isinstance(value, float) and value != value):
            return ""
        text = " ".join(check_no_controls(str(value)).split())
        if len(text) > 60:
            raise FieldProblem("too_long", max="60")
        return text

    take("sku", sku)
    take("name", name)
    take("product_group", group)
    take("price", lambda: parse_price(raw.get("price")))
    take("tax_rate", rate)
    active = raw.get("active", True)
    clean["active"] = (
        active
        if isinstance(active, bool)
        else str(active).strip().lower() not in ("0", "false", "no", "non", "")
    )
    clean["levels"] = {}
    for level in levels:
        value = raw.get(f"price_{level}")
        if (
            value is None
            or (isinstance(value, float) and value != value)
            or str(value).strip() in ("", "None")
        ):
            clean["levels"][level] = None
            continue
        try:
            clean["levels"][level] = parse_price(value)
        except FieldProblem as problem:
            checked.refuse("level_price", problem.code, level=level, **problem.params)
    checked.done()
    clean["sku_key"] = clean["sku"].upper()
    return clean


def save_product(
    actor: Actor,
    product_id: int | None,
    version: int | None,
    raw: Mapping[str, object],
    now: datetime | None = None,
) -> int:
    """Add or change one product (managers)."""
    require(actor, "products.edit")  # before the checks, which read the shop's rates
    clean = _clean(raw, tax_rates(), price_levels())

    def work(uow: UnitOfWork) -> int:
        cur, moment = uow.cur, uow.now
        holder = repo.id_for_sku(cur, clean["sku_key"], product_id)
        if holder is not None:
            raise ValidationFailed([FieldError("sku", "sku_taken", {"value": clean["sku"]})])
        names = ("sku", "sku_key", "name", "product_group", "price", "tax_rate", "active")
        fields = {k: clean[k] for k in names if clean[k] is not None}
        if product_id is None:
            new_id = repo.insert(cur, fields, moment)
            repo.set_level_prices(cur, new_id, clean["levels"])
            uow.audit("create", "product", new_id, created(fields))
            return new_id
        before = repo.by_ids(cur, [product_id]).get(product_id)
        if before is None or version is None or before["version"] != version:
            raise StaleRecord(product_id, before["version"] if before else None)
        changed = {k: v for k, v in fields.items() if before.get(k, v) != v}
        if changed and repo.update(cur, product_id, version, changed, moment) is None:
            raise StaleRecord(product_id, None)
        repo.set_level_prices(cur, product_id, clean["levels"])
        old_levels = {f"price_{k}": v for k, v in before["levels"].items()}
        new_levels = {f"price_{k}": v for k, v in clean["levels"].items() if v is not None}
        changes = diff(before, changed, list(changed)) + diff(old_levels, new_levels)
        if changes:
            uow.audit("update", "product", product_id, changes)
        return product_id

    return unit_of_work.run(actor, "products.edit", SCREEN_PRODUCTS, work, now)


Progress = Callable[[float, str], None]
REQUIRED_COLUMNS = ("sku", "name", "price", "tax_rate")


def _column_name(typed: str) -> str:
    """sku, name… in any case; price_b and PRICE_B both name level B's price."""
    lower = typed.lower()
    return f"price_{typed[6:].upper()}" if lower.startswith("price_") else lower


def _comparable(product: Mapping[str, Any]) -> dict[str, Any]:
    """A product's imported fields as stored (2 decimals), level prices as price_X."""
    flat: dict[str, Any] = {name: product[name] for name in ("sku", "name")}
    flat["product_group"] = product.get("product_group") or ""
    flat["price"] = cents(Decimal(product["price"]))
    flat["tax_rate"] = cents(Decimal(product["tax_rate"]))
    flat["active"] = bool(product["active"])
    for level, price in product["levels"].items():
        if price is not None:
            flat[f"price_{level}"] = cents(Decimal(price))
    return flat


def _import_changes(before: Mapping[str, Any], row: Mapping[str, Any]) -> list[FieldChange]:
    """Field by field, old → new, as a grid edit is audited."""
    return diff(_comparable(before), _comparable(row))


def import_csv(
    actor: Actor, data: bytes, now: datetime | None = None, progress: Progress | None = None
) -> int:
    """Add or update products from CSV (sku, name, price, tax_rate, active, price_A…).

    All or nothing, in one transaction: a file that is not a CSV, a malformed
    line or a refused value names the line and stores nothing. Each product
    created or changed gets its audit entry with old → new values.
    """
    require(actor, "products.edit")
    moment = clock.utc(now)
    report = progress or (lambda fraction, stage: None)
    report(0.0, "reading")
    table = read_table(data, REQUIRED_COLUMNS, _column_name)
    rates, levels = tax_rates(), price_levels()
    rows, errors = [], []
    for count, (line, raw) in enumerate(table.rows, start=1):
        try:
            rows.append((line, _clean(raw, rates, levels)))
        except ValidationFailed as exc:
            errors += [
                FieldError(e.field, e.code, {**e.params, "line": str(line)}) for e in exc.errors
            ]
            if len(errors) >= MAX_REPORTED:
                break
        if count % 10_000 == 0:
            report(0.4 * count / len(table.rows), "checking")
    seen: set[str] = set()
    for line, row in rows:
        if row["sku_key"] in seen:
            errors.append(FieldError("sku", "sku_taken", {"value": row["sku"], "line": str(line)}))
        seen.add(row["sku_key"])
    if errors:
        raise ValidationFailed(errors[:MAX_REPORTED])
    if not rows:
        raise ValidationFailed([FieldError("csv", "csv_empty")])

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        report(0.45, "writing")
        existing = repo.for_import(cur, [row["sku_key"] for _, row in rows])
        new = [row for _, row in rows if row["sku_key"] not in existing]
        changed, audit_updates = [], []
        for _, row in rows:
            before = existing.get(row["sku_key"])
            if row["product_group"] is None:  # no such column: the group stays
                row["product_group"] = before["product_group"] if before else ""
            if before is None:
                continue
            changes = _import_changes(before, row)
            if changes:
                changed.append({**row, "id": before["id"], "version": before["version"]})
                audit_updates.append(("update", before["id"], changes))
        created_ids = repo.bulk_insert(cur, new, moment)
        report(0.65, "writing")
        if repo.bulk_update(cur, changed, moment) != len(changed):
            raise Busy()  # a product changed under the import: nothing stored, try again
        ids = {**{key: found["id"] for key, found in existing.items()}, **created_ids}
        rewritten = [*new, *changed]
        prices = [
            (ids[row["sku_key"]], level, price)
            for row in rewritten
            for level, price in row["levels"].items()
            if price is not None
        ]
        repo.bulk_level_prices(cur, [ids[row["sku_key"]] for row in rewritten], levels, prices)
        report(0.85, "writing")
        audits = [
            (
                "create",
                created_ids[row["sku_key"]],
                created(_comparable(row)),
            )
            for row in new
        ]
        uow.audit_many("product", audits + audit_updates, screen=SCREEN_IMPORT)
        uow.audit(
            "import",
            "product",
            None,
            diff({}, {"rows": len(rows), "created": len(new), "changed": len(changed)}),
        )
        return len(rows)

    done = unit_of_work.run(actor, "products.edit", SCREEN_IMPORT, work, moment)
    report(1.0, "done")
    return done


def get_product(product_id: int) -> dict[str, Any] | None:
    """One product with its level prices, or None."""
    with db.cursor() as cur:
        return repo.by_ids(cur, [product_id]).get(product_id)
