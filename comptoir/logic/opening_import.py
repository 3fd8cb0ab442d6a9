"""Opening positions from the system a shop leaves: which columns a file's headers name, and
each value read as those systems write it (amounts, points, dates, voucher codes).

Three kinds of file: account balances with credit limits and points, outstanding gift
vouchers, past sales (one row per sold line). A customer is named by account number,
e-mail or mobile, as the customer import stored them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation

from comptoir.logic.customer_import import date_order
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed
from comptoir.logic.import_formats import squeeze
from comptoir.logic.numbers import plain_decimal
from comptoir.logic.vouchers import normalise_code

KINDS = ("balances", "vouchers", "sales")
WHO = ("account_number", "email", "mobile")
TARGETS: dict[str, tuple[str, ...]] = {
    "balances": (*WHO, "balance", "store_credit", "credit_limit", "points", "rewards_card"),
    "vouchers": ("code", "voucher_balance", "initial_value", "expires_on", "issued_on", *WHO),
    "sales": (
        "reference",
        "sold_at",
        "sold_time",
        *WHO,
        "line_type",
        "sku",
        "item",
        "quantity",
        "unit_price",
        "discount",
        "line_net",
        "tax",
        "line_total",
        "tax_rate",
        "order_tax",
    ),
}
# What a file of each kind needs mapped: one column of each group (the error naming it).
NEEDED: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "balances": (
        (WHO, "opening_needs_customer"),
        (("balance", "store_credit", "credit_limit", "points"), "opening_needs_position"),
    ),
    "vouchers": ((("code",), "opening_needs"), (("voucher_balance",), "opening_needs")),
    "sales": (
        (("reference",), "opening_needs"),
        (("sold_at",), "opening_needs"),
        (("line_total", "line_net", "unit_price"), "opening_needs_amount"),
    ),
}
MAX_ROWS = {"balances": 200_000, "vouchers": 200_000, "sales": 1_000_000}
MAX_AMOUNT = Decimal("9999999999.99")
MAX_POINTS = 1_000_000_000
MAX_CODE = 40
MIN_CODE = 4

# Headers as those systems write them, compared squeezed (lower case, letters and digits).
_WORDS: dict[str, tuple[str, ...]] = {
    "account_number": (
        "account number",
        "account no",
        "customer code",
        "customer number",
        "customer id",
        "customer reference id",
        "customer account",
        "numero de compte",
        "code client",
        "numero client",
        "kundennummer",
        "numero de cliente",
        "codigo de cliente",
    ),
    "email": (
        "email",
        "e-mail",
        "email address",
        "customer email",
        "courriel",
        "adresse e-mail",
        "e-mail-adresse",
        "correo electronico",
        "correo",
    ),
    "mobile": (
        "mobile",
        "phone",
        "phone number",
        "customer phone",
        "mobile phone",
        "portable",
        "telephone",
        "handy",
        "telefon",
        "telefono",
        "movil",
    ),
    "balance": (
        "balance",
        "account balance",
        "opening balance",
        "amount owed",
        "amount due",
        "on account",
        "solde",
        "solde du compte",
        "kontostand",
        "saldo",
        "saldo de la cuenta",
    ),
    "store_credit": ("store credit", "credit balance", "avoir", "guthaben", "credito"),
    "credit_limit": (
        "credit limit",
        "account limit",
        "limite de credit",
        "plafond",
        "plafond de credit",
        "kreditlimit",
        "limite de credito",
    ),
    "points": (
        "points",
        "loyalty points",
        "loyalty balance",
        "reward points",
        "rewards points",
        "points fidelite",
        "punkte",
        "treuepunkte",
        "puntos",
    ),
    "rewards_card": (
        "loyalty card",
        "rewards card",
        "card number",
        "loyalty card number",
        "carte fidelite",
        "numero de carte",
        "kartennummer",
        "numero de tarjeta",
    ),
    "code": (
        "code",
        "gift card code",
        "gift card number",
        "gift card",
        "voucher code",
        "voucher",
        "number",
        "code du bon",
        "numero du bon",
        "bon",
        "gutscheincode",
        "gutschein",
        "codigo",
        "tarjeta regalo",
    ),
    "voucher_balance": (
        "balance",
        "remaining balance",
        "current balance",
        "remaining",
        "solde",
        "montant restant",
        "restwert",
        "restguthaben",
        "saldo",
    ),
    "initial_value": (
        "initial value",
        "initial balance",
        "initial amount",
        "amount",
        "value",
        "montant",
        "montant initial",
        "valeur",
        "betrag",
        "wert",
        "importe",
        "valor",
    ),
    "expires_on": (
        "expires on",
        "expires",
        "expiry",
        "expiry date",
        "expiration date",
        "expiration",
        "date d'expiration",
        "valable jusqu'au",
        "gultig bis",
        "ablaufdatum",
        "fecha de caducidad",
        "caducidad",
    ),
    "issued_on": (
        "created at",
        "issued on",
        "issued",
        "issue date",
        "date d'emission",
        "cree le",
        "ausgestellt am",
        "fecha de emision",
    ),
    "reference": (
        "name",  # Shopify's orders export: "#1001"
        "order",
        "order number",
        "order id",
        "order name",
        "receipt number",
        "receipt",
        "sale id",
        "sale number",
        "transaction id",
        "invoice number",
        "numero de commande",
        "commande",
        "ticket",
        "numero de ticket",
        "bestellnummer",
        "belegnummer",
        "numero de pedido",
        "pedido",
    ),
    "sold_at": (
        "created at",
        "date",
        "sale date",
        "order date",
        "paid at",
        "sold at",
        "date de vente",
        "date de commande",
        "datum",
        "verkaufsdatum",
        "fecha",
        "fecha de venta",
    ),
    "sold_time": ("time", "heure", "uhrzeit", "hora"),
    "line_type": ("line type", "type de ligne", "zeilentyp", "tipo de linea"),
    "sku": (
        "sku",
        "lineitem sku",
        "item sku",
        "code article",
        "reference article",
        "artikelnummer",
        "referencia",
    ),
    "item": (
        "item",
        "lineitem name",
        "item name",
        "product",
        "product name",
        "description",
        "details",
        "article",
        "designation",
        "produit",
        "artikel",
        "producto",
        "articulo",
    ),
    "quantity": (
        "quantity",
        "qty",
        "lineitem quantity",
        "quantite",
        "qte",
        "menge",
        "anzahl",
        "cantidad",
    ),
    "unit_price": (
        "unit price",
        "price",
        "lineitem price",
        "prix unitaire",
        "prix",
        "einzelpreis",
        "preis",
        "precio unitario",
        "precio",
    ),
    "discount": ("discount", "discounts", "lineitem discount", "remise", "rabatt", "descuento"),
    "line_net": (
        "net sales",
        "subtotal",
        "net",
        "montant ht",
        "total ht",
        "netto",
        "nettobetrag",
        "neto",
        "subtotal",
    ),
    "tax": (
        "tax",
        "sales tax",
        "line tax",
        "tva",
        "montant tva",
        "mwst",
        "steuer",
        "iva",
        "impuesto",
    ),
    "line_total": (
        "total",
        "line total",
        "amount",
        "gross",
        "total ttc",
        "montant ttc",
        "brutto",
        "gesamt",
        "importe total",
    ),
    "tax_rate": (
        "tax rate",
        "vat rate",
        "taux de tva",
        "taux tva",
        "steuersatz",
        "mwst satz",
        "tipo de iva",
    ),
    "order_tax": (
        "taxes",
        "order tax",
        "total tax",
        "total taxes",
        "total tva",
        "steuern gesamt",
        "impuestos",
    ),
}


def _by_word(kind: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for field in TARGETS[kind]:
        for word in _WORDS.get(field, ()):
            found.setdefault(squeeze(word), field)
    return found


@dataclass(frozen=True)
class OpeningFormat:
    """One system's export of positions: its name, what identifies it, its columns (a
    column named here and mapped to None is not used: an order's total on a line's row)."""

    code: str
    name: str
    kind: str
    signature: tuple[str, ...]
    columns: Mapping[str, str | None]


FORMATS = (
    OpeningFormat(
        "shopify_orders",
        "Shopify",
        "sales",
        ("Name", "Lineitem quantity", "Lineitem name", "Lineitem price"),
        {
            "Name": "reference",
            "Email": "email",
            "Phone": "mobile",
            "Created at": "sold_at",
            "Lineitem quantity": "quantity",
            "Lineitem name": "item",
            "Lineitem price": "unit_price",
            "Lineitem sku": "sku",
            "Lineitem discount": "discount",
            "Taxes": "order_tax",
            "Subtotal": None,
            "Total": None,
            "Shipping": None,
            "Discount Amount": None,
            "Paid at": None,
        },
    ),
    OpeningFormat(
        "square_items",
        "Square",
        "sales",
        ("Date", "Time", "Item", "Qty", "Gross Sales", "Net Sales", "Transaction ID"),
        {
            "Date": "sold_at",
            "Time": "sold_time",
            "Item": "item",
            "Qty": "quantity",
            "SKU": "sku",
            "Net Sales": "line_net",
            "Tax": "tax",
            "Transaction ID": "reference",
            "Customer Reference ID": "account_number",
            "Gross Sales": None,
            "Discounts": None,
            "Customer ID": None,
            "Price": None,
        },
    ),
    OpeningFormat(
        "lightspeed_x_sales",
        "Lightspeed Retail (X-Series, Vend)",
        "sales",
        ("Receipt Number", "Line Type", "Customer Code", "Sales Tax"),
        {
            "Date": "sold_at",
            "Receipt Number": "reference",
            "Line Type": "line_type",
            "Customer Code": "account_number",
            "Quantity": "quantity",
            "Sales Tax": "tax",
            "Total": "line_total",
            "Details": "item",
            "Sku": "sku",
            "Subtotal": None,
            "Discount": None,
            "Loyalty": None,
            "Paid": None,
        },
    ),
    OpeningFormat(
        "lightspeed_x_customers",
        "Lightspeed Retail (X-Series, Vend)",
        "balances",
        ("customer_code", "loyalty_balance"),
        {
            "customer_code": "account_number",
            "email": "email",
            "mobile": "mobile",
            "loyalty_balance": "points",
            "balance": "balance",
            "phone": None,
        },
    ),
    OpeningFormat(
        "lightspeed_x_gift_cards",
        "Lightspeed Retail (X-Series, Vend)",
        "vouchers",
        ("Gift Card Number", "Balance", "Expiry Date"),
        {
            "Gift Card Number": "code",
            "Balance": "voucher_balance",
            "Initial Amount": "initial_value",
            "Expiry Date": "expires_on",
            "Created At": "issued_on",
            "Customer Code": "account_number",
        },
    ),
)


def recognise(kind: str, headers: Sequence[str]) -> OpeningFormat | None:
    """The system whose export of this kind has these headers, if any."""
    have = {squeeze(str(h)) for h in headers}
    for known in FORMATS:
        if known.kind == kind and all(squeeze(h) in have for h in known.signature):
            return known
    return None


def guess(kind: str, headers: Sequence[str]) -> list[str | None]:
    """Each header's field for this kind of file (None: not used); a field taken once. A
    recognised system's columns as it means them, other headers by their words."""
    known = recognise(kind, headers)
    columns = {squeeze(h): f for h, f in known.columns.items()} if known else {}
    words = _by_word(kind)
    taken: set[str] = set()
    mapping: list[str | None] = []
    for header in headers:
        key = squeeze(str(header))
        field = columns[key] if key in columns else words.get(key)
        if field in taken:
            field = None
        if field:
            taken.add(field)
        mapping.append(field)
    return mapping


