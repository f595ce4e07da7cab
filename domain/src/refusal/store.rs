//! A write the database refused by one of its constraints: the client's doing (a duplicate,
//! a dangling reference), where no more particular reason was checked before.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StoreRefusal {
    #[error("a record with this identity already exists")]
    Duplicate,
    #[error("refers to a record that does not exist")]
    Dangling,
    #[error("the record breaks a rule of the store")]
    Constraint,
}

impl StoreRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreRefusal::Duplicate => ErrorCode::Conflict,
            StoreRefusal::Dangling | StoreRefusal::Constraint => ErrorCode::Unprocessable,
        }
    }
}
