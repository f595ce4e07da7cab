//! The public's complaints on the wire: the public page's challenge, complaint, receipt and
//! progress (no account), and the office's view with the complainant's contact. A unit never
//! reads any of these: it sees a released complaint as the `UnitCase` every case is.

use crate::api::{PhotoLink, UnitRef};
use crate::followup::CaseState;
use crate::CaseId;
use serde::{Deserialize, Serialize};
use time::Date;

/// A proof-of-work challenge: find a `nonce` with `complaint::pow_ok(challenge, nonce, bits)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintChallenge {
    pub challenge: String,
    pub bits: u32,
}

/// A complaint as the public page sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComplaint {
    pub challenge: String,
    pub nonce: u64,
    /// The unit's public key (`PublicUnit::key`, `complaint::unit_key`).
    pub unit: String,
    /// What happened.
    pub text: String,
    /// The day it happened (China Standard Time).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub happened_on: Date,
    /// How the office may reach the person, if they wish; the unit never sees it.
    #[serde(default)]
    pub contact: Option<String>,
    /// The responsible window or staff number as the person saw it (窗口 / 工号).
    #[serde(default)]
    pub window: Option<String>,
}

/// What the person keeps: the receipt code (shown `XXXX-XXXX-XXXX`), and the capability the
/// page sends the complaint's photos with (`COMPLAINT_PHOTOS/{upload}`), bounded in count and
/// size and closed after a while.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintReceipt {
    pub receipt: String,
    pub upload: String,
    pub max_photos: u32,
    pub max_photo_bytes: u64,
}

/// A photo of a complaint taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintPhotoTaken {
    /// Photos the complaint carries now.
    pub photos: u32,
}

/// A unit the public may complain about (name only; the directory's public part).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicUnit {
    /// `complaint::unit_key` of the unit's id: the id itself is not public.
    pub key: String,
    pub name: String,
}

/// A step the complaint went through, as the complainant is shown it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProgressStep {
    Received,
    UnderReview,
    SentToUnit,
    Acknowledged,
    Answered,
    Closed,
    /// The office closed it without sending it to the unit.
    NotTakenUp,
}

/// One step with the day it was taken (days only: no time of day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressEntry {
    pub step: ProgressStep,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
}

/// The progress of a complaint by its receipt code: the unit's name and the steps taken, never
/// a note of the unit's or of the office's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintProgress {
    pub unit: String,
    pub steps: Vec<ProgressEntry>,
}

/// A complaint as the office reviews it, with the case it opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeComplaint {
    pub case_id: CaseId,
    pub receipt: String,
    pub unit: UnitRef,
    pub state: CaseState,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub happened_on: Date,
    pub contact: Option<String>,
    pub window: Option<String>,
    pub received_at_ms: i64,
    pub spam: bool,
    pub photos: Vec<PhotoLink>,
}

/// The office marks a complaint spam: kept, closed, never sent to the unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkSpam {
    pub reason: String,
}
