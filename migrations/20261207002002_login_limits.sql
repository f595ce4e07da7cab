-- The sign-in limits (`server/src/auth/ratelimit.rs`), kept in the database so that every
-- server process counts the same attempts. `login_failures` holds each attempt not (yet) known
-- to have passed under its three keys (the account from an address, the address, the account),
-- `at` in milliseconds since the epoch; rows older than the window are swept. `login_slowed`
-- is when each slowed account last admitted an attempt; `login_known` the addresses (keys)
-- each account signed in from, the newest eight kept.
CREATE TABLE login_failures (
    attempt TEXT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (key, attempt)
);
CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX login_failures_attempt ON login_failures (attempt);
CREATE TABLE login_slowed (
    account TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);
CREATE TABLE login_known (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);