def check_mapping(kind: str, mapping: Sequence[str | None]) -> None:
    """Refused, naming the fields: one column per field, and the file's needed columns."""
    if kind not in KINDS:
        raise ValidationFailed([FieldError("kind", "not_in_list", {"allowed": ", ".join(KINDS)})])
    chosen = [m for m in mapping if m]
    errors = []
    if set(chosen) - set(TARGETS[kind]):
        allowed = ", ".join(TARGETS[kind])
        errors.append(FieldError("mapping", "not_in_list", {"allowed": allowed}))
    twice = sorted({f for f in chosen if chosen.count(f) > 1})
    if twice:
        errors.append(FieldError("mapping", "import_mapped_twice", {"fields": ", ".join(twice)}))
    for group, code in NEEDED[kind]:
        if not set(group) & set(chosen):
            errors.append(FieldError(group[0], code))
    if errors:
        raise ValidationFailed(errors)


_SIMPLE = re.compile(r"-?\d{1,10}(?:\.\d{1,2})?")
CENT = Decimal("0.01")
_CURRENCY = re.compile(r"(?i)\b(?:eur|usd|gbp|chf|cad|aud)\b|[€$£¥]|\s")
_GUARD = re.compile(r"^'(?=[\d+\-(.,])")


def amount(value: object) -> Decimal | None:
    """An amount as other systems write it ("1 234,50 €", "$1,234.50", "(12.50)", "-5",
    "12.50-"): cents at most; None when the cell is empty. FieldProblem otherwise."""
    if isinstance(value, bool):
        raise FieldProblem("amount_unreadable")
    if isinstance(value, int | float | Decimal):
        try:
            found = plain_decimal(value)
        except ValueError:
            raise FieldProblem("amount_unreadable") from None
        return _cents(found)
    if isinstance(value, str) and _SIMPLE.fullmatch(value):  # most cells: no work to do
        return Decimal(value).quantize(CENT)
    text = _CURRENCY.sub("", _GUARD.sub("", str(value or "").strip())).replace("\u2212", "-")
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    text = _decimal_point(text.replace("'", ""))
    try:
        found = plain_decimal(text)
    except ValueError:
        raise FieldProblem("amount_unreadable") from None
    return _cents(-found if negative else found)


