//! Public commitments (公开政务和承诺服务事项): each unit's approval items with their legal and
//! promised time limits, fees and complaint channels. The office creates, revises (a new
//! revision; the old ones stay) and withdraws them (a flag with the reason; nothing is
//! deleted), each change an audit event in the same transaction. Everyone signed in reads the
//! current ones, so a monitor's phone can cache them for citing a broken promise offline; a
//! unit user sees only its own subtree's.

use crate::audit;
use crate::auth::extract::{CurrentUser, OfficeUser};
use crate::clock::now_ms;
use crate::db::u32_column;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::units;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{
    CommitmentContent, CommitmentQuery, CommitmentRevision, CommitmentView, NewCommitment, UnitRef,
    UnitView, WithdrawCommitment,
};
use chafang_domain::event::{
    CommitmentCreated, CommitmentFields, CommitmentRevised, CommitmentWithdrawn,
};
use chafang_domain::refusal::CommitmentRefusal;
use chafang_domain::selfcheck::{check_commitment, MAX_TEXT};
use chafang_domain::{Role, UnitId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current_commitments))
        .routes(routes!(office_commitments, create))
        .routes(routes!(revise))
        .routes(routes!(withdraw))
}

use crate::error::internal;

fn check(c: &CommitmentContent) -> Result<(), ApiError> {
    check_commitment(
        &c.name,
        c.legal_days,
        c.promised_days,
        &c.fees,
        &c.complaint_channels,
    )
    .map_err(|e| CommitmentRefusal::Invalid(e).into())
}

fn revision_of(row: &AnyRow) -> Result<CommitmentRevision, ApiError> {
    Ok(CommitmentRevision {
        seq: u32_column(row, "seq")?,
        content: CommitmentContent {
            name: row.try_get("name")?,
            legal_days: u32_column(row, "legal_days")?,
            promised_days: u32_column(row, "promised_days")?,
            fees: row.try_get("fees")?,
            complaint_channels: row.try_get("complaint_channels")?,
        },
        recorded_at_ms: row.try_get("created_at")?,
    })
}

/// Every commitment whose unit passes `keep`, with its history, in the order they were made.
async fn load(
    conn: &mut AnyConnection,
    all: &[UnitView],
    keep: impl Fn(UnitId) -> bool,
) -> Result<Vec<CommitmentView>, ApiError> {
    let names: HashMap<UnitId, String> = all.iter().map(|u| (u.id, u.name.clone())).collect();
    let rows = sqlx::query(
        "SELECT id, unit_id, withdrawn_at, withdrawn_reason FROM commitments \
         ORDER BY created_at, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let unit: UnitId = row
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?;
        if !keep(unit) {
            continue;
        }
        let id: String = row.try_get("id")?;
        let history = history(conn, &id).await?;
        let current = history
            .last()
            .map(|r| r.content.clone())
            .ok_or_else(|| internal("a commitment without revisions"))?;
        out.push(CommitmentView {
            id: id.parse().map_err(internal)?,
            unit: UnitRef {
                id: unit,
                name: names.get(&unit).cloned().unwrap_or_default(),
            },
            current,
            withdrawn: row.try_get::<Option<i64>, _>("withdrawn_at")?.is_some(),
            withdrawn_reason: row.try_get("withdrawn_reason")?,
            history,
        });
    }
    Ok(out)
}

async fn history(conn: &mut AnyConnection, id: &str) -> Result<Vec<CommitmentRevision>, ApiError> {
    let rows = sqlx::query(
        "SELECT seq, name, legal_days, promised_days, fees, complaint_channels, created_at \
         FROM commitment_revisions WHERE commitment_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(revision_of).collect()
}

/// One commitment as the office sees it; 404 when there is none.
async fn one(conn: &mut AnyConnection, id: Uuid) -> Result<CommitmentView, ApiError> {
    let all = units::list_all(conn).await?;
    let unit: Option<String> = sqlx::query("SELECT unit_id FROM commitments WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("unit_id"))
        .transpose()?;
    unit.ok_or(ApiError::NotFound)?;
    load(conn, &all, |_| true)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(ApiError::NotFound)
}

/// The units whose commitments a user reads: a unit user its own subtree, everyone else all.
fn readable(all: &[UnitView], me: &CurrentUser) -> Option<HashSet<UnitId>> {
    match (me.user.role, &me.user.unit) {
        (Role::Unit, Some(unit)) => Some(units::subtree_ids(all, unit.id)),
        (Role::Unit, None) => Some(HashSet::new()),
        _ => None,
    }
}

/// The commitments in force (not withdrawn), of one unit or of all, for the phone to cache. A
/// unit user reads only its own subtree's.
#[utoipa::path(get, path = "/api/v1/commitments", tag = "commitments", params(CommitmentQuery),
    responses((status = 200, body = Vec<CommitmentView>), (status = 401)))]
pub async fn current_commitments(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<CommitmentQuery>,
) -> Result<Json<Vec<CommitmentView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all = units::list_all(&mut conn).await?;
    let scope = readable(&all, &me);
    let keep =
        |u: UnitId| scope.as_ref().is_none_or(|s| s.contains(&u)) && q.unit.is_none_or(|w| w == u);
    let list = load(&mut conn, &all, keep).await?;
    Ok(Json(list.into_iter().filter(|c| !c.withdrawn).collect()))
}

/// Every commitment with its history, withdrawn ones too (of one unit, or all).
#[utoipa::path(get, path = "/api/v1/office/commitments", tag = "commitments",
    params(CommitmentQuery),
    responses((status = 200, body = Vec<CommitmentView>), (status = 401), (status = 404)))]
