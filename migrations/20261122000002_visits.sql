-- Visits, their findings and photos, as monitors submitted them from their phones.
-- Rows here are never updated or deleted: a correction is a new visit that `supersedes` the old
-- one, and a photo's arrival is a row of its own in `photos`.

CREATE TABLE visits (
    -- The phone's UUIDv7; the primary key is what makes a repeated upload one visit.
    id TEXT PRIMARY KEY,
    monitor_id TEXT NOT NULL REFERENCES users (id),
    device_id TEXT NOT NULL,
    -- The phone's outbox number: contiguous per device, so gaps show lost submissions.
    device_seq BIGINT NOT NULL CHECK (device_seq > 0),
    supersedes TEXT REFERENCES visits (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    mode TEXT NOT NULL CHECK (mode IN ('open', 'covert')),
    started_at_device BIGINT NOT NULL,
    ended_at_device BIGINT NOT NULL,
    -- Server time of first receipt: what orders visits (device clocks are wrong in the field).
    received_at BIGINT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    accuracy_m DOUBLE PRECISION,
    position_missing TEXT CHECK (position_missing IN ('denied', 'timeout', 'unavailable')),
    -- Metres from the unit's registered location, when both positions are known.
    distance_m DOUBLE PRECISION,
    no_problem_found BIGINT NOT NULL CHECK (no_problem_found IN (0, 1)),
    -- The upload exactly as accepted (canonical JSON) and its SHA-256: a repeat must match it.
    body TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (device_id, device_seq),
    CHECK ((lat IS NULL) = (position_missing IS NOT NULL))
);
CREATE INDEX visits_monitor ON visits (monitor_id, started_at_device);
CREATE INDEX visits_unit ON visits (unit_id);
-- A visit is corrected at most once; a correction of a correction supersedes the newest.
CREATE UNIQUE INDEX visits_one_correction ON visits (supersedes);

CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES visits (id),
    position BIGINT NOT NULL,
    criterion TEXT NOT NULL,
    description TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'serious', 'very_serious')),
    suggestion TEXT NOT NULL,
    UNIQUE (visit_id, position)
);

-- The photos a visit lists, by hash. The bytes arrive separately (`photos`).
CREATE TABLE visit_photos (
    id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES visits (id),
    finding_id TEXT NOT NULL REFERENCES findings (id),
    position BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    UNIQUE (finding_id, position)
);
CREATE INDEX visit_photos_sha ON visit_photos (sha256);

-- Photos that have arrived, addressed by content. The original bytes, a metadata-free display
-- copy and a thumbnail live in the blob store under keys derived from the hash.
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    bytes BIGINT NOT NULL,
    format TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL
);
