//! The repeat-offence ladder's wire types (`crate::ladder`): the people the office recorded
//! as responsible, the problems verified against them, the steps taken, and the rule.
//! Everything here is about the unit's own staff and the office's acts; nothing names who
//! reported a problem, and a problem is named by its random case id and its number.

use crate::ids::CaseId;
use crate::ladder::{LadderRule, LadderStep, Standing};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::UnitRef;

/// A person the office recorded as responsible for a problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LadderPerson {
    pub id: Uuid,
    pub unit: UnitRef,
    pub name: String,
    /// 工号, empty when unknown.
    pub staff_no: String,
    /// 窗口 / 岗位, empty when unknown.
    pub post: String,
}

/// Who a verified problem is held against: a person already recorded, or a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "pick", rename_all = "snake_case")]
pub enum PersonPick {
    Existing {
        id: Uuid,
    },
    /// A new person of the finding's unit or a unit under it. A person of that unit with the
    /// same staff number (or, without one, the same name) is taken instead of a second record.
    New {
        unit_id: crate::UnitId,
        name: String,
        #[serde(default)]
        staff_no: String,
        #[serde(default)]
        post: String,
    },
}

/// `POST` the office's verification (查实) of a released finding against a person. Made
/// again, it is a correction: a new revision, the earlier kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyFinding {
    pub person: PersonPick,
    #[serde(default)]
    pub note: String,
}

/// A finding's current verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub case: CaseId,
    pub person: LadderPerson,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub verified_on: Date,
    pub note: String,
    pub revision: u32,
}

/// A problem verified against a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedProblem {
    pub case: CaseId,
    /// The finding's number with its unit (2026-007), once released.
    pub number: Option<String>,
    pub criterion: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub verified_on: Date,
    /// Inside the rule's window today.
    pub counted: bool,
}

/// A step recorded as taken, with the document the office issued for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepTaken {
    pub id: Uuid,
    pub step: LadderStep,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub taken_on: Date,
    /// The count when it was taken.
    pub count: u32,
    pub note: String,
    /// 发文字号 of the document, and where the caller downloads it.
    pub document_number: Option<String>,
    pub document_download: Option<String>,
}

/// One person on the ladder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLadder {
    pub person: LadderPerson,
    pub standing: Standing,
    pub problems: Vec<VerifiedProblem>,
    pub steps: Vec<StepTaken>,
}

/// The ladder as the office (every person) or a unit head (its subtree's) sees it: people
/// whose step is pending first, then by count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LadderView {
    pub rule: LadderRule,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub today: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub window_start: Date,
    pub people: Vec<PersonLadder>,
}

/// `POST` that the step the ladder calls for was taken; the office's document for it is
/// issued in the same request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TakeLadderStep {
    pub step: LadderStep,
    #[serde(default)]
    pub note: String,
}
