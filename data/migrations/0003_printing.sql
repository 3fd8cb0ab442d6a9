-- Print jobs: every print and reprint, its printer and outcome.
CREATE SEQUENCE print_job_id_seq START 1;

CREATE TABLE print_jobs (
    id BIGINT PRIMARY KEY DEFAULT nextval('print_job_id_seq'),
    occurred_at TIMESTAMP NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    document VARCHAR NOT NULL,
    reference VARCHAR,
    printer VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL CHECK (outcome IN ('printed', 'failed', 'pdf')),
    detail VARCHAR
);

INSERT INTO settings (key, value) VALUES
    ('receipt_footer', ''),
    ('printer_receipts', '{"kind": "pdf"}'),
    ('printer_labels', '{"kind": "pdf"}');
