//! Findings after the phone: the follow-up loop from the office's review to the unit's answer
//! and the office's verdict, back to the reporting monitor. The rules (states, who may take
//! each step, deadlines) are `chafang_domain::followup`; this module stores and serves them.
//!
//! - `store`: case rows and `take_step`, the one way a case changes (checked, guarded, logged).
//! - `intake`: cases opened from submitted visits; corrections and look-back visits.
//! - `views`: each role's view; the unit's has no reporter field to fill.
//! - `office`, `unit`, `monitor`: each role's routes. `media`: photos per role.
//! - `dashboard`: the office's counts, deadlines and the chain head, counted from `tally`,
//!   the running count of cases kept by `intake` and `take_step`.

pub mod dashboard;
pub mod intake;
pub mod media;
pub mod monitor;
pub mod office;
pub mod store;
pub mod tally;
pub mod unit;
pub mod views;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office::list))
        .routes(routes!(office::detail))
        .routes(routes!(office::step))
        .routes(routes!(office::release))
        .routes(routes!(office::urge))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(media::office_photo))
        .routes(routes!(unit::list))
        .routes(routes!(unit::detail))
        .routes(routes!(unit::step))
        .routes(routes!(media::unit_case_photo))
        .routes(routes!(media::unit_answer_photo))
        .routes(routes!(media::monitor_answer_photo))
        .routes(routes!(media::monitor_own_photo))
        .routes(routes!(monitor::list))
        .routes(routes!(monitor::rate))
}
