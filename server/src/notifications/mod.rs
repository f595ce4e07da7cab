//! Notifications: the in-app inbox of every role and the outbound webhooks a district connects
//! its SMS or messaging gateway to. Neither ever carries a reporter's identity to a unit.
//!
//! - `inbox`: notification rows written in the transaction of the change that causes them
//!   (`on_case_step`, called by `audit::append` for a case step's event; reminders; scoring
//!   alarms), and the routes.
//! - `deadlines`: the deadline scan, in bounded batches that release the writer in between.
//! - `webhooks`: endpoints, the outbox filled by `audit::append` as `audit::fanout` allows,
//!   signed delivery with backoff, every endpoint side by side.
//! - `outbound`: where a webhook may go (never inward), at registration and at delivery.
//!
//! `spawn_worker` runs in `serve()`: it delivers due webhooks every few seconds and, at start and
//! every hour, scans the deadlines and checks the published rankings, until the server's
//! shutdown signal. Start never waits for either. When several processes share the database,
//! each job runs in one of them only: the one holding its lease (`crate::lease`).

pub mod deadlines;
pub mod inbox;
pub mod outbound;
pub mod webhooks;

pub use inbox::on_case_step;

use crate::clock::{now_ms, today_cst};
use crate::db::Db;
use crate::state::AppState;
use std::time::Duration;
use tokio::sync::watch;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How often the worker looks for due deliveries.
pub const DELIVERY_TICK: Duration = Duration::from_secs(10);
/// How often the worker scans the deadlines.
pub const DEADLINE_SCAN: Duration = Duration::from_secs(60 * 60);
/// How often a process looks whether the deadline scan is due (its lease expired).
pub const SCAN_CHECK: Duration = Duration::from_secs(60);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox::list))
        .routes(routes!(inbox::unread))
        .routes(routes!(inbox::mark_read))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::deactivate))
        .routes(routes!(webhooks::deliveries))
}

/// Runs the deadline scan for today, in batches (see `deadlines`), and logs what it did. The
/// worker calls it at start and every `DEADLINE_SCAN`; a bench may time it.
pub async fn scan_deadlines_now(db: &Db) -> anyhow::Result<deadlines::ScanReport> {
    let started = std::time::Instant::now();
    let report = deadlines::scan(db, today_cst())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    tracing::info!(
        cases = report.cases,
        written = report.written,
        batches = report.batches,
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "deadline scan"
    );
    Ok(report)
}

/// The background worker, two loops side by side in one task so that neither waits for the
/// other: webhook deliveries every `DELIVERY_TICK` while this process holds the `webhooks`
/// lease; and once every `DEADLINE_SCAN` across all processes (whichever finds the `deadlines`
/// lease expired, looking at start and every `SCAN_CHECK`), the deadline scan and the scoring
/// check of every year (`scoring::check::watch`, which raises new alarms). Both end when `stop`
/// turns true (or its sender is gone).
pub fn spawn_worker(
    db: Db,
    allow: outbound::AllowList,
    lease: crate::lease::Lease,
    stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match webhooks::client(&allow) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("webhook client: {e}; notifications worker not started");
                return;
            }
        };
        let (db, client, lease) = (&db, &client, &lease);
        // The delivery lease (the holder's time to live) is renewed at least three times
        // before it would expire.
        let tick = DELIVERY_TICK.min(lease.ttl() / 3);
        let deliveries = every(tick, stop.clone(), move || async move {
            match lease.hold(crate::lease::WEBHOOKS, lease.ttl()).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!("webhook lease: {e:#}");
                    return;
                }
            }
            if let Err(e) = webhooks::deliver_due(db, client, now_ms()).await {
                tracing::warn!("webhook deliveries: {e:?}");
            }
        });
        let scans = every(SCAN_CHECK, stop, move || async move {
            match lease.due(crate::lease::DEADLINES, DEADLINE_SCAN).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!("deadline scan lease: {e:#}");
                    return;
                }
            }
            if let Err(e) = scan_deadlines_now(db).await {
                tracing::warn!("deadline scan: {e:#}");
            }
            if let Err(e) = crate::scoring::check::watch(db).await {
                tracing::warn!("scoring check: {e:?}");
            }
        });
        tokio::join!(deliveries, scans);
    })
}

/// Runs `job` at once and then every `period` (a late run delays the next, never doubles it),
/// until `stop` turns true or its sender is gone; a running job finishes first.
async fn every<F, Fut>(period: Duration, mut stop: watch::Receiver<bool>, job: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !*stop.borrow() {
        tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
            _ = ticks.tick() => job().await,
        }
    }
}
