//! One module per page, in a folder per role: `public/` (before any sign-in), `monitor/`,
//! `office/` and `unit/` (staff bundle). The role gate sits on each role's route group
//! (`app.rs`), not in the pages.

pub mod citizen;
pub mod monitor;
#[cfg(feature = "staff")]
pub mod office;
pub mod public;
#[cfg(feature = "staff")]
pub mod unit;
