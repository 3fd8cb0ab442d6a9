-- The workshop: serviced items (bikes brought in, with frame numbers), customer
-- orders and workshop jobs with their lines and status history, deposits, and
-- service reminders. Money taken for an order (deposit, collection) goes through
-- sales like any other sale; an order only points at those sales.
CREATE SEQUENCE serviced_item_id_seq START 1;

CREATE TABLE serviced_items (
    id BIGINT PRIMARY KEY DEFAULT nextval('serviced_item_id_seq'),
    customer_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    make VARCHAR NOT NULL DEFAULT '',
    model VARCHAR NOT NULL DEFAULT '',
    serial VARCHAR NOT NULL DEFAULT '',
    serial_key VARCHAR NOT NULL DEFAULT '',  -- upper case, letters and digits only
    colour VARCHAR NOT NULL DEFAULT '',
    notes VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX serviced_items_customer ON serviced_items (customer_id);
CREATE INDEX serviced_items_serial ON serviced_items (serial_key);

CREATE SEQUENCE order_id_seq START 1;

CREATE TABLE orders (
    id BIGINT PRIMARY KEY DEFAULT nextval('order_id_seq'),
    number VARCHAR NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL,
    shop_code VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('job', 'special_order', 'layaway', 'quote')),
    status VARCHAR NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting_parts', 'ready',
                                              'collected', 'cancelled')),
    item_id BIGINT,
    reported VARCHAR NOT NULL DEFAULT '',
    agreed VARCHAR NOT NULL DEFAULT '',
    estimate_limit DECIMAL(12, 2) CHECK (estimate_limit >= 0),
    mechanic VARCHAR NOT NULL DEFAULT '',
    promised_on DATE,
    booked_on DATE,
    booked_hours DECIMAL(6, 2) NOT NULL DEFAULT 0 CHECK (booked_hours >= 0),
    deposit DECIMAL(12, 2) NOT NULL DEFAULT 0 CHECK (deposit >= 0),
    sale_id BIGINT,  -- the collection's sale
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    staff_name VARCHAR NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    idempotency_key VARCHAR UNIQUE
);

CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_item ON orders (item_id);

-- Labour (hours at a rate) and parts (products at the price the pricing rules
-- gave when added): what was agreed is what the collection charges.
CREATE TABLE order_lines (
    order_id BIGINT NOT NULL,
    line_no INTEGER NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('labour', 'part')),
    product_id BIGINT NOT NULL,
    description VARCHAR NOT NULL,
    quantity DECIMAL(10, 3) NOT NULL CHECK (quantity > 0),
    unit_price DECIMAL(12, 2) NOT NULL CHECK (unit_price >= 0),
    line_discount_percent DECIMAL(5, 2) NOT NULL DEFAULT 0,
    added_at TIMESTAMPTZ NOT NULL,
    staff_name VARCHAR NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- Every status an order went through, when and by whom (and kind conversions).
CREATE SEQUENCE order_event_id_seq START 1;

CREATE TABLE order_events (
    id BIGINT PRIMARY KEY DEFAULT nextval('order_event_id_seq'),
    order_id BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    note VARCHAR NOT NULL DEFAULT '',
    changed_at TIMESTAMPTZ NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL
);

CREATE INDEX order_events_order ON order_events (order_id);

-- Deposits: each one a sale (its receipt) whose amount the collection deducts.
CREATE TABLE order_deposits (
    order_id BIGINT NOT NULL,
    sale_id BIGINT NOT NULL,
    amount DECIMAL(12, 2) NOT NULL CHECK (amount > 0),
    taken_at TIMESTAMPTZ NOT NULL,
    returned_at TIMESTAMPTZ  -- given back when the order was cancelled
);

CREATE SEQUENCE service_reminder_id_seq START 1;

-- A reminder is claimed (scheduled -> queued) in the transaction that queues its
-- message, whose idempotency key names the reminder: sent once, retried by the
-- message sender with back-off. 'phone' lists customers with no usable channel.
CREATE TABLE service_reminders (
    id BIGINT PRIMARY KEY DEFAULT nextval('service_reminder_id_seq'),
    customer_id BIGINT NOT NULL,
    item_id BIGINT,
    order_id BIGINT,
    shop_code VARCHAR NOT NULL,
    due_on DATE NOT NULL,
    channel VARCHAR NOT NULL CHECK (channel IN ('auto', 'email', 'sms')),
    template VARCHAR NOT NULL,
    body VARCHAR NOT NULL DEFAULT '',  -- staff's own text; empty: the template's
    status VARCHAR NOT NULL CHECK (status IN ('scheduled', 'queued', 'phone', 'phoned',
                                              'cancelled')),
    reason VARCHAR,
    message_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    staff_name VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    idempotency_key VARCHAR UNIQUE
);

CREATE INDEX service_reminders_customer ON service_reminders (customer_id);
CREATE INDEX service_reminders_due ON service_reminders (status, due_on);

ALTER TABLE messages ADD COLUMN order_id BIGINT;

INSERT INTO settings (key, value) VALUES
    ('order_prefix', 'J'),
    ('service_reminder_intervals', '6w:service_first_check, 12m:service_annual'),
    ('workshop_capacity_hours', '16');

INSERT INTO message_templates (code, language, subject, body, updated_at) VALUES
    ('service_first_check', 'en', 'Your first check at {shop_name}',
     'Hello {first_name}, six weeks after its service your {item_name} is due a free first check (cables settle in). Call us on {shop_phone} or drop in at {shop_name}.',
     current_timestamp),
    ('service_first_check', 'fr', 'Votre premier contrôle chez {shop_name}',
     'Bonjour {first_name}, six semaines après son entretien, votre {item_name} a droit à un premier contrôle offert (les câbles se détendent). Appelez-nous au {shop_phone} ou passez chez {shop_name}.',
     current_timestamp),
    ('service_annual', 'en', 'Time for the annual service',
     'Hello {first_name}, a year has passed since your {item_name} was serviced: time for its annual service. Call us on {shop_phone} or drop in at {shop_name}.',
     current_timestamp),
    ('service_annual', 'fr', 'C''est l''heure de la révision annuelle',
     'Bonjour {first_name}, votre {item_name} a été révisé il y a un an : c''est l''heure de sa révision annuelle. Appelez-nous au {shop_phone} ou passez chez {shop_name}.',
     current_timestamp);
