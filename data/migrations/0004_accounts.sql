-- Credit accounts: types, each customer's account, the append-only ledger and allocations.
CREATE SEQUENCE account_type_id_seq START 1;

CREATE TABLE account_types (
    id BIGINT PRIMARY KEY DEFAULT nextval('account_type_id_seq'),
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL UNIQUE,
    default_credit_limit DECIMAL(12, 2) NOT NULL,
    payment_terms_days INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One row per customer with an account. The balance is the ledger's sum, kept
-- here so that concurrent charges to one customer update the same row: DuckDB
-- lets only one of them commit, the other retries and sees the new balance.
CREATE TABLE customer_accounts (
    customer_id BIGINT PRIMARY KEY,
    account_type_id BIGINT NOT NULL,
    credit_limit DECIMAL(12, 2) NOT NULL,
    opened_on DATE NOT NULL,
    balance DECIMAL(14, 2) NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE ledger_id_seq START 1;

-- Signed amounts: positive raises what the customer owes (charge, refund,
-- positive adjustment, reversal of a credit), negative lowers it.
CREATE TABLE ledger_entries (
    id BIGINT PRIMARY KEY DEFAULT nextval('ledger_id_seq'),
    customer_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL
        CHECK (kind IN ('charge', 'payment', 'credit_note', 'adjustment', 'refund', 'reversal')),
    amount DECIMAL(12, 2) NOT NULL CHECK (amount <> 0),
    occurred_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    reference VARCHAR,
    method VARCHAR,
    reason VARCHAR,
    reverses_id BIGINT,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    idempotency_key VARCHAR UNIQUE
);

CREATE SEQUENCE allocation_id_seq START 1;

-- A credit entry paying (part of) a debit entry.
CREATE TABLE allocations (
    id BIGINT PRIMARY KEY DEFAULT nextval('allocation_id_seq'),
    customer_id BIGINT NOT NULL,
    credit_id BIGINT NOT NULL,
    debit_id BIGINT NOT NULL,
    amount DECIMAL(12, 2) NOT NULL CHECK (amount > 0),
    created_at TIMESTAMP NOT NULL
);

INSERT INTO account_types (name, name_key, default_credit_limit, payment_terms_days, created_at)
VALUES ('Trade 30 days', 'TRADE 30 DAYS', 1000, 30, current_timestamp),
       ('Club members', 'CLUB MEMBERS', 250, 30, current_timestamp),
       ('Cash only', 'CASH ONLY', 0, 0, current_timestamp);
