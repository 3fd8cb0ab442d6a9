-- Merging duplicate customers: the archived record points at the one it was merged
-- into, and each merge keeps what undoing it needs (the survivor's card before, the
-- rows that moved, the folded credit account) and both records' state after it, so
-- an undo is refused once either changed.
ALTER TABLE customers ADD COLUMN merged_into BIGINT;

CREATE SEQUENCE customer_merge_id_seq START 1;

CREATE TABLE customer_merges (
    id BIGINT PRIMARY KEY DEFAULT nextval('customer_merge_id_seq'),
    survivor_id BIGINT NOT NULL,
    merged_id BIGINT NOT NULL,
    merged_at TIMESTAMPTZ NOT NULL,
    staff_id BIGINT,
    staff_name VARCHAR NOT NULL,
    survivor_before VARCHAR NOT NULL,  -- JSON: the survivor's card fields before
    merged_before VARCHAR NOT NULL,    -- JSON: the other record's archive state before
    moved VARCHAR NOT NULL,            -- JSON: table -> keys of the rows moved
    accounts VARCHAR NOT NULL,         -- JSON: the credit and rewards accounts' moves
    fingerprint VARCHAR NOT NULL,      -- both records' state right after the merge
    undone_at TIMESTAMPTZ,
    undone_by VARCHAR
);
