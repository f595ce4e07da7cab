//! Recordings' wire types (实地录音录像). The office's view of a finding's recordings, and the
//! transcript it attaches for the unit. Nothing here is on a unit's view but the transcript's
//! text ([`crate::api::UnitCase::transcripts`]).

use crate::VisitId;
use serde::{Deserialize, Serialize};

/// A recording of one of a finding's visits, for the office's player.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeRecording {
    pub visit_id: VisitId,
    pub sha256: String,
    pub bytes: u64,
    /// As the phone recorded it.
    pub media_type: String,
    pub duration_ms: u64,
    /// Whether its bytes have arrived; the player plays only those.
    pub arrived: bool,
    /// Where to play it (`GET`, with `Range`), its metadata stripped.
    pub link: String,
    /// The transcripts attached from it so far.
    pub transcripts: Vec<String>,
}

/// A transcript of a recording, attached to a finding for the unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptUpload {
    pub recording_sha256: String,
    pub text: String,
}

/// The longest transcript, in characters.
pub const MAX_TRANSCRIPT: usize = 20_000;
