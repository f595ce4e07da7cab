//! Why a visit the phone uploaded was refused. Only what the monitor can put right is refused;
//! evidence the monitor cannot fix is stored and flagged for the office instead.

use crate::api::ErrorCode;
use crate::visit::VisitError;
use crate::VisitId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum VisitRefusal {
    /// The upload breaks a rule of its own shape (`VisitUpload::check`).
    #[error(transparent)]
    Invalid(VisitError),
    // The visit's id was already used for other content; the original is kept.
    #[error("this visit id was already used for other content; the original is kept")]
    IdTaken,
    /// The visit it corrects already has a correction: a correction supersedes the latest
    /// revision.
    #[error("visit {existing} already corrects this visit; correct that one instead")]
    AlreadyCorrected { existing: VisitId },
}

impl VisitRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            VisitRefusal::Invalid(_) => ErrorCode::Unprocessable,
            VisitRefusal::IdTaken => ErrorCode::Conflict,
            VisitRefusal::AlreadyCorrected { .. } => ErrorCode::Conflict,
        }
    }
}
