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
    /// The server is checking as many passwords as it can at once; try again shortly.
    #[error("the server is busy checking passwords; try again in {retry_after_s} s")]
    Busy { retry_after_s: u64 },
    /// The user name or the password is empty.
    #[error("user name and password are required")]
    MissingCredentials,
}

impl SignInRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            SignInRefusal::TooManyAttempts { .. } | SignInRefusal::Busy { .. } => {
                ErrorCode::RateLimited
            }
            SignInRefusal::MissingCredentials => ErrorCode::BadRequest,
        }
    }

    /// The seconds a `Retry-After` header gives, for a refusal that passes with time.
    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            SignInRefusal::TooManyAttempts { retry_after_s }
            | SignInRefusal::Busy { retry_after_s } => Some(*retry_after_s),
            SignInRefusal::MissingCredentials => None,
        }
    }
}
