-- Erasure: when a customer's personal data was removed, and the suppression list: keyed
-- hashes of erased e-mail addresses and mobiles (never the addresses themselves), so a
-- customer created or imported again with them is not sent marketing.
ALTER TABLE customers ADD COLUMN erased_at TIMESTAMPTZ;

CREATE TABLE suppressions (
    digest VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL CHECK (kind IN ('email', 'mobile')),
    added_at TIMESTAMPTZ NOT NULL
);
