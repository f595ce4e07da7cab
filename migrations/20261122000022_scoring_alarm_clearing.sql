-- An alarm a later check no longer finds (the tampering was undone) is cleared, with a
-- `scoring.alarm_cleared` event on the chain; if the same difference comes back, it is raised
-- again (a new `scoring.alarm` event and notice), instead of being taken for the alarm
-- already raised. NULL: the alarm stands.
ALTER TABLE scoring_alarms ADD COLUMN cleared_at BIGINT;
