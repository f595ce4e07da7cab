//! Why an official document (notice, reminder, bulletin) could not be issued.

use crate::api::{DocumentKind, ErrorCode};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum DocumentRefusal {
    /// The deadline is before today; give a later one.
    #[error("the deadline {deadline} is before today ({today})")]
    DeadlinePast {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        deadline: Date,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        today: Date,
    },
    /// A notice or a reminder names a finding.
    #[error("a {kind:?} needs a finding")]
    NeedsFinding { kind: DocumentKind },
    /// The finding has not been handed to its unit.
    #[error("the finding has not been handed to its unit")]
    NotReleased,
    /// The finding has no deadline yet; give one for the notice.
    #[error("the finding has no deadline yet")]
    NoDeadline,
    /// Nothing is overdue on the finding, so there is nothing to press.
    #[error("nothing is overdue on this finding")]
    NothingOverdue,
    /// The year's ranking has not been published.
    #[error("the {year} ranking has not been published")]
    NotPublished { year: i32 },
    /// The server lacks the CJK fonts documents are set in (`wanted`: the files looked for);
    /// the operator installs them.
    #[error("no CJK font for official documents: looked for {wanted}")]
    NoFont { wanted: String },
    /// The `case` of a query is not a finding's id.
    #[error("not a finding's id")]
    BadCaseId,
    /// A 问责通知 is issued by recording the ladder's step, not on its own.
    #[error("issued by recording the ladder's step")]
    ThroughLadder,
}

impl DocumentRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            DocumentRefusal::BadCaseId => ErrorCode::BadRequest,
            DocumentRefusal::DeadlinePast { .. }
            | DocumentRefusal::NeedsFinding { .. }
            | DocumentRefusal::NoDeadline
            | DocumentRefusal::ThroughLadder => ErrorCode::Unprocessable,
            DocumentRefusal::NotReleased
            | DocumentRefusal::NothingOverdue
            | DocumentRefusal::NotPublished { .. }
            | DocumentRefusal::NoFont { .. } => ErrorCode::Conflict,
        }
    }
}
