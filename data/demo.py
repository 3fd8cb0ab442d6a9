"""Deterministic demo shop: French and British customers, fast enough for 1M rows.

python -m comptoir.data.demo --customers 2000 [--seed 7] [--db path]
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from comptoir.data import customers as customers_repo
from comptoir.data import db, migrate
from comptoir.data.rows import scanned

FR_FIRST_F = [
    "Marie",
    "Sophie",
    "Léa",
    "Hélène",
    "Camille",
    "Chloé",
    "Manon",
    "Emma",
    "Céline",
    "Nathalie",
    "Amélie",
    "Élodie",
    "Margaux",
    "Noémie",
    "Inès",
    "Françoise",
]
FR_FIRST_M = [
    "Jean",
    "Pierre",
    "François",
    "Louis",
    "Gabriel",
    "Jérôme",
    "Thierry",
    "Loïc",
    "Benoît",
    "Julien",
    "Théo",
    "Hugo",
    "Stéphane",
    "Mathéo",
]
FR_LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
]
GB_FIRST_F = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Emily",
    "Charlotte",
    "Sophie",
    "Grace",
    "Lily",
    "Ella",
    "Freya",
    "Ruby",
    "Evie",
    "Poppy",
    "Florence",
]
GB_FIRST_M = [
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Thomas",
    "James",
    "William",
    "Daniel",
    "Samuel",
    "Alfie",
    "Joshua",
    "Arthur",
    "Noah",
]
GB_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Davis",
    "Rodríguez",
    "Cox",
    "Alexander",
    "Morgan",
    "Moore",
    "Harris",
    "O'Brien",
    "Cooper",
    "Hughes",
    "Edwards",
    "Turner",
    "Baker",
    "Hill",
    "Ward",
    "Watson",
    "Bennett",
]
# (city, postcode, region, landline prefix after +33 / +44)
FR_CITIES = [
    ("Paris", "75011", "Île-de-France", "1"),
    ("Paris", "75015", "Île-de-France", "1"),
    ("Lyon", "69003", "Auvergne-Rhône-Alpes", "4"),
    ("Annecy", "74000", "Auvergne-Rhône-Alpes", "4"),
    ("Grenoble", "38000", "Auvergne-Rhône-Alpes", "4"),
    ("Marseille", "13001", "Provence-Alpes-Côte d'Azur", "4"),
    ("Nantes", "44000", "Pays de la Loire", "1"),
    ("Lille", "59000", "Hauts-de-France", "3"),
    ("Strasbourg", "67000", "Grand Est", "3"),
    ("Versailles", "78000", "Île-de-France", "1"),
]
GB_CITIES = [
    ("London", "N1 9GU", "", "207"),
    ("London", "SW1A 2AA", "", "207"),
    ("London", "E1 6AN", "", "207"),
    ("Manchester", "M1 1AE", "", "161"),
    ("Leeds", "LS1 4AP", "", "161"),
    ("Bristol", "BS1 4DJ", "", "207"),
    ("Edinburgh", "EH1 1YZ", "", "161"),
    ("Cambridge", "CB2 1TN", "", "207"),
    ("Oxford", "OX1 2JD", "", "207"),
]
FR_STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Gambetta",
    "rue du Moulin",
    "place de l'Église",
    "rue des Écoles",
    "chemin des Vignes",
]
GB_STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Park Avenue",
    "Queen's Road",
]
FR_TITLES = {"female": "mrs", "male": "mr"}
# Already tidy, as logic.customers.parse_tags stores them.
TAGS = ["club", "trade", "commuter", "family", "gravel", "club, gravel", "trade, commuter"]
NOTES = [
    "Prefers morning appointments.",
    "Rides a Brompton; keeps spare tubes on order.",
    "Club member – ask about the group ride.",
    "Paye souvent par virement.",
]


def _pick(rng: np.random.Generator, values: list, n: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), n)]


def _digits(rng: np.random.Generator, n: int, width: int) -> pd.Series:
    return pd.Series(rng.integers(0, 10**width, n)).astype(str).str.zfill(width)


def build_frame(
    n: int, seed: int = 7, prefix: str = "C", today: datetime | None = None
) -> pd.DataFrame:
    """n customers as a frame with every card column (vectorised, deterministic)."""
    rng = np.random.default_rng(seed)
    today = today or datetime(2026, 11, 1)
    british = rng.random(n) < 0.3
    gender = np.where(rng.random(n) < 0.5, "female", "male")
    female = gender == "female"
    first = np.where(
        british,
        np.where(female, _pick(rng, GB_FIRST_F, n), _pick(rng, GB_FIRST_M, n)),
        np.where(female, _pick(rng, FR_FIRST_F, n), _pick(rng, FR_FIRST_M, n)),
    )
    last = np.where(british, _pick(rng, GB_LAST, n), _pick(rng, FR_LAST, n))
    fr_city = np.array(FR_CITIES, dtype=object)[rng.integers(0, len(FR_CITIES), n)]
    gb_city = np.array(GB_CITIES, dtype=object)[rng.integers(0, len(GB_CITIES), n)]
    city_rows = np.where(british[:, None], gb_city, fr_city)
    house = pd.Series(rng.integers(1, 200, n)).astype(str)
    fr_street = house + " " + _pick(rng, FR_STREETS, n)
    gb_street = house + " " + _pick(rng, GB_STREETS, n)
    frame = pd.DataFrame(
        {
            "account_number": [f"{prefix}{i:06d}" for i in range(1, n + 1)],
            "title": np.where(rng.random(n) < 0.6, pd.Series(gender).map(FR_TITLES), None),
            "first_name": first,
            "last_name": last,
            "postcode": city_rows[:, 1],
            "address1": np.where(british, gb_street, fr_street),
            "city": city_rows[:, 0],
            "region": np.where(city_rows[:, 2] == "", None, city_rows[:, 2]),
            "country_code": np.where(british, "GB", "FR"),
            "gender": np.where(rng.random(n) < 0.7, gender, "not_defined"),
        }
    )
    mobile_fr = "+336" + _pick(rng, list("0124578"), n) + _digits(rng, n, 7)
    mobile_gb = "+4478" + _digits(rng, n, 8)
    frame["mobile"] = np.where(rng.random(n) < 0.8, np.where(british, mobile_gb, mobile_fr), None)
    land_fr = (
        "+33" + pd.Series(city_rows[:, 3]) + _pick(rng, list("123456789"), n) + _digits(rng, n, 7)
    )
    land_gb = "+44" + pd.Series(city_rows[:, 3]) + "2" + _digits(rng, n, 6)
    frame["phone"] = np.where(rng.random(n) < 0.35, np.where(british, land_gb, land_fr), None)
    frame["fax"] = np.where(rng.random(n) < 0.02, frame["phone"], None)
    local = (
        frame["first_name"].str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
        + "."
        + frame["last_name"].str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    ).str.lower().str.replace("'", "", regex=False) + pd.Series(rng.integers(1, 100, n)).astype(str)
    domain = np.where(
        british,
        _pick(rng, ["example.co.uk", "mail.example.com"], n),
        _pick(rng, ["exemple.fr", "example.com"], n),
    )
    frame["email"] = np.where(rng.random(n) < 0.75, local + "@" + domain, None)
    has_company = rng.random(n) < 0.1
    frame["company"] = np.where(
        has_company,
        np.where(british, frame["last_name"] + " Cycles Ltd", "Cycles " + frame["last_name"]),
        None,
    )
    frame["tax_number"] = np.where(
        has_company, np.where(british, "GB" + _digits(rng, n, 9), "FR" + _digits(rng, n, 11)), None
    )
    frame["address2"] = np.where(has_company & (rng.random(n) < 0.5), "Unit 2", None)
    pref = rng.random(n)
    frame["contact_preference"] = np.where(
        (pref < 0.4) & frame["email"].notna(),
        "email",
        np.where((pref > 0.7) & frame["mobile"].notna(), "sms", None),
    )
    age_days = rng.integers(16 * 365, 85 * 365, n)
    birth = pd.Timestamp(today.date()) - pd.to_timedelta(age_days, unit="D")
    frame["date_of_birth"] = pd.Series(birth).where(rng.random(n) < 0.7).dt.date
    frame["tax_exempt"] = rng.random(n) < 0.03
    frame["price_level"] = np.where(rng.random(n) < 0.15, _pick(rng, ["A", "B", "C"], n), None)
    discount = np.where(rng.random(n) < 0.1, _pick(rng, ["5", "10", "12.5"], n), "0")
    frame["discount_percent"] = discount
    frame["notes"] = np.where(rng.random(n) < 0.05, _pick(rng, NOTES, n), None)
    opt_in = rng.random(n) < 0.4
    frame["marketing_opt_in"] = opt_in
    opted_at = pd.Timestamp(today) - pd.to_timedelta(rng.integers(1, 1500, n), unit="D")
    frame["marketing_opt_in_at"] = pd.Series(opted_at).where(opt_in)
    created = pd.Timestamp(today) - pd.to_timedelta(rng.integers(1500, 4000, n), unit="D")
    frame["created_at"] = created
    # Drawn last, by their own generator: the columns above stay as they were.
    tagged = np.random.default_rng(seed + 1)
    tags = _pick(tagged, TAGS, n)
    frame["tags"] = np.where(tagged.random(n) < 0.12, tags, None)
    # Most who agreed to e-mails with a mobile on file agreed to texts too.
    texts = opt_in & frame["mobile"].notna().to_numpy() & (tagged.random(n) < 0.8)
    frame["sms_opt_in"] = texts
    frame["sms_opt_in_at"] = frame["marketing_opt_in_at"].where(texts)
    return frame


# Mirrors logic.search.customer_tokens for the demo's FR/GB data; a test checks
# that both give the same tokens for every demo customer.
_TOKENS_SQL = r"""
INSERT INTO customer_search (token, customer_id, sort_name, live)
WITH words AS (
    SELECT id, unnest(string_split_regex(strip_accents(lower(
        concat_ws(' ', account_number, first_name, last_name, company, email, postcode, tags))),
        '\s+')) AS word
    FROM customers WHERE id >= ?
), pieces AS (
    SELECT id, word AS token FROM words
    UNION
    SELECT id, unnest(regexp_split_to_array(word, '[^0-9a-z]+')) FROM words
    UNION
    SELECT id, lower(replace(postcode, ' ', '')) FROM customers
    WHERE id >= ? AND postcode IS NOT NULL
    UNION
    SELECT id, unnest([ltrim(p, '+'), '0' || substr(p, 4)])
    FROM (SELECT id, unnest([phone, mobile, fax]) AS p FROM customers WHERE id >= ?)
    WHERE p IS NOT NULL
)
SELECT p.token, p.id, c.last_name, NOT c.archived
FROM pieces p JOIN customers c ON c.id = p.id WHERE p.token <> '' ORDER BY p.token
"""

_INSERT_SQL = """
INSERT INTO customers (account_number, account_key, title, first_name, last_name, company,
    postcode, address1, address2, city, region, country_code, phone, mobile, fax, email,
    contact_preference, date_of_birth, gender, tax_exempt, tax_number, price_level,
    discount_percent, tags, notes, marketing_opt_in, marketing_opt_in_at, sms_opt_in,
    sms_opt_in_at, created_at, updated_at)