def _decimal_point(text: str) -> str:
    """'1.234,50' and '1,234.50' → '1234.50'; a lone separator before three digits at the
    end groups thousands ('1,234' → '1234'), else it is the decimal point."""
    if "," in text and "." in text:
        point = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if point == "," else ","
        return text.replace(group, "").replace(point, ".")
    for mark in ",.":
        if mark in text:
            parts = text.split(mark)
            if len(parts) == 2 and len(parts[1]) != 3:
                return text.replace(mark, ".")
            if all(len(p) == 3 for p in parts[1:]) and 0 < len(parts[0]) <= 3:
                return text.replace(mark, "")
            return "not a number"
    return text


def _cents(found: Decimal) -> Decimal:
    if found != found.quantize(Decimal("0.01")) or abs(found) > MAX_AMOUNT:
        raise FieldProblem("amount_unreadable")
    return found.quantize(Decimal("0.01"))


def quantity(value: object) -> Decimal:
    """A sold quantity: up to three decimals, not zero (a return is negative); 1 when
    the file leaves it empty."""
    if value is None or str(value).strip() == "":
        return Decimal(1)
    try:
        found = plain_decimal(_GUARD.sub("", str(value).strip()))
    except ValueError:
        raise FieldProblem("quantity_invalid") from None
    if found == 0 or found != found.quantize(Decimal("0.001")) or abs(found) > 1_000_000:
        raise FieldProblem("quantity_invalid")
    return found


