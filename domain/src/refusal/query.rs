//! Why the query of a list was refused: its paging or its filter.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum QueryRefusal {
    /// `limit` is a whole number from 1 to `max`.
    #[error("limit must be a whole number from 1 to {max}")]
    Limit { max: u32 },
    /// `before=` comes only with `limit=`.
    #[error("before= needs limit=")]
    BeforeWithoutLimit,
    /// `before=` is not a cursor this list handed out.
    #[error("before= is not a cursor this list handed out")]
    Cursor,
    /// The `format` of a download is not one it comes in (xlsx or csv).
    #[error("no format {given:?}: xlsx or csv")]
    Format { given: String },
    /// The `state` filter names no state of a finding.
    #[error("no state {state:?}")]
    UnknownState { state: String },
}

impl QueryRefusal {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::BadRequest
    }
}
