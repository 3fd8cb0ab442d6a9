-- Gift vouchers, customer rewards and delivery addresses. A voucher is sold as a
-- sale line and spent as a tender; points are earned by sales and spent as a
-- tender. Balances change by conditional UPDATEs inside the sale's transaction and
-- CHECKs refuse anything below zero, so two tills cannot spend the same money.
CREATE SEQUENCE gift_voucher_id_seq START 1;

CREATE TABLE gift_vouchers (
    id BIGINT PRIMARY KEY DEFAULT nextval('gift_voucher_id_seq'),
    code VARCHAR NOT NULL UNIQUE,
    customer_id BIGINT,
    amount DECIMAL(12, 2) NOT NULL CHECK (amount > 0),
    balance DECIMAL(12, 2) NOT NULL CHECK (balance >= 0),
    status VARCHAR NOT NULL CHECK (status IN ('active', 'cancelled')),
    expires_on DATE,
    issued_at TIMESTAMPTZ NOT NULL,
    sale_id BIGINT,  -- the sale that sold it
    sale_line_no INTEGER,
    shop_code VARCHAR NOT NULL,
    cancel_reason VARCHAR,
    cancelled_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (balance <= amount)
);

CREATE INDEX gift_vouchers_customer ON gift_vouchers (customer_id);
CREATE INDEX gift_vouchers_sale ON gift_vouchers (sale_id);

-- Every change of a voucher: issued, redeemed (a sale), restored (a return paid by
-- it), expiry changed and cancelled, with the reason where there is one.
CREATE TABLE voucher_entries (
    voucher_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('issued', 'redeemed', 'restored', 'expiry',
                                          'cancelled')),
    amount DECIMAL(12, 2) NOT NULL,
    sale_id BIGINT,
    note VARCHAR NOT NULL DEFAULT '',
    happened_at TIMESTAMPTZ NOT NULL,
    staff_name VARCHAR NOT NULL
);

CREATE INDEX voucher_entries_voucher ON voucher_entries (voucher_id);
CREATE INDEX voucher_entries_sale ON voucher_entries (sale_id);

CREATE SEQUENCE rewards_card_seq START 1;

CREATE TABLE rewards_accounts (
    customer_id BIGINT PRIMARY KEY,
    card_number VARCHAR NOT NULL UNIQUE,
    points BIGINT NOT NULL DEFAULT 0 CHECK (points >= 0),
    last_activity_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- Card numbers a customer had before "Assign new card number".
CREATE TABLE rewards_old_cards (
    customer_id BIGINT NOT NULL,
    card_number VARCHAR NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL,
    staff_name VARCHAR NOT NULL
);

CREATE SEQUENCE rewards_entry_id_seq START 1;

CREATE TABLE rewards_entries (
    id BIGINT PRIMARY KEY DEFAULT nextval('rewards_entry_id_seq'),
    customer_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('earned', 'redeemed', 'adjusted', 'expired',
                                          'clawed_back', 'restored')),
    points BIGINT NOT NULL,
    sale_id BIGINT,
    reason VARCHAR NOT NULL DEFAULT '',
    happened_at TIMESTAMPTZ NOT NULL,
    staff_name VARCHAR NOT NULL
);

CREATE INDEX rewards_entries_customer ON rewards_entries (customer_id);
CREATE INDEX rewards_entries_sale ON rewards_entries (sale_id);

CREATE SEQUENCE delivery_address_id_seq START 1;

CREATE TABLE delivery_addresses (
    id BIGINT PRIMARY KEY DEFAULT nextval('delivery_address_id_seq'),
    customer_id BIGINT NOT NULL,
    name VARCHAR,
    company VARCHAR,
    address1 VARCHAR NOT NULL,
    address2 VARCHAR,
    city VARCHAR NOT NULL,
    region VARCHAR,
    postcode VARCHAR,
    country_code VARCHAR NOT NULL,
    phone VARCHAR,
    source VARCHAR NOT NULL CHECK (source IN ('manual', 'billing', 'web')),
    is_default BOOLEAN NOT NULL DEFAULT false,
    place_key VARCHAR NOT NULL,  -- the place, compared without case, accents, spacing
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ,  -- removed from the list; kept for sales that used it
    version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX delivery_addresses_customer ON delivery_addresses (customer_id);

ALTER TABLE sales ADD COLUMN delivery_address_id BIGINT;

INSERT INTO settings (key, value) VALUES
    ('voucher_validity_months', '12'),
    ('rewards_points_per_unit', '1'),
    ('rewards_point_value', '0.01'),
    ('rewards_min_redeem', '500'),
    ('rewards_expiry_months', '24'),
    ('rewards_excluded_tenders', 'voucher, rewards'),
    ('rewards_excluded_skus', 'VOUCHER, DEPOSIT');
