//! Input outside the bounds the system accepts: every text has a length limit, every date and
//! number a range, every spreadsheet and image a size, checked at the edge before any work.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

/// A text field with a length limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    MilestoneText,
}

/// Why an input is out of bounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum InputRefusal {
    #[error("{field:?} is longer than {max} characters")]
    TextTooLong { field: TextField, max: usize },
}

impl InputRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            InputRefusal::TextTooLong { .. } => ErrorCode::Unprocessable,
        }
    }
}
