//! Why a visit the phone uploaded was refused. Only what the monitor can put right is refused;
//! evidence the monitor cannot fix (a unit merged away, a criterion not in the year's set, a
//! visit outside a term or a department monitor's scope) is stored and flagged for the office
//! instead (`api::AttentionReason`), and a repeat of a stored visit always gets its receipt.

use crate::api::ErrorCode;
use crate::visit::VisitError;
use crate::{CaseId, UnitId, VisitId};
use serde::{Deserialize, Serialize};

/// What is wrong with a commitment a finding cites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CitationProblem {
    /// No commitment has this id.
    Unknown,
    /// The commitment is neither the visited unit's nor a unit's above it.
    OtherUnit,
    /// It was withdrawn before the visit began.
    WithdrawnBefore,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum VisitRefusal {
    /// The upload breaks a rule of its own shape (`VisitUpload::check`).
    #[error(transparent)]
    Invalid(VisitError),
    // The visit's id was already used for other content; the original is kept.
    #[error("this visit id was already used for other content; the original is kept")]
    IdTaken,
    /// The visit it corrects already has a correction: a correction supersedes the latest
    /// revision.
    #[error("visit {existing} already corrects this visit; correct that one instead")]
    AlreadyCorrected { existing: VisitId },
    /// Another visit of this device already has this sequence number.
    #[error("device sequence number {device_seq} was already used by another visit")]
    SequenceTaken { device_seq: u64 },
    /// The sequence number is beyond what the server stores.
    #[error("device sequence number {device_seq} is out of range")]
    SequenceOutOfRange { device_seq: u64 },
    /// The visited unit is not in the directory (units are never deleted: the phone sent an id
    /// the server never had).
    #[error("unit {unit} is not in the directory")]
    UnknownUnit { unit: UnitId },
    /// A correction names a visit that is not one of the monitor's own stored visits.
    #[error("a correction must supersede one of your own visits; {visit} is not")]
    CorrectsUnknown { visit: VisitId },
    /// A look-back visit names a finding the monitor did not report.
    #[error("a look-back visit must follow up a finding of your own")]
    LookbackNotYours { case: CaseId },
    /// A finding (numbered from 1) cites a commitment it may not cite.
    #[error("finding {finding} cites a commitment it may not cite: {problem:?}")]
    Citation {
        finding: usize,
        problem: CitationProblem,
    },
    /// Under a hand-in session: the visit was recorded on another phone.
    #[error("a hand-in takes only the visits of the phone that signed in")]
    HandInOtherDevice,
    /// Under a hand-in session: the visit began after the last day of the monitor's term.
    #[error("the visit began after the term's last day, {last_day}")]
    HandInAfterTerm { last_day: String },
    /// A hand-in sign-in by a monitor who is still serving: the normal sign-in is the way.
    #[error("this account is still active; sign in normally")]
    HandInNotNeeded,
    /// A hand-in sign-in from a phone the server has never seen this monitor use.
    #[error("this phone has not been used by this monitor")]
    HandInUnknownDevice,
}

impl VisitRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            VisitRefusal::Invalid(_)
            | VisitRefusal::SequenceOutOfRange { .. }
            | VisitRefusal::UnknownUnit { .. }
            | VisitRefusal::CorrectsUnknown { .. }
            | VisitRefusal::LookbackNotYours { .. }
            | VisitRefusal::Citation { .. }
            | VisitRefusal::HandInOtherDevice
            | VisitRefusal::HandInAfterTerm { .. }
            | VisitRefusal::HandInUnknownDevice => ErrorCode::Unprocessable,
            VisitRefusal::IdTaken
            | VisitRefusal::AlreadyCorrected { .. }
            | VisitRefusal::SequenceTaken { .. }
            | VisitRefusal::HandInNotNeeded => ErrorCode::Conflict,
        }
    }

    /// Whether the monitor can put it right on the phone by opening the visit again and
    /// editing it (a shape error or a citation). The others are either the phone's own
    /// bookkeeping or a sign-in matter.
    pub fn editable(&self) -> bool {
        matches!(
            self,
            VisitRefusal::Invalid(_)
                | VisitRefusal::Citation { .. }
                | VisitRefusal::UnknownUnit { .. }
                | VisitRefusal::LookbackNotYours { .. }
                | VisitRefusal::AlreadyCorrected { .. }
        )
    }
}
