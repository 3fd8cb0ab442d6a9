"""Reading a customer file from another POS: its encoding, separator and columns, and the
values as that system wrote them (French decimal commas and day-first dates).

Pure: bytes in, a table out, or ValidationFailed naming the file's problem.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property, lru_cache

import pycountry

from comptoir.logic.account_numbers import account_key, clean_account_number
from comptoir.logic.addresses import restore_leading_zeros
from comptoir.logic.csv_files import MAX_BYTES, decode_named, delimiter
from comptoir.logic.customers import FIELDS
from comptoir.logic.customers import blank as _blank
from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed
from comptoir.logic.import_formats import FULL_NAME, FileFormat, recognise, squeeze
from comptoir.logic.phones import parse_phone, region_of

TAGS = "tags"
# The date the source system says consent was given (kept in the consent history).
CONSENT_DATE = "consent_date"

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
        "kundennummer",
        "kunden nr",
        "numero de cliente",
        "codigo cliente",
    ),
    "title": ("title", "salutation", "civilite", "titre", "anrede", "tratamiento"),
    "first_name": (
        "first name",
        "firstname",
        "given name",
        "forename",
        "prenom",
        "vorname",
        "nombre de pila",
    ),
    "last_name": (
        "last name",
        "lastname",
        "surname",
        "family name",
        "name",
        "nom",
        "nom de famille",
        "nachname",
        "familienname",
        "apellido",
        "apellidos",
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
        "firma",
        "firmenname",
        "empresa",
        "compania",
    ),
    "postcode": (
        "postcode",
        "post code",
        "postal code",
        "zip",
        "zip code",
        "code postal",
        "cp",
        "plz",
        "postleitzahl",
        "codigo postal",
        "cod postal",
    ),
    "address1": (
        "address",
        "address 1",
        "address line 1",
        "street",
        "adresse",
        "adresse 1",
        "adresse ligne 1",
        "rue",
        "strasse",
        "adresse zeile 1",
        "direccion",
        "calle",
    ),
    "address2": (
        "address 2",
        "address line 2",
        "adresse 2",
        "adresse ligne 2",
        "complement",
        "complement d adresse",
        "adresszusatz",
        "direccion 2",
    ),
    "city": (
        "city",
        "town",
        "ville",
        "commune",
        "localite",
        "stadt",
        "ort",
        "ciudad",
        "localidad",
        "poblacion",
    ),
    "region": ("region", "county", "state", "province", "departement", "bundesland", "provincia"),
    "country_code": ("country", "country code", "pays", "code pays", "land", "pais"),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "landline",
        "home phone",
        "telephone fixe",
        "tel fixe",
        "fixe",
        "telefon",
        "telefono",
        "festnetz",
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
        "mobil",
        "handy",
        "mobiltelefon",
        "movil",
        "telefono movil",
        "celular",
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
        "e mail adresse",
        "correo",
        "correo electronico",
    ),
    "contact_preference": (
        "contact preference",
        "preferred contact",
        "preference de contact",
        "contact prefere",
    ),
    "language": ("language", "langue", "sprache", "idioma"),
    "date_of_birth": (
        "date of birth",
        "birth date",
        "birthday",
        "dob",
        "date de naissance",
        "naissance",
        "anniversaire",
        "geburtsdatum",
        "fecha de nacimiento",
    ),
    "gender": ("gender", "sex", "sexe", "genre", "geschlecht", "sexo"),
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
        "ust idnr",
        "umsatzsteuer id",
        "nif",
        "cif",
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
        "notizen",
        "bemerkungen",
        "notas",
        "observaciones",
    ),
    TAGS: (
        "tags",
        "labels",
        "customer group",
        "customer groups",
        "etiquettes",
        "mots cles",
        "groupe client",
        "groupes clients",
        "schlagworte",
        "etiketten",
        "kundengruppe",
        "etiquetas",
        "grupo de clientes",
    ),
    "sms_opt_in": (
        "sms marketing",
        "accepts sms marketing",
        "sms opt in",
        "sms consent",
        "accepte sms",
        "marketing sms",
        "sms werbung",
        "acepta sms",
    ),
    CONSENT_DATE: (
        "consent date",
        "opt in date",
        "optin date",
        "optin time",
        "date consentement",
        "date du consentement",
        "einwilligungsdatum",
        "fecha consentimiento",
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
        "werbung",
        "einwilligung",
        "boletin",
        "acepta marketing",
    ),
}
# A column the file names with a field's own code (an export of ours) is that field.
_CANONICAL = {re.sub(r"[^a-z0-9]", "", name): name for name in FIELDS}
# Yes and no as other systems write them (compared squeezed): consent states of
# Mailchimp and Square, 0/1 of PrestaShop, words in four languages.
_TRUE = {"1", "true", "yes", "y", "oui", "o", "vrai", "x", "ja", "si", "verdadero", "wahr"}
_TRUE |= {"subscribed", "optedin", "optin", "abonne", "inscrit", "suscrito"}
_FALSE = {"0", "false", "no", "n", "non", "faux", "", "nein", "falso"}
_FALSE |= {"unsubscribed", "cleaned", "pending", "notsubscribed", "neversubscribed"}
_FALSE |= {"nonsubscribed", "transactional", "optedout", "desabonne", "desinscrit"}
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
# Excel's damage: a leading apostrophe guarding digits (Shopify writes one too), and long
# numbers turned into scientific notation, whose lost digits nothing can bring back.
_GUARD = re.compile(r"^'(?=[\d+])")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
NUMBER_FIELDS = ("account_number", "phone", "mobile", "fax", "postcode", "tax_number")
MAX_ROWS = 200_000
MAX_COLUMNS = 200


@lru_cache(maxsize=1)
def _by_word() -> dict[str, str]:
    found: dict[str, str] = dict(_CANONICAL)
    for field, words in SYNONYMS.items():
        for word in words:
            found.setdefault(squeeze(word), field)
    return found


# What a column may be mapped to: a card field or the full name (split on import). Tags
# may come from several columns (a system's tags and its customer groups): joined.
TARGETS = (*FIELDS, FULL_NAME, CONSENT_DATE)
MANY = (TAGS,)
# A row is somebody when it has one of these; a last name can then be made up.
IDENTITY = ("last_name", FULL_NAME, "email", "mobile", "company")


@dataclass(frozen=True)
class Guess:
    """The system a file comes from (None: not one we know) and each column's target."""

    format: FileFormat | None
    mapping: list[str | None]


