-- Report meetings (述职评议, `server/src/meetings/`). A meeting keeps the satisfaction levels
-- and criteria its ballots are read against (JSON, fixed when scheduled). A code is kept only
-- as its SHA-256 with its meeting, its kind and whether it was used: no time, no link to the
-- ballot it cast. A ballot keeps its content and its meeting, nothing of who or when (no
-- address, no device, no time finer than the meeting); its id is random (UUIDv4).
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units (id),
    year INTEGER NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL,
    expected_recipients INTEGER NOT NULL CHECK (expected_recipients >= 0),
    expected_monitors INTEGER NOT NULL CHECK (expected_monitors >= 0),
    levels TEXT NOT NULL,
    criteria TEXT NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX meetings_year ON meetings (year, held_on);
CREATE TABLE meeting_codes (
    code_hash TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    kind TEXT NOT NULL CHECK (kind IN ('recipient', 'monitor')),
    used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);
CREATE INDEX meeting_codes_meeting ON meeting_codes (meeting_id, kind, used);
CREATE TABLE meeting_ballots (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    kind TEXT NOT NULL CHECK (kind IN ('recipient', 'monitor')),
    level INTEGER NOT NULL CHECK (level >= 0),
    criteria TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX meeting_ballots_meeting ON meeting_ballots (meeting_id, kind);
