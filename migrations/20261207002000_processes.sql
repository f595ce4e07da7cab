-- Several server processes on one database (issue 17): what one process kept in its own memory
-- or on its own disk is kept here instead, so that any process answers the next request.
--
-- `leases`: which process runs each periodic job (`server/src/lease.rs`). A process takes a
-- lease whose `expires_at` (milliseconds since the epoch) has passed, or renews its own; one
-- that dies keeps it only until `expires_at`. `handovers` counts the times it changed hands.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    taken_at BIGINT NOT NULL,
    handovers BIGINT NOT NULL
);

-- Resumable uploads under way (`server/src/uploads.rs`): one row per upload (its key names
-- what is uploaded and by whom), the bytes in the blob store as parts (`object`, under
-- `uploads/<key>/`). `generation` changes when the upload starts again at
-- offset 0, so that parts of an abandoned try are never read into the new one. A part is added
-- by a conditional UPDATE of `held` (from its start to its end), so that of two parts sent at
-- once to two processes only one counts.
CREATE TABLE upload_staging (
    key TEXT PRIMARY KEY,
    generation TEXT NOT NULL,
    length BIGINT NOT NULL,
    held BIGINT NOT NULL,
    touched_at BIGINT NOT NULL
);
CREATE TABLE upload_parts (
    key TEXT NOT NULL,
    generation TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    size BIGINT NOT NULL,
    object TEXT NOT NULL,
    PRIMARY KEY (key, generation, start_at)
);
