//! Why a complaint from the public, its photos, or the office's work on it was refused.

use crate::api::ErrorCode;
use crate::complaint::ComplaintError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum ComplaintRefusal {
    /// What happened takes `min` to `max` characters.
    #[error("what happened takes {min} to {max} characters")]
    TextLength { min: usize, max: usize },
    /// The contact takes at most `max` characters.
    #[error("the contact takes at most {max} characters")]
    ContactTooLong { max: usize },
    /// The window or staff number takes at most `max` characters.
    #[error("the window or staff number takes at most {max} characters")]
    WindowTooLong { max: usize },
    /// The day it happened is after today.
    #[error("the day it happened is after today")]
    HappenedInFuture,
    /// The day it happened is more than `days` days back.
    #[error("the day it happened is more than {days} days back")]
    HappenedTooLongAgo { days: i64 },
    /// No unit of the directory has this id.
    #[error("no such unit")]
    UnknownUnit,
    /// The page's proof of work is missing, wrong, used or expired: it fetches a new
    /// challenge and tries again.
    #[error("the proof of work is missing, wrong, used or expired")]
    BadProof,
    /// Too many complaints or lookups from this address lately; try again later.
    #[error("too many complaints from this address lately")]
    TooManyFromAddress,
    /// Too many complaints about this unit lately; try again later.
    #[error("too many complaints about this unit lately")]
    TooManyForUnit,
    /// A complaint carries at most `max` photos.
    #[error("a complaint carries at most {max} photos")]
    TooManyPhotos { max: u32 },
    /// A photo takes at most `max_bytes` bytes.
    #[error("a photo takes at most {max_bytes} bytes")]
    PhotoTooLarge { max_bytes: u64 },
    /// The upload capability is unknown or expired.
    #[error("the photo upload is closed")]
    UploadClosed,
    /// The complaint was already sent to the unit: it can no longer be marked spam.
    #[error("a complaint sent to the unit cannot be marked spam")]
    AlreadyReleased,
    /// Marking spam takes a reason.
    #[error("marking spam takes a reason")]
    ReasonNeeded,
}

impl From<ComplaintError> for ComplaintRefusal {
    fn from(e: ComplaintError) -> Self {
        use crate::complaint as c;
        match e {
            ComplaintError::TextTooShort | ComplaintError::TextTooLong => {
                ComplaintRefusal::TextLength {
                    min: c::MIN_TEXT_CHARS,
                    max: c::MAX_TEXT_CHARS,
                }
            }
            ComplaintError::ContactTooLong => ComplaintRefusal::ContactTooLong {
                max: c::MAX_CONTACT_CHARS,
            },
            ComplaintError::WindowTooLong => ComplaintRefusal::WindowTooLong {
                max: c::MAX_WINDOW_CHARS,
            },
            ComplaintError::HappenedInFuture => ComplaintRefusal::HappenedInFuture,
            ComplaintError::HappenedTooLongAgo => ComplaintRefusal::HappenedTooLongAgo {
                days: c::MAX_AGE_DAYS,
            },
        }
    }
}

impl ComplaintRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            ComplaintRefusal::UnknownUnit | ComplaintRefusal::UploadClosed => ErrorCode::NotFound,
            ComplaintRefusal::TooManyFromAddress | ComplaintRefusal::TooManyForUnit => {
                ErrorCode::RateLimited
            }
            ComplaintRefusal::PhotoTooLarge { .. } => ErrorCode::PayloadTooLarge,
            ComplaintRefusal::AlreadyReleased => ErrorCode::Conflict,
            ComplaintRefusal::BadProof
            | ComplaintRefusal::TextLength { .. }
            | ComplaintRefusal::ContactTooLong { .. }
            | ComplaintRefusal::WindowTooLong { .. }
            | ComplaintRefusal::HappenedInFuture
            | ComplaintRefusal::HappenedTooLongAgo { .. }
            | ComplaintRefusal::TooManyPhotos { .. }
            | ComplaintRefusal::ReasonNeeded => ErrorCode::Unprocessable,
        }
    }
}
