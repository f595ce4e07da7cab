//! Why a photo's or a document's bytes were refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum UploadRefusal {
    // The bytes do not hash to the SHA-256 the upload is addressed by.
    #[error("the bytes do not match their SHA-256")]
    HashMismatch,
    #[error("the bytes are more than {max_bytes}")]
    TooLarge { max_bytes: u64 },
    // A resumed upload's `Upload-Offset` is not the number of bytes the server holds: send
    // again from `expected` (0 when the partial upload expired or was never begun).
    #[error("the server holds {expected} bytes of this upload")]
    OffsetMismatch { expected: u64 },
    // A resumed upload declares another `Upload-Length` than the one it was begun with.
    #[error("this upload was begun with a length of {length} bytes")]
    LengthMismatch { length: u64 },
    // No bytes arrived for `idle_seconds`: what arrived is kept and the upload resumes.
    #[error("no bytes arrived for {idle_seconds} s")]
    Stalled { idle_seconds: u64 },
    // The staging area for partial uploads is full: try again later.
    #[error("the staging area for partial uploads is full")]
    StagingFull { retry_after_seconds: u64 },
}

impl UploadRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            UploadRefusal::HashMismatch => ErrorCode::Unprocessable,
            UploadRefusal::TooLarge { .. } => ErrorCode::PayloadTooLarge,
            UploadRefusal::OffsetMismatch { .. } | UploadRefusal::LengthMismatch { .. } => {
                ErrorCode::Conflict
            }
            UploadRefusal::Stalled { .. } => ErrorCode::Timeout,
            UploadRefusal::StagingFull { .. } => ErrorCode::RateLimited,
        }
    }
}
