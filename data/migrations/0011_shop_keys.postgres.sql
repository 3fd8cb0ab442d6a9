-- PostgreSQL variant of 0011: every sale, ledger entry and print job names a shop
-- that exists, and filtering by shop uses an index. DuckDB has none of this (it
-- cannot add foreign keys to existing tables): see 0011_shop_keys.sql.
ALTER TABLE sales ADD FOREIGN KEY (shop_code) REFERENCES shops (code);
ALTER TABLE ledger_entries ADD FOREIGN KEY (shop_code) REFERENCES shops (code);
ALTER TABLE print_jobs ADD FOREIGN KEY (shop_code) REFERENCES shops (code);
CREATE INDEX sales_shop_date ON sales (shop_code, sold_at);
CREATE INDEX ledger_shop_customer ON ledger_entries (shop_code, customer_id);
