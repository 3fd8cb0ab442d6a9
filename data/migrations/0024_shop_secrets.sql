-- Keys that belong to the shop, not to one machine: the key of the suppression list's
-- hashes and of unsubscribe links. Held in the database, so a backup restored on another
-- machine keeps erased contacts suppressed and links already e-mailed working.
CREATE TABLE shop_secrets (
    name VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
