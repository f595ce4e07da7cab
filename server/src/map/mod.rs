//! The office's map: visits and findings with the units' positions, and the tile source.
//! Being built (issue 6).

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