SELECT account_number, upper(account_number), title, first_name, last_name, company,
    postcode, address1, address2, city, region, country_code, phone, mobile, fax, email,
    contact_preference, date_of_birth, gender, tax_exempt, tax_number, price_level,
    CAST(discount_percent AS DECIMAL(5, 2)), tags, notes, marketing_opt_in, marketing_opt_in_at,
    sms_opt_in, sms_opt_in_at,
    created_at, created_at
FROM demo_frame
"""


def generate(customers: int = 2000, seed: int = 7, path: Path | str | None = None) -> int:
    """Fill an empty database with demo customers; return how many were written."""
    migrate.migrate(path)
    with db.transaction(path) as cur:
        if cur.execute("SELECT count(*) FROM customers").fetchall()[0][0]:
            raise RuntimeError("the database already holds customers; demo data needs an empty one")
        prefix = cur.execute("SELECT value FROM settings WHERE key = 'account_prefix'").fetchall()[
            0
        ][0]
        first_id = cur.execute("SELECT nextval('customer_id_seq')").fetchall()[0][0] + 1
        chunk = 250_000
        for start in range(0, customers, chunk):
            frame = build_frame(min(chunk, customers - start), seed + start, prefix)
            frame["account_number"] = [
                f"{prefix}{i:06d}" for i in range(start + 1, start + len(frame) + 1)
            ]
            with scanned(cur, "demo_frame", frame):
                cur.execute(_INSERT_SQL)
        cur.execute(_TOKENS_SQL, [first_id, first_id, first_id])
        cur.execute(
            "INSERT INTO consent_history (customer_id, marketing_opt_in, changed_at, screen,"
            " channel) SELECT id, true, marketing_opt_in_at, 'demo_import', 'email'"
            " FROM customers WHERE marketing_opt_in AND id >= ?"
            " UNION ALL SELECT id, true, sms_opt_in_at, 'demo_import', 'sms'"
            " FROM customers WHERE sms_opt_in AND id >= ?",
            [first_id, first_id],
        )
        customers_repo.advance_account_sequence(cur, customers)
        customers_repo.mark_search_index_sorted(cur)
        cur.execute(
            "UPDATE shop_settings SET value = 'Cycles du Comptoir'"
            " WHERE shop_code = 'MAIN' AND key = 'shop_name'"
        )
        cur.execute(
            "UPDATE shop_settings SET value = ? WHERE shop_code = 'MAIN' AND key = 'shop_address'",
            ["12 rue du Moulin, 74000 Annecy"],
        )
    return customers


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        started = datetime.now()
        count = generate(args.customers, args.seed, args.db)
    except db.DatabaseBusy as exc:
        print(f"Refused: {exc}. Stop the app first.", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 2
    seconds = (datetime.now() - started).total_seconds()
    print(f"{count} demo customers written to {args.db or db.target()} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