def guess(headers: Sequence[str]) -> Guess:
    """Each column's target (None: not imported), the file's format first, then the
    synonyms; a target is taken by its first column only."""
    known = recognise(headers)
    taken: set[str] = set()
    mapping: list[str | None] = []
    words = _by_word()
    for header in headers:
        field = known.field_of(header or "") if known else None
        if field is None:
            field = words.get(squeeze(header or ""))
        if (field in taken and field not in MANY) or not field:
            field = None
        if field:
            taken.add(field)
        mapping.append(field)
    if FULL_NAME in taken and "last_name" in taken:
        mapping = [None if m == FULL_NAME else m for m in mapping]
    return Guess(known, mapping)


def guess_mapping(headers: Sequence[str]) -> list[str | None]:
    """Each column's target (see guess())."""
    return guess(headers).mapping


def check_mapping(mapping: Sequence[str | None]) -> None:
    """A target mapped twice, an unknown one, or nothing that names a person: refused."""
    chosen = [m for m in mapping if m]
    errors: list[FieldError] = []
    unknown = [m for m in chosen if m not in TARGETS]
    if unknown:
        errors.append(FieldError("mapping", "not_in_list", {"allowed": ", ".join(TARGETS)}))
    twice = sorted({m for m in chosen if chosen.count(m) > 1 and m not in MANY})
    if twice:
        errors.append(FieldError("mapping", "import_mapped_twice", {"fields": ", ".join(twice)}))
    if not set(chosen) & set(IDENTITY):
        errors.append(FieldError("mapping", "import_needs_identity"))
    if errors:
        raise ValidationFailed(errors)