pub async fn office_commitments(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<CommitmentQuery>,
) -> Result<Json<Vec<CommitmentView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all = units::list_all(&mut conn).await?;
    let list = load(&mut conn, &all, |u| q.unit.is_none_or(|w| w == u)).await?;
    Ok(Json(list))
}

async fn insert_revision(
    conn: &mut AnyConnection,
    id: Uuid,
    seq: i64,
    c: &CommitmentContent,
    by: UserId,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO commitment_revisions (commitment_id, seq, name, legal_days, promised_days, \
         fees, complaint_channels, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(seq)
    .bind(c.name.trim())
    .bind(i64::from(c.legal_days))
    .bind(i64::from(c.promised_days))
    .bind(c.fees.trim())
    .bind(c.complaint_channels.trim())
    .bind(now_ms())
    .bind(by.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn content_fields(c: &CommitmentContent) -> CommitmentFields {
    CommitmentFields {
        name: c.name.trim().to_owned(),
        legal_days: c.legal_days,
        promised_days: c.promised_days,
        fees: c.fees.trim().to_owned(),
        complaint_channels: c.complaint_channels.trim().to_owned(),
    }
}

/// Creates a commitment of a unit.
#[utoipa::path(post, operation_id = "createCommitment", path = "/api/v1/office/commitments", tag = "commitments",
    request_body = NewCommitment,
    responses((status = 201, body = CommitmentView), (status = 401), (status = 404),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    office: OfficeUser,
    ApiJson(new): ApiJson<NewCommitment>,
) -> Result<(StatusCode, Json<CommitmentView>), ApiError> {
    check(&new.content)?;
    let mut tx = state.db.begin_write().await?;
    let all = units::list_all(&mut tx).await?;
    if !all.iter().any(|u| u.id == new.unit_id) {
        return Err(CommitmentRefusal::NoSuchUnit.into());
    }
    let id = Uuid::now_v7();
    let by = office.0.user.id;
    sqlx::query(
        "INSERT INTO commitments (id, unit_id, created_at, created_by) VALUES ($1, $2, $3, $4)",
    )
    .bind(id.to_string())
    .bind(new.unit_id.to_string())
    .bind(now_ms())
    .bind(by.to_string())
    .execute(&mut *tx)
    .await?;
    insert_revision(&mut tx, id, 1, &new.content, by).await?;
    let payload = CommitmentCreated {
        content: content_fields(&new.content),
        unit_id: new.unit_id,
    };
    audit::record(&mut tx, Some(by), id, payload).await?;
    let view = one(&mut tx, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The commitment in a path, locked for a change; 404 when there is none, 409 once withdrawn.
async fn lock_in_force(conn: &mut AnyConnection, id: &str) -> Result<Uuid, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    // A no-op UPDATE takes the row's lock on PostgreSQL (SQLite writers are queued anyway).
    let locked = sqlx::query("UPDATE commitments SET unit_id = unit_id WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    let withdrawn: Option<i64> = sqlx::query("SELECT withdrawn_at FROM commitments WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut *conn)
        .await?
        .try_get("withdrawn_at")?;
    if withdrawn.is_some() {
        return Err(CommitmentRefusal::Withdrawn.into());
    }
    Ok(id)
}

/// Revises a commitment: its whole new content becomes the next revision.
#[utoipa::path(post, path = "/api/v1/office/commitments/{id}/revisions", tag = "commitments",
    params(("id" = String, Path, description = "commitment id")),
    request_body = CommitmentContent,
    responses((status = 200, body = CommitmentView), (status = 401), (status = 404),
        (status = 409), (status = 422)))]
pub async fn revise(
    State(state): State<AppState>,
    office: OfficeUser,
    Path(id): Path<String>,
    ApiJson(content): ApiJson<CommitmentContent>,
) -> Result<Json<CommitmentView>, ApiError> {
    let mut tx = state.db.begin_write().await?;
    let id = lock_in_force(&mut tx, &id).await?;
    check(&content)?;
    let seq: i64 = sqlx::query(
        "SELECT COALESCE(MAX(seq), 0) AS seq FROM commitment_revisions WHERE commitment_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&mut *tx)
    .await?
    .try_get("seq")?;
    let by = office.0.user.id;
    insert_revision(&mut tx, id, seq + 1, &content, by).await?;
    let payload = CommitmentRevised {
        content: content_fields(&content),
        revision: seq + 1,
    };
    audit::record(&mut tx, Some(by), id, payload).await?;
    let view = one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Withdraws a commitment: it stays on record, flagged, with the reason.
#[utoipa::path(post, path = "/api/v1/office/commitments/{id}/withdraw", tag = "commitments",
    params(("id" = String, Path, description = "commitment id")),
    request_body = WithdrawCommitment,
    responses((status = 200, body = CommitmentView), (status = 401), (status = 404),
        (status = 409), (status = 422)))]
pub async fn withdraw(
    State(state): State<AppState>,
    office: OfficeUser,
    Path(id): Path<String>,
    ApiJson(w): ApiJson<WithdrawCommitment>,
) -> Result<Json<CommitmentView>, ApiError> {
    let mut tx = state.db.begin_write().await?;
    let id = lock_in_force(&mut tx, &id).await?;
    let reason = w.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_TEXT {
        return Err(CommitmentRefusal::Reason { max: MAX_TEXT }.into());
    }
    let by = office.0.user.id;
    sqlx::query(
        "UPDATE commitments SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3 \
         WHERE id = $4 AND withdrawn_at IS NULL",
    )
    .bind(now_ms())
    .bind(by.to_string())
    .bind(reason)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    let payload = CommitmentWithdrawn {
        reason: reason.to_owned(),
    };
    audit::record(&mut tx, Some(by), id, payload).await?;
    let view = one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(view))
}
