-- The dashboard's running count of cases (`server/src/findings/tally.rs`): how many cases are in
-- each state, counted four ways — by unit, by criterion, by the month they were seen
-- (`YYYY-MM`) and by the day their running deadline falls due (released → ack_due,
-- acknowledged → answer_due, rectifying → committed_by). A quarter of a million cases become a
-- few hundred rows, read in milliseconds on both engines. It is derived data kept in the
-- writing transaction (a new case adds its place, each step moves the case from its old place
-- to its new one); the cases stay the record, and `tally::rebuild` counts the table again.
CREATE TABLE case_tally (
    dimension TEXT NOT NULL CHECK (dimension IN ('unit', 'criterion', 'month', 'due')),
    bucket TEXT NOT NULL,
    state TEXT NOT NULL,
    n BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (dimension, bucket, state)
);
INSERT INTO case_tally (dimension, bucket, state, n)
SELECT 'unit', unit_id, state, COUNT(*) FROM cases GROUP BY unit_id, state;
INSERT INTO case_tally (dimension, bucket, state, n)
SELECT 'criterion', criterion, state, COUNT(*) FROM cases GROUP BY criterion, state;
INSERT INTO case_tally (dimension, bucket, state, n)
SELECT 'month', substr(seen_on, 1, 7), state, COUNT(*) FROM cases
GROUP BY substr(seen_on, 1, 7), state;
INSERT INTO case_tally (dimension, bucket, state, n)
SELECT 'due', b, state, COUNT(*) FROM
    (SELECT (CASE state WHEN 'released' THEN ack_due WHEN 'acknowledged' THEN answer_due
             WHEN 'rectifying' THEN committed_by END) AS b, state FROM cases) c
WHERE b IS NOT NULL GROUP BY b, state;

-- The dashboard no longer groups the cases themselves (migration 016's two counting indexes):
-- every case step would keep paying for them.
DROP INDEX cases_state_unit_criterion;
DROP INDEX cases_seen_state;
