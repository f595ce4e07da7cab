//! Why an account was refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum UserRefusal {
    /// A user name is `min` to `max` ASCII letters, digits, '.', '_' or '-'.
    #[error("a user name is {min}–{max} letters, digits, '.', '_' or '-'")]
    BadUsername { min: usize, max: usize },
    /// The user name is taken by another account.
    #[error("the user name {username} already exists")]
    UsernameTaken { username: String },
    #[error("a display name is required")]
    NoDisplayName,
    /// Unit accounts, and only they, belong to a unit.
    #[error("unit accounts, and only they, belong to a unit")]
    UnitMismatch,
}

impl UserRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            UserRefusal::UsernameTaken { .. } => ErrorCode::Conflict,
            UserRefusal::BadUsername { .. }
            | UserRefusal::NoDisplayName
            | UserRefusal::UnitMismatch => ErrorCode::Unprocessable,
        }
    }
}
