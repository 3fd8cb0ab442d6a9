-- The search index carries each customer's sort name and whether they are live
-- (not archived): on PostgreSQL a page of matches sorted by name, and its count,
-- come from the index alone (0013_search_sort_key.postgres.sql adds that index)
-- instead of reading every matching customer. DuckDB fills them and keeps
-- reading customers by zone maps.
ALTER TABLE customer_search ADD COLUMN sort_name VARCHAR;
ALTER TABLE customer_search ADD COLUMN live BOOLEAN DEFAULT true;
UPDATE customer_search SET sort_name = c.last_name, live = NOT c.archived
FROM customers c WHERE c.id = customer_search.customer_id;
ALTER TABLE customer_search ALTER COLUMN live SET NOT NULL;
ALTER TABLE customer_search ALTER COLUMN live DROP DEFAULT;
