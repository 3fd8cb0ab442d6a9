-- Customers, consent history, settings and the small lists the card uses.
CREATE SEQUENCE customer_id_seq START 1;

CREATE TABLE customers (
    id BIGINT PRIMARY KEY DEFAULT nextval('customer_id_seq'),
    account_number VARCHAR NOT NULL,
    -- account_number upper-cased and trimmed: uniqueness ignores case and spaces
    account_key VARCHAR NOT NULL UNIQUE,
    title VARCHAR,
    first_name VARCHAR,
    last_name VARCHAR NOT NULL,
    company VARCHAR,
    postcode VARCHAR,
    address1 VARCHAR,
    address2 VARCHAR,
    city VARCHAR,
    region VARCHAR,
    country_code VARCHAR,
    phone VARCHAR,
    mobile VARCHAR,
    fax VARCHAR,
    email VARCHAR,
    contact_preference VARCHAR,
    date_of_birth DATE,
    gender VARCHAR NOT NULL DEFAULT 'not_defined',
    tax_exempt BOOLEAN NOT NULL DEFAULT false,
    tax_number VARCHAR,
    price_level VARCHAR,
    discount_percent DECIMAL(5, 2) NOT NULL DEFAULT 0,
    notes VARCHAR,
    marketing_opt_in BOOLEAN NOT NULL DEFAULT false,
    marketing_opt_in_at TIMESTAMP,
    archived BOOLEAN NOT NULL DEFAULT false,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- Word-start search index: one row per (token, customer). Rebuilt sorted by
-- token so DuckDB's min/max zone maps skip almost every row group.
CREATE TABLE customer_search (
    token VARCHAR NOT NULL,
    customer_id BIGINT NOT NULL
);

CREATE SEQUENCE consent_id_seq START 1;

CREATE TABLE consent_history (
    id BIGINT PRIMARY KEY DEFAULT nextval('consent_id_seq'),
    customer_id BIGINT NOT NULL,
    marketing_opt_in BOOLEAN NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    screen VARCHAR NOT NULL,
    changed_by VARCHAR
);

CREATE TABLE settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Generated account numbers: a sequence never conflicts between concurrent
-- creates (gaps are fine for account numbers, unlike invoices).
CREATE SEQUENCE account_number_seq START 1;

CREATE TABLE titles (
    code VARCHAR PRIMARY KEY,
    label_en VARCHAR NOT NULL,
    label_fr VARCHAR NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE genders (
    code VARCHAR PRIMARY KEY,
    label_en VARCHAR NOT NULL,
    label_fr VARCHAR NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE price_levels (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    position INTEGER NOT NULL
);

INSERT INTO settings (key, value) VALUES
    ('shop_name', 'Comptoir'),
    ('shop_address', ''),
    ('shop_phone', ''),
    ('shop_email', ''),
    ('default_country', 'FR'),
    ('currency', 'EUR'),
    ('locale', 'fr_FR'),
    ('account_prefix', 'C');

-- Internal: rows of customer_search below this rowid are sorted by token.
INSERT INTO settings (key, value) VALUES ('_search_sorted_rows', '0');

INSERT INTO titles (code, label_en, label_fr, position) VALUES
    ('mr', 'Mr', 'M.', 1),
    ('mrs', 'Mrs', 'Mme', 2),
    ('ms', 'Ms', 'Mlle', 3),
    ('mx', 'Mx', 'Mx', 4),
    ('dr', 'Dr', 'Dr', 5);

INSERT INTO genders (code, label_en, label_fr, position) VALUES
    ('not_defined', 'Not defined', 'Non défini', 1),
    ('female', 'Female', 'Femme', 2),
    ('male', 'Male', 'Homme', 3),
    ('other', 'Other', 'Autre', 4);

INSERT INTO price_levels (code, name, position) VALUES
    ('A', 'Level A', 1),
    ('B', 'Level B', 2),
    ('C', 'Level C', 3);
