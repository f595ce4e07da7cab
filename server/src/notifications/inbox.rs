//! The in-app inbox: a notification row per recipient, written in the transaction of the change
//! that causes it (a step on a case, a reminder, a scoring alarm) or by the deadline scan
//! (`deadlines.rs`). A unit's notification is filled only from what its `UnitCase` shows,
//! which has no field for the reporter; the reporters' own notifications go to the monitors
//! alone.

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
use chafang_domain::followup::{seen_period, CaseState, Step};
use chafang_domain::{CaseId, UnitId, UserId};
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};
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

/// Rows one multi-row `INSERT` of `notify_many` writes (8 parameters each, well under both
/// engines' limits on parameters per statement).
const ROWS_PER_INSERT: usize = 100;

/// Writes many notes, each to its recipients, skipping any recipient who already has the note's
/// `dedup` key, with a few multi-row statements instead of one per row (the deadline scan
/// writes thousands). Returns how many were written.
pub async fn notify_many(
    conn: &mut AnyConnection,
    notes: &[(Vec<UserId>, Note)],
) -> Result<u32, ApiError> {
    let now = now_ms();
    let today = today_cst().to_string();
    let rows: Vec<(&UserId, &Note, String)> = notes
        .iter()
        .flat_map(|(recipients, note)| {
            let params = note.params.to_string();
            recipients.iter().map(move |r| (r, note, params.clone()))
        })
        .collect();
    let mut written = 0;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p: Vec<String> = (1..=8).map(|k| format!("${}", i * 8 + k)).collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO notifications (id, recipient_id, kind, subject, params, created_at, created_on, dedup) \
             VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (recipient, note, params) in chunk {
            q = q
                .bind(Uuid::new_v4().to_string())
                .bind(recipient.to_string())
                .bind(note.kind.as_str())
                .bind(note.subject.clone())
                .bind(params.clone())
                .bind(now)
                .bind(today.clone())
                .bind(note.dedup.clone());
        }
        let n = q.execute(&mut *conn).await?.rows_affected();
        written += u32::try_from(n).unwrap_or(u32::MAX);
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

/// Who among the unit accounts sees a unit's cases: the active accounts of the unit itself and
/// of every unit above it (a unit user's scope is their unit's subtree, see
/// `findings::unit::scope`). Loaded once, it answers for any number of cases without a query.
pub struct UnitAudience {
    parents: HashMap<UnitId, Option<UnitId>>,
    /// Active unit accounts and their units, by account id.
    users: Vec<(UserId, UnitId)>,
}

impl UnitAudience {
    pub async fn load(conn: &mut AnyConnection) -> Result<UnitAudience, ApiError> {
        let parents = units::list_all(conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u.parent_id))
            .collect();
        let rows = sqlx::query(
            "SELECT id, unit_id FROM users WHERE role = 'unit' AND active = 1 ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let users = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("id")?.parse().map_err(internal)?,
                    r.try_get::<String, _>("unit_id")?
                        .parse()
                        .map_err(internal)?,
                ))
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(UnitAudience { parents, users })
    }

    /// The accounts that see a case of `unit`, by account id.
    pub fn of(&self, unit: UnitId) -> Vec<UserId> {
        let mut chain = HashSet::from([unit]);
        let mut at = unit;
        while let Some(parent) = self.parents.get(&at).copied().flatten() {
            if !chain.insert(parent) {
                break;
            }
            at = parent;
        }
        self.users
            .iter()
            .filter(|(_, u)| chain.contains(u))
            .map(|(id, _)| *id)
            .collect()
    }
}

/// The active unit accounts that see a case of `unit` (see `UnitAudience`).
pub async fn unit_users(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<UserId>, ApiError> {
    Ok(UnitAudience::load(conn).await?.of(unit))
}

/// What a unit is told of a case: only what its `UnitCase` shows, computed the way
/// `views::unit_case` computes it (random id, unit, criterion, the coarsened day seen, the
/// release day and the running deadline). `None` for a case not released (no unit sees it).
pub fn unit_params_of(case: &CaseRecord, names: &UnitNames) -> Option<serde_json::Value> {
    let released_on = case.released_on?;
    Some(serde_json::json!({
        "case": case.id,
        "unit": names.unit_ref(case.unit_id).name,
        "criterion": case.criterion,
        "seen_in": seen_period(case.seen_on),
        "seen_on": seen_period(case.seen_on).first_day().to_string(),
        "released_on": released_on.to_string(),
        // The finding's number with the unit (`FindingNumber`), as the unit knows it.
        "number": case.number,
        "due": views::due(case),
    }))
}

/// `unit_params_of` with the unit names loaded.
pub async fn unit_params(
    conn: &mut AnyConnection,
    case: &CaseRecord,
) -> Result<serde_json::Value, ApiError> {
    let names = UnitNames::load(conn).await?;
    unit_params_of(case, &names).ok_or_else(|| internal("a released case without a release day"))
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
#[utoipa::path(get, operation_id = "listNotifications", path = "/api/v1/notifications", tag = "notifications",
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
