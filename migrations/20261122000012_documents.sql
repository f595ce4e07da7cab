-- Official documents (公文): each issued PDF with its number, kept for good. The bytes are in
-- the blob store under `blob_key`; `sha256` is their hash, also on the audit chain in the
-- event of the issue (written in the same transaction). Rows are never changed or deleted:
-- issuing again is a new row with a new number.

-- The last number given in each year (文号的年度流水号). Issuing bumps it with an UPDATE in
-- the issuing transaction, so concurrent issues wait for each other and numbers have no gaps
-- (a failed issue rolls its number back with everything else).
CREATE TABLE document_sequences (
    year BIGINT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);

CREATE TABLE documents (
    -- Random (UUIDv4).
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('assignment', 'rectification_notice', 'reminder', 'bulletin')),
    title TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    unit_id TEXT REFERENCES units (id),
    deadline TEXT,
    issued_on TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL REFERENCES users (id),
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    blob_key TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_unit ON documents (unit_id);
