-- One-time codes that enrol a monitor's phone (and reset a forgotten password). Like session
-- tokens, only the SHA-256 of a code is stored: a copy of the database shows no code. Rows are
-- never deleted; a code ends by being used, revoked (a newer code for the same account) or by
-- expiring.
CREATE TABLE enrolment_codes (
    id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    issued_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT,
    -- A code is used or revoked, never both.
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX enrolment_codes_hash ON enrolment_codes (code_hash);
-- At most one code per account is still open (neither used nor revoked): issuing a new one
-- revokes the earlier ones first.
CREATE UNIQUE INDEX enrolment_codes_one_open ON enrolment_codes (user_id)
    WHERE used_at IS NULL AND revoked_at IS NULL;
