//! Why an item of a unit's self-inspection register was refused.

use crate::api::ErrorCode;
use crate::selfcheck::RegisterError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum RegisterRefusal {
    /// The item or its correction breaks a rule (`selfcheck::check_item`, `check_correction`).
    #[error(transparent)]
    Invalid(RegisterError),
    /// The item's id was already used for other content; the original is kept.
    #[error("this item id was already used for other content")]
    ItemIdTaken,
    #[error("this revision id was already used for other content")]
    RevisionIdTaken,
    /// The register has items: it cannot also say nothing was found.
    #[error("the register already has items")]
    HasItems { items: usize },
    /// The note of "nothing found" has at most `max` characters.
    #[error("the note has at most {max} characters")]
    NoteTooLong { max: usize },
}

impl RegisterRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            RegisterRefusal::Invalid(_) | RegisterRefusal::NoteTooLong { .. } => {
                ErrorCode::Unprocessable
            }
            RegisterRefusal::ItemIdTaken
            | RegisterRefusal::RevisionIdTaken
            | RegisterRefusal::HasItems { .. } => ErrorCode::Conflict,
        }
    }
}

impl From<RegisterError> for RegisterRefusal {
    fn from(e: RegisterError) -> Self {
        RegisterRefusal::Invalid(e)
    }
}
