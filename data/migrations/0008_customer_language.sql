-- The language a customer reads: their receipts, invoices and statements print in
-- it. NULL means the shop's language (the locale in Settings).
ALTER TABLE customers ADD COLUMN language VARCHAR;
