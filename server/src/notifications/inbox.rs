//! The in-app inbox: a notification row per recipient, written in the transaction of the change
//! that causes it (a step on a case, a reminder) or by the periodic deadline scan. A unit's
//! notification is filled only from `UnitCase`, which has no field for the reporter; the
//! reporters' own notifications go to the monitors alone.

use crate::auth::extract::CurrentUser;
use crate::clock::{now_ms, today_cst};
use crate::error::ApiError;
use crate::findings::store::{self, parse_day, CaseRecord};
use crate::findings::views::{self, UnitNames};
use crate::state::AppState;
use crate::units;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{Notification, NotificationKind, UnreadCount};
use chafang_domain::followup::{add_working_days, CaseState, Step};
use chafang_domain::{CaseId, UnitId, UserId};
use sqlx::{AnyConnection, Row};
use std::collections::HashSet;
use time::Date;
use uuid::Uuid;

/// The most notifications one inbox answer lists.
pub const INBOX_LIMIT: i64 = 200;

use crate::error::internal;

/// One notification to write.
pub struct Note {
    pub kind: NotificationKind,
    pub subject: Option<String>,
    pub params: serde_json::Value,
    /// A key that makes a repeat a no-op (the deadline scan's per case, deadline and day).
    pub dedup: Option<String>,
}

/// Writes `note` into each recipient's inbox, skipping those who already have its `dedup`
/// key. Returns how many were written.
pub async fn notify(
    conn: &mut AnyConnection,
    recipients: &[UserId],
    note: &Note,
) -> Result<u32, ApiError> {
    let params = note.params.to_string();
    let mut written = 0;
    for recipient in recipients {
        let n = sqlx::query(
            "INSERT INTO notifications (id, recipient_id, kind, subject, params, created_at, created_on, dedup) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(recipient.to_string())
        .bind(note.kind.as_str())
        .bind(note.subject.clone())
        .bind(&params)
        .bind(now_ms())
        .bind(today_cst().to_string())
        .bind(note.dedup.clone())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        written += u32::try_from(n).unwrap_or(0);
    }
    Ok(written)
}

async fn user_ids(conn: &mut AnyConnection, sql: &str) -> Result<Vec<UserId>, ApiError> {
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("id")?.parse().map_err(internal))
        .collect()
}

/// The active office accounts.
pub async fn office_users(conn: &mut AnyConnection) -> Result<Vec<UserId>, ApiError> {
    user_ids(
        conn,
        "SELECT id FROM users WHERE role = 'office' AND active = 1 ORDER BY id",
    )
    .await
}

