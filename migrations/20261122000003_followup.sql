-- The follow-up loop: each submitted finding becomes a case the office reviews, releases to a
-- unit, and closes once the unit's answer is accepted. The state column is the current state
-- only; every change to it (and to anything else here) is also an event on the audit chain,
-- written in the same transaction, and rows are never deleted.

CREATE TABLE cases (
    -- Random (UUIDv4): the one id a unit sees, so it must not order or link visits.
    id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units (id),
    criterion TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'serious', 'very_serious')),
    -- The wording the unit reads; the monitor's original stays in `findings`.
    unit_text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('submitted', 'rejected', 'merged', 'superseded',
        'released', 'acknowledged', 'answered', 'rectifying', 'completion_reported', 'closed')),
    covert BIGINT NOT NULL CHECK (covert IN (0, 1)),
    -- The China Standard Time day of the visit (YYYY-MM-DD); units see it coarsened.
    seen_on TEXT NOT NULL,
    -- Server receipt of the visit: orders the inbox.
    received_at BIGINT NOT NULL,
    merged_into TEXT REFERENCES cases (id),
    reject_reason TEXT,
    released_on TEXT,
    ack_due TEXT,
    answer_days BIGINT,
    acknowledged_on TEXT,
    answer_due TEXT,
    committed_by TEXT,
    rating TEXT CHECK (rating IN ('satisfied', 'fairly_satisfied', 'dissatisfied')),
    lookback_requested BIGINT NOT NULL DEFAULT 0 CHECK (lookback_requested IN (0, 1)),
    closed_on TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_unit ON cases (unit_id);

-- Which reported findings a case stands for: one, or several after a merge.
CREATE TABLE case_findings (
    finding_id TEXT PRIMARY KEY REFERENCES findings (id),
    case_id TEXT NOT NULL REFERENCES cases (id)
);
CREATE INDEX case_findings_case ON case_findings (case_id);

-- The photos of a case and whether each goes out to the unit (the office may hold some back).
CREATE TABLE case_photos (
    case_id TEXT NOT NULL REFERENCES cases (id),
    sha256 TEXT NOT NULL,
    position BIGINT NOT NULL,
    chosen BIGINT NOT NULL CHECK (chosen IN (0, 1)),
    PRIMARY KEY (case_id, sha256)
);

-- The unit's answers (kind set) and completion reports (kind NULL), each with the office's
-- verdict once given. A returned answer stays; the next answer is a new row.
CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT CHECK (kind IN ('fixed_now', 'by_date', 'plan', 'explain')),
    text TEXT NOT NULL,
    committed_by TEXT,
    -- JSON array of {due, text}.
    milestones TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    submitted_on TEXT NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    -- The upload as accepted (canonical JSON): a repeat must match it.
    body TEXT NOT NULL,
    verdict TEXT CHECK (verdict IN ('accepted', 'returned')),
    verdict_reason TEXT,
    verdict_at BIGINT
);
CREATE INDEX answers_case ON answers (case_id, submitted_at);

-- Evidence photos an answer lists; the bytes arrive in `photos` like a visit's.
CREATE TABLE answer_photos (
    answer_id TEXT NOT NULL REFERENCES answers (id),
    position BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (answer_id, position)
);
CREATE INDEX answer_photos_sha ON answer_photos (sha256);

-- Look-back visits (回头看) and the case each follows up.
CREATE TABLE lookbacks (
    visit_id TEXT PRIMARY KEY REFERENCES visits (id),
    case_id TEXT NOT NULL REFERENCES cases (id)
);

-- A case's history is read from the audit chain by subject.
CREATE INDEX audit_events_subject ON audit_events (subject, seq);
