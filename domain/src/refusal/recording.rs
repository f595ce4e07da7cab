//! Why a recording of a visit (实地录音录像), its bytes, or what the office attached from it
//! was refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum RecordingRefusal {
    /// The bytes are not WebM/Matroska, MP4/M4A or Ogg (sniffed from the bytes).
    #[error("the bytes are not a WebM, MP4 or Ogg recording")]
    NotARecording,
    /// The container could not be read through (cut off or damaged).
    #[error("the recording's container could not be read")]
    Damaged,
    /// A recording's SHA-256 is malformed.
    #[error("a recording's SHA-256 is malformed")]
    BadHash,
    /// A recording is listed twice.
    #[error("a recording is listed twice")]
    Duplicate,
    /// A recording's media type is not `audio/…` or `video/…`, or is too long.
    #[error("a recording's media type must be audio/… or video/…")]
    BadMediaType,
    /// One recording is larger than `max_bytes`.
    #[error("a recording is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// One recording lasts longer than `max_seconds`.
    #[error("a recording lasts longer than {max_seconds} s")]
    TooLong { max_seconds: u64 },
    /// A visit lists more than `max` recordings.
    #[error("a visit has at most {max} recordings")]
    TooMany { max: usize },
    /// A visit's recordings together are larger than `max_bytes`.
    #[error("a visit's recordings together are larger than {max_bytes} bytes")]
    VisitTooLarge { max_bytes: u64 },
    /// A transcript is empty.
    #[error("a transcript is empty")]
    EmptyTranscript,
    /// A transcript is longer than `max` characters.
    #[error("a transcript is longer than {max} characters")]
    TranscriptTooLong { max: usize },
    /// The recording is not one of the visits behind this finding.
    #[error("the recording is not of this finding's visits")]
    NotOfCase,
}

impl RecordingRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            RecordingRefusal::NotARecording => ErrorCode::UnsupportedMediaType,
            RecordingRefusal::TooLarge { .. } => ErrorCode::PayloadTooLarge,
            _ => ErrorCode::Unprocessable,
        }
    }
}
