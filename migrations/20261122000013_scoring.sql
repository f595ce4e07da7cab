-- The year-end appraisal (综合测评): each year's scoring settings, the survey results the
-- office enters or imports per top-level unit, the cross-check team's inspection figures, and
-- the published rankings with their figures. Nothing here is updated in place except the
-- settings' current row (each change is an audit event with the old and new value); a
-- correction is a newer revision, and every row has its event on the audit chain, written in
-- the same transaction, from which `scoring::check` rebuilds and recomputes everything.

CREATE TABLE scoring_settings (
    campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id),
    -- `chafang_domain::scoring::ScoringSettings` as JSON.
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES users (id)
);

-- Respondents per level (JSON arrays in the settings' order of the time) for one unit and year;
-- the highest revision is in force.
CREATE TABLE survey_entries (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    satisfaction TEXT NOT NULL,
    misconduct TEXT NOT NULL,
    falsified_entries BIGINT NOT NULL CHECK (falsified_entries >= 0),
    note TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('entry', 'import')),
    entered_by TEXT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL,
    UNIQUE (campaign_id, unit_id, revision)
);

-- The inspection part as the cross-check team set it (NULL: back to the rule), with a reason.
CREATE TABLE inspection_overrides (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    points_cp BIGINT CHECK (points_cp BETWEEN 0 AND 3000),
    reason TEXT NOT NULL,
    entered_by TEXT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL,
    UNIQUE (campaign_id, unit_id, revision)
);

-- A published ranking; a later revision supersedes an earlier one, which stays.
CREATE TABLE scoring_publications (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    published_at BIGINT NOT NULL,
    published_by TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    -- The settings applied, as JSON.
    settings TEXT NOT NULL,
    -- SHA-256 of the rows' canonical JSON, as the audit event carries it.
    sha256 TEXT NOT NULL,
    UNIQUE (campaign_id, revision)
);

-- The published figures, one row per unit (hundredths of a point).
CREATE TABLE scoring_published_rows (
    publication_id TEXT NOT NULL REFERENCES scoring_publications (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    rank BIGINT NOT NULL,
    survey_cp BIGINT NOT NULL,
    inspection_cp BIGINT NOT NULL,
    inspection_overridden BIGINT NOT NULL CHECK (inspection_overridden IN (0, 1)),
    total_cp BIGINT NOT NULL,
    commended BIGINT NOT NULL CHECK (commended IN (0, 1)),
    criticised BIGINT NOT NULL CHECK (criticised IN (0, 1)),
    last_three_years BIGINT NOT NULL CHECK (last_three_years IN (0, 1)),
    is_last BIGINT NOT NULL CHECK (is_last IN (0, 1)),
    -- `InspectionTally` as JSON.
    tally TEXT NOT NULL,
    PRIMARY KEY (publication_id, unit_id)
);

CREATE INDEX scoring_audit_events_kind ON audit_events (kind, seq);
