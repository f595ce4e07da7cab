//! The public's complaints (投诉举报). A person without an account files a complaint about a
//! unit from the public page (`public`), after solving a small proof of work and within
//! limits kept in the database (`limits`); it opens a case in the office's inbox like a
//! monitor's finding (`store`), which the office reviews, marks spam or releases (`office`),
//! and the unit then sees as any other case (`UnitCase`: nothing of the complainant, the
//! receipt code or the time it was filed). The complainant follows the steps by receipt code.
//! `poster` prints a unit's A4 QR poster for its service hall.

pub mod limits;
pub mod office;
pub mod poster;
pub mod public;
pub mod store;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public::challenge))
        .routes(routes!(public::submit))
        .routes(routes!(public::units))
        .routes(routes!(public::photo))
        .routes(routes!(public::progress))
        .routes(routes!(office::list))
        .routes(routes!(office::spam))
        .routes(routes!(office::photo))
        .routes(routes!(poster::poster))
}
