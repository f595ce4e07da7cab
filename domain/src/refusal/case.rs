//! Why a step of the follow-up loop on a finding was refused: the step itself, the unit's
//! answer, or what the office gave with it.

use crate::api::ErrorCode;
use crate::followup::{AnswerError, StepError};
use crate::ids::CaseId;
use serde::{Deserialize, Serialize};

/// A text the office writes on a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseText {
    /// The finding's wording for the unit.
    Wording,
    /// The reason for rejecting, returning or reopening.
    Reason,
    /// A note.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CaseRefusal {
    /// The step is not for this actor or not possible in the finding's state.
    #[error(transparent)]
    Step(StepError),
    /// The unit's answer breaks a rule of its kind.
    #[error(transparent)]
    Answer(AnswerError),
    #[error("{field:?} is empty")]
    EmptyText { field: CaseText },
    #[error("{field:?} is longer than {max} characters")]
    TextTooLong { field: CaseText, max: usize },
    /// A photo named for the unit that is not one of the finding's.
    #[error("a photo is not one of this finding's")]
    PhotoNotOfCase,
    /// The unit to route the finding to is not in the directory.
    #[error("no such unit")]
    NoSuchUnit,
    /// The finding to merge into does not exist.
    #[error("no such finding to merge into")]
    NoMergeTarget,
    /// The finding to merge into is this one, or closed.
    #[error("merge into another finding that is still open")]
    MergeTargetClosed,
    /// The finding to merge into is already with the unit: release this one on its own or
    /// reject it as a repeat.
    #[error("the finding to merge into is already with the unit")]
    MergeTargetReleased,
    /// There is no answer of the unit waiting to be judged.
    #[error("there is no answer to judge")]
    NothingToJudge,
    /// Deadlines are 1 to `max` working days.
    #[error("a deadline is 1 to {max} working days")]
    DeadlineDays { max: u32 },
    /// A release names 1 to `max` findings.
    #[error("release 1 to {max} findings at a time")]
    ReleaseCount { max: usize },
    /// A finding to release does not exist.
    #[error("no finding {case}")]
    NoSuchFinding { case: CaseId },
    /// A covert visit's finding is released only deliberately (`release_covert`).
    #[error("a covert visit's finding is released only deliberately")]
    CovertNeedsConsent { case: CaseId },
    /// A finding from a complaint is released only once the office filed it under one of the
    /// year's criteria.
    #[error("finding {case} needs a criterion before release")]
    CriterionNeeded { case: CaseId },
    /// A reminder (催办) goes only to a unit that has the next step on the finding.
    #[error("finding {case} is not waiting for its unit")]
    NothingToUrge { case: CaseId },
    /// The criterion chosen is not one of the unit's set for the year.
    #[error("not a criterion of this unit's set")]
    UnknownCriterion,
    /// The finding changed while the step was taken; reload it.
    #[error("the finding changed meanwhile; reload it")]
    ChangedMeanwhile,
    /// The unit's completion report needs text, at most `max_text` characters.
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
            CaseRefusal::Step(_)
            | CaseRefusal::MergeTargetReleased
            | CaseRefusal::NothingToJudge
            | CaseRefusal::ChangedMeanwhile
            | CaseRefusal::AnswerIdReused => ErrorCode::Conflict,
            CaseRefusal::Answer(_)
            | CaseRefusal::EmptyText { .. }
            | CaseRefusal::TextTooLong { .. }
            | CaseRefusal::PhotoNotOfCase
            | CaseRefusal::NoSuchUnit
            | CaseRefusal::NoMergeTarget
            | CaseRefusal::MergeTargetClosed
            | CaseRefusal::DeadlineDays { .. }
            | CaseRefusal::ReleaseCount { .. }
            | CaseRefusal::NoSuchFinding { .. }
            | CaseRefusal::CovertNeedsConsent { .. }
            | CaseRefusal::CriterionNeeded { .. }
            | CaseRefusal::NothingToUrge { .. }
            | CaseRefusal::UnknownCriterion
            | CaseRefusal::ReportText { .. }
            | CaseRefusal::TooManyPhotos { .. }
            | CaseRefusal::BadPhoto { .. } => ErrorCode::Unprocessable,
        }
    }
}

impl From<StepError> for CaseRefusal {
    fn from(e: StepError) -> Self {
        CaseRefusal::Step(e)
    }
}

impl From<AnswerError> for CaseRefusal {
    fn from(e: AnswerError) -> Self {
        CaseRefusal::Answer(e)
    }
}
