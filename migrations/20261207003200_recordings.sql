-- Recordings (实地录音录像): what a visit lists, the bytes that arrived, and what the office
-- attached from them for the unit. A recording carries the monitor's voice: none of these rows
-- is read by anything a unit reaches, except `case_transcripts.text`.

-- The recordings a visit lists, as the phone described them (part of the visit's content).
CREATE TABLE visit_recordings (
    visit_id TEXT NOT NULL REFERENCES visits (id),
    position BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL CHECK (bytes >= 0),
    media_type TEXT NOT NULL,
    duration_ms BIGINT NOT NULL CHECK (duration_ms >= 0),
    PRIMARY KEY (visit_id, sha256)
);
CREATE INDEX visit_recordings_sha256 ON visit_recordings (sha256);

-- A recording's bytes, once arrived and checked against their SHA-256: the container sniffed
-- from them and the hash of the copy served (metadata stripped).
CREATE TABLE recordings (
    sha256 TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    bytes BIGINT NOT NULL,
    container TEXT NOT NULL CHECK (container IN ('webm', 'mp4', 'ogg')),
    served_sha256 TEXT NOT NULL
);

-- A transcript the office attached to a finding for the unit. Never changed or removed: a
-- better one is another row.
CREATE TABLE case_transcripts (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    recording_sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    added_by TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX case_transcripts_case ON case_transcripts (case_id);
