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
}

impl UploadRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            UploadRefusal::HashMismatch => ErrorCode::Unprocessable,
            UploadRefusal::TooLarge { .. } => ErrorCode::PayloadTooLarge,
        }
    }
}
