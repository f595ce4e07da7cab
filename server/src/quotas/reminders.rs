//! Reminders (催办) to monitors behind on their quota. The office sends them for an open year,
//! to the monitors it names or to every active monitor whose ledger is behind; each is a row
//! the monitor reads and an event on the audit chain, with the figures of that moment.
//! Each also goes into the monitor's inbox (`notifications`), and its event to the webhooks.

use super::ledger::{tallied, Frame, Tallied};
use crate::audit;
use crate::auth::extract::{MonitorUser, OfficeUser};
use crate::campaigns::{self, store as campaign_store};
use crate::clock::{now_ms, today_cst};
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{ReminderRequest, ReminderView, RemindersSent, SentReminder};
use chafang_domain::event::QuotaReminded;
use chafang_domain::quota::Pace;
use chafang_domain::refusal::CampaignRefusal;
use chafang_domain::UserId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// The text sent when the office writes none.
pub const DEFAULT_MESSAGE: &str =
    "行评办提醒：您本年度的明查暗访任务进度落后于日程要求，请尽快安排走访。";
/// The longest message kept, in characters.
pub const MESSAGE_MAX_CHARS: usize = 500;

use crate::error::internal;

fn pace_text(p: Pace) -> Result<String, ApiError> {
    match serde_json::to_value(p).map_err(internal)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(internal(other)),
    }
}

fn message(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > MESSAGE_MAX_CHARS {
        return Err(CampaignRefusal::ReminderTooLong {
            max: MESSAGE_MAX_CHARS,
        }
        .into());
    }
    Ok(if text.is_empty() {
        DEFAULT_MESSAGE.to_owned()
    } else {
        text.to_owned()
    })
}

/// Sends reminders for an open year: to the monitors named (each must have a row in the
/// year's ledger and an open account), or to every active monitor whose ledger is behind.
/// Nobody to remind is no error: the answer lists nobody.
#[utoipa::path(post, path = "/api/v1/office/campaigns/{year}/reminders", tag = "campaigns", request_body = ReminderRequest,
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 201, body = RemindersSent), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"),
        (status = 422, description = "a named user is not a serving monitor, or the message is too long")))]
pub async fn send(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    ApiJson(req): ApiJson<ReminderRequest>,
) -> Result<(StatusCode, Json<RemindersSent>), ApiError> {
    let year = campaigns::parse_year(&year)?;
    let text = message(&req.message)?;
    let mut tx = state.db.begin_write().await?;
    let record = campaign_store::lock_open(&mut tx, year).await?;
    let frame = Frame::of(&record);
    // Counted in the database, as the office's table is: the write transaction is not held
    // while a district's every visit is read.
    let years = tallied(&mut tx, &frame, today_cst()).await?;
    let targets = targets(&years, req.monitors.as_deref())?;
    let mut sent = Vec::with_capacity(targets.len());
    for m in targets {
        let id = Uuid::new_v4();
        let p = m.ledger.progress;
        sqlx::query(
            "INSERT INTO quota_reminders (id, campaign_id, monitor_id, sent_by, sent_at, message, done, required, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.to_string())
        .bind(record.id.to_string())
        .bind(m.user.id.to_string())
        .bind(office.user.id.to_string())
        .bind(now_ms())
        .bind(&text)
        .bind(i64::from(p.done))
        .bind(i64::from(p.required))
        .bind(pace_text(m.ledger.state)?)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Some(office.user.id),
            m.user.id,
            QuotaReminded {
                reminder: id.to_string(),
                year,
                message: text.clone(),
                done: p.done,
                required: p.required,
                state: m.ledger.state,
            },
        )
        .await?;
        notify_monitor(&mut tx, m.user.id, id, &text, p.done, p.required).await?;
        sent.push(SentReminder {
            id,
            monitor: m.user.id,
            display_name: m.user.display_name.clone(),
            state: m.ledger.state,
        });
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(RemindersSent {
            year,
            reminders: sent,
        }),
    ))
}

/// Puts a reminder into the monitor's inbox.
async fn notify_monitor(
    conn: &mut AnyConnection,
    monitor: UserId,
    reminder: Uuid,
    text: &str,
    done: u32,
    required: u32,
) -> Result<(), ApiError> {
    use crate::notifications::inbox::{notify, Note};
    let note = Note {
        kind: chafang_domain::api::NotificationKind::Reminder,
        subject: Some(reminder.to_string()),
        params: serde_json::json!({"message": text, "done": done, "required": required}),
        dedup: None,
    };
    notify(conn, &[monitor], &note).await?;
    Ok(())
}

/// Whom to remind: the monitors named (each once; each must have a row in the year's ledger
/// and an open account), or every active monitor whose ledger is behind.
fn targets<'y>(
    years: &'y [Tallied],
    named: Option<&[UserId]>,
) -> Result<Vec<&'y Tallied>, ApiError> {
    let Some(named) = named else {
        return Ok(years
            .iter()
            .filter(|m| m.user.active && m.ledger.state == Pace::Behind)
            .collect());
    };
    let mut out: Vec<&Tallied> = Vec::with_capacity(named.len());
    for id in named {
        if out.iter().any(|m| m.user.id == *id) {
            continue;
        }
        let m = years
            .iter()
            .find(|m| m.user.id == *id && m.user.active)
            .ok_or(CampaignRefusal::NotServingMonitor { monitor: *id })?;
        out.push(m);
    }
    Ok(out)
}

fn reminder_of(r: &AnyRow) -> Result<ReminderView, ApiError> {
    let state: String = r.try_get("state")?;
    Ok(ReminderView {
        id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(internal)?,
        sent_at_ms: r.try_get("sent_at")?,
        message: r.try_get("message")?,
        done: u32::try_from(r.try_get::<i64, _>("done")?).map_err(internal)?,
        required: u32::try_from(r.try_get::<i64, _>("required")?).map_err(internal)?,
        state: serde_json::from_value(serde_json::Value::String(state)).map_err(internal)?,
    })
}

/// A monitor's reminders, newest first.
pub async fn of_monitor(
    conn: &mut AnyConnection,
    monitor: UserId,
) -> Result<Vec<ReminderView>, ApiError> {
    let rows = sqlx::query(
        "SELECT r.id, c.year, r.sent_at, r.message, r.done, r.required, r.state FROM quota_reminders r \
         JOIN campaigns c ON c.id = r.campaign_id WHERE r.monitor_id = $1 ORDER BY r.sent_at DESC, r.id",
    )
    .bind(monitor.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(reminder_of).collect()
}

/// The reminders the office sent the signed-in monitor, newest first.
#[utoipa::path(get, path = "/api/v1/monitor/reminders", tag = "monitor",
    responses((status = 200, body = Vec<ReminderView>), (status = 401), (status = 404)))]
pub async fn mine(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
) -> Result<Json<Vec<ReminderView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(of_monitor(&mut conn, me.user.id).await?))
}
