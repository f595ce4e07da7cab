-- The quota table's running count (`server/src/quotas/tally.rs`): the current revision of every
-- visit, grouped by its monitor, its mode, the China Standard Time day it happened (the device's
-- start, unless the device claims a time after the server had it) and the day it was received.
-- A district's million visits become a few thousand rows, so the office's table is read in
-- milliseconds. It is derived data, kept in the visit's own transaction: a new visit adds one to
-- its group; a correction recounts its original's group and its own from `visits`. The visits
-- stay the record; `tally::rebuild` recounts the whole table from them.
CREATE TABLE visit_tally (
    monitor_id TEXT NOT NULL REFERENCES users (id),
    mode TEXT NOT NULL CHECK (mode IN ('open', 'covert')),
    -- Days since 1970-01-01 in China Standard Time.
    day BIGINT NOT NULL,
    rday BIGINT NOT NULL,
    n BIGINT NOT NULL CHECK (n > 0),
    last_received BIGINT NOT NULL,
    last_started BIGINT NOT NULL,
    PRIMARY KEY (monitor_id, mode, day, rday)
);
CREATE INDEX visit_tally_day ON visit_tally (day);
-- A correction recounts one monitor's day of receipt.
CREATE INDEX visits_monitor_received ON visits (monitor_id, received_at);
INSERT INTO visit_tally (monitor_id, mode, day, rday, n, last_received, last_started)
SELECT monitor_id, mode, (happened + 28800000) / 86400000, (received_at + 28800000) / 86400000,
       COUNT(*), MAX(received_at), MAX(started_at_device)
FROM (SELECT v.monitor_id, v.mode, v.received_at, v.started_at_device,
             CASE WHEN v.started_at_device < v.received_at THEN v.started_at_device
                  ELSE v.received_at END AS happened
      FROM visits v
      WHERE NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id)) y
GROUP BY monitor_id, mode, (happened + 28800000) / 86400000, (received_at + 28800000) / 86400000;
