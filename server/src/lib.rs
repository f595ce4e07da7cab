//! Chafang's server: `/api/v1` over SQLite or PostgreSQL, the PWA, blob storage and the audit
//! chain. `main.rs` is a thin CLI over this library; tests start the same server on a listener
//! and a shutdown signal of their own.
#![forbid(unsafe_code)]

pub mod attention;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod blobs;
pub mod campaigns;
pub mod clock;
pub mod commitments;
pub mod complaints;
pub mod db;
pub mod demo;
pub mod documents;
pub mod embedded_pwa;
pub mod error;
pub mod findings;
pub mod health;
pub mod home;
pub mod http;
pub mod ladder;
pub mod lease;
pub mod map;
pub mod meetings;
pub mod notifications;
pub mod openapi;
pub mod ops;
pub mod photos;
pub mod pwa;
pub mod quotas;
pub mod recordings;
pub mod reports;
pub mod roster;
pub mod scoring;
pub mod selfcheck;
pub mod state;
pub mod units;
pub mod uploads;
pub mod users;
pub mod visits;
pub mod work_calendar;

use anyhow::Context;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use db::{Db, Engine};
pub use state::AppState;

/// The state for a database and a data directory (blobs and the audit checkpoint file live
/// under it).
pub fn state(db: Db, data_dir: &Path, secure_cookies: bool) -> anyhow::Result<AppState> {
    state_with_blobs(db, data_dir, blobs::local(data_dir)?, secure_cookies)
}

/// The state for a database, a data directory (the audit checkpoint file, upload staging) and
/// a blob store opened elsewhere (`blobs::open`: a directory or an S3 bucket).
pub fn state_with_blobs(
    db: Db,
    data_dir: &Path,
    blobs: blobs::Blobs,
    secure_cookies: bool,
) -> anyhow::Result<AppState> {
    Ok(AppState {
        uploads: Arc::new(uploads::Staging::new(db.clone(), blobs.clone())),
        exports: Arc::new(reports::jobs::Exports::new(db.clone(), blobs.clone())),
        login_limiter: Arc::new(auth::ratelimit::LoginLimiter::new(db.clone())),
        db,
        blobs,
        trusted_proxies: Default::default(),
        secure_cookies,
        webhook_allow: Default::default(),
        checkpoints: audit::checkpoint::path(data_dir),
        documents: Default::default(),
        ops: Default::default(),
        drain: DRAIN,
        lease_ttl: lease::TTL,
    })
}

/// How long a stopping server waits for requests in flight before it drops them
/// (`AppState::drain`; `chafang serve --drain-seconds`).
pub const DRAIN: Duration = Duration::from_secs(20);
/// How long a stopping server waits for its worker's running job before it aborts it.
const WORKER_STOP: Duration = Duration::from_secs(5);

/// After the drain: waits for the worker (bounded), gives up this process's leases so that
/// another process takes the periodic jobs at once, and appends the shutdown's checkpoint.
async fn wind_down(
    worker: tokio::task::JoinHandle<()>,
    lease: lease::Lease,
    checkpoints: audit::checkpoint::Keeper,
) -> anyhow::Result<()> {
    let abort = worker.abort_handle();
    if tokio::time::timeout(WORKER_STOP, worker).await.is_err() {
        tracing::warn!("the notifications worker did not stop in time: aborted");
        abort.abort();
    }
    if let Err(e) = lease.release_all().await {
        tracing::warn!(error = format!("{e:#}"), "releasing the leases");
    }
    checkpoints.close().await
}

/// Completes `drain` after `stopped` turns true: the bound on a graceful shutdown's drain.
async fn drain_bound(mut stopped: tokio::sync::watch::Receiver<bool>, drain: Duration) {
    if stopped.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(drain).await;
    tracing::warn!(
        seconds = drain.as_secs(),
        "requests still in flight after the drain: dropped"
    );
}

/// Serves plain HTTP on `listener` until `shutdown` completes, then stops accepting and drains
/// open requests for at most `state.drain`, stops the worker and gives up its leases.
/// The audit chain's head is appended to the checkpoint file at start, every hour, and once
/// more after the drain (`audit::checkpoint::keep`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    pwa_dir: Option<PathBuf>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let lease = lease::Lease::new(state.db.clone(), lease::new_holder()).with_ttl(state.lease_ttl);
    let checkpoints = audit::checkpoint::keep(
        state.db.clone(),
        state.blobs.clone(),
        state.checkpoints.clone(),
        lease.clone(),
    )
    .await?;
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let worker = notifications::spawn_worker(
        state.db.clone(),
        state.webhook_allow.clone(),
        lease.clone(),
        stop.subscribe(),
    );
    let bound = drain_bound(stop.subscribe(), state.drain);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let app = http::app(state, pwa_dir);
    let served = std::future::IntoFuture::into_future(
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|s| *s).await;
        }),
    );
    let served = tokio::select! {
        served = served => served,
        () = bound => Ok(()),
    };
    // The worker stops on the same signal; should serving fail first, it stops here.
    let closed = wind_down(worker, lease, checkpoints).await;
    served.context("serving HTTP")?;
    closed
}

/// The certificate chain and key for HTTPS, as PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Serves HTTPS (rustls) on `listener` until `shutdown` completes, keeping the audit
/// checkpoints as [`serve`] does. Phones need a secure context for the service worker, the
/// camera and geolocation, so a LAN deployment uses this.
pub async fn serve_tls(
    listener: std::net::TcpListener,
    state: AppState,
    pwa_dir: Option<PathBuf>,
    tls: &TlsFiles,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // Several tests may start servers in one process: a second install is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .with_context(|| {
            format!(
                "reading the TLS certificate {} and key {}",
                tls.cert.display(),
                tls.key.display()
            )
        })?;
    let lease = lease::Lease::new(state.db.clone(), lease::new_holder()).with_ttl(state.lease_ttl);
    let checkpoints = audit::checkpoint::keep(
        state.db.clone(),
        state.blobs.clone(),
        state.checkpoints.clone(),
        lease.clone(),
    )
    .await?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = notifications::spawn_worker(
        state.db.clone(),
        state.webhook_allow.clone(),
        lease.clone(),
        stopped,
    );
    let drain = state.drain;
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
        stopper.graceful_shutdown(Some(drain));
    });
    listener.set_nonblocking(true)?;
    let app = http::app(state, pwa_dir);
    let served = axum_server::from_tcp_rustls(listener, config)
        .handle(handle)
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await;
    let closed = wind_down(worker, lease, checkpoints).await;
    served.context("serving HTTPS")?;
    closed
}
