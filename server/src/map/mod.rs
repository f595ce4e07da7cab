//! The office's map: visits where the phones recorded them (open and covert), findings at their
//! visit's position or else their unit's, and the units' registered positions, filtered by
//! year, stage, status, criterion and monitor (`points.rs`); and the base map's tile source,
//! which the office sets with an event on the audit chain (`tiles.rs`). Office only: covert
//! visits and where monitors were are never shown to a unit. The filters run in the database
//! (`filter.rs`) and past `MAP_POINT_LIMIT` points the database gathers them on a grid
//! (`grid.rs`), so the answer stays small at a district's million visits. The grid's counts
//! come from a running count by fine cell (`tally.rs`) for the filters it keeps (a year, a
//! state, a criterion), so the map reads tens of thousands of rows instead of every visit.

mod filter;
mod grid;
mod points;
pub mod tally;
mod tiles;

pub use points::answer;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(points::office_map))
        .routes(routes!(tiles::get_tiles, tiles::put_tiles))
}
