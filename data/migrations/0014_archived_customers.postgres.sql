-- PostgreSQL variant of 0014: archived customers counted by an index-only scan of
-- a partial index. DuckDB: see 0014_archived_customers.sql.
CREATE INDEX customers_archived ON customers (id) WHERE archived;
