//! Why an enrolment code or its use was refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum EnrolRefusal {
    /// A code is valid for `min` to `max` hours.
    #[error("a code is valid for {min} to {max} hours")]
    ValidHours { min: u32, max: u32 },
    /// The request does not say which host it was sent to, so no link can be made.
    #[error("the request does not say which host it was sent to")]
    NoHost,
    #[error("a code and a password are required")]
    CodeAndPassword,
    /// A password has `min_chars` characters at least and `max_bytes` bytes at most.
    #[error("a password has {min_chars} characters at least and {max_bytes} bytes at most")]
    WeakPassword { min_chars: usize, max_bytes: usize },
}

impl EnrolRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            EnrolRefusal::NoHost | EnrolRefusal::CodeAndPassword => ErrorCode::BadRequest,
            EnrolRefusal::ValidHours { .. } | EnrolRefusal::WeakPassword { .. } => {
                ErrorCode::Unprocessable
            }
        }
    }
}
