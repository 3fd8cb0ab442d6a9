-- Staff accounts (argon2 hashes only) and the append-only audit trail.
CREATE SEQUENCE staff_id_seq START 1;

CREATE TABLE staff (
    id BIGINT PRIMARY KEY DEFAULT nextval('staff_id_seq'),
    -- username lower-cased and trimmed: sign-in ignores case
    username_key VARCHAR NOT NULL UNIQUE,
    username VARCHAR NOT NULL,
    display_name VARCHAR NOT NULL,
    role VARCHAR NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
    password_hash VARCHAR NOT NULL,
    active BOOLEAN NOT NULL DEFAULT true,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE SEQUENCE audit_id_seq START 1;

-- Written only by data.audit.record, inside the transaction of the change it
-- describes. The code base has no UPDATE or DELETE on it (a test checks).
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    occurred_at TIMESTAMP NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR,
    screen VARCHAR NOT NULL,
    -- JSON list of {"field", "before", "after"}
    changes VARCHAR NOT NULL
);

INSERT INTO settings (key, value) VALUES
    ('session_timeout_minutes', '30'),
    ('lockout_attempts', '5'),
    ('lockout_minutes', '15');
