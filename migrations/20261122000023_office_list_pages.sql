-- The office's two long lists, paged newest receipt first by (received_at, id): each page is a
-- seek into one of these, not a scan and sort of every case or visit.
CREATE INDEX cases_state_received ON cases (state, received_at, id);
CREATE INDEX cases_received ON cases (received_at, id);
CREATE INDEX visits_received_id ON visits (received_at, id);