# What to do with a likely duplicate: leave the row out, update the customer it doubles,
# or create a new customer all the same.
DUPLICATE_CHOICES = ("skip", "update", "create")


@dataclass(frozen=True)
class DuplicateChoices:
    """The owner's choice for the likely duplicates: one for all, and the lines chosen
    otherwise (line → choice)."""

    for_all: str = "skip"
    lines: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        given = (self.for_all, *(c for _, c in self.lines))
        if any(c not in DUPLICATE_CHOICES for c in given):
            allowed = ", ".join(DUPLICATE_CHOICES)
            raise ValidationFailed([FieldError("duplicates", "not_in_list", {"allowed": allowed})])

    @classmethod
    def of_lines(cls, for_all: str, lines: Mapping[int, str]) -> DuplicateChoices:
        """Choices for all and by line (those equal to the choice for all left out)."""
        return cls(for_all, tuple(sorted((int(k), v) for k, v in lines.items() if v != for_all)))

    @cached_property
    def _by_line(self) -> dict[int, str]:
        return dict(self.lines)

    def of(self, line: int) -> str:
        """The choice for this line of the file."""
        return self._by_line.get(line, self.for_all)

    def key(self) -> tuple:
        """Equal for equal choices (a dry run is reused only for the same choices)."""
        return (self.for_all, self.lines)


NO_CHOICES = DuplicateChoices()


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


def read_csv(data: bytes, max_rows: int = MAX_ROWS) -> ImportTable:
    """A CSV file's rows (every malformed line named), at most max_rows."""
    text, encoding = detect_encoding(data)
    if not text.strip():
        raise _refuse("csv_empty")
    separator = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start = 1  # the line a record starts on (a quoted field may span several lines)
    try:
        headers = tuple(h.strip() for h in next(reader))
        if len(headers) > 1 and not headers[-1]:
            headers = headers[:-1]  # a separator ending every line (PrestaShop)
        rows = []
        start = reader.line_num + 1
        # One object per distinct cell: files repeat dates, e-mails, codes and flags a lot,
        # and a million rows of separate strings is most of an import's memory.
        seen: dict[str, str] = {}
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            # Ragged lines: missing trailing fields are empty, extra empty ones dropped;
            # only a value beyond the last column refuses the file.
            while len(fields) > len(headers) and not fields[-1].strip():
                fields.pop()
            if len(fields) > len(headers):
                raise _refuse(
                    "csv_fields", line=str(line), expected=str(len(headers)), found=str(len(fields))
                )
            fields += [""] * (len(headers) - len(fields))
            rows.append((line, tuple([seen.setdefault(f, f) for f in fields])))
            if len(rows) > max_rows:
                raise _refuse("import_too_many", max=f"{max_rows:,}")
    except csv.Error:
        raise _refuse("import_malformed", line=str(start)) from None
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


def read_xlsx(data: bytes, max_rows: int = MAX_ROWS) -> ImportTable:
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
            if len(rows) > max_rows:
                raise _refuse("import_too_many", max=f"{max_rows:,}")
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


def read_file(data: bytes, name: str, max_rows: int = MAX_ROWS) -> ImportTable:
    """A CSV or XLSX file, told apart by its first bytes (then its name)."""
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return read_xlsx(data, max_rows)
    return read_csv(data, max_rows)


