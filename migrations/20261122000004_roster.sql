-- The roster (监督员队伍): each monitor's contacts and background, and their appointments to the
-- district team or to an appraised unit's own team. Dates are ISO `YYYY-MM-DD` text (inclusive),
-- which sorts and compares as the calendar does on both engines. Rows are never deleted: a
-- profile change is an UPDATE with its old and new values on the audit chain, a renewal is a new
-- appointment naming the one it renews, and an end of service only sets `ended_on`.

-- One profile per monitor account. Accounts made before the roster (demo data, the command
-- line) have none until the office fills it in.
CREATE TABLE monitor_profiles (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    phone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    background TEXT NOT NULL CHECK (background IN ('npc_deputy', 'cppcc_member',
        'democratic_party', 'people_organisation', 'enterprise', 'service_recipient', 'other')),
    updated_at BIGINT NOT NULL
);

-- One term of one monitor on one team. The conflict-of-interest rule spans rows (and the unit
-- directory), so it is checked in code (`domain/src/roster.rs`) while the monitor's `users` row
-- is locked; what a single row can say is said here.
CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    team TEXT NOT NULL CHECK (team IN ('district', 'department')),
    -- The appointing unit of a department team; NULL for the district team.
    unit_id TEXT REFERENCES units (id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    -- The last day of service when it ended early; may precede `starts_on` for a future term
    -- that never began.
    ended_on TEXT,
    -- The appointment this one renews (续聘).
    renews TEXT REFERENCES appointments (id),
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES users (id),
    CHECK ((team = 'department') = (unit_id IS NOT NULL)),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX appointments_user ON appointments (user_id, starts_on);
CREATE INDEX appointments_unit ON appointments (unit_id);
-- A term is renewed at most once; the renewal of a renewal continues the line.
CREATE UNIQUE INDEX appointments_one_renewal ON appointments (renews);
