//! Liveness and readiness: answers when the database answers.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chafang_domain::api::Health;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
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
