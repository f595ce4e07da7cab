-- Notifications: the in-app inbox of every role and the outbound webhooks a district connects
-- its SMS or messaging gateway to. Rows are never deleted: a notification is marked read, an
-- endpoint deactivated, a delivery marked delivered or failed.

-- One line in one user's inbox, written in the transaction of the change that caused it.
-- `params` is JSON with only what the recipient may see (a unit's never names the reporter).
-- `dedup` keys the periodic deadline notices: at most one per recipient, case, deadline and day.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    recipient_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    subject TEXT,
    params TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_on TEXT NOT NULL,
    read_at BIGINT,
    dedup TEXT
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
CREATE UNIQUE INDEX notifications_dedup ON notifications (recipient_id, dedup);

-- An endpoint the office registered. The secret signs each body (HMAC-SHA256); it is kept to
-- sign and never shown again.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id)
);

-- The outbox: one delivery per audit event and endpoint active when the event was appended.
CREATE TABLE webhook_deliveries (
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    -- The event's sequence number on the audit chain.
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- NULL once delivered or given up.
    next_attempt_at BIGINT,
    last_status BIGINT,
    last_error TEXT,
    delivered_at BIGINT,
    failed_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (endpoint_id, seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at);
