//! Why a year's working calendar (holidays and 调休 working days) was refused. Each names the
//! line of the entered text (from 1), which the app words.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CalendarRefusal {
    /// A line is not a date and a kind.
    #[error("line {line} is not a date and a kind")]
    BadLine { line: u32 },
    /// A line's date is not a date.
    #[error("line {line}: not a date")]
    BadDate { line: u32 },
    /// A line's kind is neither a holiday (休) nor a working day (班).
    #[error("line {line}: the kind is neither holiday nor workday")]
    BadKind { line: u32 },
    /// A line's day is not in the year being entered.
    #[error("line {line}: the day is not in {year}")]
    OtherYear { line: u32, year: i32 },
    /// A 调休 working day must fall on a weekend.
    #[error("line {line}: a working day listed on a weekday")]
    WorkdayOnWeekday { line: u32 },
    /// A day listed both as a holiday and as a working day.
    #[error("line {line}: the day is listed both as a holiday and as a working day")]
    Both { line: u32 },
    /// At most `max` lines.
    #[error("at most {max} lines")]
    TooLong { max: u32 },
}

impl CalendarRefusal {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Unprocessable
    }
}
