//! Health: `/api/v1/health` (the server and its database answer), liveness `/health/live` (the
//! process answers, nothing else checked: a service manager restarts it when this fails) and
//! readiness `/health/ready` (the database, the blob store and the documents' CJK fonts all
//! answer: a load balancer sends requests only while this passes). Readiness answers 503 with
//! the checks that failed, typed (`Readiness`), and never a setting or an error's text.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{Health, Liveness, Readiness, ReadinessCheck};
use object_store::path::Path as BlobPath;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(live))
        .routes(routes!(ready))
}

/// Whether the server and its database are up.
#[utoipa::path(get, path = "/api/v1/health", tag = "health", responses((status = 200, body = Health)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.db.engine.as_str().into(),
    }))
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/health/live", tag = "health", operation_id = "healthLive",
    responses((status = 200, body = Liveness)))]
async fn live() -> Json<Liveness> {
    Json(Liveness {
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Readiness: the database, the blob store and the fonts.
#[utoipa::path(get, path = "/health/ready", tag = "health", operation_id = "healthReady",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness, description = "a check failed")))]
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let photos = database(&state).await;
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    let mut note = |check, ok: bool| {
        if ok {
            passed.push(check)
        } else {
            failed.push(check)
        }
    };
    note(ReadinessCheck::Database, photos.is_some());
    note(ReadinessCheck::BlobStore, blob_store(&state, photos).await);
    note(ReadinessCheck::Fonts, fonts(&state).await);
    let ready = failed.is_empty();
    if !ready {
        tracing::warn!("not ready: {failed:?} failed");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            ready,
            passed,
            failed,
        }),
    )
}

/// The number of photos the database holds, when it answers.
async fn database(state: &AppState) -> Option<i64> {
    use sqlx::Row;
    let row = sqlx::query("SELECT COUNT(*) FROM photos")
        .fetch_one(&state.db.pool)
        .await
        .map_err(|e| tracing::warn!("readiness: the database: {e}"))
        .ok()?;
    row.try_get::<i64, _>(0).ok()
}

/// The store lists its photos, and lists some when the database says it holds some (a store
/// that is reachable but empty, as an unmounted directory or a wrong bucket is, fails).
async fn blob_store(state: &AppState, photos: Option<i64>) -> bool {
    let prefix = BlobPath::from("photos");
    match state.blobs.list_with_delimiter(Some(&prefix)).await {
        Ok(listed) => {
            let empty = listed.common_prefixes.is_empty() && listed.objects.is_empty();
            !(empty && photos.unwrap_or(0) > 0)
        }
        Err(e) => {
            tracing::warn!("readiness: the blob store: {e}");
            false
        }
    }
}

/// The documents' fonts are found (read once, then cached).
async fn fonts(state: &AppState) -> bool {
    let dirs = state.documents.font_dirs.clone();
    tokio::task::spawn_blocking(move || crate::documents::fonts::load(&dirs).is_ok())
        .await
        .unwrap_or(false)
}
