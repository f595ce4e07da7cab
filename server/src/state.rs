//! The one state every handler shares.

use crate::auth::ratelimit::LoginLimiter;
use crate::blobs::Blobs;
use crate::db::Db;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: Blobs,
    pub login_limiter: Arc<LoginLimiter>,
    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: crate::auth::client::TrustedProxies,
    /// Set when serving over TLS: session cookies then carry `Secure`.
    pub secure_cookies: bool,
    /// Hosts webhooks may reach although they are inside the network (none by default).
    pub webhook_allow: crate::notifications::outbound::AllowList,
    /// The audit checkpoint file (`audit::checkpoint::path` of the data directory): the server
    /// keeps it while it serves, and an issued document prints its latest scheduled head.
    pub checkpoints: PathBuf,
    /// Partial uploads, kept until they complete or expire (`uploads::Staging`).
    pub uploads: Arc<crate::uploads::Staging>,
    /// The export jobs and their slots (`reports::jobs`).
    pub exports: Arc<crate::reports::jobs::Exports>,
    /// The documents' issuer and fonts (`chafang serve --doc-issuer/--doc-code/--font-dir`).
    pub documents: Arc<crate::documents::Settings>,
    /// The request metrics and who may read them (`ops`).
    pub ops: Arc<crate::ops::Ops>,
    /// How long a stopping server finishes requests in flight (`crate::DRAIN` by default).
    pub drain: std::time::Duration,
    /// How long a process's leases of periodic jobs outlive it unrenewed (`crate::lease::TTL`).
    pub lease_ttl: std::time::Duration,
}
