-- The public's complaints (投诉举报). A complaint opens a case like a finding does (the case row
-- is the same; `complaint_cases` links it, as `case_findings` links a visit's finding), and is
-- never deleted: spam is a mark. The contact is read by the office only.

CREATE TABLE complaints (
    -- Random (UUIDv4).
    id TEXT PRIMARY KEY,
    -- The receipt code (Crockford base 32, 60 random bits), the complainant's only key.
    receipt TEXT NOT NULL UNIQUE,
    unit_id TEXT NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    -- YYYY-MM-DD, China Standard Time.
    happened_on TEXT NOT NULL,
    contact TEXT,
    -- The responsible window or staff number as seen (窗口 / 工号), for the repeat-offence ladder.
    window_seen TEXT,
    received_at BIGINT NOT NULL,
    -- The photo upload capability, and until when it is open (ms).
    upload_token TEXT NOT NULL UNIQUE,
    upload_until BIGINT NOT NULL,
    spam BIGINT NOT NULL DEFAULT 0 CHECK (spam IN (0, 1)),
    spam_reason TEXT
);
CREATE INDEX complaints_received ON complaints (received_at);

CREATE TABLE complaint_cases (
    complaint_id TEXT PRIMARY KEY REFERENCES complaints (id),
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id)
);

-- A complaint's photos: processed by the photo pipeline, stored under the photos' blob keys.
CREATE TABLE complaint_photos (
    complaint_id TEXT NOT NULL REFERENCES complaints (id),
    position BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    format TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (complaint_id, position),
    UNIQUE (complaint_id, sha256)
);

-- Proof-of-work challenges: issued, then used once.
CREATE TABLE complaint_challenges (
    id TEXT PRIMARY KEY,
    issued_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);
CREATE INDEX complaint_challenges_issued ON complaint_challenges (issued_at);

-- The public routes' limits, kept here so every server process counts the same: one row per
-- counted act under its key (`addr:<address>` or `unit:<id>`), `at` in ms; old rows are swept.
CREATE TABLE complaint_hits (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX complaint_hits_key ON complaint_hits (key, at);
