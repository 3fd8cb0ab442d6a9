"""Reading a customer file from another POS: its encoding, separator and columns, and the
values as that system wrote them (French decimal commas and day-first dates).

Pure: bytes in, a table out, or ValidationFailed naming the file's problem.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import pycountry

from comptoir.logic.csv_files import MAX_BYTES, decode_named, delimiter
from comptoir.logic.customers import FIELDS
from comptoir.logic.errors import FieldError, ValidationFailed

# Columns a file may name, by the words other systems use for them (English and French),
# compared without case, accents, spaces or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "account_number": (
        "account number",
        "account no",
        "account",
        "customer number",
        "customer no",
        "customer id",
        "client id",
        "numero de compte",
        "n compte",
        "no compte",
        "compte",
        "numero client",
        "code client",
        "n client",
    ),
    "title": ("title", "salutation", "civilite", "titre"),
    "first_name": ("first name", "firstname", "given name", "forename", "prenom"),
    "last_name": (
        "last name",
        "lastname",
        "surname",
        "family name",
        "name",
        "nom",
        "nom de famille",
    ),
    "company": (
        "company",
        "company name",
        "business",
        "organisation",
        "organization",
        "societe",
        "entreprise",
        "raison sociale",
    ),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "code postal", "cp"),
    "address1": (
        "address",
        "address 1",
        "address line 1",
        "street",
        "adresse",
        "adresse 1",
        "adresse ligne 1",
        "rue",
    ),
    "address2": (
        "address 2",
        "address line 2",
        "adresse 2",
        "adresse ligne 2",
        "complement",
        "complement d adresse",
    ),
    "city": ("city", "town", "ville", "commune", "localite"),
    "region": ("region", "county", "state", "province", "departement"),
    "country_code": ("country", "country code", "pays", "code pays"),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "landline",
        "home phone",
        "telephone fixe",
        "tel fixe",
        "fixe",
    ),
    "mobile": (
        "mobile",
        "mobile phone",
        "cell",
        "cellphone",
        "portable",
        "telephone portable",
        "tel portable",
        "tel mobile",
        "gsm",
    ),
    "fax": ("fax", "telecopie"),
    "email": (
        "email",
        "e mail",
        "email address",
        "mail",
        "courriel",
        "adresse email",
        "adresse e mail",
        "adresse mail",
    ),
    "contact_preference": (
        "contact preference",
        "preferred contact",
        "preference de contact",
        "contact prefere",
    ),
    "language": ("language", "langue"),
    "date_of_birth": (
        "date of birth",
        "birth date",
        "birthday",
        "dob",
        "date de naissance",
        "naissance",
        "anniversaire",
    ),
    "gender": ("gender", "sex", "sexe", "genre"),
    "tax_exempt": (
        "tax exempt",
        "vat exempt",
        "exempt",
        "exonere",
        "exonere de tva",
        "exoneration",
    ),
    "tax_number": (
        "tax number",
        "vat number",
        "vat",
        "vat no",
        "numero de tva",
        "tva",
        "tva intracommunautaire",
        "n tva",
    ),
    "price_level": ("price level", "price list", "niveau de prix", "tarif", "grille tarifaire"),
    "discount_percent": (
        "discount",
        "discount percent",
        "discount %",
        "remise",
        "remise %",
        "remise client",
    ),
    "notes": (
        "notes",
        "note",
        "comments",
        "comment",
        "remarks",
        "remarques",
        "commentaire",
        "commentaires",
        "observations",
    ),
    "marketing_opt_in": (
        "marketing",
        "marketing opt in",
        "newsletter",
        "opt in",
        "optin",
        "consent",
        "accepte marketing",
        "consentement marketing",
    ),
}
# A column the file names with a field's own code (an export of ours) is that field.
_CANONICAL = {re.sub(r"[^a-z0-9]", "", name): name for name in FIELDS}
_TRUE = {"1", "true", "yes", "y", "oui", "o", "vrai", "x"}
_FALSE = {"0", "false", "no", "n", "non", "faux", ""}
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
MAX_ROWS = 200_000
MAX_COLUMNS = 200


def squeeze(text: str) -> str:
    """A header as compared: lower case, no accents, letters and digits only."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@lru_cache(maxsize=1)
