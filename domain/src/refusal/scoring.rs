//! Why the year-end appraisal's settings or entries were refused.

use crate::api::ErrorCode;
use crate::scoring::ScoringError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum ScoringRefusal {
    /// The settings or a survey entry break a rule (`ScoringSettings::check`,
    /// `SurveyCounts::check`).
    #[error(transparent)]
    Invalid(ScoringError),
    /// The unit takes no part in this year's appraisal (it must be a key unit or above one).
    #[error("the unit takes no part in this year's appraisal")]
    NotAppraised { year: i32 },
    /// A note has at most `max` characters.
    #[error("a note has at most {max} characters")]
    NoteTooLong { max: usize },
    /// An override of the inspection part states its reason in 1 to `max` characters.
    #[error("an override needs its reason, at most {max} characters")]
    OverrideReason { max: usize },
    /// The inspection part is 0 to `max_cp` hundredths of a point.
    #[error("the inspection part is 0 to {max_cp} hundredths of a point")]
    InspectionPoints { max_cp: i64 },
    /// No unit takes part in the year's appraisal.
    #[error("no unit takes part in the appraisal")]
    NothingToRank,
    /// These units have no survey results yet, so the ranking cannot be published.
    #[error("units without survey results: {units:?}")]
    MissingSurveys { units: Vec<String> },
}

impl ScoringRefusal {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Unprocessable
    }
}

impl From<ScoringError> for ScoringRefusal {
    fn from(e: ScoringError) -> Self {
        ScoringRefusal::Invalid(e)
    }
}
