//! Official documents as PDF (交办单, 整改通知书, 督办函, 通报), numbered per year, their SHA-256
//! on the audit chain, downloadable again byte-identical. Being built (issue 6).

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
