"""Past sales brought from another system (one row per sold line, grouped by the old
system's order number): their lines, dates, amounts and tax as sold, numbered in their own
series (IMP-…) with the old number kept as the reference. They show in purchase history
and Insights; they take no receipt number, post nothing to the ledger and cannot be
returned at our till (the money was taken by the other system)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from comptoir.data import openings as repo
from comptoir.logic.customers import blank
from comptoir.logic.errors import FieldError, FieldProblem
from comptoir.logic.opening_import import (
    WHO,
    Amounts,
    amount,
    file_order,
    is_line,
    line_amounts,
    moment,
    percent,
    quantity,
    share_tax,
)
from comptoir.operations import catalogue
from comptoir.operations.opening_lines import (
    LinePlan,
    OpeningPlan,
    error,
    find_customers,
    frame,
    named,
    not_found,
)
from comptoir.operations.settings import here
from comptoir.operations.unit_of_work import UnitOfWork

ZERO = Decimal(0)
SERIES = "IMP-"
COUNTER = "imported_sale"
MAX_LINES = 500  # lines of one sale


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One sold line as the file gives it, its amounts worked out, in cents (a million
    lines of Decimals would be most of an import's memory)."""

    sku: str
    name: str
    quantity: Decimal
    gross: int  # paid, tax included
    tax: int
    rate: Decimal
    discount: int


_SAME: dict[str, Decimal] = {}  # quantities and rates: few distinct values, one object each


def _one(value: Decimal) -> Decimal:
    return _SAME.setdefault(str(value), value) if len(_SAME) < 10_000 else value


def _cents(value: Decimal) -> int:
    return int(value * 100)


def _text(cents: int) -> str:
    """Cents as an amount's text: -1234 → '-12.34'."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _sold(sku: str, name: str, qty: Decimal, amounts: Amounts, discount: Decimal) -> SoldLine:
    return SoldLine(
        sku,
        name,
        _one(qty),
        _cents(amounts.gross),
        _cents(amounts.tax),
        _one(amounts.rate),
        _cents(discount),
    )


@dataclass(frozen=True, slots=True)
class PastSale:
    """One past sale: its old number, when, whose, its lines."""

    reference: str
    sold_at: datetime
    lines: tuple[SoldLine, ...]


def _line(
    row: Mapping[str, object], line: int
) -> tuple[
    tuple[
        Decimal,
        Decimal | None,
        Decimal | None,
        Decimal | None,
        Decimal | None,
        Decimal | None,
        Decimal | None,
    ]
    | None,
    list[FieldError],
]:
    """A row's quantity and amounts (price, discount, net, tax, total, rate), or errors."""
    errors: list[FieldError] = []
    found: dict[str, Any] = {}
    for name in ("unit_price", "discount", "line_net", "tax", "line_total"):
        try:
            found[name] = amount(row.get(name))
        except FieldProblem as problem:
            errors.append(error(name, problem, line))
    try:
        found["quantity"] = quantity(row.get("quantity"))
    except FieldProblem as problem:
        errors.append(error("quantity", problem, line))
    try:
        found["tax_rate"] = percent(row.get("tax_rate"))
    except FieldProblem as problem:
        errors.append(error("tax_rate", problem, line))
    if errors:
        return None, errors
    return (
        found["quantity"],
        found["unit_price"],
        found["discount"],
        found["line_net"],
        found["tax"],
        found["line_total"],
        found["tax_rate"],
    ), []


def _first(rows: Sequence[Mapping[str, object]], name: str) -> object:
    """A sale's value: its first line that has one (Shopify writes them on the first)."""
    return next((r[name] for r in rows if not blank(r.get(name))), None)


