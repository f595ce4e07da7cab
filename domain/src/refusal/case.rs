//! Why a unit's step on a finding (an answer, a completion report) was refused.

use crate::api::ErrorCode;
use crate::followup::AnswerError;
use serde::{Deserialize, Serialize};

/// What is wrong with an answer, as `followup::check_answer` finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerProblem {
    EmptyText,
    TooLong,
    NeedsDate,
    NeedsMilestones,
    Misplaced,
}

impl From<AnswerError> for AnswerProblem {
    fn from(e: AnswerError) -> Self {
        match e {
            AnswerError::EmptyText => AnswerProblem::EmptyText,
            AnswerError::TooLong => AnswerProblem::TooLong,
            AnswerError::NeedsDate => AnswerProblem::NeedsDate,
            AnswerError::NeedsMilestones => AnswerProblem::NeedsMilestones,
            AnswerError::Misplaced => AnswerProblem::Misplaced,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CaseRefusal {
    /// The answer breaks a rule of its kind (`max_text` characters of text at most).
    #[error("the answer is not acceptable: {problem:?}")]
    Answer {
        problem: AnswerProblem,
        max_text: u32,
        max_milestones: u32,
    },
    /// The completion report needs text, at most `max_text` characters.
    #[error("the report needs text, at most {max_text} characters")]
    ReportText { max_text: u32 },
    /// More than `max` photos.
    #[error("at most {max} photos")]
    TooManyPhotos { max: u32 },
    /// The photo at `index` (from 0) is malformed, too large or listed twice.
    #[error("photo {index} is malformed, too large or listed twice")]
    BadPhoto { index: u32 },
    /// The answer's id was already used for other content.
    #[error("this answer id was already used for other content")]
    AnswerIdReused,
}

impl CaseRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            CaseRefusal::AnswerIdReused => ErrorCode::Conflict,
            _ => ErrorCode::Unprocessable,
        }
    }
}
