-- PostgreSQL variant of 0009: the indexes its plans need, and foreign keys where
-- they protect money. DuckDB has none of these (see 0009_indexes.sql).
CREATE INDEX customer_search_token ON customer_search (token, customer_id);
CREATE INDEX customer_search_customer ON customer_search (customer_id);
CREATE INDEX customers_last_name ON customers (last_name, first_name);
CREATE INDEX ledger_customer_date ON ledger_entries (customer_id, occurred_on);
CREATE INDEX allocations_debit ON allocations (debit_id);
CREATE INDEX allocations_credit ON allocations (credit_id);
CREATE INDEX allocations_customer ON allocations (customer_id);
CREATE INDEX sales_customer_date ON sales (customer_id, sold_at);
CREATE INDEX sales_refund_of ON sales (refund_of);
CREATE INDEX sale_tenders_sale ON sale_tenders (sale_id);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX consent_customer ON consent_history (customer_id);
CREATE INDEX print_jobs_reference ON print_jobs (reference);
ALTER TABLE customer_accounts
    ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE ledger_entries
    ADD FOREIGN KEY (customer_id) REFERENCES customer_accounts (customer_id);
ALTER TABLE allocations ADD FOREIGN KEY (debit_id) REFERENCES ledger_entries (id);
ALTER TABLE allocations ADD FOREIGN KEY (credit_id) REFERENCES ledger_entries (id);
ALTER TABLE sale_lines ADD FOREIGN KEY (sale_id) REFERENCES sales (id);
ALTER TABLE sale_tenders ADD FOREIGN KEY (sale_id) REFERENCES sales (id);
ALTER TABLE invoices ADD FOREIGN KEY (sale_id) REFERENCES sales (id);
