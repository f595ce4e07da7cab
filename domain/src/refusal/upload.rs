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
    // The body ended before the bytes it announced (the connection broke): what arrived of a
    // resumable upload is kept.
    #[error("the request body was cut off")]
    CutOff,
    // A resumable upload's numeric header is missing or not a number.
    #[error("the {header:?} header is missing or not a number")]
    BadHeader { header: UploadHeader },
    // The staging area for partial uploads is full: try again later.
    #[error("the staging area for partial uploads is full")]
    StagingFull { retry_after_seconds: u64 },
}

/// The numeric headers of a resumable upload (tus 1.0 core).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UploadHeader {
    #[serde(rename = "Upload-Offset")]
    UploadOffset,
    #[serde(rename = "Upload-Length")]
    UploadLength,
}

impl UploadHeader {
    /// The header's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            UploadHeader::UploadOffset => "upload-offset",
            UploadHeader::UploadLength => "upload-length",
        }
    }
}

impl UploadRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            UploadRefusal::HashMismatch => ErrorCode::Unprocessable,
            UploadRefusal::CutOff | UploadRefusal::BadHeader { .. } => ErrorCode::BadRequest,
            UploadRefusal::TooLarge { .. } => ErrorCode::PayloadTooLarge,
            UploadRefusal::OffsetMismatch { .. } | UploadRefusal::LengthMismatch { .. } => {
                ErrorCode::Conflict
            }
            UploadRefusal::Stalled { .. } => ErrorCode::Timeout,
            UploadRefusal::StagingFull { .. } => ErrorCode::RateLimited,
        }
    }
}
