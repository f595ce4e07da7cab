-- The office map's running count (`server/src/map/tally.rs`): what the map draws, counted by
-- fine cell (`server/src/map/grid.rs`: 1/512 of a degree each way) so that a district's million
-- visits reach the map as some tens of thousands of rows.
--
-- `map_members` holds what each drawn thing counts in: a current visit counts once under
-- ('', '') and once under each live case state, criterion and (state, criterion) its findings'
-- cases have, so that the map's state and criterion filters read one key each; a live case
-- counts once under its own state and criterion. `map_tally` sums the members by key, with how
-- many and the sums of their positions. Both are derived data, kept in the writing transaction
-- (a visit stored, a case's step, a unit moved): the thing's members are worked out again and
-- the difference is moved in the tally. The visits and cases stay the record; `tally::rebuild`
-- runs the statements below again.
CREATE TABLE map_members (
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'case')),
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    criterion TEXT NOT NULL,
    -- The year of the visit's day (China Standard Time) or of the case's `seen_on`.
    year BIGINT NOT NULL,
    -- 1 with a position; then the fine cell's row (latitude) and column (longitude).
    placed BIGINT NOT NULL CHECK (placed IN (0, 1)),
    row_ BIGINT NOT NULL,
    col_ BIGINT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    PRIMARY KEY (kind, id, state, criterion)
);
CREATE TABLE map_tally (
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'case')),
    state TEXT NOT NULL,
    criterion TEXT NOT NULL,
    year BIGINT NOT NULL,
    placed BIGINT NOT NULL CHECK (placed IN (0, 1)),
    row_ BIGINT NOT NULL,
    col_ BIGINT NOT NULL,
    n BIGINT NOT NULL CHECK (n >= 0),
    lat_sum DOUBLE PRECISION NOT NULL,
    lon_sum DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, state, criterion, year, placed, row_, col_)
);
-- Every current visit, under ('', ''). The year of its CST day is worked out from the day's
-- number in integers (the civil calendar from days, as both engines divide integers alike).
INSERT INTO map_members (kind, id, state, criterion, year, placed, row_, col_, lat, lon)
SELECT 'visit', id, '', '', yoe + era * 400 + CASE WHEN (5 * (doe - (365 * yoe + yoe / 4 - yoe / 100)) + 2) / 153 >= 10 THEN 1 ELSE 0 END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN 0 ELSE 1 END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN 0 ELSE CAST(ROUND(lat * 512 - 0.5) AS BIGINT) END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN 0 ELSE CAST(ROUND(lon * 512 - 0.5) AS BIGINT) END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE lat END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE lon END
FROM (SELECT id, lat, lon, era, doe, (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 AS yoe
      FROM (SELECT id, lat, lon, era, z - era * 146097 AS doe
            FROM (SELECT id, lat, lon, z, z / 146097 AS era
                  FROM (SELECT v.id, v.lat, v.lon,
                               ((CASE WHEN v.started_at_device < v.received_at THEN v.started_at_device ELSE v.received_at END) + 28800000) / 86400000 + 719468 AS z
                        FROM visits v
                        WHERE NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id)) a) b) c) d;
-- Each current visit again under each live case state, criterion and both its findings have.
INSERT INTO map_members (kind, id, state, criterion, year, placed, row_, col_, lat, lon)
SELECT DISTINCT 'visit', m.id, k.state, '', m.year, m.placed, m.row_, m.col_, m.lat, m.lon
FROM map_members m JOIN findings f ON f.visit_id = m.id JOIN case_findings cf ON cf.finding_id = f.id
JOIN cases k ON k.id = cf.case_id
WHERE m.kind = 'visit' AND m.state = '' AND m.criterion = '' AND k.state NOT IN ('merged', 'superseded');
INSERT INTO map_members (kind, id, state, criterion, year, placed, row_, col_, lat, lon)
SELECT DISTINCT 'visit', m.id, '', k.criterion, m.year, m.placed, m.row_, m.col_, m.lat, m.lon
FROM map_members m JOIN findings f ON f.visit_id = m.id JOIN case_findings cf ON cf.finding_id = f.id
JOIN cases k ON k.id = cf.case_id
WHERE m.kind = 'visit' AND m.state = '' AND m.criterion = '' AND k.state NOT IN ('merged', 'superseded');
INSERT INTO map_members (kind, id, state, criterion, year, placed, row_, col_, lat, lon)
SELECT DISTINCT 'visit', m.id, k.state, k.criterion, m.year, m.placed, m.row_, m.col_, m.lat, m.lon
FROM map_members m JOIN findings f ON f.visit_id = m.id JOIN case_findings cf ON cf.finding_id = f.id
JOIN cases k ON k.id = cf.case_id
WHERE m.kind = 'visit' AND m.state = '' AND m.criterion = '' AND k.state NOT IN ('merged', 'superseded');
-- Every live case, at its first visit's (by receipt) recorded position, else its unit's.
INSERT INTO map_members (kind, id, state, criterion, year, placed, row_, col_, lat, lon)
SELECT 'case', id, state, criterion, CAST(substr(seen_on, 1, 4) AS BIGINT),
       CASE WHEN lat IS NULL OR lon IS NULL THEN 0 ELSE 1 END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN 0 ELSE CAST(ROUND(lat * 512 - 0.5) AS BIGINT) END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN 0 ELSE CAST(ROUND(lon * 512 - 0.5) AS BIGINT) END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE lat END,
       CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE lon END
FROM (SELECT c.id, c.state, c.criterion, c.seen_on,
             CASE WHEN pv.found IS NULL THEN u.lat ELSE pv.lat END AS lat,
             CASE WHEN pv.found IS NULL THEN u.lon ELSE pv.lon END AS lon
      FROM cases c JOIN units u ON u.id = c.unit_id
      LEFT JOIN (SELECT cf.case_id AS found, v.lat, v.lon, ROW_NUMBER() OVER
                 (PARTITION BY cf.case_id ORDER BY v.received_at, v.id) AS rn
                 FROM case_findings cf JOIN findings f ON f.id = cf.finding_id
                 JOIN visits v ON v.id = f.visit_id
                 WHERE v.lat IS NOT NULL AND v.lon IS NOT NULL) pv ON pv.found = c.id AND pv.rn = 1
      WHERE c.state NOT IN ('merged', 'superseded')) p;
INSERT INTO map_tally (kind, state, criterion, year, placed, row_, col_, n, lat_sum, lon_sum)
SELECT kind, state, criterion, year, placed, row_, col_, COUNT(*), COALESCE(SUM(lat), 0.0), COALESCE(SUM(lon), 0.0)
FROM map_members GROUP BY kind, state, criterion, year, placed, row_, col_;
