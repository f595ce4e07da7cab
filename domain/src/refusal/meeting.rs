//! Why a report meeting, its codes or a ballot were refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum MeetingRefusal {
    /// A meeting is held by 31 October of its year (`last_day`).
    #[error("a report meeting is held by {last_day}")]
    AfterOctober { last_day: String },
    #[error("the day is not a date (YYYY-MM-DD)")]
    BadDay,
    /// The unit is not one of the year's key units (or not a top-level unit).
    #[error("the unit is not a key unit of the year")]
    NotKeyUnit,
    #[error("at least {min} service-recipient representatives are expected")]
    TooFewRecipients { min: u32 },
    #[error("at least {min} monitors are expected")]
    TooFewMonitors { min: u32 },
    #[error("at most {max} raters of a kind")]
    TooManyRaters { max: u32 },
    #[error("the place has 1 to {max} characters")]
    Place { max: usize },
    /// The meeting is closed: nothing more is issued or cast.
    #[error("the meeting is closed")]
    Closed,
    #[error("the request does not say which host it was sent to")]
    NoHost,
    #[error("the weight is 0 to 100 per cent")]
    Weight,
    /// No code like this was issued.
    #[error("no such ballot code")]
    UnknownCode,
    /// The code's ballot was cast already.
    #[error("the code was used")]
    UsedCode,
    /// The meeting's day is over.
    #[error("the code has expired")]
    ExpiredCode,
    #[error("the rating is not one of the meeting's levels")]
    Level,
    #[error("a criterion is not the meeting's, is rated twice, or its rating is not a level")]
    Criterion,
    #[error("a comment has at most {max} characters")]
    Comment { max: usize },
}

impl MeetingRefusal {
    pub fn code(&self) -> ErrorCode {
        use MeetingRefusal as R;
        match self {
            R::BadDay | R::NoHost => ErrorCode::BadRequest,
            R::UnknownCode => ErrorCode::NotFound,
            R::UsedCode | R::ExpiredCode | R::Closed => ErrorCode::Conflict,
            R::AfterOctober { .. }
            | R::NotKeyUnit
            | R::TooFewRecipients { .. }
            | R::TooFewMonitors { .. }
            | R::TooManyRaters { .. }
            | R::Place { .. }
            | R::Weight
            | R::Level
            | R::Criterion
            | R::Comment { .. } => ErrorCode::Unprocessable,
        }
    }
}
