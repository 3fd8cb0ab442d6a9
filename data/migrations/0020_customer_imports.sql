-- Customer imports: one batch per file imported, and each customer it created or changed
-- (with the values an update replaced), so the whole batch can be undone.
CREATE SEQUENCE import_batch_id_seq START 1;

CREATE TABLE import_batches (
    id BIGINT PRIMARY KEY DEFAULT nextval('import_batch_id_seq'),
    file_name VARCHAR NOT NULL,
    created_count INTEGER NOT NULL,
    updated_count INTEGER NOT NULL,
    skipped_count INTEGER NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    undone_at TIMESTAMPTZ,
    undone_by VARCHAR
);

CREATE TABLE import_rows (
    batch_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    action VARCHAR NOT NULL CHECK (action IN ('create', 'update')),
    line INTEGER NOT NULL,
    before_values VARCHAR,  -- JSON: the fields an update replaced, as they were
    version_after INTEGER NOT NULL,
    PRIMARY KEY (batch_id, customer_id)
);

CREATE INDEX import_rows_customer ON import_rows (customer_id);
