//! Notifications: the in-app inbox of every role and the outbound webhooks a district connects
//! its SMS or messaging gateway to. Neither ever carries a reporter's identity to a unit.
//!
//! - `inbox`: notification rows written in the transaction of the change that causes them
//!   (`on_case_step`, called by `take_step`; reminders), the deadline scan, and the routes.
//! - `webhooks`: endpoints, the outbox filled by `audit::append`, signed delivery with backoff.
//!
//! `spawn_worker` runs in `serve()`: it delivers due webhooks every few seconds and scans the
//! deadlines every hour, until the server's shutdown signal.

pub mod inbox;
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox::list))
        .routes(routes!(inbox::unread))
        .routes(routes!(inbox::mark_read))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::deactivate))
        .routes(routes!(webhooks::deliveries))
}

/// Runs the deadline scan for today in one write transaction.
pub async fn scan_deadlines_now(db: &Db) -> anyhow::Result<u32> {
    let mut tx = db.begin_write().await?;
    let n = inbox::scan_deadlines(&mut tx, today_cst())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    tx.commit().await?;
    Ok(n)
}

/// The background worker: webhook deliveries every `DELIVERY_TICK`, the deadline scan at start
/// and every `DEADLINE_SCAN`; it ends when `stop` turns true (or its sender is gone).
pub fn spawn_worker(db: Db, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match webhooks::client() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("webhook client: {e}; notifications worker not started");
                return;
            }
        };
        let mut deliveries = tokio::time::interval(DELIVERY_TICK);
        let mut scans = tokio::time::interval(DEADLINE_SCAN);
        deliveries.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        scans.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !*stop.borrow() {
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
                _ = deliveries.tick() => {
                    if let Err(e) = webhooks::deliver_due(&db, &client, now_ms()).await {
                        tracing::warn!("webhook deliveries: {e:?}");
                    }
                }
                _ = scans.tick() => {
                    if let Err(e) = scan_deadlines_now(&db).await {
                        tracing::warn!("deadline scan: {e:#}");
                    }
                }
            }
        }
    })
}
