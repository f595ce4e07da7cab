//! The self-inspection register's and the public commitments' wire types. A register item is
//! made on the client with its own id (a repeat with the same content is harmless); every
//! correction is a new revision, and views carry the whole history, newest last.

use super::UnitRef;
use crate::followup::{AnswerKind, Milestone};
use crate::ids::UnitId;
use crate::selfcheck::ProblemSource;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// The four-way rectification answer of a register item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterAnswer {
    pub kind: AnswerKind,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub committed_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
}

/// A new register item. `unit_id` is the unit's own when left out; it may name any unit of
/// the signed-in unit's subtree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterItemUpload {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<UnitId>,
    pub description: String,
    pub source: ProblemSource,
    pub answer: RegisterAnswer,
}

/// A correction of an item: its whole new content, why it changed, and (once the work is
/// done) the completion note. Made on the client with its own id, like the item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRevisionUpload {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub description: String,
    pub source: ProblemSource,
    pub answer: RegisterAnswer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<String>,
    pub reason: String,
}

/// One revision of an item as stored (the first is the item as created).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRevision {
    pub seq: u32,
    pub description: String,
    pub source: ProblemSource,
    pub answer: RegisterAnswer,
    pub completion: Option<String>,
    /// Why it changed; none for the first revision.
    pub reason: Option<String>,
    pub recorded_at_ms: i64,
}

/// A register item with its current content and its history (oldest first, current last).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterItem {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub unit: UnitRef,
    pub year: i32,
    pub current: RegisterRevision,
    pub history: Vec<RegisterRevision>,
}

/// A unit's explicit "nothing found" filing for the year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NothingFoundUpload {
    #[serde(default)]
    pub note: String,
}

/// The signed-in unit's register for this year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRegister {
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub deadline: Date,
    pub items: Vec<RegisterItem>,
    /// Whether the unit filed "nothing found".
    pub nothing_found: bool,
}

/// Where a top-level unit stands with its register (its stations' items count for it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingStatus {
    pub unit: UnitRef,
    pub items: u32,
    pub nothing_found: bool,
    /// The day (China Standard Time) of its first filing, if it filed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub filed_on: Option<Date>,
    /// Filed after the deadline.
    pub late: bool,
}

/// The office's view of every unit's register this year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeRegister {
    pub year: i32,
    /// The self-inspection stage's last day in the current campaign (the source's default
    /// calendar when no year is open).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub deadline: Date,
    pub items: Vec<RegisterItem>,
    /// Every top-level unit, in the directory's order.
    pub filings: Vec<FilingStatus>,
    /// The top-level units that have filed nothing at all.
    pub not_filed: Vec<UnitRef>,
}

/// The office's filter of the register: one unit (and its subtree).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct RegisterQuery {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub unit: Option<UnitId>,
}

/// The content of an approval item (a commitment), as created or revised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentContent {
    pub name: String,
    pub legal_days: u32,
    pub promised_days: u32,
    #[serde(default)]
    pub fees: String,
    #[serde(default)]
    pub complaint_channels: String,
}

/// A new commitment of a unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCommitment {
    pub unit_id: UnitId,
    #[serde(flatten)]
    pub content: CommitmentContent,
}

/// Withdrawing a commitment: it stays on record, flagged, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawCommitment {
    pub reason: String,
}

/// One revision of a commitment (the first is the commitment as created).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentRevision {
    pub seq: u32,
    #[serde(flatten)]
    pub content: CommitmentContent,
    pub recorded_at_ms: i64,
}

/// A commitment: its current content, whether it was withdrawn, and its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentView {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub unit: UnitRef,
    pub current: CommitmentContent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_reason: Option<String>,
    pub withdrawn: bool,
    pub history: Vec<CommitmentRevision>,
}

/// The filter of the commitments list: one unit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CommitmentQuery {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub unit: Option<UnitId>,
}
