-- The repeat-offence ladder (一次查实诫勉谈话、两次通报批评、三次交流换岗). Every row is
-- written once and never changed: a new rule is a new revision, a corrected verification a
-- new revision of the finding's verification. Each row's content is on the audit chain.

-- Documents gain the 问责通知 (`accountability`): the kind's CHECK is widened by rebuilding
-- the table (the one way both engines accept), rows copied as they are.
CREATE TABLE documents_v2 (
    -- Random (UUIDv4).
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('assignment', 'rectification_notice', 'reminder', 'bulletin',
        'accountability')),
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
INSERT INTO documents_v2 (id, year, seq, number, kind, title, case_id, unit_id, deadline,
    issued_on, issued_at, issued_by, sha256, bytes, blob_key)
SELECT id, year, seq, number, kind, title, case_id, unit_id, deadline, issued_on, issued_at,
    issued_by, sha256, bytes, blob_key FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v2 RENAME TO documents;
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_unit ON documents (unit_id);

-- The responsible window, post or staff number as the monitor saw it (a finding's optional
-- `responsible`), written with the visit.
CREATE TABLE finding_responsible (
    finding_id TEXT PRIMARY KEY REFERENCES findings (id),
    seen TEXT NOT NULL
);

-- The ladder's rule; the highest revision is in force (none: the default).
CREATE TABLE ladder_rules (
    id TEXT PRIMARY KEY,
    revision BIGINT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    set_at BIGINT NOT NULL,
    set_by TEXT NOT NULL REFERENCES users (id)
);

-- The people the office recorded as responsible. Random (UUIDv4) ids: a unit reads them.
CREATE TABLE ladder_people (
    id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    staff_no TEXT NOT NULL,
    post TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX ladder_people_unit ON ladder_people (unit_id);

-- A finding verified (查实) against a person; the highest revision of a case is current.
CREATE TABLE ladder_verifications (
    case_id TEXT NOT NULL REFERENCES cases (id),
    revision BIGINT NOT NULL,
    person_id TEXT NOT NULL REFERENCES ladder_people (id),
    verified_on TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, revision)
);
CREATE INDEX ladder_verifications_person ON ladder_verifications (person_id);

-- A step the ladder called for, recorded as taken, with the document issued for it.
CREATE TABLE ladder_steps (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES ladder_people (id),
    step TEXT NOT NULL CHECK (step IN ('caution', 'criticism', 'transfer')),
    count_at BIGINT NOT NULL,
    taken_on TEXT NOT NULL,
    note TEXT NOT NULL,
    document_id TEXT REFERENCES documents (id),
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX ladder_steps_person ON ladder_steps (person_id);
