-- PostgreSQL variant of 0023: every card save looks up the records merged into the
-- customer (data/merges.former_numbers); a partial index keeps that off a table scan.
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;