def _by_word() -> dict[str, str]:
    found: dict[str, str] = dict(_CANONICAL)
    for field, words in SYNONYMS.items():
        for word in words:
            found.setdefault(squeeze(word), field)
    return found


def guess_mapping(headers: Sequence[str]) -> list[str | None]:
    """Each column's field (None: not imported); a field is taken by its first column only."""
    taken: set[str] = set()
    mapping: list[str | None] = []
    words = _by_word()
    for header in headers:
        field = words.get(squeeze(header or ""))
        if field in taken:
            field = None
        if field:
            taken.add(field)
        mapping.append(field)
    return mapping


def check_mapping(mapping: Sequence[str | None]) -> None:
    """A field mapped twice, an unknown field, or no last name: refused."""
    chosen = [m for m in mapping if m]
    errors: list[FieldError] = []
    unknown = [m for m in chosen if m not in FIELDS]
    if unknown:
        errors.append(FieldError("mapping", "not_in_list", {"allowed": ", ".join(FIELDS)}))
    twice = sorted({m for m in chosen if chosen.count(m) > 1})
    if twice:
        errors.append(FieldError("mapping", "import_mapped_twice", {"fields": ", ".join(twice)}))
    if "last_name" not in chosen:
        errors.append(FieldError("mapping", "import_needs_last_name"))
    if errors:
        raise ValidationFailed(errors)


