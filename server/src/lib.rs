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
pub mod db;
pub mod demo;
pub mod documents;
pub mod error;
pub mod findings;
pub mod health;
pub mod home;
pub mod http;
pub mod map;
pub mod notifications;
pub mod photos;
pub mod pwa;
pub mod quotas;
pub mod reports;
pub mod roster;
pub mod scoring;
pub mod selfcheck;
pub mod state;
pub mod units;
pub mod uploads;
pub mod users;
pub mod visits;

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
    Ok(AppState {
        db,
        blobs: blobs::local(data_dir)?,
        login_limiter: Arc::new(auth::ratelimit::LoginLimiter::default()),
        trusted_proxies: Default::default(),
        secure_cookies,
        webhook_allow: Default::default(),
        checkpoints: audit::checkpoint::path(data_dir),
        uploads: Arc::new(
            uploads::Staging::new(data_dir).context("opening the upload staging area")?,
        ),
        exports: Default::default(),
    })
}

/// Serves plain HTTP on `listener` until `shutdown` completes, then drains open requests.
/// The audit chain's head is appended to the checkpoint file at start, every hour, and once
/// more after the drain (`audit::checkpoint::keep`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    pwa_dir: Option<PathBuf>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let checkpoints = audit::checkpoint::keep(state.db.clone(), state.checkpoints.clone()).await?;
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let worker = notifications::spawn_worker(
        state.db.clone(),
        state.webhook_allow.clone(),
        stop.subscribe(),
    );
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let app = http::app(state, pwa_dir);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|s| *s).await;
    })
    .await;
    // The worker stops on the same signal; should serving fail first, it stops here.
    worker.abort();
    let _ = worker.await;
    let closed = checkpoints.close().await;
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
    let checkpoints = audit::checkpoint::keep(state.db.clone(), state.checkpoints.clone()).await?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker =
        notifications::spawn_worker(state.db.clone(), state.webhook_allow.clone(), stopped);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
        stopper.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    listener.set_nonblocking(true)?;
    let app = http::app(state, pwa_dir);
    let served = axum_server::from_tcp_rustls(listener, config)
        .handle(handle)
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await;
    worker.abort();
    let _ = worker.await;
    let closed = checkpoints.close().await;
    served.context("serving HTTPS")?;
    closed
}
