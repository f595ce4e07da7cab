-- Nothing a phone recorded is refused for good (issue 15).
--
-- A visit that broke a rule the monitor could not fix (a unit merged away, a criterion not in the
-- year's set, no term or outside a department team's units on the day it was recorded) is stored
-- and listed here for the office, one row per reason, as the `visit.flagged` event records it.
CREATE TABLE visit_attention (
    visit_id TEXT NOT NULL REFERENCES visits (id),
    position BIGINT NOT NULL,
    -- `api::AttentionReason` as JSON (`reason` + `detail`).
    reason TEXT NOT NULL,
    flagged_at BIGINT NOT NULL,
    PRIMARY KEY (visit_id, position)
);
CREATE INDEX visit_attention_flagged ON visit_attention (flagged_at);

-- What each phone last said of its outbox: how many entries it still holds. A phone's own state,
-- overwritten at each report (not a record of anything: the entries themselves arrive as visits).
CREATE TABLE device_outboxes (
    device_id TEXT NOT NULL,
    monitor_id TEXT NOT NULL REFERENCES users (id),
    unsent BIGINT NOT NULL CHECK (unsent >= 0),
    reported_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, monitor_id)
);

-- Hand-in sessions: a monitor whose service has ended signs in from the phone that recorded the
-- visits and may only upload that phone's visits begun by the term's last day, and their photos.
-- Like `sessions`, only the token's SHA-256 is kept.
CREATE TABLE handin_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    device_id TEXT NOT NULL,
    last_day TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
