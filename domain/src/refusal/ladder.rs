//! Why a step of the repeat-offence ladder was refused.

use crate::api::ErrorCode;
use crate::ladder::{LadderStep, PersonProblem, RuleProblem};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum LadderRefusal {
    /// The rule breaks a check (`ladder::LadderRule::check`).
    #[error(transparent)]
    Rule(RuleProblem),
    /// A person's record breaks a check (`ladder::check_person`).
    #[error(transparent)]
    Person(PersonProblem),
    /// A note is at most `max` characters.
    #[error("a note is at most {max} characters")]
    Note { max: usize },
    /// Only a finding handed to its unit (released, or further) is verified.
    #[error("the finding has not been released to its unit")]
    NotReleased,
    #[error("no such person")]
    NoSuchPerson,
    /// The person is not of the finding's unit or a unit under it.
    #[error("the person is not of the finding's unit")]
    OtherUnit,
    /// The rule does not count the people of this unit's kind.
    #[error("the ladder does not apply to this unit")]
    NotApplicable,
    /// Only the step the ladder calls for now, while pending, is recorded.
    #[error("the ladder calls for {called_for:?} now")]
    NotCalledFor { called_for: Option<LadderStep> },
}

impl LadderRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            LadderRefusal::NotReleased | LadderRefusal::NotCalledFor { .. } => ErrorCode::Conflict,
            LadderRefusal::Rule(_)
            | LadderRefusal::Person(_)
            | LadderRefusal::Note { .. }
            | LadderRefusal::NoSuchPerson
            | LadderRefusal::OtherUnit
            | LadderRefusal::NotApplicable => ErrorCode::Unprocessable,
        }
    }
}
