//! What the office must look at so that nothing a phone recorded is lost or refused for good:
//! the "needs attention" queue (stored visits that broke a rule the monitor could not fix, each
//! with its typed reasons, flagged in the storing transaction with a `visit.flagged` event) and
//! the phones that still hold unsent entries (each phone reports its outbox count when it
//! syncs), so that a monitor whose service ended is reminded to hand them in.

use crate::audit;
use crate::auth::extract::{MonitorUser, OfficeUser};
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::{internal, ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{AttentionItem, AttentionReason, DeviceOutbox, OutboxReport};
use chafang_domain::event::VisitFlagged;
use chafang_domain::{DeviceId, UserId, VisitId};
use sqlx::{AnyConnection, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_attention))
        .routes(routes!(office_devices))
        .routes(routes!(report_outbox))
}

/// Puts a visit just stored into the queue with its reasons, and the event on the chain, in
/// the storing transaction.
pub async fn flag(
    conn: &mut WriteTx,
    monitor: UserId,
    visit: VisitId,
    reasons: &[AttentionReason],
) -> Result<(), ApiError> {
    let at = now_ms();
    for (i, r) in reasons.iter().enumerate() {
        sqlx::query(
            "INSERT INTO visit_attention (visit_id, position, reason, flagged_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(visit.to_string())
        .bind(i as i64)
        .bind(serde_json::to_string(r).map_err(internal)?)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    let payload = VisitFlagged {
        reasons: reasons.to_vec(),
    };
    audit::record(conn, Some(monitor), visit, payload).await?;
    Ok(())
}

/// The queue, newest first.
pub async fn queue(conn: &mut AnyConnection) -> Result<Vec<AttentionItem>, ApiError> {
    let rows = sqlx::query(
        "SELECT a.visit_id, a.reason, v.monitor_id, m.display_name, v.unit_id, n.name AS unit_name, \
         v.started_at_device, v.received_at FROM visit_attention a JOIN visits v ON v.id = a.visit_id \
         JOIN users m ON m.id = v.monitor_id JOIN units n ON n.id = v.unit_id \
         ORDER BY v.received_at DESC, a.visit_id, a.position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<AttentionItem> = Vec::new();
    for r in &rows {
        let visit_id: VisitId = r
            .try_get::<String, _>("visit_id")?
            .parse()
            .map_err(internal)?;
        let reason: AttentionReason =
            serde_json::from_str(&r.try_get::<String, _>("reason")?).map_err(internal)?;
        match out.last_mut() {
            Some(item) if item.visit_id == visit_id => item.reasons.push(reason),
            _ => out.push(AttentionItem {
                visit_id,
                monitor_id: r
                    .try_get::<String, _>("monitor_id")?
                    .parse()
                    .map_err(internal)?,
                monitor_name: r.try_get("display_name")?,
                unit_id: r
                    .try_get::<String, _>("unit_id")?
                    .parse()
                    .map_err(internal)?,
                unit_name: r.try_get("unit_name")?,
                started_at_device_ms: r.try_get("started_at_device")?,
                received_at_ms: r.try_get("received_at")?,
                reasons: vec![reason],
            }),
        }
    }
    Ok(out)
}

/// Whether the server has seen a monitor use a phone: it reported its outbox, or sent a visit.
pub async fn known_device(
    conn: &mut AnyConnection,
    monitor: UserId,
    device: DeviceId,
) -> Result<bool, ApiError> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM device_outboxes WHERE device_id = $1 AND monitor_id = $2 \
         UNION ALL SELECT 1 AS one FROM visits WHERE device_id = $1 AND monitor_id = $2",
    )
    .bind(device.to_string())
    .bind(monitor.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// The visits that need the office's attention (stored, never refused), newest first, each
/// with its reasons.
#[utoipa::path(get, path = "/api/v1/office/attention", tag = "office",
    responses((status = 200, body = Vec<AttentionItem>), (status = 401), (status = 404)))]
async fn office_attention(
    State(state): State<AppState>,
    OfficeUser(_office): OfficeUser,
) -> Result<Json<Vec<AttentionItem>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(queue(&mut conn).await?))
}

/// The phones that still hold entries not yet accepted, with their monitor and when they last
/// reported; those of monitors whose service has ended first.
#[utoipa::path(get, path = "/api/v1/office/devices", tag = "office",
    responses((status = 200, body = Vec<DeviceOutbox>), (status = 401), (status = 404)))]
async fn office_devices(
    State(state): State<AppState>,
    OfficeUser(_office): OfficeUser,
) -> Result<Json<Vec<DeviceOutbox>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT d.device_id, d.monitor_id, u.display_name, u.active, d.unsent, d.reported_at \
         FROM device_outboxes d JOIN users u ON u.id = d.monitor_id WHERE d.unsent > 0 \
         ORDER BY u.active, d.reported_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    let out = rows
        .iter()
        .map(|r| {
            Ok(DeviceOutbox {
                device_id: r
                    .try_get::<String, _>("device_id")?
                    .parse()
                    .map_err(internal)?,
                monitor_id: r
                    .try_get::<String, _>("monitor_id")?
                    .parse()
                    .map_err(internal)?,
                monitor_name: r.try_get("display_name")?,
                monitor_active: r.try_get::<i64, _>("active")? == 1,
                unsent: u32::try_from(r.try_get::<i64, _>("unsent")?).unwrap_or(u32::MAX),
                reported_at_ms: r.try_get("reported_at")?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(out))
}

/// The signed-in monitor's phone reports how many entries it still holds (at each sync).
#[utoipa::path(post, path = "/api/v1/devices/{id}/outbox", tag = "visits", request_body = OutboxReport,
    params(("id" = String, Path, description = "the phone's device id")),
    responses((status = 204), (status = 401), (status = 404)))]
async fn report_outbox(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
    Path(id): Path<String>,
    ApiJson(report): ApiJson<OutboxReport>,
) -> Result<StatusCode, ApiError> {
    let device: DeviceId = id.parse().map_err(|_| ApiError::NotFound)?;
    // The phone's own state, overwritten at each report: not a record, so no event.
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO device_outboxes (device_id, monitor_id, unsent, reported_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (device_id, monitor_id) DO UPDATE SET unsent = excluded.unsent, reported_at = excluded.reported_at",
    )
    .bind(device.to_string())
    .bind(me.user.id.to_string())
    .bind(i64::from(report.unsent))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
