//! Why a public commitment was refused.

use crate::api::ErrorCode;
use crate::selfcheck::RegisterError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CommitmentRefusal {
    /// The content breaks a rule (`selfcheck::check_commitment`).
    #[error(transparent)]
    Invalid(RegisterError),
    #[error("no such unit")]
    NoSuchUnit,
    #[error("the commitment was withdrawn")]
    Withdrawn,
    /// A withdrawal states its reason in 1 to `max` characters.
    #[error("a withdrawal needs its reason, at most {max} characters")]
    Reason { max: usize },
}

impl CommitmentRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            CommitmentRefusal::Withdrawn => ErrorCode::Conflict,
            CommitmentRefusal::Invalid(_)
            | CommitmentRefusal::NoSuchUnit
            | CommitmentRefusal::Reason { .. } => ErrorCode::Unprocessable,
        }
    }
}
