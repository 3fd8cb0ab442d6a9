-- Products with price levels, closed sales with lines and tenders, gap-free invoices.
CREATE SEQUENCE product_id_seq START 1;

CREATE TABLE products (
    id BIGINT PRIMARY KEY DEFAULT nextval('product_id_seq'),
    sku VARCHAR NOT NULL,
    sku_key VARCHAR NOT NULL UNIQUE,
    name VARCHAR NOT NULL,
    price DECIMAL(12, 2) NOT NULL CHECK (price > 0),
    tax_rate DECIMAL(5, 2) NOT NULL,
    active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE product_prices (
    product_id BIGINT NOT NULL,
    level VARCHAR NOT NULL,
    price DECIMAL(12, 2) NOT NULL CHECK (price > 0),
    PRIMARY KEY (product_id, level)
);

-- Receipt and invoice numbers come from rows updated inside the sale's or the
-- invoice's transaction: a failed one consumes nothing, so there are no gaps.
CREATE TABLE number_counters (
    name VARCHAR PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE SEQUENCE sale_id_seq START 1;

CREATE TABLE sales (
    id BIGINT PRIMARY KEY DEFAULT nextval('sale_id_seq'),
    receipt_number VARCHAR NOT NULL UNIQUE,
    customer_id BIGINT,
    sold_at TIMESTAMP NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    prices_include_tax BOOLEAN NOT NULL,
    tax_exempt BOOLEAN NOT NULL,
    customer_tax_number VARCHAR,
    customer_discount_percent DECIMAL(5, 2) NOT NULL,
    net_total DECIMAL(12, 2) NOT NULL,
    tax_total DECIMAL(12, 2) NOT NULL,
    total DECIMAL(12, 2) NOT NULL,
    change_given DECIMAL(12, 2) NOT NULL,
    refund_of BIGINT,
    idempotency_key VARCHAR UNIQUE
);

CREATE TABLE sale_lines (
    sale_id BIGINT NOT NULL,
    line_no INTEGER NOT NULL,
    product_id BIGINT NOT NULL,
    sku VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    quantity DECIMAL(10, 3) NOT NULL,
    unit_price DECIMAL(12, 2) NOT NULL,
    line_discount_percent DECIMAL(5, 2) NOT NULL,
    discount DECIMAL(12, 2) NOT NULL,
    customer_discount DECIMAL(12, 2) NOT NULL,
    net DECIMAL(12, 2) NOT NULL,
    tax_rate DECIMAL(5, 2) NOT NULL,
    tax DECIMAL(12, 2) NOT NULL,
    gross DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (sale_id, line_no)
);

CREATE TABLE sale_tenders (
    sale_id BIGINT NOT NULL,
    method VARCHAR NOT NULL,
    amount DECIMAL(12, 2) NOT NULL
);

INSERT INTO number_counters (name, value) VALUES ('receipt', 0);

INSERT INTO settings (key, value) VALUES
    ('prices_include_tax', 'true'),
    ('tax_rates', '20, 10, 5.5, 0'),
    ('default_tax_rate', '20'),
    ('receipt_prefix', 'R'),
    ('invoice_prefix', 'F{year}-');

-- An invoice is issued once per sale and never changes.
CREATE TABLE invoices (
    sale_id BIGINT PRIMARY KEY,
    invoice_number VARCHAR NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    staff_name VARCHAR NOT NULL
);
