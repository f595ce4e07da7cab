//! Spreadsheets (xlsx with CSV beside each): the registration form 《明查暗访登记表》 per monitor,
//! per unit and for the district, the summaries, the quota ledger and the self-inspection
//! registers. Being built (issue 6).

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