def points(value: object) -> int | None:
    """A points balance: a whole number from 0; None when empty."""
    text = str(value if value is not None else "").strip().replace(" ", "").replace(",", "")
    text = _GUARD.sub("", text)
    if not text:
        return None
    try:
        found = Decimal(text)
    except InvalidOperation:
        raise FieldProblem("points_invalid") from None
    if not found.is_finite() or found != found.to_integral_value() or found < 0:
        raise FieldProblem("points_invalid")
    if found > MAX_POINTS:
        raise FieldProblem("points_invalid")
    return int(found)


def percent(value: object) -> Decimal | None:
    """A tax rate ("20", "20 %", "0.2" is not 20 %: rates are written in percent)."""
    text = str(value if value is not None else "").replace("%", "").strip()
    if not text:
        return None
    try:
        found = plain_decimal(text)
    except ValueError:
        raise FieldProblem("tax_rate_invalid") from None
    if found < 0 or found >= 100:
        raise FieldProblem("tax_rate_invalid")
    return found.quantize(Decimal("0.01"))


_DAY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")


def file_order(cells: Sequence[object]) -> str:
    """Day or month first, from the file's unambiguous dates."""
    return date_order(str(c).split(" ")[0] for c in cells if isinstance(c, str))


def day(value: object, order: str = "dmy") -> date | None:
    """A date (ISO, day or month first as the file writes them, a sheet's date); None when
    empty."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = _DAY.match(text)
    if not found:
        raise FieldProblem("date_invalid")
    first, second, year = (int(p) for p in found.groups())
    year += 2000 if year < 100 else 0
    day_of, month = (second, first) if order == "mdy" else (first, second)
    try:
        return date(year, month, day_of)
    except ValueError:
        raise FieldProblem("date_invalid") from None


def moment(value: object, at: object, order: str, zone: tzinfo) -> datetime:
    """When a sale happened: a date and time (ISO with or without an offset, day or month
    first), a separate time column where the file has one; a time without an offset is
    the shop's local time. In UTC."""
    if isinstance(value, datetime):
        found = value
    else:
        text = str(value or "").strip()
        if not text:
            raise FieldProblem("required")
        try:
            found = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            when = day(text, order)
            assert when is not None
            rest = text.split(" ", 1)[1].strip() if " " in text else ""
            found = datetime.combine(when, _clock(rest))
    clock_text = str(at or "").strip()
    if clock_text:
        found = datetime.combine(found.date(), _clock(clock_text), found.tzinfo)
    if found.tzinfo is None:
        found = found.replace(tzinfo=zone)
    return found.astimezone(UTC)


