//! The year-end appraisal (综合测评): survey part, inspection part, total, rank, and the
//! published ranking checked against the audit log. Being built (issue 6).

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
