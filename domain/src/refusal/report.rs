//! Why an export was refused.

use crate::api::ErrorCode;
use crate::api::ReportKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum ReportRefusal {
    /// Reports cover the years `min` to `max`.
    #[error("the year {year} is not between {min} and {max}")]
    YearOutOfRange { year: i32, min: i32, max: i32 },
    /// The unit asked for is not in the directory.
    #[error("no such unit")]
    UnknownUnit,
    /// The monitor asked for is not a monitor's account.
    #[error("no such monitor")]
    UnknownMonitor,
    /// This report is not narrowed to a monitor or a unit (or not to both at once).
    #[error("the report {kind:?} does not take this narrowing")]
    NotNarrowable { kind: ReportKind },
    /// The caller (or the caller's unit) has `running` exports running already.
    #[error("{running} exports of yours are running; wait for them to finish")]
    AlreadyRunning { running: u32 },
    /// Every export slot open to the caller is in use; try again shortly.
    #[error("the server is busy with other exports")]
    Busy,
    /// The export has not finished (it is running, or it failed).
    #[error("the export has not finished")]
    NotFinished,
}

impl ReportRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            ReportRefusal::YearOutOfRange { .. }
            | ReportRefusal::UnknownUnit
            | ReportRefusal::UnknownMonitor
            | ReportRefusal::NotNarrowable { .. } => ErrorCode::Unprocessable,
            ReportRefusal::AlreadyRunning { .. }
            | ReportRefusal::Busy
            | ReportRefusal::NotFinished => ErrorCode::Conflict,
        }
    }
}
