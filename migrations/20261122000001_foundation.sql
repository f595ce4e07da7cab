-- Chafang foundation: units, accounts, sessions, campaigns and the audit chain.
-- Written in the SQL that SQLite and PostgreSQL both accept: TEXT ids (UUIDs), BIGINT
-- epoch-millisecond times, DOUBLE PRECISION positions, and flags as BIGINT 0/1 (sqlx's Any
-- driver cannot decode SQLite's BOOLEAN). Never edit once landed;
-- add a new migration instead.

-- The unit directory: departments, industries and the service centre at the top, their
-- stations and windows below. Positions are WGS-84.
CREATE TABLE units (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES units (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    created_at BIGINT NOT NULL,
    -- Top-level kinds have no parent; everything else hangs under one.
    CHECK ((kind IN ('department', 'industry', 'service_centre')) = (parent_id IS NULL)),
    CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX units_parent ON units (parent_id);
-- Two units of the same name under the same parent would be indistinguishable to a monitor.
CREATE UNIQUE INDEX units_name_per_parent ON units (COALESCE(parent_id, ''), name);

-- Accounts. A unit user is bound to exactly one unit; nobody else is bound to any.
-- Accounts are never deleted: `active` ends them and keeps every record they made.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('office', 'monitor', 'unit')),
    unit_id TEXT REFERENCES units (id),
    unit_position TEXT CHECK (unit_position IN ('head', 'liaison')),
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    CHECK ((role = 'unit') = (unit_id IS NOT NULL)),
    CHECK ((role = 'unit') = (unit_position IS NOT NULL))
);

-- Server-side sessions. Only the SHA-256 of the cookie token is stored, so a copy of the
-- database does not let anyone sign in. Revocation sets `revoked_at`; rows stay.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One campaign per appraisal year.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL UNIQUE,
    focus TEXT NOT NULL CHECK (focus IN ('departments', 'industries')),
    district_visits_per_year BIGINT NOT NULL,
    department_visits_per_year BIGINT NOT NULL,
    department_visits_in_self_inspection BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The stages of a year, dates as ISO `YYYY-MM-DD` (inclusive).
CREATE TABLE campaign_stages (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    kind TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    PRIMARY KEY (campaign_id, kind)
);

-- The year's criteria: an editable copy of the default 8 (departments) and 7 (industries).
CREATE TABLE campaign_criteria (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    set_kind TEXT NOT NULL CHECK (set_kind IN ('department', 'industry')),
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    PRIMARY KEY (campaign_id, set_kind, code)
);

-- The append-only, hash-chained event log. Each event's hash covers its sequence number,
-- time, actor, kind, subject, payload and the previous event's hash; the primary key on `seq`
-- (not a check in code) keeps two writers from forking the chain.
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT,
    kind TEXT NOT NULL,
    subject TEXT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

-- The chain's head: one row whose UPDATE serialises appenders (a row lock on PostgreSQL, the
-- single writer on SQLite). It is a convenience; verification recomputes from `audit_events`.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
