//! The office's side: the complaints with their contact (the office alone reads it), marking
//! one spam (kept on record, its case closed unreleased, an event; the unit never hears of
//! it), and a complaint's photos. The review itself (wording, release, verdict) is the
//! findings' loop: a complaint's case is a case.

use crate::auth::extract::OfficeUser;
use crate::error::{internal, ApiError};
use crate::findings::store::{self as cases, take_step, Col, Taken};
use crate::findings::views::UnitNames;
use crate::photos::{display_key, thumb_key};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{paths, MarkSpam, OfficeComplaint, PhotoLink};
use chafang_domain::complaint::display_code;
use chafang_domain::event::{CaseRejected, ComplaintMarkedSpam, StepPayload};
use chafang_domain::followup::CaseState;
use chafang_domain::refusal::{ComplaintRefusal, Refusal};
use chafang_domain::CaseId;
use sqlx::{AnyConnection, Row};

/// The most a spam reason may take, in characters.
pub const MAX_REASON_CHARS: usize = 500;

const SELECT: &str = "SELECT c.id, c.receipt, c.unit_id, c.text, c.happened_on, c.contact, \
    c.window_seen, c.received_at, c.spam, cc.case_id, k.state FROM complaints c \
    JOIN complaint_cases cc ON cc.complaint_id = c.id JOIN cases k ON k.id = cc.case_id";

async fn view(
    conn: &mut AnyConnection,
    r: &sqlx::any::AnyRow,
    names: &UnitNames,
) -> Result<OfficeComplaint, ApiError> {
    let case: CaseId = r
        .try_get::<String, _>("case_id")?
        .parse()
        .map_err(internal)?;
    let id: String = r.try_get("id")?;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM complaint_photos WHERE complaint_id = $1")
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    Ok(OfficeComplaint {
        case_id: case,
        receipt: display_code(&r.try_get::<String, _>("receipt")?),
        unit: names.unit_ref(
            r.try_get::<String, _>("unit_id")?
                .parse()
                .map_err(internal)?,
        ),
        state: cases::parse_state(&r.try_get::<String, _>("state")?)?,
        text: r.try_get("text")?,
        happened_on: cases::parse_day(&r.try_get::<String, _>("happened_on")?)?,
        contact: r.try_get("contact")?,
        window: r.try_get("window_seen")?,
        received_at_ms: r.try_get("received_at")?,
        spam: r.try_get::<i64, _>("spam")? == 1,
        photos: (0..n as usize)
            .map(|i| PhotoLink {
                thumb: paths::complaint_photo(case, i, "thumb"),
                display: paths::complaint_photo(case, i, "display"),
            })
            .collect(),
    })
}

/// Every complaint, newest first, with its case's state and the complainant's contact.
#[utoipa::path(get, operation_id = "officeComplaints", path = "/api/v1/office/complaints", tag = "complaints",
    responses((status = 200, body = Vec<OfficeComplaint>), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<OfficeComplaint>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let names = UnitNames::load(&mut conn).await?;
    let rows = sqlx::query(&format!("{SELECT} ORDER BY c.received_at DESC, c.id"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(view(&mut conn, r, &names).await?);
    }
    Ok(Json(out))
}

/// Mark a complaint spam: its case is rejected with the reason (it was never released, so the
/// unit never saw it), the complaint is marked and kept, and both are events on the chain.
/// 409 once the case went to the unit.
#[utoipa::path(post, operation_id = "markComplaintSpam", path = "/api/v1/office/complaints/{id}/spam", tag = "complaints",
    params(("id" = String, Path, description = "the complaint's case id")), request_body = MarkSpam,
    responses((status = 200, body = OfficeComplaint), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn spam(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<OfficeComplaint>, ApiError> {
    // Which complaint first: a case that is none is 404 whatever the body.
    let case: CaseId = case.parse().map_err(|_| ApiError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let complaint: String =
        sqlx::query("SELECT complaint_id FROM complaint_cases WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ApiError::NotFound)?
            .try_get("complaint_id")?;
    let body: MarkSpam =
        serde_json::from_slice(&body).map_err(|_| ApiError::Refused(Refusal::MalformedBody))?;
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ComplaintRefusal::ReasonNeeded.into());
    }
    let record = cases::load(&mut tx, case)
        .await?
        .ok_or(ApiError::NotFound)?;
    if record.state.is_released() || record.released_on.is_some() {
        return Err(ComplaintRefusal::AlreadyReleased.into());
    }
    if record.state == CaseState::Submitted {
        let payload = StepPayload::Reject(CaseRejected {
            reason: reason.clone(),
        });
        let sets = vec![("reject_reason", Col::text(reason.clone()))];
        take_step(&mut tx, &record, Taken::office(me.user.id), sets, payload).await?;
    }
    sqlx::query("UPDATE complaints SET spam = 1, spam_reason = $1 WHERE id = $2")
        .bind(&reason)
        .bind(&complaint)
        .execute(&mut *tx)
        .await?;
    crate::audit::record(
        &mut tx,
        Some(me.user.id),
        &complaint,
        ComplaintMarkedSpam { reason },
    )
    .await?;
    let names = UnitNames::load(&mut tx).await?;
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1"))
        .bind(&complaint)
        .fetch_one(&mut *tx)
        .await?;
    let out = view(&mut tx, &row, &names).await?;
    tx.commit().await?;
    Ok(Json(out))
}

/// The `n`th photo of a complaint, display copy or thumbnail (re-encoded, no metadata).
#[utoipa::path(get, operation_id = "officeComplaintPhoto", path = "/api/v1/office/complaints/{id}/photos/{n}/{size}", tag = "complaints",
    params(("id" = String, Path, description = "the complaint's case id"), ("n" = usize, Path), ("size" = String, Path, description = "display or thumb")),
    responses((status = 200, content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub async fn photo(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path((case, n, size)): Path<(String, i64, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let sha: String = sqlx::query(
        "SELECT p.sha256 FROM complaint_photos p JOIN complaint_cases cc ON cc.complaint_id = p.complaint_id \
         WHERE cc.case_id = $1 AND p.position = $2",
    )
    .bind(&case)
    .bind(n)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(ApiError::NotFound)?
    .try_get("sha256")?;
    drop(conn);
    let key = match size.as_str() {
        "display" => display_key(&sha),
        "thumb" => thumb_key(&sha),
        _ => return Err(ApiError::NotFound),
    };
    let bytes = match state.blobs.get(&key).await {
        Ok(got) => got
            .bytes()
            .await
            .map_err(|e| ApiError::Internal(e.into()))?,
        Err(object_store::Error::NotFound { .. }) => return Err(ApiError::NotFound),
        Err(e) => return Err(ApiError::Internal(e.into())),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}
