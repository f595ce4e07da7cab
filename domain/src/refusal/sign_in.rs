//! Why a sign-in was refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum SignInRefusal {
    /// Too many attempts; `retry_after_s` is when the next one is counted.
    #[error("too many sign-in attempts; try again in {retry_after_s} s")]
    TooManyAttempts { retry_after_s: u64 },
}

impl SignInRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            SignInRefusal::TooManyAttempts { .. } => ErrorCode::RateLimited,
        }
    }
}
