-- A finding's number with its unit (问题编号, issue 16): the year it was released (China time,
-- the year of `released_on`) and its place among that unit's releases of the year, from 1.
-- Given in the release's transaction from `finding_number_sequences` (the bump locks the row on
-- PostgreSQL; SQLite has one writer), recorded in the `case.released` event's payload, and
-- never changed. Release order only, never receipt order: the number tells a unit nothing of
-- when or by whom a finding was reported.
ALTER TABLE cases ADD COLUMN number_year BIGINT;
ALTER TABLE cases ADD COLUMN number_seq BIGINT;

CREATE TABLE finding_number_sequences (
    unit_id TEXT NOT NULL REFERENCES units (id),
    year BIGINT NOT NULL,
    last_seq BIGINT NOT NULL CHECK (last_seq >= 0),
    PRIMARY KEY (unit_id, year)
);

-- Findings released before numbering: numbered in the order of their release events on the
-- audit chain (a batch's events follow the cases' random ids), by unit and year of release.
-- A released case without a release event (none is known) comes after those with one, by its
-- release day and then its random id.
UPDATE cases SET number_year = CAST(substr(released_on, 1, 4) AS BIGINT)
WHERE released_on IS NOT NULL;

UPDATE cases SET number_seq = numbered.n
FROM (
    SELECT c.id AS case_id,
        ROW_NUMBER() OVER (
            PARTITION BY c.unit_id, c.number_year
            ORDER BY CASE WHEN r.seq IS NULL THEN 1 ELSE 0 END, r.seq, c.released_on, c.id
        ) AS n
    FROM cases c
    LEFT JOIN (
        SELECT subject, MIN(seq) AS seq FROM audit_events
        WHERE kind = 'case.released' GROUP BY subject
    ) r ON r.subject = c.id
    WHERE c.number_year IS NOT NULL
) AS numbered
WHERE cases.id = numbered.case_id;

INSERT INTO finding_number_sequences (unit_id, year, last_seq)
SELECT unit_id, number_year, MAX(number_seq) FROM cases
WHERE number_year IS NOT NULL
GROUP BY unit_id, number_year;

-- One number per unit and year: two releases at once can never share one.
CREATE UNIQUE INDEX cases_number ON cases (unit_id, number_year, number_seq);