def _country(value: str) -> str:
    """A country as its code: 'FR', 'fr', 'France', 'Belgique', 'Deutschland', 'España',
    Odoo's 'base.fr' → alpha-2 (else as typed)."""
    text = value.strip()
    if text.lower().startswith("base.") and len(text) == 7:
        text = text[5:]
    if len(text) == 2 and text.isalpha():
        return text.upper()
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
    # German and Spanish names of the countries a shop's customers most often come from.
    "deutschland": "DE",
    "frankreich": "FR",
    "osterreich": "AT",
    "schweiz": "CH",
    "belgien": "BE",
    "niederlande": "NL",
    "italien": "IT",
    "spanien": "ES",
    "grossbritannien": "GB",
    "vereinigteskonigreich": "GB",
    "espana": "ES",
    "francia": "FR",
    "alemania": "DE",
    "italia": "IT",
    "reinounido": "GB",
    "belgica": "BE",
    "suiza": "CH",
    "paisesbajos": "NL",
    "estadosunidos": "US",
}


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value cannot be trusted (the field is left empty and named)."""

    code: str


def file_date_order(table: ImportTable, mapping: Sequence[str | None]) -> str:
    """The date order of the column mapped to the date of birth (day first without one)."""
    if "date_of_birth" not in mapping:
        return "dmy"
    column = list(mapping).index("date_of_birth")
    return date_order(cells[column] for _, cells in table.rows)


def date_order(values: Iterable[object]) -> str:
    """Whether a file writes dates day first ("dmy") or month first ("mdy"), decided by
    its unambiguous dates (a part over 12); day first when none decides."""
    for value in values:
        found = _DAY_FIRST.match(str(value)) if isinstance(value, str) else None
        if found:
            first, second = int(found.group(1)), int(found.group(2))
            if first > 12 >= second:
                return "dmy"
            if second > 12 >= first:
                return "mdy"
    return "dmy"


def cell_value(field: str, value: object, order: str = "dmy") -> object:
    """A cell as the card's rules read it: dates ISO, flags true/false, countries as codes,
    Excel's guards removed (Unreadable: a value Excel damaged beyond repair)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and field in ("discount_percent",):
        return format(value, "f").rstrip("0").rstrip(".") or "0"
    if isinstance(value, float) and field in NUMBER_FIELDS and value.is_integer():
        value = int(value)  # a sheet's number cell: 75019.0 is 75019
    text = _GUARD.sub("", "" if value is None else str(value))
    if field in NUMBER_FIELDS and _SCIENTIFIC.match(text.strip()):
        return Unreadable("import_scientific")
    if field == TAGS:  # Google's labels: "* myContacts ::: Club" (its own start with *)
        return ", ".join(p for p in text.split(":::") if not p.strip().startswith("*"))
    if field == "date_of_birth":
        try:
            found = _written_date(text, order)
        except ValueError:
            return text  # an impossible date: the card's rule names it
        return found.isoformat() if found else text.strip()
    if field == CONSENT_DATE:
        return consent_moment(text, order)
    if field in ("tax_exempt", "marketing_opt_in", "sms_opt_in"):
        squeezed = squeeze(text)
        if squeezed in _TRUE:
            return True
        if squeezed in _FALSE:
            return False
        return text
    if field == "country_code":
        return _country(text)
    if field == "discount_percent":
        return text.replace("%", "").strip()
    return text


def _written_date(text: str, order: str) -> date | None:
    """A date written 14/07/1985 (day first, as French and British systems write dates,
    unless the file's order is "mdy"); None when not written so; ValueError when it is no
    day of the calendar."""
    found = _DAY_FIRST.match(text)
    if not found:
        return None
    first, second, year = (int(part) for part in found.groups())
    day, month = (second, first) if order == "mdy" else (first, second)
    return date(year, month, day)


