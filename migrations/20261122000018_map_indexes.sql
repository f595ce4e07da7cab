-- The office's map at scale: it filters in the database (`server/src/map/filter.rs`). Its year
-- and stage filters are ranges of the instant a visit happened — the device's start, unless the
-- device claims a time after the server already had the visit — so that instant is indexed, as
-- the very expression the map queries with (SQLite uses an expression index only for the same
-- expression). A finding's day and its criterion (the filter's choices come from the live
-- cases' criteria) are indexed likewise.
CREATE INDEX visits_happened ON visits (
    (CASE WHEN started_at_device < received_at THEN started_at_device ELSE received_at END));
CREATE INDEX cases_seen_on ON cases (seen_on);
CREATE INDEX cases_criterion ON cases (criterion, state);
