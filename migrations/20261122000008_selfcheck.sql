-- The self-inspection register (自查自纠登记表) and the public commitments (公开政务和承诺服务事项).
-- Neither is ever edited in place: an item's or a commitment's content lives in its revisions,
-- one row per change (the highest seq is current), and each change goes on the audit chain in
-- the same transaction. A withdrawn commitment keeps its rows and is flagged with the reason.

-- An item of a unit's register: made on the client with its own id; `body` is the creating
-- request as received, so a repeat with the same id is recognised and other content refused.
CREATE TABLE register_items (
    id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units (id),
    year BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_on TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL
);

CREATE INDEX register_items_by_year ON register_items (year, unit_id);

-- The revisions of an item; seq 1 is the item as created. `id` is the client's id of the
-- revision (the item's own id for seq 1), `body` the request as received.
CREATE TABLE register_revisions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES register_items (id),
    seq BIGINT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('self_inspection', 'solicited_opinions', 'complaints', 'monitor_visits', 'media')),
    answer_kind TEXT NOT NULL CHECK (answer_kind IN ('fixed_now', 'by_date', 'plan', 'explain')),
    answer_text TEXT NOT NULL,
    committed_by TEXT,
    milestones TEXT NOT NULL,
    completion TEXT,
    reason TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    UNIQUE (item_id, seq)
);

-- A unit's explicit "nothing found" filing for a year: at most one.
CREATE TABLE register_nil_filings (
    unit_id TEXT NOT NULL REFERENCES units (id),
    year BIGINT NOT NULL,
    note TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    filed_on TEXT NOT NULL,
    filed_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (unit_id, year)
);

-- A unit's approval item (承诺服务事项). Withdrawal sets the three withdrawn_ columns once.
CREATE TABLE commitments (
    id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units (id),
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    withdrawn_at BIGINT,
    withdrawn_by TEXT REFERENCES users (id),
    withdrawn_reason TEXT
);

CREATE TABLE commitment_revisions (
    commitment_id TEXT NOT NULL REFERENCES commitments (id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    legal_days BIGINT NOT NULL,
    promised_days BIGINT NOT NULL,
    fees TEXT NOT NULL,
    complaint_channels TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (commitment_id, seq)
);
