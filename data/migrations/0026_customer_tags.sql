-- Tags: short labels of a customer (a club, "trade", a source system's groups), kept as
-- one text of comma-separated tags in a tidy form (see logic/customers.parse_tags).
ALTER TABLE customers ADD COLUMN tags VARCHAR;
