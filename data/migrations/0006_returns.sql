-- Returns give back what was paid, once: each line of a return names the sale
-- line it returns, and each sold line keeps a returned-quantity row that the
-- return updates in its own transaction. The CHECK holds in the database, so two
-- tills returning the same item at once can never give back more than was sold.
ALTER TABLE sale_lines ADD COLUMN returns_line_no INTEGER;

-- Returns recorded before this migration named no line: the first line of the
-- original sale with the same product is the one they returned.
UPDATE sale_lines SET returns_line_no = (
    SELECT min(o.line_no) FROM sales r JOIN sale_lines o ON o.sale_id = r.refund_of
    WHERE r.id = sale_lines.sale_id AND o.product_id = sale_lines.product_id
)
WHERE sale_id IN (SELECT id FROM sales WHERE refund_of IS NOT NULL);

CREATE TABLE sale_line_returns (
    sale_id BIGINT NOT NULL,
    line_no INTEGER NOT NULL,
    sold_quantity DECIMAL(10, 3) NOT NULL,
    returned_quantity DECIMAL(10, 3) NOT NULL DEFAULT 0,
    CHECK (returned_quantity >= 0 AND returned_quantity <= sold_quantity),
    PRIMARY KEY (sale_id, line_no)
);

INSERT INTO sale_line_returns (sale_id, line_no, sold_quantity, returned_quantity)
SELECT l.sale_id, l.line_no, l.quantity,
       least(l.quantity, coalesce((
           SELECT -sum(x.quantity) FROM sales r JOIN sale_lines x ON x.sale_id = r.id
           WHERE r.refund_of = l.sale_id AND x.returns_line_no = l.line_no
       ), 0))
FROM sale_lines l JOIN sales s ON s.id = l.sale_id
WHERE s.refund_of IS NULL AND l.quantity > 0;