def consent_moment(text: str, order: str = "dmy") -> object:
    """When a source system says consent was given ("2025-03-01 10:01:00", ISO with an
    offset, or day first as the file writes dates), in UTC; "" when none; Unreadable when
    it is no date."""
    text = text.strip()
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day_text, _, clock_text = text.partition(" ")  # "01/03/2025 10:01"
        try:
            day = _written_date(day_text, order)
            at = time.fromisoformat(clock_text) if clock_text else time()
        except ValueError:
            return Unreadable("date_invalid")
        if day is None:
            return Unreadable("date_invalid")
        moment = datetime.combine(day, at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # a system that does not say writes UTC
    return moment.astimezone(UTC)


_PARTICLES = {"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "del"}


def split_full_name(text: str) -> tuple[str, str]:
    """First and last name from one column: "Martin, Jean" or "Jean de La Fontaine"."""
    if "," in text:
        last, first = (part.strip() for part in text.split(",", 1))
        return first, last
    words = text.split()
    if len(words) < 2:
        return "", " ".join(words)
    for index, word in enumerate(words[1:], start=1):
        if word.lower() in _PARTICLES:
            return " ".join(words[:index]), " ".join(words[index:])
    return " ".join(words[:-1]), words[-1]


def complete_row(
    raw: Mapping[str, object], default_country: str
) -> tuple[dict[str, object], list[FieldError]]:
    """A row's values made whole, and what to check on it: Unreadable cells emptied and
    named; the full name split; a missing country taken from an
    international phone number; shortened postcodes restored; a missing last name made
    from the company, the e-mail or the mobile (to complete by hand)."""
    values = dict(raw)
    notes: list[FieldError] = []
    for name, value in raw.items():
        if isinstance(value, Unreadable):
            values[name] = ""
            notes.append(FieldError(name, value.code))
    full = values.pop(FULL_NAME, None)
    if not _blank(full) and _blank(values.get("last_name")):
        first, last = split_full_name(str(full))
        values["last_name"] = last
        if _blank(values.get("first_name")):
            values["first_name"] = first
    if _blank(values.get("country_code")):
        region = region_of(str(values.get("mobile") or "")) or region_of(
            str(values.get("phone") or "")
        )
        if region and region != default_country:
            values["country_code"] = region
            notes.append(FieldError("country_code", "import_country_from_phone", {"value": region}))
    if not _blank(values.get("postcode")):
        country = str(values.get("country_code") or default_country)
        values["postcode"] = restore_leading_zeros(str(values["postcode"]), country)
    if _blank(values.get("last_name")):
        made = _stand_in_name(values)
        if made:
            values["last_name"] = made
            notes.append(FieldError("last_name", "import_name_made_up", {"value": made}))
    return values, notes


def _stand_in_name(values: Mapping[str, object]) -> str:
    """A last name for a row with none: its company, else its e-mail's local part (words
    capitalised), else its mobile number."""
    company = " ".join(str(values.get("company") or "").split())
    if company:
        return company[:80]
    email = str(values.get("email") or "").strip()
    if "@" in email:
        local = re.sub(r"[._\-+]+", " ", email.split("@", 1)[0]).strip()
        if local:
            return " ".join(w.capitalize() for w in local.split())[:80]
    return " ".join(str(values.get("mobile") or "").split())[:40]


def match_keys(raw: Mapping[str, object], region: str) -> dict[str, str]:
    """The values a row is matched by, normalised as stored (unusable ones left out)."""
    keys: dict[str, str] = {}
    number = raw.get("account_number")
    if not _blank(number):
        with contextlib.suppress(FieldProblem):  # refused later, with the card's message
            keys["key"] = account_key(clean_account_number(str(number)))
    email = raw.get("email")
    if not _blank(email):
        keys["email"] = str(email).strip().lower()
    mobile = raw.get("mobile")
    if not _blank(mobile):
        try:
            found = parse_phone(str(mobile), str(raw.get("country_code") or "") or region)
        except FieldProblem:
            found = None
        if found:
            keys["mobile"] = found
    last = raw.get("last_name")
    if not _blank(last):
        postcode = "" if _blank(raw.get("postcode")) else str(raw.get("postcode"))
        first = " ".join(str(raw.get("first_name") or "").split()).lower()
        keys["name"] = (
            f"{' '.join(str(last).split()).lower()}|{postcode.replace(' ', '').upper()}|{first}"
        )
    return keys
