-- Messages and communications: every e-mail and SMS (the outbox and the log in
-- one table), SMS received and staff notes. An outgoing message is written
-- queued in the transaction of what caused it, then sent; the row records the
-- provider's id or reason. The idempotency key makes a rerun or a double click
-- queue nothing twice.
CREATE SEQUENCE message_id_seq START 1;

CREATE TABLE messages (
    id BIGINT PRIMARY KEY DEFAULT nextval('message_id_seq'),
    customer_id BIGINT,
    shop_code VARCHAR NOT NULL,
    channel VARCHAR NOT NULL CHECK (channel IN ('email', 'sms', 'note')),
    direction VARCHAR NOT NULL CHECK (direction IN ('out', 'in', 'note')),
    kind VARCHAR NOT NULL CHECK (kind IN ('transactional', 'service', 'marketing', 'note')),
    recipient VARCHAR,
    subject VARCHAR,
    body VARCHAR NOT NULL,
    attachment_name VARCHAR,
    attachment BYTEA,
    status VARCHAR NOT NULL
        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'received', 'noted')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    provider_id VARCHAR,
    error VARCHAR,
    idempotency_key VARCHAR UNIQUE,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
