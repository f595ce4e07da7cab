//! Photos as each role may fetch them. The office by hash; a unit only by its case and the
//! photo's place among those released (the hash of the monitor's original never reaches it),
//! and only the re-encoded copies, which carry no metadata. An answer's photos are served by
//! content when the answering account sent the bytes itself (`photo_uploads`), whoever sent
//! them first: listing a known hash proves nothing, sending the bytes does.
//! No validator or date headers: a file's modification time is the moment it arrived.

use super::unit::in_scope;
use super::views;
use crate::auth::extract::{MonitorUser, OfficeUser, UnitScope};
use crate::error::ApiError;
use crate::photos::{display_key, thumb_key};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chafang_domain::visit::is_sha256_hex;
use sqlx::Row;

async fn serve(state: &AppState, sha256: &str, size: &str) -> Result<Response, ApiError> {
    let key = match size {
        "display" => display_key(sha256),
        "thumb" => thumb_key(sha256),
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

/// A photo's display copy or thumbnail, for the office.
#[utoipa::path(get, path = "/api/v1/office/photos/{sha256}/{size}", tag = "findings",
    params(("sha256" = String, Path), ("size" = String, Path, description = "display or thumb")),
    responses((status = 200, content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub async fn office_photo(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path((sha256, size)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::NotFound);
    }
    let mut conn = state.db.pool.acquire().await?;
    if !crate::photos::has_arrived(&mut conn, &sha256).await? {
        return Err(ApiError::NotFound);
    }
    drop(conn);
    serve(&state, &sha256, &size).await
}

/// The `n`th photo released with one of the unit's findings.
#[utoipa::path(get, path = "/api/v1/unit/findings/{id}/photos/{n}/{size}", tag = "findings",
    params(("id" = String, Path), ("n" = usize, Path), ("size" = String, Path, description = "display or thumb")),
    responses((status = 200, content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub async fn unit_case_photo(
    State(state): State<AppState>,
    scope: UnitScope,
    Path((id, n, size)): Path<(String, usize, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let case = in_scope(&mut conn, &scope, &id).await?;
    let shas = views::chosen_photos(&mut conn, case.id).await?;
    drop(conn);
    let sha = shas.get(n).ok_or(ApiError::NotFound)?;
    serve(&state, sha, &size).await
}

/// The case an answer belongs to, and the `n`th of its evidence photos whose bytes the
/// answering account sent (other accounts may have sent them first), if any.
async fn answer_photo(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    n: usize,
) -> Result<(String, Option<String>), ApiError> {
    let answer: chafang_domain::AnswerId = id.parse().map_err(|_| ApiError::NotFound)?;
    let case_id: String = sqlx::query("SELECT case_id FROM answers WHERE id = $1")
        .bind(answer.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(ApiError::NotFound)?
        .try_get("case_id")?;
    let sha: Option<String> = sqlx::query(
        "SELECT ap.sha256 FROM answer_photos ap JOIN answers a ON a.id = ap.answer_id \
         JOIN photo_uploads pu ON pu.sha256 = ap.sha256 AND pu.uploaded_by = a.submitted_by \
         WHERE ap.answer_id = $1 ORDER BY ap.position LIMIT 1 OFFSET $2",
    )
    .bind(answer.to_string())
    .bind(i64::try_from(n).map_err(|_| ApiError::NotFound)?)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get("sha256"))
    .transpose()?;
    Ok((case_id, sha))
}

/// The `n`th evidence photo of one of the unit's answers.
#[utoipa::path(get, path = "/api/v1/unit/answers/{id}/photos/{n}/{size}", tag = "findings",
    params(("id" = String, Path), ("n" = usize, Path), ("size" = String, Path, description = "display or thumb")),
    responses((status = 200, content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub async fn unit_answer_photo(
    State(state): State<AppState>,
    scope: UnitScope,
    Path((id, n, size)): Path<(String, usize, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (case_id, sha) = answer_photo(&mut conn, &id, n).await?;
    in_scope(&mut conn, &scope, &case_id).await?;
    drop(conn);
    serve(&state, &sha.ok_or(ApiError::NotFound)?, &size).await
}

/// A photo of one of the monitor's own visits, by hash: once a visit is confirmed the phone
/// lets its bytes go, and the visit's page shows the server's re-encoded copy instead. Only a
/// photo that one of this monitor's visits lists is served (another monitor's hash is a 404,
/// as an unknown one is).
#[utoipa::path(get, path = "/api/v1/monitor/photos/{sha256}/{size}", tag = "findings",
    params(("sha256" = String, Path), ("size" = String, Path, description = "display or thumb")),
    responses((status = 200, content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub async fn monitor_own_photo(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
    Path((sha256, size)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::NotFound);
    }
    let mut conn = state.db.pool.acquire().await?;
    let listed = sqlx::query(
        "SELECT 1 AS one FROM visit_photos p JOIN visits v ON v.id = p.visit_id \
         WHERE p.sha256 = $1 AND v.monitor_id = $2 LIMIT 1",
    )
    .bind(&sha256)
    .bind(me.user.id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    if !listed || !crate::photos::has_arrived(&mut conn, &sha256).await? {
        return Err(ApiError::NotFound);
    }
    drop(conn);
    serve(&state, &sha256, &size).await
}

/// The `n`th evidence photo of an answer to a finding the monitor reported: the reporter sees
/// what the unit says it did (a re-encoded copy, like every photo served).
#[utoipa::path(get, path = "/api/v1/monitor/answers/{id}/photos/{n}/{size}", tag = "findings",
    params(("id" = String, Path), ("n" = usize, Path), ("size" = String, Path, description = "display or thumb")),
    responses((status = 200, content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub async fn monitor_answer_photo(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
    Path((id, n, size)): Path<(String, usize, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (case_id, sha) = answer_photo(&mut conn, &id, n).await?;
    let case: chafang_domain::CaseId = case_id.parse().map_err(|_| ApiError::NotFound)?;
    if !super::intake::reported_by(&mut conn, case, me.user.id).await? {
        return Err(ApiError::NotFound);
    }
    drop(conn);
    serve(&state, &sha.ok_or(ApiError::NotFound)?, &size).await
}
