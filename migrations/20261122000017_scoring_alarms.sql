-- The scoring check's alarms as they were raised: one row per distinct alarm (a year, its kind,
-- the unit it names and its message, hashed into `fingerprint`), written with the
-- `scoring.alarm` audit event and the office's notifications in one transaction. The primary
-- key is what makes a repeated check raise nothing new. Rows are never deleted.
CREATE TABLE scoring_alarms (
    fingerprint TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    unit_id TEXT,
    message TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    -- The audit event that raised it.
    event_seq BIGINT NOT NULL
);
CREATE INDEX scoring_alarms_year ON scoring_alarms (year);
