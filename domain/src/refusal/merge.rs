//! Why a merge of one unit into another was refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum MergeRefusal {
    /// A merge states its ground in 1 to `max` characters.
    #[error("a merge needs its ground, 1 to {max} characters")]
    Reason { max: usize },
    #[error("the surviving unit is not in the directory")]
    NoSurvivor,
    /// The unit was already merged into another one (`unit` is its name).
    #[error("{unit} was already merged into another unit")]
    AlreadyMerged { unit: String },
    #[error("a unit cannot be merged into itself")]
    IntoItself,
    /// The surviving unit was itself merged: merge into `merged_into` instead.
    #[error("{survivor} was merged into {merged_into:?}; merge into that one")]
    SurvivorMerged {
        survivor: String,
        merged_into: Option<String>,
    },
    /// Top-level units merge only into top-level units, stations only into stations.
    #[error("a top-level unit merges only into a top-level unit, a station only into a station")]
    OtherLevel,
    /// The surviving unit is below the one merged.
    #[error("{survivor} is below {unit}; the merge would run backwards")]
    Backwards { survivor: String, unit: String },
}

impl MergeRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            MergeRefusal::AlreadyMerged { .. } => ErrorCode::Conflict,
            _ => ErrorCode::Unprocessable,
        }
    }
}