def _clock(text: str) -> time:
    """'14:05', '14:05:09', '2:05 PM', '14:05:09 +0100' (the offset: the date's)."""
    text = text.strip().split(" +")[0].split(" -")[0]
    if not text:
        return time()
    upper = text.upper()
    for layout in ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f"):
        try:
            return datetime.strptime(upper, layout).time()
        except ValueError:
            continue
    raise FieldProblem("time_invalid")


def voucher_code(value: object) -> str:
    """A voucher's code as the old system printed it: spaces and dashes aside, capitals,
    letters and digits only (so the card in a customer's wallet is found at the till)."""
    code = normalise_code(_GUARD.sub("", str(value or "").strip()))
    if not code:
        raise FieldProblem("required")
    if not code.isascii() or not code.isalnum():
        raise FieldProblem("voucher_code_invalid")
    if len(code) < MIN_CODE:
        raise FieldProblem("voucher_code_short", min=str(MIN_CODE))
    if len(code) > MAX_CODE:
        raise FieldProblem("too_long", max=str(MAX_CODE))
    return code


def is_line(line_type: object) -> bool:
    """Whether a row of a sales export with a line-type column is a sold line (Lightspeed
    X writes a "Sale" row, then its "Sale Line" rows)."""
    text = squeeze(str(line_type or ""))
    return not text or "line" in text or "item" in text or "ligne" in text


@dataclass(frozen=True, slots=True)
class Amounts:
    """One sold line's amounts as paid: tax included (gross), tax, net."""

    gross: Decimal
    tax: Decimal
    net: Decimal
    rate: Decimal


def line_amounts(
    qty: Decimal,
    unit_price: Decimal | None,
    discount: Decimal | None,
    line_net: Decimal | None,
    tax: Decimal | None,
    line_total: Decimal | None,
    rate: Decimal | None,
) -> Amounts:
    """What a line was paid, from whichever columns the file has: its total; else its net
    plus its tax; else quantity × price less the discount (prices tax included). Its tax:
    the file's, else from the rate, else none known (0; an order's tax is shared later)."""
    if line_total is not None:
        gross = line_total
    elif line_net is not None:
        gross = line_net + (tax or Decimal(0))
    elif unit_price is not None:
        gross = (qty * unit_price - abs(discount or Decimal(0))).quantize(Decimal("0.01"))
    else:
        raise FieldProblem("required")
    if tax is None and rate is not None:
        tax = (gross * rate / (100 + rate)).quantize(Decimal("0.01"))
    tax = tax or Decimal(0)
    if rate is None:
        net = gross - tax
        rate = (tax * 100 / net).quantize(Decimal("0.01")) if net and tax else Decimal(0)
    if abs(tax) > abs(gross):
        raise FieldProblem("tax_over_total")
    return Amounts(gross, tax, gross - tax, rate)


def share_tax(grosses: Sequence[Decimal], order_tax: Decimal) -> list[Decimal]:
    """An order's tax shared over its lines by what each was paid, to the cent, the last
    line taking the rounding."""
    total = sum(grosses, Decimal(0))
    if not total or not grosses:
        return [Decimal(0) for _ in grosses]
    shares = [(order_tax * g / total).quantize(Decimal("0.01")) for g in grosses[:-1]]
    return [*shares, order_tax - sum(shares, Decimal(0))]
