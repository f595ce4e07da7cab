//! Why a spreadsheet report was refused.

use crate::api::{ErrorCode, ReportKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum ReportRefusal {
    /// The year is outside `min` to `max`.
    #[error("the year {year} is not between {min} and {max}")]
    Year { year: i32, min: i32, max: i32 },
    #[error("no such unit")]
    NoSuchUnit,
    #[error("no such monitor")]
    NoSuchMonitor,
    /// This report cannot be narrowed to a monitor or a unit.
    #[error("the report {kind:?} cannot be filtered by monitor or unit")]
    NoFilter { kind: ReportKind },
    /// The export has not finished.
    #[error("the export has not finished")]
    NotReady,
}

impl ReportRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            ReportRefusal::NotReady => ErrorCode::Conflict,
            _ => ErrorCode::Unprocessable,
        }
    }
}
