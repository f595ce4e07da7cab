-- A campaign year's working calendar (issue 21): the public holidays and the weekend days
-- worked instead (调休), as the office entered them from the State Council's notice. Every
-- entry is a new revision, never changed or deleted; the latest revision of a year is its
-- calendar. `days` is the JSON list of `{day, kind}`, `text` what the office typed or pasted.
-- Each revision is on the audit chain (`calendar.set`) with the deadlines it moved.
CREATE TABLE work_calendars (
    -- `calendar-<year>-<revision>`: the subject of its `calendar.set` event, which carries the
    -- row's content hash (`audit::content`).
    id TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL CHECK (year >= 2000 AND year <= 2100),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    days TEXT NOT NULL,
    text TEXT NOT NULL,
    set_at BIGINT NOT NULL,
    set_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (year, revision)
);
