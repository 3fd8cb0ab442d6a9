-- Opening positions brought from the system a shop leaves: account balances and credit
-- limits with points, outstanding gift vouchers, past sales. Each file is one batch that
-- can be undone as a whole while nothing later depends on it.
CREATE SEQUENCE opening_batch_id_seq START 1;

CREATE TABLE opening_batches (
    id BIGINT PRIMARY KEY DEFAULT nextval('opening_batch_id_seq'),
    kind VARCHAR NOT NULL CHECK (kind IN ('balances', 'vouchers', 'sales')),
    file_name VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    row_count INTEGER NOT NULL,
    totals VARCHAR NOT NULL,  -- JSON: the batch's sums (balances, limits, points, liability)
    imported_at TIMESTAMPTZ NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    undone_at TIMESTAMPTZ,
    undone_by VARCHAR
);

-- What a batch wrote, one row per line of its file: the ledger and rewards entries it
-- posted, the voucher or the sale it made, and an account as it was before (JSON) where
-- the batch changed an existing one.
CREATE TABLE opening_rows (
    batch_id BIGINT NOT NULL,
    line INTEGER NOT NULL,
    customer_id BIGINT,
    ledger_entry_id BIGINT,
    rewards_entry_id BIGINT,
    voucher_id BIGINT,
    sale_id BIGINT,
    before_values VARCHAR
);

CREATE INDEX opening_rows_batch ON opening_rows (batch_id);

-- A past sale brought from another system: its batch, and the number it had there. Its
-- own number is of the imported series (IMP-…), never of today's receipts.
ALTER TABLE sales ADD COLUMN imported_batch BIGINT;
ALTER TABLE sales ADD COLUMN source_reference VARCHAR;

-- A voucher brought from another system keeps the code it was printed with (not of our
-- making: the till accepts such a code only for an imported voucher).
ALTER TABLE gift_vouchers ADD COLUMN imported_batch BIGINT;
