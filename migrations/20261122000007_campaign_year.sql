-- The campaign year (年度民主评议), completed: a quota rule per team, the follow-up loop's
-- deadline defaults, the coverage target, the units under key appraisal, and the year's close,
-- after which the year is frozen (the server refuses every write to it; see
-- `campaigns::store::lock_open`). Also the quota reminders the office sends to monitors behind.
-- Rows are never deleted: a key unit dropped by an edit keeps its row with `listed = 0`, and
-- every change is an event on the audit chain in the same transaction.

-- The district team's own self-inspection requirement (the source sets none: 0).
ALTER TABLE campaigns ADD COLUMN district_visits_in_self_inspection BIGINT NOT NULL DEFAULT 0;
-- Working days for a unit to acknowledge a released finding and then to answer it, unless the
-- office sets others on the release.
ALTER TABLE campaigns ADD COLUMN ack_days BIGINT NOT NULL DEFAULT 5 CHECK (ack_days BETWEEN 1 AND 60);
ALTER TABLE campaigns ADD COLUMN answer_days BIGINT NOT NULL DEFAULT 10 CHECK (answer_days BETWEEN 1 AND 60);
-- The share of the key units' stations and windows to visit at least once, in per cent.
ALTER TABLE campaigns ADD COLUMN coverage_target_pct BIGINT NOT NULL DEFAULT 90
    CHECK (coverage_target_pct BETWEEN 1 AND 100);
-- When and by whom the year was closed; NULL while it is open.
ALTER TABLE campaigns ADD COLUMN closed_at BIGINT;
ALTER TABLE campaigns ADD COLUMN closed_by TEXT REFERENCES users (id);
-- The last change; the freeze gate's no-op UPDATE of it locks the row on PostgreSQL.
ALTER TABLE campaigns ADD COLUMN updated_at BIGINT;

-- The units under key appraisal (重点评议) in a year: top-level units of the directory.
CREATE TABLE campaign_key_units (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    -- 1 while the unit is under key appraisal; 0 once an edit dropped it.
    listed BIGINT NOT NULL CHECK (listed IN (0, 1)),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);

-- A reminder the office sent a monitor about their quota, with the figures of that moment.
-- The monitor reads their own; notifications will deliver them later.
CREATE TABLE quota_reminders (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    monitor_id TEXT NOT NULL REFERENCES users (id),
    sent_by TEXT NOT NULL REFERENCES users (id),
    sent_at BIGINT NOT NULL,
    message TEXT NOT NULL,
    done BIGINT NOT NULL,
    required BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('met', 'on_track', 'at_risk', 'behind'))
);
CREATE INDEX quota_reminders_monitor ON quota_reminders (monitor_id, sent_at);
