-- The year's ledger at district scale (`server/src/quotas/visited.rs`): the key units' coverage
-- asks, unit by unit, whether any counted visit of the year went there. This index answers each
-- question by a seek to the unit and the year's range of the instant the visit happened (the
-- device's start, unless the device claims a time after the server already had the visit),
-- written as the very expression the query uses (SQLite uses an expression index only for the
-- same expression), instead of reading the year's million visits.
CREATE INDEX visits_unit_happened ON visits (unit_id,
    (CASE WHEN started_at_device < received_at THEN started_at_device ELSE received_at END));

-- A closed year's ledger (`quotas::tally::counted`) reads the running count for every day but
-- the day of the close, which it counts from the visits received that day by the close: a
-- range of this index.
CREATE INDEX visits_received ON visits (received_at);
