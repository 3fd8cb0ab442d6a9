-- A sign-in remembered by its browser across reloads: the browser holds a random token
-- in an HttpOnly cookie, we keep only its SHA-256. The cookie is handed over once, for a
-- one-time code good for a minute (no secret in a URL). A session ends at sign-out, after
-- the idle time, or when its account's session_epoch moves (password, role, deactivated).
CREATE SEQUENCE browser_session_id_seq START 1;

CREATE TABLE browser_sessions (
    id BIGINT PRIMARY KEY DEFAULT nextval('browser_session_id_seq'),
    staff_id BIGINT NOT NULL,
    session_epoch INTEGER NOT NULL,
    language VARCHAR,
    handoff_digest VARCHAR,
    handoff_until TIMESTAMPTZ,
    token_digest VARCHAR,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ
);
