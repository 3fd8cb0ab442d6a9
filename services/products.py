"""Products: search, edit in a grid, import from CSV (managers edit, everyone reads)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from data import db
from data import products as repo
from data import settings as settings_repo
from logic.audit import created, diff
from logic.auth import Actor, require
from logic.errors import FieldError, FieldProblem, StaleRecord, ValidationFailed
from logic.pricing import parse_percent, parse_price, parse_tax_rates
from logic.text import check_no_controls
from services import audit

SCREEN_PRODUCTS = "products"
PAGE_SIZE = 50


def tax_rates() -> tuple[Decimal, ...]:
    """The tax rates products may use (from settings)."""
    with db.cursor() as cur:
        return parse_tax_rates(settings_repo.get_all(cur).get("tax_rates", "20"))


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


def _clean(
    raw: Mapping[str, object], rates: Sequence[Decimal], levels: Sequence[str]
) -> dict[str, Any]:
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}

    def take(name: str, check) -> None:
        try:
            clean[name] = check()
        except FieldProblem as problem:
            errors.append(FieldError(name, problem.code, problem.params))

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

    take("sku", sku)
    take("name", name)
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
            errors.append(
                FieldError("level_price", problem.code, {"level": level, **problem.params})
            )
    if errors:
        raise ValidationFailed(errors)
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
    require(actor, "products.edit")
    moment = now or datetime.now().replace(microsecond=0)
    clean = _clean(raw, tax_rates(), price_levels())

    def work(cur) -> int:
        holder = repo.id_for_sku(cur, clean["sku_key"], product_id)
        if holder is not None:
            raise ValidationFailed([FieldError("sku", "sku_taken", {"value": clean["sku"]})])
        fields = {k: clean[k] for k in ("sku", "sku_key", "name", "price", "tax_rate", "active")}
        if product_id is None:
            new_id = repo.insert(cur, fields, moment)
            repo.set_level_prices(cur, new_id, clean["levels"])
            audit.record(
                cur, actor, "create", "product", new_id, SCREEN_PRODUCTS, created(fields), moment
            )
            return new_id
        before = repo.by_ids(cur, [product_id]).get(product_id)
        if before is None or before["version"] != version:
            raise StaleRecord(product_id, before["version"] if before else None)
        changed = {k: v for k, v in fields.items() if before.get(k, v) != v}
        if changed and repo.update(cur, product_id, version, changed, moment) is None:
            raise StaleRecord(product_id, None)
        repo.set_level_prices(cur, product_id, clean["levels"])
        old_levels = {f"price_{k}": v for k, v in before["levels"].items()}
        new_levels = {f"price_{k}": v for k, v in clean["levels"].items() if v is not None}
        changes = diff(before, changed, list(changed)) + diff(old_levels, new_levels)
        if changes:
            audit.record(
                cur, actor, "update", "product", product_id, SCREEN_PRODUCTS, changes, moment
            )
        return product_id

    return db.run_in_transaction(work)


def import_csv(actor: Actor, data: bytes, now: datetime | None = None) -> int:
    """Add or update products from CSV (sku, name, price, tax_rate, active, price_A…).

    All or nothing: every refused row is reported with its line number.
    """
    require(actor, "products.edit")
    moment = now or datetime.now().replace(microsecond=0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:2048]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = {"sku", "name", "price", "tax_rate"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationFailed(
            [FieldError("csv", "csv_columns", {"missing": ", ".join(sorted(missing))})]
        )
    rates, levels = tax_rates(), price_levels()
    rows, errors = [], []
    for line, raw in enumerate(reader, start=2):
        try:
            rows.append(_clean(raw, rates, levels))
        except ValidationFailed as exc:
            errors += [
                FieldError(e.field, e.code, {**e.params, "line": str(line)}) for e in exc.errors
            ]
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if row["sku_key"] in seen:
            errors.append(FieldError("sku", "sku_taken", {"value": row["sku"], "line": str(line)}))
        seen.add(row["sku_key"])
    if errors:
        raise ValidationFailed(errors)

    def work(cur) -> int:
        # Existing products looked up once for the whole file, not per row.
        existing = repo.versions_by_sku(cur, [row["sku_key"] for row in rows])
        for row in rows:
            fields = {k: row[k] for k in ("sku", "sku_key", "name", "price", "tax_rate", "active")}
            if row["sku_key"] not in existing:
                product_id = repo.insert(cur, fields, moment)
            else:
                product_id, version = existing[row["sku_key"]]
                repo.update(cur, product_id, version, fields, moment)
            repo.set_level_prices(cur, product_id, row["levels"])
        audit.record(
            cur,
            actor,
            "import",
            "product",
            None,
            SCREEN_PRODUCTS,
            diff({}, {"rows": len(rows)}),
            moment,
        )
        return len(rows)

    return db.run_in_transaction(work)
