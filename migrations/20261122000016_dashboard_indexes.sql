-- The office's dashboard at district scale (issue 6: a million visits, a quarter of them with a
-- finding): each of its queries reads one index — a range of it, or all of it without touching
-- the table — instead of loading every case. `server/src/findings/dashboard.rs` writes its
-- queries to match these; a query that stops matching is still right, only slow.

-- Counts by state, by unit and by criterion, and how many are overdue in all: one pass over
-- this index in its own order, without the table (the deadlines are in it).
CREATE INDEX cases_state_unit_criterion ON cases (state, unit_id, criterion, ack_due,
    answer_due, committed_by);

-- Counts by month: grouped by day and state in this index's order, summed by month after.
CREATE INDEX cases_seen_state ON cases (seen_on, state);

-- What is overdue: the deadline running in the case's state (`Deadlines::current`: released
-- → ack_due, acknowledged → answer_due, rectifying → committed_by; none otherwise), then
-- receipt order. "Due before today" is a range of it, the most overdue first: the dashboard's
-- bounded list is the first rows of that range.
CREATE INDEX cases_running_due ON cases ((CASE state WHEN 'released' THEN ack_due
    WHEN 'acknowledged' THEN answer_due WHEN 'rectifying' THEN committed_by END), received_at, id);

-- The longest open (`CaseState::is_open`): open cases in receipt order.
CREATE INDEX cases_open_by_receipt ON cases (received_at, id)
    WHERE state IN ('submitted', 'released', 'acknowledged', 'answered', 'rectifying',
        'completion_reported');
