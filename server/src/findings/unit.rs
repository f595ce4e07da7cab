//! The unit's side of the loop: its released findings (its own and its stations'),
//! acknowledgement, the answer in one of the four categories, and the completion report.
//! Everything here is built from `UnitCase`, which has no field for the reporter.

use super::store::{self, day_text, take_step, CaseRecord, Col, Taken};
use super::views::{self, UnitNames};
use crate::auth::extract::{UnitScope, UnitUser};
use crate::clock::{now_ms, today_cst};
use crate::db::WriteTx;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{AnswerUpload, CompletionUpload, UnitCase, UnitStep};
use chafang_domain::event::{CaseAcknowledged, CaseAnswered, CaseCompletionReported, StepPayload};
use chafang_domain::followup::CaseState;
use chafang_domain::followup::{
    add_working_days, check_answer, Actor, AnswerKind, DEFAULT_ANSWER_DAYS, MAX_ANSWER_TEXT,
};
use chafang_domain::refusal::CaseRefusal;
use chafang_domain::visit::{is_sha256_hex, PhotoRef, MAX_PHOTOS_PER_FINDING, MAX_PHOTO_BYTES};
use chafang_domain::{AnswerId, CaseId, UnitId};
use sqlx::{AnyConnection, Row};
use std::collections::HashSet;

/// Unit ids bound in one query (well under SQLite's and PostgreSQL's limits on parameters).
const UNITS_PER_QUERY: usize = 500;

