-- A file's column mapping saved under a name, to map the next file of the same system in
-- one click (headers and mapping as JSON lists, in the file's column order).
CREATE TABLE import_presets (
    name VARCHAR PRIMARY KEY,
    headers VARCHAR NOT NULL,
    mapping VARCHAR NOT NULL,
    saved_at TIMESTAMPTZ NOT NULL,
    saved_by VARCHAR NOT NULL
);