def plan(
    cur: Any,
    rows: Sequence[tuple[int, Mapping[str, object]]],
    region: str,
    kind: str,
    zone: tzinfo,
    now: datetime,
) -> OpeningPlan:
    """Every sale's verdict (named by its first line): whole, or refused with every bad
    line named; a customer named but not found leaves it without one, to check."""
    order = file_order([str(r.get("sold_at") or "") for _, r in rows])
    groups: dict[str, list[tuple[int, Mapping[str, object]]]] = {}
    skipped: list[LinePlan] = []
    for line, row in rows:
        if "line_type" in row and not is_line(row["line_type"]):
            skipped.append(LinePlan(line, "nothing"))
            continue
        reference = "" if blank(row.get("reference")) else str(row["reference"]).strip()[:60]
        groups.setdefault(reference, []).append((line, row))
    # What a sale says once (Shopify writes it on its first line): who, when, its tax.
    heads = [
        {k: _first([r for _, r in g], k) for k in (*WHO, "sold_at", "sold_time", "order_tax")}
        for g in groups.values()
    ]
    found, customers = find_customers(cur, heads, region)
    already = repo.references_imported(cur, [r for r in groups if r])
    plans: list[LinePlan] = []
    sales: list[tuple[LinePlan, PastSale]] = []
    for (reference, group), head, who in zip(groups.items(), heads, found, strict=True):
        first_line = group[0][0]
        errors: list[FieldError] = []
        if not reference:
            errors += [FieldError("reference", "required", {"line": str(n)}) for n, _ in group]
        elif reference in already:
            errors.append(
                FieldError("reference", "sale_already_imported", {"line": str(first_line)})
            )
        if len(group) > MAX_LINES:
            errors.append(FieldError("reference", "sale_too_many_lines", {"line": str(first_line)}))
        sold_at = None
        try:
            sold_at = moment(
                head["sold_at"],
                head["sold_time"],
                order,
                zone,
            )
            if sold_at > now:
                errors.append(FieldError("sold_at", "date_in_future", {"line": str(first_line)}))
        except FieldProblem as problem:
            errors.append(error("sold_at", problem, first_line))
        parsed = []
        for line, row in group:
            numbers, wrong = _line(row, line)
            errors += wrong
            if numbers is None:
                continue
            qty, price, discount, net, tax, total, rate = numbers
            try:
                amounts = line_amounts(qty, price, discount, net, tax, total, rate)
            except FieldProblem as problem:
                errors.append(error("line_total", problem, line))
                continue
            name = "" if blank(row.get("item")) else str(row["item"]).strip()[:200]
            sku = "" if blank(row.get("sku")) else str(row["sku"]).strip().lstrip("'")[:60]
            parsed.append(_sold(sku, name or sku or reference, qty, amounts, abs(discount or ZERO)))
        if not errors and parsed:
            parsed = _with_order_tax(parsed, head["order_tax"])
        checks = (not_found(head, first_line),) if who.given and who.customer_id is None else ()
        verdict = LinePlan(
            first_line,
            "invalid" if errors else "ready",
            tuple(errors),
            who.customer_id,
            named(customers.get(who.customer_id or 0)),
            {"reference": reference, "lines": len(group)},
            checks,
        )
        plans.append(verdict)
        if not errors and sold_at is not None:
            sales.append((verdict, PastSale(reference, sold_at, tuple(parsed))))
    totals = {
        "sales": str(len(sales)),
        "lines": str(sum(len(s.lines) for _, s in sales)),
        "total": _text(sum(ln.gross for _, s in sales for ln in s.lines)),
        "tax": _text(sum(ln.tax for _, s in sales for ln in s.lines)),
        "first": min((s.sold_at for _, s in sales), default=now).date().isoformat()
        if sales
        else "",
        "last": max((s.sold_at for _, s in sales), default=now).date().isoformat() if sales else "",
    }
    return OpeningPlan(kind, (), tuple(skipped + plans), totals, tuple(sales))


def _with_order_tax(lines: list[SoldLine], order_tax_cell: object) -> list[SoldLine]:
    """An order's tax (Shopify's "Taxes") shared over lines that carry none of their own."""
    try:
        order_tax = amount(order_tax_cell)
    except FieldProblem:
        return lines
    if not order_tax or any(ln.tax for ln in lines):
        return lines
    shares = share_tax([Decimal(ln.gross) / 100 for ln in lines], order_tax)
    shared = []
    for ln, tax in zip(lines, shares, strict=True):
        net = Decimal(ln.gross) / 100 - tax
        rate = (tax * 100 / net).quantize(Decimal("0.01")) if net else ZERO
        if not ZERO <= rate < 100:
            return lines  # an order's tax no line could carry: left as the lines say
        shared.append(
            SoldLine(ln.sku, ln.name, ln.quantity, ln.gross, _cents(tax), _one(rate), ln.discount)
        )
    return shared


def write(
    uow: UnitOfWork, sales: Sequence[tuple[LinePlan, PastSale]], batch_id: int, source: str
) -> int:
    """The past sales and their lines, numbered IMP-…; how many."""
    cur = uow.cur
    if not sales:
        return 0
    first = repo.take_numbers(cur, COUNTER, len(sales))
    skus = {ln.sku.upper() for _, s in sales for ln in s.lines if ln.sku}
    products = repo.products_by_sku(cur, sorted(skus))
    stand_in = int(catalogue.system_product(catalogue.IMPORTED, uow)["id"])
    shop = here()
    sale_rows = []
    line_rows = []
    for number, (verdict, sale) in enumerate(sales, start=first):
        receipt = f"{SERIES}{number:07d}"
        gross = sum(ln.gross for ln in sale.lines)
        tax = sum(ln.tax for ln in sale.lines)
        sale_rows.append(
            (
                receipt,
                verdict.customer_id,
                sale.sold_at.isoformat(),
                source,
                _text(gross - tax),
                _text(tax),
                _text(gross),
                shop,
                batch_id,
                sale.reference,
            )
        )
        for line_no, ln in enumerate(sale.lines, start=1):
            unit = Decimal(ln.gross + ln.discount) / 100 / ln.quantity
            line_rows.append(
                (
                    receipt,
                    line_no,
                    products.get(ln.sku.upper(), stand_in),
                    ln.sku or "-",
                    ln.name,
                    str(ln.quantity),
                    str(unit.quantize(Decimal("0.01"))),
                    _text(ln.discount),
                    _text(ln.gross - ln.tax),
                    str(ln.rate),
                    _text(ln.tax),
                    _text(ln.gross),
                )
            )
    sales_frame = frame(
        sale_rows,
        columns=[
            "receipt_number",
            "customer_id",
            "sold_at",
            "staff_name",
            "net_total",
            "tax_total",
            "total",
            "shop_code",
            "imported_batch",
            "source_reference",
        ],
    )
    lines_frame = frame(
        line_rows,
        columns=[
            "receipt_number",
            "line_no",
            "product_id",
            "sku",
            "name",
            "quantity",
            "unit_price",
            "discount",
            "net",
            "tax_rate",
            "tax",
            "gross",
        ],
    )
    written = repo.insert_sales(cur, sales_frame, lines_frame)
    repo.sale_rows(cur, batch_id)
    return written


def undo(uow: UnitOfWork, batch_id: int) -> int:
    """The batch's past sales removed (none returned or invoiced: checked before)."""
    return repo.remove_sales(uow.cur, batch_id)
