-- Export jobs (`server/src/reports/jobs.rs`), kept in the database so that a job started on one
-- process is polled and downloaded on any other; the finished file is in the blob store under
-- `exports/<id>.<format>`. `slot` is 'office' or 'unit:<unit id>'. A running job's process
-- writes its progress and `heartbeat_at` every second; a running job whose heartbeat stopped
-- (its process died) counts as failed and frees its slot. Rows and files are removed an hour
-- after the job started.
CREATE TABLE export_jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    slot TEXT NOT NULL,
    filename TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('xlsx', 'csv')),
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    done BIGINT NOT NULL,
    total BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);
CREATE INDEX export_jobs_state ON export_jobs (state, heartbeat_at);