/// The active unit accounts that see a case of `unit`: those of the unit itself and of every
/// unit above it (a unit user's scope is their unit's subtree, see `findings::unit::scope`).
pub async fn unit_users(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<UserId>, ApiError> {
    let all = units::list_all(conn).await?;
    let mut chain = HashSet::from([unit]);
    let mut at = unit;
    while let Some(parent) = all.iter().find(|u| u.id == at).and_then(|u| u.parent_id) {
        if !chain.insert(parent) {
            break;
        }
        at = parent;
    }
    let rows =
        sqlx::query("SELECT id, unit_id FROM users WHERE role = 'unit' AND active = 1 ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::new();
    for r in &rows {
        let unit: UnitId = r
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?;
        if chain.contains(&unit) {
            out.push(r.try_get::<String, _>("id")?.parse().map_err(internal)?);
        }
    }
    Ok(out)
}

/// What a unit is told of a case: only fields of its `UnitCase` (random id, unit, criterion,
/// the coarsened day seen, the release day and the running deadline).
pub async fn unit_params(
    conn: &mut AnyConnection,
    case: &CaseRecord,
) -> Result<serde_json::Value, ApiError> {
    let names = UnitNames::load(conn).await?;
    let view = views::unit_case(conn, case, &names).await?;
    Ok(serde_json::json!({
        "case": view.id,
        "unit": view.unit.name,
        "criterion": view.criterion,
        "seen_on": view.seen_on.to_string(),
        "released_on": view.released_on.to_string(),
        "due": view.due,
    }))
}

/// What the office and the reporters are told of a case.
async fn case_params(
    conn: &mut AnyConnection,
    case: &CaseRecord,
) -> Result<serde_json::Value, ApiError> {
    let names = UnitNames::load(conn).await?;
    Ok(serde_json::json!({
        "case": case.id,
        "unit": names.unit_ref(case.unit_id).name,
        "criterion": case.criterion,
        "reason": case.reject_reason,
    }))
}

/// Who hears of a step, and as what.
enum Audience {
    Unit(NotificationKind),
    Office(NotificationKind),
    Reporters(NotificationKind),
}

fn audience(step: Step, after: CaseState) -> Option<Audience> {
    use NotificationKind as K;
    match step {
        Step::Release => Some(Audience::Unit(K::NewFinding)),
        Step::Return if after.is_released() => Some(Audience::Unit(K::AnswerReturned)),
        Step::Answer => Some(Audience::Office(K::AnswerReceived)),
        Step::ReportCompletion => Some(Audience::Office(K::CompletionReported)),
        Step::Reject => Some(Audience::Reporters(K::FindingRejected)),
        Step::Accept if after == CaseState::Closed => Some(Audience::Reporters(K::FindingClosed)),
        Step::RequestLookBack => Some(Audience::Reporters(K::LookBackRequested)),
        _ => None,
    }
}

/// Notifies whoever a step concerns, in the step's transaction (`take_step` calls it after
/// the case row changed, so the case is read as it is now).
pub async fn on_case_step(
    conn: &mut AnyConnection,
    case: CaseId,
    step: Step,
) -> Result<(), ApiError> {
    let Some(case) = store::load(conn, case).await? else {
        return Ok(());
    };
    let Some(audience) = audience(step, case.state) else {
        return Ok(());
    };
    let subject = Some(case.id.to_string());
    let (kind, recipients, params) = match audience {
        Audience::Unit(kind) => (
            kind,
            unit_users(conn, case.unit_id).await?,
            unit_params(conn, &case).await?,
        ),
        Audience::Office(kind) => (
            kind,
            office_users(conn).await?,
            case_params(conn, &case).await?,
        ),
        Audience::Reporters(kind) => (
            kind,
            store::reporters(conn, case.id).await?,
            case_params(conn, &case).await?,
        ),
    };
    let note = Note {
        kind,
        subject,
        params,
        dedup: None,
    };
    notify(conn, &recipients, &note).await?;
    Ok(())
}

/// The deadline scan: for each released case whose running deadline (acknowledge, answer or
/// commitment) falls within one working day of `today` or has passed, a notice to the unit's
/// users — at most one per case, deadline and day however often it runs. Returns how many
/// notifications it wrote.
pub async fn scan_deadlines(conn: &mut AnyConnection, today: Date) -> Result<u32, ApiError> {
    let soon = add_working_days(today, 1);
    let mut written = 0;
    for case in store::load_all(conn).await? {
        let Some((deadline, due)) = case.deadlines.current(case.state) else {
            continue;
        };
        if due > soon {
            continue;
        }
        let kind = if today > due {
            NotificationKind::Overdue
        } else {
            NotificationKind::DeadlineNear
        };
        let note = Note {
            kind,
            subject: Some(case.id.to_string()),
            params: unit_params(conn, &case).await?,
            dedup: Some(format!("deadline:{}:{deadline:?}:{due}:{today}", case.id)),
        };
        let recipients = unit_users(conn, case.unit_id).await?;
        written += notify(conn, &recipients, &note).await?;
    }
    Ok(written)
}

fn notification_of(r: &sqlx::any::AnyRow) -> Result<Notification, ApiError> {
    let kind: String = r.try_get("kind")?;
    let params: String = r.try_get("params")?;
    Ok(Notification {
        id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
        kind: NotificationKind::parse(&kind).ok_or_else(|| internal(format!("kind {kind}")))?,
        subject: r.try_get("subject")?,
        params: serde_json::from_str(&params).map_err(internal)?,
        on: parse_day(&r.try_get::<String, _>("created_on")?)?,
        read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
    })
}

const SELECT: &str = "SELECT id, kind, subject, params, created_on, read_at FROM notifications";

/// A user's notifications, newest first.
pub async fn of_user(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Vec<Notification>, ApiError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE recipient_id = $1 ORDER BY created_at DESC, id LIMIT {INBOX_LIMIT}"
    ))
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(notification_of).collect()
}

/// The signed-in user's inbox, newest first (the latest 200).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = Vec<Notification>), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<Vec<Notification>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(of_user(&mut conn, me.user.id).await?))
}

/// How many of the signed-in user's notifications are unread.
#[utoipa::path(get, path = "/api/v1/notifications/unread", tag = "notifications",
    responses((status = 200, body = UnreadCount), (status = 401)))]
pub async fn unread(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<UnreadCount>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL",
    )
    .bind(me.user.id.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let n: i64 = row.try_get("n")?;
    Ok(Json(UnreadCount {
        unread: u32::try_from(n).map_err(internal)?,
    }))
}

/// Marks one of the signed-in user's notifications read (again is fine); anyone else's, or
/// none, is 404.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = String, Path, description = "notification id")),
    responses((status = 200, body = Notification), (status = 401), (status = 404)))]
pub async fn mark_read(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Notification>, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND recipient_id = $3",
    )
    .bind(now_ms())
    .bind(id.to_string())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(ApiError::NotFound);
    }
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    let view = notification_of(&row)?;
    tx.commit().await?;
    Ok(Json(view))
}
