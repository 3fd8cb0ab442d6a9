-- Shops of a chain. Customers, accounts and settings such as tax rates stay
-- chain-wide; a sale, a receipt number, an account payment taken at a counter
-- and a print job belong to the shop where they happened. Each app server runs
-- for one shop (COMPTOIR_SHOP, default MAIN).
CREATE TABLE shops (
    code VARCHAR PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,  -- the order lists show them in
    created_at TIMESTAMPTZ NOT NULL
);

-- What differs from shop to shop (name, address, receipt prefix, printers, time
-- zone): read over the chain's settings for the server's shop.
CREATE TABLE shop_settings (
    shop_code VARCHAR NOT NULL REFERENCES shops (code),
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (shop_code, key)
);

INSERT INTO shops (code, position, created_at) VALUES ('MAIN', 1, current_timestamp);

INSERT INTO shop_settings (shop_code, key, value)
SELECT 'MAIN', key, value FROM settings
WHERE key IN ('shop_name', 'shop_address', 'shop_phone', 'shop_email', 'receipt_prefix',
              'receipt_footer', 'printer_receipts', 'printer_labels', 'invoice_prefix');

DELETE FROM settings
WHERE key IN ('shop_name', 'shop_address', 'shop_phone', 'shop_email', 'receipt_prefix',
              'receipt_footer', 'printer_receipts', 'printer_labels', 'invoice_prefix');

INSERT INTO shop_settings (shop_code, key, value) VALUES ('MAIN', 'time_zone', 'Europe/Paris');

-- Invoice numbers: one sequence for the chain (chain) or one per shop (shop).
INSERT INTO settings (key, value) VALUES ('invoice_numbering', 'chain');

-- Receipt numbers are counted per shop from now on.
UPDATE number_counters SET name = 'receipt:MAIN' WHERE name = 'receipt';

-- Existing rows happened in the one shop there was; new rows must name theirs
-- (the default is dropped so a forgotten shop fails instead of landing in MAIN).
ALTER TABLE sales ADD COLUMN shop_code VARCHAR DEFAULT 'MAIN';
ALTER TABLE sales ALTER COLUMN shop_code SET NOT NULL;
ALTER TABLE sales ALTER COLUMN shop_code DROP DEFAULT;

ALTER TABLE ledger_entries ADD COLUMN shop_code VARCHAR DEFAULT 'MAIN';
ALTER TABLE ledger_entries ALTER COLUMN shop_code SET NOT NULL;
ALTER TABLE ledger_entries ALTER COLUMN shop_code DROP DEFAULT;

ALTER TABLE print_jobs ADD COLUMN shop_code VARCHAR DEFAULT 'MAIN';
ALTER TABLE print_jobs ALTER COLUMN shop_code SET NOT NULL;
ALTER TABLE print_jobs ALTER COLUMN shop_code DROP DEFAULT;
