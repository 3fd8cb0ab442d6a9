-- A product's group (road bikes, tyres, workshop…): what managers filter Insights by.
ALTER TABLE products ADD COLUMN product_group VARCHAR DEFAULT '';
UPDATE products SET product_group = '' WHERE product_group IS NULL;