@dataclass(frozen=True)
class ImportTable:
    """A file's header and data rows (each with its line in the file), and how it was read."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]
    encoding: str
    separator: str


def _refuse(code: str, **params: str) -> ValidationFailed:
    return ValidationFailed([FieldError("file", code, params)])


def detect_encoding(data: bytes) -> tuple[str, str]:
    """The text and its encoding (the CSV files' own rule; a stray control character is
    left for the row that holds it to be named)."""
    return decode_named(data, "file", controls=False)


def detect_separator(text: str) -> str:
    """Comma, semicolon or tab (the CSV files' own rule)."""
    return delimiter(next(iter(text.splitlines()), ""), "file")


def read_csv(data: bytes) -> ImportTable:
    """A CSV file's rows (every malformed line named)."""
    text, encoding = detect_encoding(data)
    if not text.strip():
        raise _refuse("csv_empty")
    separator = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        headers = tuple(h.strip() for h in next(reader))
        rows = []
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(headers):
                raise _refuse(
                    "csv_fields",
                    line=str(reader.line_num),
                    expected=str(len(headers)),
                    found=str(len(fields)),
                )
            rows.append((reader.line_num, tuple(fields)))
            if len(rows) > MAX_ROWS:
                raise _refuse("import_too_many", max=f"{MAX_ROWS:,}")
    except csv.Error:
        raise _refuse("import_malformed", line=str(reader.line_num)) from None
    return _checked(ImportTable(headers, tuple(rows), encoding, separator))


# An XLSX is a zip of XML: what it may inflate to is bounded before openpyxl reads it.
MAX_XLSX_INFLATED = 400 * 1024 * 1024
MAX_XLSX_RATIO = 200  # sheet XML compresses well, but not a thousandfold
MAX_CELL = 1_000


def _check_workbook_zip(data: bytes) -> None:
    """The workbook's members against the size and ratio limits (read from the zip's
    directory, nothing inflated)."""
    if len(data) > MAX_BYTES:
        raise _refuse("csv_too_large", max=f"{MAX_BYTES // (1024 * 1024)} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _refuse("xlsx_unreadable") from None
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > MAX_XLSX_INFLATED or total > MAX_XLSX_RATIO * max(packed, 1):
        raise _refuse("xlsx_too_large", max=f"{MAX_XLSX_INFLATED // (1024 * 1024)} MB")


def read_xlsx(data: bytes) -> ImportTable:
    """The first sheet of a workbook: dates stay dates, numbers numbers. Rows, columns
    and cells are bounded as they stream: a sheet whose dimension claims 16,384 columns
    is read to its last real header only."""
    from openpyxl import load_workbook

    _check_workbook_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _refuse("xlsx_unreadable") from None
    try:
        sheet = book.worksheets[0]
        # Never pad rows to the dimension the file claims; read one column past the limit
        # so a wider header is refused, not cut.
        sheet.reset_dimensions()
        lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        raw = ["" if h is None else str(h).strip() for h in next(lines, ())]
        while raw and not raw[-1]:
            raw.pop()
        if len(raw) > MAX_COLUMNS:
            raise _refuse("import_too_many_columns", max=str(MAX_COLUMNS))
        headers = tuple(raw)
        rows = []
        for number, values in enumerate(lines, start=2):
            cells = tuple("" if v is None else v for v in values[: len(headers)])
            if not any(str(c).strip() for c in cells):
                continue
            if any(isinstance(c, str) and len(c) > MAX_CELL for c in cells):
                raise _refuse("xlsx_cell_too_long", line=str(number), max=f"{MAX_CELL:,}")
            rows.append((number, cells + ("",) * (len(headers) - len(cells))))
            if len(rows) > MAX_ROWS:
                raise _refuse("import_too_many", max=f"{MAX_ROWS:,}")
    finally:
        book.close()
    return _checked(ImportTable(headers, tuple(rows), "xlsx", ""))


def _checked(table: ImportTable) -> ImportTable:
    if not table.headers or not any(table.headers):
        raise _refuse("csv_empty")
    if len(table.headers) > MAX_COLUMNS:
        raise _refuse("import_too_many_columns", max=str(MAX_COLUMNS))
    if not table.rows:
        raise _refuse("csv_empty")
    return table


def read_file(data: bytes, name: str) -> ImportTable:
    """A CSV or XLSX file, told apart by its first bytes (then its name)."""
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return read_xlsx(data)
    return read_csv(data)


def _country(value: str) -> str:
    """A country as its code: 'FR', 'France', 'Belgique' → alpha-2 (else as typed)."""
    text = value.strip()
    if len(text) <= 3:
        return text
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return _FRENCH_COUNTRIES.get(squeeze(text), text)


# The neighbours a French or Belgian shop's file names in French.
_FRENCH_COUNTRIES = {
    "allemagne": "DE",
    "angleterre": "GB",
    "royaumeuni": "GB",
    "belgique": "BE",
    "suisse": "CH",
    "espagne": "ES",
    "italie": "IT",
    "paysbas": "NL",
    "etatsunis": "US",
    "irlande": "IE",
    "autriche": "AT",
    "danemark": "DK",
    "suede": "SE",
    "norvege": "NO",
    "pologne": "PL",
    "grece": "GR",
    "hongrie": "HU",
    "republiquetcheque": "CZ",
}


def cell_value(field: str, value: object) -> object:
    """A cell as the card's rules read it: dates ISO, flags true/false, countries as codes."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and field in ("discount_percent",):
        return format(value, "f").rstrip("0").rstrip(".") or "0"
    text = "" if value is None else str(value)
    if field == "date_of_birth":
        found = _DAY_FIRST.match(text)
        if found:  # day first, as French and British systems write dates
            day, month, year = (int(part) for part in found.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return text
        return text.strip()
    if field in ("tax_exempt", "marketing_opt_in"):
        lowered = text.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if field == "country_code":
        return _country(text)
    if field == "discount_percent":
        return text.replace("%", "").strip()
    return text
