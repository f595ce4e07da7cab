//! The wire types of a campaign year's working calendar: the public holidays and the weekend
//! days worked instead (调休) the office enters from the State Council's notice, which every
//! working-day deadline, reminder and pace line counts with (`calendar::WorkCalendar`).

use crate::calendar::DayKind;
use crate::followup::DeadlineKind;
use crate::ids::CaseId;
use serde::{Deserialize, Serialize};
use time::Date;

/// One exception to the plain week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    pub kind: DayKind,
}

/// A year's calendar as entered; `revision` 0 and no days before the office enters one
/// (Monday to Friday are the working days then).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkCalendarView {
    pub year: i32,
    pub revision: i64,
    pub days: Vec<CalendarDay>,
    /// The text it was entered with, to edit it again.
    pub text: String,
}

/// `PUT` a year's whole calendar: a small CSV (`date,kind`) or the lines of the notice pasted
/// (`2026-10-01 休`, `2026-10-11 班`); see `calendar::parse_year`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetWorkCalendar {
    pub text: String,
}

/// A running deadline the new calendar moved, with its old and new day (both on the chain).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovedDeadline {
    pub case: CaseId,
    pub kind: DeadlineKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: Date,
}

/// The calendar as saved and the deadlines it moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkCalendarSaved {
    pub calendar: WorkCalendarView,
    pub moved: Vec<MovedDeadline>,
}
