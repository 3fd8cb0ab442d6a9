-- PostgreSQL variant of 0013: the same columns, and the index that serves a page
-- of matches sorted by name with its count by an index-only scan (token range,
-- then sort name and id; live included). It covers the old (token, customer_id)
-- index, which goes. DuckDB keeps no index here (see 0013_search_sort_key.sql).
ALTER TABLE customer_search ADD COLUMN sort_name VARCHAR;
ALTER TABLE customer_search ADD COLUMN live BOOLEAN DEFAULT true;
UPDATE customer_search SET sort_name = c.last_name, live = NOT c.archived
FROM customers c WHERE c.id = customer_search.customer_id;
ALTER TABLE customer_search ALTER COLUMN live SET NOT NULL;
ALTER TABLE customer_search ALTER COLUMN live DROP DEFAULT;
CREATE INDEX customer_search_page ON customer_search (token, sort_name, customer_id)
    INCLUDE (live);
DROP INDEX customer_search_token;
-- A finer histogram of tokens: the row estimates of prefix ranges drive the plans.
ALTER TABLE customer_search ALTER COLUMN token SET STATISTICS 1000;