/// The states a unit sees, `open` ones only or all, as SQL literals (fixed words, never input).
fn released_states(open: bool) -> String {
    CaseState::ALL
        .iter()
        .filter(|s| s.is_released() && (!open || s.is_open()))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$1, $2, …` for `n` parameters.
fn params(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cases released to `units` (a unit's scope), read for those units alone: the database
/// never hands over, and the server never parses, a case of any other unit. Oldest receipt
/// first, as `store::load_all`.
pub async fn released_to(
    conn: &mut AnyConnection,
    units: &HashSet<UnitId>,
) -> Result<Vec<CaseRecord>, ApiError> {
    let ids: Vec<String> = units.iter().map(|u| u.to_string()).collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(UNITS_PER_QUERY) {
        let sql = format!(
            "SELECT {} FROM cases WHERE unit_id IN ({}) AND state IN ({})",
            store::COLUMNS,
            params(chunk.len()),
            released_states(false)
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        // A malformed row breaks its own line, not the unit's page.
        out.extend(store::readable(&q.fetch_all(&mut *conn).await?));
    }
    out.sort_by_key(|c| (c.received_at, c.id));
    Ok(out)
}

/// How many cases released to `units` are still open, counted in the database.
pub async fn open_count(
    conn: &mut AnyConnection,
    units: &HashSet<UnitId>,
) -> Result<u64, ApiError> {
    let ids: Vec<String> = units.iter().map(|u| u.to_string()).collect();
    let mut n = 0u64;
    for chunk in ids.chunks(UNITS_PER_QUERY) {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM cases WHERE unit_id IN ({}) AND state IN ({})",
            params(chunk.len()),
            released_states(true)
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        let row = q.fetch_one(&mut *conn).await?;
        n += u64::try_from(row.try_get::<i64, _>("n")?).map_err(store::internal)?;
    }
    Ok(n)
}

/// A released case in the user's scope, or 404 (the same answer whether it exists or not).
pub async fn in_scope(
    conn: &mut AnyConnection,
    scope: &UnitScope,
    id: &str,
) -> Result<CaseRecord, ApiError> {
    let id: CaseId = id.parse().map_err(|_| ApiError::NotFound)?;
    let case = store::load(conn, id).await?.ok_or(ApiError::NotFound)?;
    if case.state.is_released() && scope.contains(case.unit_id) {
        Ok(case)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The unit's released findings, open ones first, the nearest deadline first.
#[utoipa::path(get, operation_id = "unitFindings", path = "/api/v1/unit/findings", tag = "findings",
    responses((status = 200, body = Vec<UnitCase>), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    scope: UnitScope,
) -> Result<Json<Vec<UnitCase>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let names = UnitNames::of(&scope.directory);
    let mut out = Vec::new();
    for case in released_to(&mut conn, scope.ids()).await? {
        out.push(views::unit_case(&mut conn, &case, &names).await?);
    }
    out.sort_by_key(|c| {
        (
            !c.state.is_open(),
            c.due.map(|d| d.due),
            std::cmp::Reverse(c.released_on),
            // Last, the random id: ties must not fall into the order the server received
            // the visits, which would tell covert findings of one week apart.
            c.id,
        )
    });
    Ok(Json(out))
}

/// One of the unit's findings.
#[utoipa::path(get, operation_id = "unitFinding", path = "/api/v1/unit/findings/{id}", tag = "findings",
    params(("id" = String, Path, description = "case id")),
    responses((status = 200, body = UnitCase), (status = 401), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    scope: UnitScope,
    Path(id): Path<String>,
) -> Result<Json<UnitCase>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let case = in_scope(&mut conn, &scope, &id).await?;
    let names = UnitNames::of(&scope.directory);
    Ok(Json(views::unit_case(&mut conn, &case, &names).await?))
}

fn check_photos(photos: &[PhotoRef]) -> Result<(), CaseRefusal> {
    if photos.len() > MAX_PHOTOS_PER_FINDING {
        return Err(CaseRefusal::TooManyPhotos {
            max: MAX_PHOTOS_PER_FINDING as u32,
        });
    }
    let mut seen = HashSet::new();
    for (i, p) in photos.iter().enumerate() {
        if !is_sha256_hex(&p.sha256) || p.bytes > MAX_PHOTO_BYTES || !seen.insert(&p.sha256) {
            return Err(CaseRefusal::BadPhoto { index: i as u32 });
        }
    }
    Ok(())
}

/// A stored answer with this id: same content is a repeat (fine), other content a conflict.
async fn repeat(
    conn: &mut AnyConnection,
    id: AnswerId,
    case: CaseId,
    body: &str,
) -> Result<bool, ApiError> {
    let Some(row) = sqlx::query("SELECT case_id, body FROM answers WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(false);
    };
    let same_case = row.try_get::<String, _>("case_id")? == case.to_string();
    if same_case && row.try_get::<String, _>("body")? == body {
        Ok(true)
    } else {
        Err(CaseRefusal::AnswerIdReused.into())
    }
}

struct NewAnswer<'a> {
    id: AnswerId,
    kind: Option<AnswerKind>,
    text: &'a str,
    committed_by: Option<time::Date>,
    milestones: String,
    photos: &'a [PhotoRef],
    body: String,
}

async fn insert_answer(
    conn: &mut AnyConnection,
    case: CaseId,
    by: &UnitUser,
    a: NewAnswer<'_>,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO answers (id, case_id, kind, text, committed_by, milestones, submitted_at, submitted_on, submitted_by, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(a.id.to_string())
    .bind(case.to_string())
    .bind(a.kind.map(|k| k.as_str()))
    .bind(a.text.trim())
    .bind(a.committed_by.map(day_text))
    .bind(a.milestones)
    .bind(now_ms())
    .bind(day_text(today_cst()))
    .bind(by.current.user.id.to_string())
    .bind(a.body)
    .execute(&mut *conn)
    .await?;
    for (i, p) in a.photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO answer_photos (answer_id, position, sha256, bytes) VALUES ($1, $2, $3, $4)",
        )
        .bind(a.id.to_string())
        .bind(i as i64)
        .bind(&p.sha256)
        .bind(p.bytes as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn body_of<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(|e| ApiError::Internal(e.into()))
}

async fn answer(
    conn: &mut WriteTx,
    case: &CaseRecord,
    me: &UnitUser,
    a: &AnswerUpload,
) -> Result<(), ApiError> {
    let body = body_of(a)?;
    if repeat(conn, a.id, case.id, &body).await? {
        return Ok(());
    }
    let committed = check_answer(a.kind, &a.text, a.committed_by, &a.milestones, today_cst())
        .map_err(CaseRefusal::Answer)?;
    check_photos(&a.photos)?;
    let payload = StepPayload::Answer(CaseAnswered {
        answer_id: a.id,
        kind: a.kind,
        committed_by: committed.map(day_text),
        photos: a.photos.len() as u64,
    });
    // The answer first, so that the step's event records the case's content with it.
    let milestones = body_of(&a.milestones)?;
    let new = NewAnswer {
        id: a.id,
        kind: Some(a.kind),
        text: &a.text,
        committed_by: committed,
        milestones,
        photos: &a.photos,
        body,
    };
    insert_answer(conn, case.id, me, new).await?;
    take_step(
        conn,
        case,
        Taken {
            actor: Actor::Unit,
            answer: Some(a.kind),
            by: Some(me.current.user.id),
        },
        vec![],
        payload,
    )
    .await?;
    Ok(())
}

async fn completion(
    conn: &mut WriteTx,
    case: &CaseRecord,
    me: &UnitUser,
    c: &CompletionUpload,
) -> Result<(), ApiError> {
    let body = body_of(c)?;
    if repeat(conn, c.id, case.id, &body).await? {
        return Ok(());
    }
    if c.text.trim().is_empty() || c.text.chars().count() > MAX_ANSWER_TEXT {
        return Err(CaseRefusal::ReportText {
            max_text: MAX_ANSWER_TEXT as u32,
        }
        .into());
    }
    check_photos(&c.photos)?;
    let payload = StepPayload::ReportCompletion(CaseCompletionReported {
        answer_id: c.id,
        photos: c.photos.len() as u64,
    });
    let new = NewAnswer {
        id: c.id,
        kind: None,
        text: &c.text,
        committed_by: None,
        milestones: "[]".into(),
        photos: &c.photos,
        body,
    };
    insert_answer(conn, case.id, me, new).await?;
    take_step(
        conn,
        case,
        Taken {
            actor: Actor::Unit,
            answer: None,
            by: Some(me.current.user.id),
        },
        vec![],
        payload,
    )
    .await?;
    Ok(())
}

/// Take one step on a finding: acknowledge it, answer it, or report the work done. An answer
/// repeated with the same id and content is accepted again without effect.
#[utoipa::path(post, operation_id = "unitFindingStep", path = "/api/v1/unit/findings/{id}/steps", tag = "findings",
    params(("id" = String, Path, description = "case id")), request_body = UnitStep,
    responses((status = 200, body = UnitCase), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn step(
    State(state): State<AppState>,
    scope: UnitScope,
    Path(id): Path<String>,
    ApiJson(step): ApiJson<UnitStep>,
) -> Result<Json<UnitCase>, ApiError> {
    let me = &scope.user;
    let mut tx = state.db.begin_write().await?;
    let case = in_scope(&mut tx, &scope, &id).await?;
    match &step {
        UnitStep::Acknowledge => {
            let today = today_cst();
            let days = case.answer_days.unwrap_or(DEFAULT_ANSWER_DAYS);
            let late = case.deadlines.ack_due.is_some_and(|d| today > d);
            let sets = vec![
                ("acknowledged_on", Col::day(today)),
                (
                    "answer_due",
                    Col::day(add_working_days(
                        &crate::work_calendar::load(&mut tx).await?,
                        today,
                        days,
                    )),
                ),
            ];
            let payload = StepPayload::Acknowledge(CaseAcknowledged { late });
            take_step(
                &mut tx,
                &case,
                Taken {
                    actor: Actor::Unit,
                    answer: None,
                    by: Some(me.current.user.id),
                },
                sets,
                payload,
            )
            .await?;
        }
        UnitStep::Answer(a) => answer(&mut tx, &case, me, a).await?,
        UnitStep::ReportCompletion(c) => completion(&mut tx, &case, me, c).await?,
    }
    let after = store::load(&mut tx, case.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let names = UnitNames::of(&scope.directory);
    let view = views::unit_case(&mut tx, &after, &names).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Whether a unit user's own answers list a photo (so they may upload its bytes).
pub async fn lists_photo(
    conn: &mut AnyConnection,
    sha256: &str,
    user: &str,
) -> Result<bool, ApiError> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM answer_photos ap JOIN answers a ON a.id = ap.answer_id \
         WHERE ap.sha256 = $1 AND a.submitted_by = $2",
    )
    .bind(sha256)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}
