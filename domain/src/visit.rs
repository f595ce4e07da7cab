//! The visit (明查暗访登记表, digitised): what a monitor records on the phone and uploads. The
//! upload is checked here, by rules both sides share, and has a content hash both sides compute
//! the same way: the same id with a different hash is a conflict, never an overwrite.

use crate::ids::{CaseId, DeviceId, FindingId, PhotoId, UnitId, VisitId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Open inspection (明查) or covert visit (暗访). Covert visits' findings are held until the
/// office releases them, and units never learn which kind a finding came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitMode {
    Open,
    Covert,
}

/// How the monitor inspected (PRODUCT.md, "Visit methods").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitMethod {
    /// 走访服务对象
    ConsultRecipients,
    /// 陪同办事
    AccompanyProcedure,
    /// 模拟投诉举报
    SimulatedComplaint,
    /// 现场录音录像
    AudioVideo,
    /// 问卷调查
    Questionnaire,
    /// 座谈会
    DiscussionMeeting,
}

impl VisitMethod {
    pub const ALL: [VisitMethod; 6] = [
        VisitMethod::ConsultRecipients,
        VisitMethod::AccompanyProcedure,
        VisitMethod::SimulatedComplaint,
        VisitMethod::AudioVideo,
        VisitMethod::Questionnaire,
        VisitMethod::DiscussionMeeting,
    ];
}

/// How serious a finding is: the misconduct levels of the scoring rules (有但不严重 / 严重 /
/// 非常严重), so that findings feed the 30 % misconduct part of the score without translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 有但不严重
    Minor,
    /// 严重
    Serious,
    /// 非常严重
    VerySerious,
}

/// Why a visit has no position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PositionMissing {
    Denied,
    Timeout,
    Unavailable,
}

/// Where the phone was (WGS-84, from the Geolocation API), how sure it was, and when.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    /// Radius of 68 % confidence, in metres.
    pub accuracy_m: f64,
    /// Device clock, epoch milliseconds.
    pub at_device_ms: i64,
}

impl Fix {
    /// The fix as a geo-types point (x the longitude, y the latitude), parsed at the edge:
    /// `None` when the coordinates are outside WGS-84's range or not finite.
    pub fn point(&self) -> Option<geo_types::Point<f64>> {
        crate::unit::GeoPoint::new(self.lat, self.lon)
            .ok()
            .map(crate::unit::GeoPoint::point)
    }

    /// How far the fix is from a place, in metres (haversine on geo-types points); `None`
    /// for a fix outside WGS-84's range.
    pub fn distance_m(&self, to: crate::unit::GeoPoint) -> Option<f64> {
        Some(crate::unit::distance_m(self.point()?, to.point()))
    }
}

/// The position of a visit, or the reason there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Position {
    Fix(Fix),
    Missing { reason: PositionMissing },
}

/// A photo as a visit lists it; its bytes travel separately, addressed by SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRef {
    pub id: PhotoId,
    /// Lower-case hex SHA-256 of the JPEG bytes, taken on the phone at capture.
    pub sha256: String,
    pub bytes: u64,
}

/// A recording (实地录音录像) as a visit lists it; its bytes travel separately, addressed by
/// SHA-256 and sent resumably. It carries the monitor's voice, so only the office ever hears or
/// sees it: a unit is given what the office transcribes or takes from it, never the recording,
/// its hash, length or duration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordingRef {
    /// Lower-case hex SHA-256 of the bytes, taken on the phone at capture.
    pub sha256: String,
    pub bytes: u64,
    /// The media type the phone recorded (`audio/webm;codecs=opus`, `video/mp4`, …); the
    /// server sniffs the container from the bytes and believes only that.
    pub media_type: String,
    /// How long it lasts, in milliseconds (as the phone measured it).
    pub duration_ms: u64,
}

/// The most one recording may hold (half an hour of Opus audio is about 2 MB; a short phone
/// video of a few minutes fits).
pub const MAX_RECORDING_BYTES: u64 = 64 * 1024 * 1024;
/// The longest one recording may last.
pub const MAX_RECORDING_SECONDS: u64 = 60 * 60;
/// The most recordings a visit lists.
pub const MAX_RECORDINGS_PER_VISIT: usize = 8;
/// The most a visit's recordings hold together.
pub const MAX_VISIT_RECORDING_BYTES: u64 = 192 * 1024 * 1024;
/// The longest media type a recording may name.
pub const MAX_MEDIA_TYPE: usize = 100;

/// Checks a visit's recordings against the limits above.
pub fn check_recordings(
    recordings: &[RecordingRef],
) -> Result<(), crate::refusal::RecordingRefusal> {
    use crate::refusal::RecordingRefusal as R;
    if recordings.len() > MAX_RECORDINGS_PER_VISIT {
        return Err(R::TooMany {
            max: MAX_RECORDINGS_PER_VISIT,
        });
    }
    let mut total: u64 = 0;
    for (i, r) in recordings.iter().enumerate() {
        if !is_sha256_hex(&r.sha256) {
            return Err(R::BadHash);
        }
        if recordings[..i].iter().any(|o| o.sha256 == r.sha256) {
            return Err(R::Duplicate);
        }
        let mt = r.media_type.as_str();
        if mt.len() > MAX_MEDIA_TYPE
            || !(mt.starts_with("audio/") || mt.starts_with("video/"))
            || !mt.is_ascii()
        {
            return Err(R::BadMediaType);
        }
        if r.bytes > MAX_RECORDING_BYTES {
            return Err(R::TooLarge {
                max_bytes: MAX_RECORDING_BYTES,
            });
        }
        if r.duration_ms > MAX_RECORDING_SECONDS * 1000 {
            return Err(R::TooLong {
                max_seconds: MAX_RECORDING_SECONDS,
            });
        }
        total = total.saturating_add(r.bytes);
    }
    if total > MAX_VISIT_RECORDING_BYTES {
        return Err(R::VisitTooLarge {
            max_bytes: MAX_VISIT_RECORDING_BYTES,
        });
    }
    Ok(())
}

/// One problem found, item by item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingUpload {
    pub id: FindingId,
    /// A criterion code of the campaign's set for the unit's kind.
    pub criterion: String,
    pub description: String,
    pub severity: Severity,
    pub suggestion: String,
    pub photos: Vec<PhotoRef>,
    /// The public commitment (承诺服务事项) this finding says was broken (践诺守信): one of the
    /// visited unit's or of a unit above it, in force when the visit began (see
    /// [`VisitUpload::check_citations`]). Left out of the JSON when absent, so visits from
    /// before this field keep their content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub commitment_id: Option<Uuid>,
    /// The responsible window, post or staff number (窗口 / 工号) as the monitor saw it, for
    /// the repeat-offence ladder (`crate::ladder`); the office confirms the person. Left out
    /// of the JSON when absent, so visits from before this field keep their content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
}

/// A submitted visit, as the phone uploads it. Read-only once submitted: a correction is a new
/// visit with its own id that names the one it `supersedes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitUpload {
    pub id: VisitId,
    pub device_id: DeviceId,
    /// The phone's outbox sequence number: contiguous from 1 per device, so a gap on the server
    /// means the phone lost something.
    pub device_seq: u64,
    pub supersedes: Option<VisitId>,
    pub unit_id: UnitId,
    pub mode: VisitMode,
    pub methods: Vec<VisitMethod>,
    /// Device clock, epoch milliseconds. The server's receipt time is kept beside them.
    pub started_at_device_ms: i64,
    pub ended_at_device_ms: i64,
    pub position: Position,
    pub notes: String,
    /// An explicit "no problem found"; a visit has findings or says this, never neither.
    pub no_problem_found: bool,
    pub findings: Vec<FindingUpload>,
    /// A look-back visit (回头看) the office asked for: the finding it follows up. Left out of
    /// the JSON when absent, so visits from before this field keep their content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookback_for: Option<CaseId>,
    /// Audio and video recorded at the visit. Left out of the JSON when empty, so visits from
    /// before this field keep their content hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recordings: Vec<RecordingRef>,
}

/// A text of a visit with a length limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitText {
    Notes,
    Description,
    Suggestion,
    /// A finding's criterion code.
    Criterion,
    /// A finding's responsible window, post or staff number as seen.
    Responsible,
}

/// A time of a visit by the device's clock, with a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitTime {
    Started,
    Ended,
    /// When the position was fixed.
    PositionFixed,
}

/// Why an upload is refused. It travels in the error body (`refusal::VisitRefusal::Invalid`),
/// so its variants and their parameters are API.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum VisitError {
    #[error("a visit lists findings or says no problem was found, not both and not neither")]
    FindingsOrNoProblem,
    #[error("at least one visit method is required")]
    NoMethod,
    #[error("a method is listed twice")]
    DuplicateMethod,
    #[error("the visit ends before it starts")]
    EndsBeforeStart,
    #[error("finding {finding} has no description")]
    EmptyDescription { finding: usize },
    #[error("finding {finding} names criterion {criterion:?}, which is not in the unit's set")]
    UnknownCriterion { finding: usize, criterion: String },
    #[error("photo {sha256:?} has a malformed SHA-256")]
    BadHash { sha256: String },
    #[error("photo {sha256:?} is listed twice")]
    DuplicatePhoto { sha256: String },
    #[error("a photo of {bytes} bytes is larger than {MAX_PHOTO_BYTES}")]
    PhotoTooLarge { bytes: u64 },
    #[error("position out of range or accuracy not positive")]
    BadPosition,
    #[error("device sequence numbers start at 1")]
    ZeroSequence,
    #[error("{field:?} is longer than {max} characters")]
    TooLong { field: VisitText, max: usize },
    #[error("a visit has at most {MAX_FINDINGS} findings and each at most {MAX_PHOTOS_PER_FINDING} photos")]
    TooMany,
    /// A device time outside [`min_ms`, `max_ms`) (epoch milliseconds: 2000-01-01 to
    /// 2100-01-01, China Standard Time): the phone's clock is wrong.
    #[error("{field:?} is outside the times a visit may have ({min_ms} ..< {max_ms} ms)")]
    TimeOutOfRange {
        field: VisitTime,
        min_ms: i64,
        max_ms: i64,
    },
    /// A visit lasting longer than `max_hours`.
    #[error("a visit lasts at most {max_hours} hours")]
    TooLongVisit { max_hours: u32 },
    /// A device sequence number larger than a phone can reach.
    #[error("device sequence numbers are at most {max}")]
    SequenceTooLarge { max: u64 },
    /// A recording the visit lists breaks a limit.
    #[error("a recording: {problem}")]
    Recording {
        problem: crate::refusal::RecordingRefusal,
    },
}

/// Why a finding may not cite the commitment it names.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CitationError {
    #[error("finding {0} cites a commitment that does not exist")]
    Unknown(usize),
    #[error(
        "finding {0} cites a commitment of another unit: only the visited unit's commitments and \
         those of the units above it may be cited"
    )]
    OtherUnit(usize),
    #[error("finding {0} cites a commitment that was withdrawn before the visit began")]
    WithdrawnBefore(usize),
}

/// What a citation is checked against: whose commitment it is and when it was withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommitmentOnRecord {
    pub unit: UnitId,
    /// Server time of the withdrawal, epoch milliseconds; `None` while in force.
    pub withdrawn_at_ms: Option<i64>,
}

/// Whether `unit` is `visited` itself or a unit above it (a station's finding may cite its
/// department's commitment); `parent_of` walks up the directory. A cycle in a corrupt
/// directory ends the walk instead of looping.
pub fn in_line_above(
    visited: UnitId,
    unit: UnitId,
    parent_of: impl Fn(UnitId) -> Option<UnitId>,
) -> bool {
    let mut at = Some(visited);
    let mut seen = Vec::new();
    while let Some(u) = at {
        if u == unit {
            return true;
        }
        if seen.contains(&u) {
            return false;
        }
        seen.push(u);
        at = parent_of(u);
    }
    false
}

pub const MAX_PHOTO_BYTES: u64 = 8 * 1024 * 1024;
pub const MAX_FINDINGS: usize = 50;
pub const MAX_PHOTOS_PER_FINDING: usize = 12;
pub const MAX_TEXT: usize = 4000;
/// Longest criterion code a finding may name (the codes are short ASCII words).
pub const MAX_CRITERION: usize = 64;
/// The earliest device time a visit may carry: 2000-01-01 00:00 China Standard Time.
pub const MIN_DEVICE_MS: i64 = 946_656_000_000;
/// The first device time a visit may no longer carry: 2100-01-01 00:00 China Standard Time.
pub const MAX_DEVICE_MS: i64 = 4_102_416_000_000;
/// The longest a visit may last (a visit left open over a weekend still fits).
pub const MAX_VISIT_HOURS: u32 = 7 * 24;
/// The largest device sequence number (a phone saving a visit a minute for 1900 years).
pub const MAX_DEVICE_SEQ: u64 = 1_000_000_000;
/// The widest accuracy radius a fix may have, in metres.
pub const MAX_ACCURACY_M: f64 = 100_000.0;
/// Longest text of a refused value echoed back in a refusal.
const ECHO: usize = 64;

/// Whether a string is a lower-case hex SHA-256.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn check_len(what: VisitText, s: &str) -> Result<(), VisitError> {
    let max = match what {
        VisitText::Criterion => MAX_CRITERION,
        VisitText::Responsible => crate::ladder::MAX_TEXT,
        _ => MAX_TEXT,
    };
    // Bytes first: a string of more than 4 bytes a character is over whatever it counts.
    if s.len() > 4 * max || s.chars().count() > max {
        Err(VisitError::TooLong { field: what, max })
    } else {
        Ok(())
    }
}

/// The first characters of a refused value, for the refusal to name it.
fn echo(s: &str) -> String {
    s.chars().take(ECHO).collect()
}

/// Checks a device time against [`MIN_DEVICE_MS`, `MAX_DEVICE_MS`).
pub fn check_device_time(field: VisitTime, ms: i64) -> Result<(), VisitError> {
    if (MIN_DEVICE_MS..MAX_DEVICE_MS).contains(&ms) {
        Ok(())
    } else {
        Err(VisitError::TimeOutOfRange {
            field,
            min_ms: MIN_DEVICE_MS,
            max_ms: MAX_DEVICE_MS,
        })
    }
}

impl VisitUpload {
    /// Checks the upload against the shared rules; `criteria` are the codes of the set that
    /// applies to the visited unit.
    pub fn check(&self, criteria: &[String]) -> Result<(), VisitError> {
        self.check_shape()?;
        for (i, f) in self.findings.iter().enumerate() {
            if !criteria.contains(&f.criterion) {
                return Err(VisitError::UnknownCriterion {
                    finding: i + 1,
                    criterion: f.criterion.clone(),
                });
            }
        }
        Ok(())
    }

    /// Every check that needs nothing but the upload: sequence, times and their ranges,
    /// methods, position, texts' lengths, counts and photo references. Whatever derives
    /// something from the upload (the year of its start, the campaign in force) calls this
    /// first, so no out-of-range value reaches a calendar computation or the database.
    pub fn check_shape(&self) -> Result<(), VisitError> {
        if self.device_seq == 0 {
            return Err(VisitError::ZeroSequence);
        }
        if self.device_seq > MAX_DEVICE_SEQ {
            return Err(VisitError::SequenceTooLarge {
                max: MAX_DEVICE_SEQ,
            });
        }
        check_device_time(VisitTime::Started, self.started_at_device_ms)?;
        check_device_time(VisitTime::Ended, self.ended_at_device_ms)?;
        if self.ended_at_device_ms < self.started_at_device_ms {
            return Err(VisitError::EndsBeforeStart);
        }
        if self.ended_at_device_ms - self.started_at_device_ms
            > i64::from(MAX_VISIT_HOURS) * 3_600_000
        {
            return Err(VisitError::TooLongVisit {
                max_hours: MAX_VISIT_HOURS,
            });
        }
        if self.findings.is_empty() != self.no_problem_found {
            return Err(VisitError::FindingsOrNoProblem);
        }
        if self.methods.is_empty() {
            return Err(VisitError::NoMethod);
        }
        for (i, m) in self.methods.iter().enumerate() {
            if self.methods[..i].contains(m) {
                return Err(VisitError::DuplicateMethod);
            }
        }
        if let Position::Fix(f) = self.position {
            let ok = f.point().is_some()
                && f.accuracy_m.is_finite()
                && f.accuracy_m > 0.0
                && f.accuracy_m <= MAX_ACCURACY_M;
            if !ok {
                return Err(VisitError::BadPosition);
            }
            check_device_time(VisitTime::PositionFixed, f.at_device_ms)?;
        }
        check_len(VisitText::Notes, &self.notes)?;
        if self.findings.len() > MAX_FINDINGS {
            return Err(VisitError::TooMany);
        }
        let mut hashes: Vec<&str> = Vec::new();
        for (i, f) in self.findings.iter().enumerate() {
            if f.description.trim().is_empty() {
                return Err(VisitError::EmptyDescription { finding: i + 1 });
            }
            check_len(VisitText::Description, &f.description)?;
            check_len(VisitText::Suggestion, &f.suggestion)?;
            check_len(VisitText::Criterion, &f.criterion)?;
            if let Some(r) = &f.responsible {
                check_len(VisitText::Responsible, r)?;
            }
            if f.photos.len() > MAX_PHOTOS_PER_FINDING {
                return Err(VisitError::TooMany);
            }
            for p in &f.photos {
                if !is_sha256_hex(&p.sha256) {
                    return Err(VisitError::BadHash {
                        sha256: echo(&p.sha256),
                    });
                }
                if p.bytes > MAX_PHOTO_BYTES {
                    return Err(VisitError::PhotoTooLarge { bytes: p.bytes });
                }
                if hashes.contains(&p.sha256.as_str()) {
                    return Err(VisitError::DuplicatePhoto {
                        sha256: p.sha256.clone(),
                    });
                }
                hashes.push(&p.sha256);
            }
        }
        check_recordings(&self.recordings).map_err(|problem| VisitError::Recording { problem })?;
        Ok(())
    }

    /// The SHA-256 of the upload's canonical JSON (struct field order, no whitespace): what the
    /// server compares to tell a repeat from a conflicting reuse of the id.
    pub fn content_sha256(&self) -> String {
        sha256_hex(&serde_json::to_vec(self).expect("a visit serialises"))
    }

    /// Checks the commitments the findings cite: each must exist (`lookup`), belong to the
    /// visited unit or a unit above it (`parent_of`), and not have been withdrawn before the
    /// visit began. One withdrawn after it still counts: the visit may have been recorded
    /// offline, with the commitment in force.
    pub fn check_citations(
        &self,
        lookup: impl Fn(Uuid) -> Option<CommitmentOnRecord>,
        parent_of: impl Fn(UnitId) -> Option<UnitId> + Copy,
    ) -> Result<(), CitationError> {
        for (i, f) in self.findings.iter().enumerate() {
            let Some(id) = f.commitment_id else { continue };
            let c = lookup(id).ok_or(CitationError::Unknown(i + 1))?;
            if !in_line_above(self.unit_id, c.unit, parent_of) {
                return Err(CitationError::OtherUnit(i + 1));
            }
            if c.withdrawn_at_ms
                .is_some_and(|w| w <= self.started_at_device_ms)
            {
                return Err(CitationError::WithdrawnBefore(i + 1));
            }
        }
        Ok(())
    }

    /// Every photo the visit lists.
    pub fn photos(&self) -> impl Iterator<Item = (&FindingUpload, &PhotoRef)> {
        self.findings
            .iter()
            .flat_map(|f| f.photos.iter().map(move |p| (f, p)))
    }
}

/// A photo's state on the server, as a receipt reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoReceipt {
    pub sha256: String,
    pub arrived: bool,
}

/// What the server answers to an upload: the phone deletes nothing until a receipt confirms
/// the visit's content hash and every photo's hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitReceipt {
    pub visit_id: VisitId,
    /// Server time of first receipt, epoch milliseconds.
    pub received_at_ms: i64,
    pub content_sha256: String,
    pub photos: Vec<PhotoReceipt>,
    /// All listed photos (and recordings) have arrived.
    pub complete: bool,
    /// Which recordings the visit lists have arrived (left out when it lists none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recordings: Vec<PhotoReceipt>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-11-13, a time inside the range.
    const T0: i64 = 1_763_000_000_000;

    fn photo(n: u8) -> PhotoRef {
        PhotoRef {
            id: PhotoId::new(),
            sha256: sha256_hex(&[n]),
            bytes: 1000,
        }
    }

    fn visit() -> VisitUpload {
        VisitUpload {
            id: VisitId::new(),
            device_id: DeviceId::new(),
            device_seq: 1,
            supersedes: None,
            unit_id: UnitId::new(),
            mode: VisitMode::Covert,
            methods: vec![VisitMethod::AccompanyProcedure],
            started_at_device_ms: T0,
            ended_at_device_ms: T0 + 1_000,
            position: Position::Fix(Fix {
                lat: 30.27,
                lon: 120.15,
                accuracy_m: 12.0,
                at_device_ms: T0 + 500,
            }),
            notes: String::new(),
            no_problem_found: false,
            lookback_for: None,
            recordings: vec![],
            findings: vec![FindingUpload {
                id: FindingId::new(),
                criterion: "efficiency".into(),
                description: "窗口无人".into(),
                severity: Severity::Serious,
                suggestion: String::new(),
                photos: vec![photo(1), photo(2)],
                commitment_id: None,
                responsible: None,
            }],
        }
    }

    fn codes() -> Vec<String> {
        crate::criteria::default_criteria(crate::criteria::CriteriaSetKind::Department)
            .into_iter()
            .map(|c| c.code)
            .collect()
    }

    #[test]
    fn a_well_formed_visit_passes() {
        assert_eq!(visit().check(&codes()), Ok(()));
        let mut v = visit();
        v.findings.clear();
        v.no_problem_found = true;
        v.position = Position::Missing {
            reason: PositionMissing::Denied,
        };
        assert_eq!(v.check(&codes()), Ok(()));
    }

    #[test]
    fn each_rule_refuses_what_breaks_it() {
        type Breaking = fn(&mut VisitUpload);
        let cases: Vec<(Breaking, VisitError)> = vec![
            (
                |v| v.no_problem_found = true,
                VisitError::FindingsOrNoProblem,
            ),
            (|v| v.findings.clear(), VisitError::FindingsOrNoProblem),
            (|v| v.methods.clear(), VisitError::NoMethod),
            (
                |v| v.methods.push(VisitMethod::AccompanyProcedure),
                VisitError::DuplicateMethod,
            ),
            (
                |v| v.ended_at_device_ms = T0 - 1,
                VisitError::EndsBeforeStart,
            ),
            (|v| v.device_seq = 0, VisitError::ZeroSequence),
            (
                |v| v.findings[0].description = "  ".into(),
                VisitError::EmptyDescription { finding: 1 },
            ),
            (
                |v| v.findings[0].criterion = "lawful_operation".into(),
                VisitError::UnknownCriterion {
                    finding: 1,
                    criterion: "lawful_operation".into(),
                },
            ),
            (
                |v| v.findings[0].photos[0].sha256 = "ABC".into(),
                VisitError::BadHash {
                    sha256: "ABC".into(),
                },
            ),
            (
                |v| v.findings[0].photos[1].sha256 = v.findings[0].photos[0].sha256.clone(),
                VisitError::DuplicatePhoto {
                    sha256: sha256_hex(&[1]),
                },
            ),
            (
                |v| v.findings[0].photos[0].bytes = MAX_PHOTO_BYTES + 1,
                VisitError::PhotoTooLarge {
                    bytes: MAX_PHOTO_BYTES + 1,
                },
            ),
            (
                |v| {
                    v.position = Position::Fix(Fix {
                        lat: 95.0,
                        lon: 0.0,
                        accuracy_m: 5.0,
                        at_device_ms: 0,
                    })
                },
                VisitError::BadPosition,
            ),
            (
                |v| {
                    v.position = Position::Fix(Fix {
                        lat: 30.0,
                        lon: 120.0,
                        accuracy_m: 0.0,
                        at_device_ms: 0,
                    })
                },
                VisitError::BadPosition,
            ),
            (
                |v| v.notes = "字".repeat(MAX_TEXT + 1),
                VisitError::TooLong {
                    field: VisitText::Notes,
                    max: MAX_TEXT,
                },
            ),
            (
                |v| v.started_at_device_ms = i64::MAX,
                VisitError::TimeOutOfRange {
                    field: VisitTime::Started,
                    min_ms: MIN_DEVICE_MS,
                    max_ms: MAX_DEVICE_MS,
                },
            ),
            (
                // 9999-12-31, China time already in year 10000 at its end.
                |v| {
                    v.started_at_device_ms = 253_402_214_400_000;
                    v.ended_at_device_ms = 253_402_300_799_000;
                },
                VisitError::TimeOutOfRange {
                    field: VisitTime::Started,
                    min_ms: MIN_DEVICE_MS,
                    max_ms: MAX_DEVICE_MS,
                },
            ),
            (
                |v| v.ended_at_device_ms = i64::MAX,
                VisitError::TimeOutOfRange {
                    field: VisitTime::Ended,
                    min_ms: MIN_DEVICE_MS,
                    max_ms: MAX_DEVICE_MS,
                },
            ),
            (
                |v| {
                    v.started_at_device_ms = i64::MIN;
                    v.ended_at_device_ms = i64::MIN;
                },
                VisitError::TimeOutOfRange {
                    field: VisitTime::Started,
                    min_ms: MIN_DEVICE_MS,
                    max_ms: MAX_DEVICE_MS,
                },
            ),
            (
                |v| v.ended_at_device_ms = T0 + i64::from(MAX_VISIT_HOURS) * 3_600_000 + 1,
                VisitError::TooLongVisit {
                    max_hours: MAX_VISIT_HOURS,
                },
            ),
            (
                |v| {
                    if let Position::Fix(f) = &mut v.position {
                        f.at_device_ms = -1;
                    }
                },
                VisitError::TimeOutOfRange {
                    field: VisitTime::PositionFixed,
                    min_ms: MIN_DEVICE_MS,
                    max_ms: MAX_DEVICE_MS,
                },
            ),
            (
                |v| {
                    if let Position::Fix(f) = &mut v.position {
                        f.accuracy_m = f64::INFINITY;
                    }
                },
                VisitError::BadPosition,
            ),
            (
                |v| {
                    if let Position::Fix(f) = &mut v.position {
                        f.accuracy_m = MAX_ACCURACY_M * 2.0;
                    }
                },
                VisitError::BadPosition,
            ),
            (
                |v| v.device_seq = u64::MAX,
                VisitError::SequenceTooLarge {
                    max: MAX_DEVICE_SEQ,
                },
            ),
            (
                |v| v.findings[0].criterion = "x".repeat(MAX_CRITERION + 1),
                VisitError::TooLong {
                    field: VisitText::Criterion,
                    max: MAX_CRITERION,
                },
            ),
            (
                |v| v.findings[0].photos[0].sha256 = "g".repeat(10_000),
                VisitError::BadHash {
                    sha256: "g".repeat(64),
                },
            ),
        ];
        for (i, (breaking, expected)) in cases.into_iter().enumerate() {
            let mut v = visit();
            breaking(&mut v);
            assert_eq!(v.check(&codes()), Err(expected), "case {i}");
        }
    }

    #[test]
    fn the_time_range_is_2000_to_2100_china_standard_time() {
        use time::macros::datetime;
        let ms = |t: time::OffsetDateTime| (t.unix_timestamp_nanos() / 1_000_000) as i64;
        assert_eq!(MIN_DEVICE_MS, ms(datetime!(2000-01-01 00:00 +8)));
        assert_eq!(MAX_DEVICE_MS, ms(datetime!(2100-01-01 00:00 +8)));
        assert_eq!(check_device_time(VisitTime::Started, MIN_DEVICE_MS), Ok(()));
        assert_eq!(
            check_device_time(VisitTime::Started, MAX_DEVICE_MS - 1),
            Ok(())
        );
        assert!(check_device_time(VisitTime::Started, MIN_DEVICE_MS - 1).is_err());
        assert!(check_device_time(VisitTime::Started, MAX_DEVICE_MS).is_err());
    }

    #[test]
    fn a_fix_is_a_geo_types_point_and_its_distance_is_haversine() {
        let f = Fix {
            lat: 30.2741,
            lon: 120.1551,
            accuracy_m: 5.0,
            at_device_ms: T0,
        };
        let p = f.point().unwrap();
        assert_eq!((p.x(), p.y()), (120.1551, 30.2741));
        let north = crate::unit::GeoPoint::new(31.2741, 120.1551).unwrap();
        let d = f.distance_m(north).unwrap();
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
        assert_eq!(Fix { lat: 91.0, ..f }.point(), None);
        assert_eq!(Fix { lon: f64::NAN, ..f }.distance_m(north), None);
        // The wire format stays {lat, lon}.
        let json = serde_json::to_value(Position::Fix(f)).unwrap();
        assert_eq!(json["lat"], 30.2741);
        assert_eq!(json["lon"], 120.1551);
    }

    #[test]
    fn content_hash_is_stable_and_sees_every_change() {
        let v = visit();
        assert_eq!(v.content_sha256(), v.clone().content_sha256());
        let json = serde_json::to_string(&v).unwrap();
        let back: VisitUpload = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.content_sha256(),
            v.content_sha256(),
            "a round trip through JSON keeps the hash"
        );
        let mut changed = v.clone();
        changed.findings[0].description.push('。');
        assert_ne!(changed.content_sha256(), v.content_sha256());
        assert!(is_sha256_hex(&v.content_sha256()));
    }
    #[test]
    fn a_visit_without_citations_serialises_as_before_the_field_existed() {
        // The JSON a phone sent before findings could cite a commitment, in canonical form:
        // read and written again, it is the same bytes, so its content hash is unchanged.
        let old = r#"{"id":"0190a0b0-0000-7000-8000-000000000001","device_id":"0190a0b0-0000-7000-8000-000000000002","device_seq":1,"supersedes":null,"unit_id":"0190a0b0-0000-7000-8000-000000000003","mode":"open","methods":["accompany_procedure"],"started_at_device_ms":1000,"ended_at_device_ms":2000,"position":{"kind":"missing","reason":"denied"},"notes":"","no_problem_found":false,"findings":[{"id":"0190a0b0-0000-7000-8000-000000000004","criterion":"efficiency","description":"窗口无人","severity":"serious","suggestion":"","photos":[]}]}"#;
        let v: VisitUpload = serde_json::from_str(old).unwrap();
        assert_eq!(v.findings[0].commitment_id, None);
        assert_eq!(serde_json::to_string(&v).unwrap(), old);
        assert_eq!(v.content_sha256(), sha256_hex(old.as_bytes()));

        // A citation is part of the content: it changes the hash and survives a round trip.
        let mut cited = v.clone();
        cited.findings[0].commitment_id = Some(Uuid::now_v7());
        assert_ne!(cited.content_sha256(), v.content_sha256());
        let back: VisitUpload =
            serde_json::from_str(&serde_json::to_string(&cited).unwrap()).unwrap();
        assert_eq!(back, cited);
        assert_eq!(back.content_sha256(), cited.content_sha256());
    }

    #[test]
    fn recordings_are_left_out_when_none_and_checked_against_their_limits() {
        // A visit without recordings serialises without the field: older visits keep their hash.
        let v = visit();
        let json = serde_json::to_value(&v).unwrap();
        assert!(json.get("recordings").is_none(), "{json}");
        let mut with = v.clone();
        let rec = RecordingRef {
            sha256: sha256_hex(b"rec"),
            bytes: 1000,
            media_type: "audio/webm;codecs=opus".into(),
            duration_ms: 5_000,
        };
        with.recordings.push(rec.clone());
        assert_ne!(with.content_sha256(), v.content_sha256());
        assert_eq!(with.check(&codes()), Ok(()));
        let back: VisitUpload =
            serde_json::from_str(&serde_json::to_string(&with).unwrap()).unwrap();
        assert_eq!(back.content_sha256(), with.content_sha256());
        use crate::refusal::RecordingRefusal as R;
        type Breaking = fn(&mut RecordingRef);
        let cases: Vec<(Breaking, R)> = vec![
            (|r| r.sha256 = "x".into(), R::BadHash),
            (|r| r.media_type = "image/png".into(), R::BadMediaType),
            (
                |r| r.bytes = MAX_RECORDING_BYTES + 1,
                R::TooLarge {
                    max_bytes: MAX_RECORDING_BYTES,
                },
            ),
            (
                |r| r.duration_ms = MAX_RECORDING_SECONDS * 1000 + 1,
                R::TooLong {
                    max_seconds: MAX_RECORDING_SECONDS,
                },
            ),
        ];
        for (breaking, problem) in cases {
            let mut bad = with.clone();
            breaking(&mut bad.recordings[0]);
            assert_eq!(bad.check(&codes()), Err(VisitError::Recording { problem }));
        }
        let mut twice = with.clone();
        twice.recordings.push(rec.clone());
        assert_eq!(check_recordings(&twice.recordings), Err(R::Duplicate));
        let many: Vec<RecordingRef> = (0..=MAX_RECORDINGS_PER_VISIT)
            .map(|i| RecordingRef {
                sha256: sha256_hex(&[i as u8]),
                ..rec.clone()
            })
            .collect();
        assert_eq!(
            check_recordings(&many),
            Err(R::TooMany {
                max: MAX_RECORDINGS_PER_VISIT
            })
        );
        let big: Vec<RecordingRef> = (0..4)
            .map(|i| RecordingRef {
                sha256: sha256_hex(&[i as u8]),
                bytes: MAX_RECORDING_BYTES,
                ..rec.clone()
            })
            .collect();
        assert_eq!(
            check_recordings(&big),
            Err(R::VisitTooLarge {
                max_bytes: MAX_VISIT_RECORDING_BYTES
            })
        );
    }

    #[test]
    fn a_citation_names_a_commitment_of_the_unit_or_above_in_force_at_the_visit() {
        // A department, its station (visited), a window below the station, another department.
        let (dept, station, window, other) =
            (UnitId::new(), UnitId::new(), UnitId::new(), UnitId::new());
        let parent_of = move |u: UnitId| {
            if u == station {
                Some(dept)
            } else if u == window {
                Some(station)
            } else {
                None
            }
        };
        let mut v = visit();
        v.unit_id = station;
        v.started_at_device_ms = 10_000;
        let cite = |unit: UnitId, withdrawn_at_ms: Option<i64>| {
            let mut v = v.clone();
            let id = Uuid::now_v7();
            v.findings[0].commitment_id = Some(id);
            let c = CommitmentOnRecord {
                unit,
                withdrawn_at_ms,
            };
            v.check_citations(move |x| (x == id).then_some(c), parent_of)
        };
        assert_eq!(cite(station, None), Ok(()), "the visited unit's own");
        assert_eq!(cite(dept, None), Ok(()), "its department's");
        assert_eq!(
            cite(window, None),
            Err(CitationError::OtherUnit(1)),
            "below it"
        );
        assert_eq!(cite(other, None), Err(CitationError::OtherUnit(1)));
        assert_eq!(
            cite(dept, Some(10_001)),
            Ok(()),
            "withdrawn after the visit began"
        );
        assert_eq!(
            cite(dept, Some(9_999)),
            Err(CitationError::WithdrawnBefore(1))
        );
        assert_eq!(
            cite(station, Some(10_000)),
            Err(CitationError::WithdrawnBefore(1))
        );
        // An id nobody knows, and a visit citing nothing (no lookup needed).
        let mut unknown = v.clone();
        unknown.findings[0].commitment_id = Some(Uuid::now_v7());
        assert_eq!(
            unknown.check_citations(|_| None, parent_of),
            Err(CitationError::Unknown(1))
        );
        assert_eq!(
            v.check_citations(|_| panic!("nothing to look up"), parent_of),
            Ok(())
        );
    }

    #[test]
    fn the_walk_up_the_directory_ends_on_a_cycle() {
        let (a, b, c) = (UnitId::new(), UnitId::new(), UnitId::new());
        let parent_of = move |u: UnitId| if u == a { Some(b) } else { Some(a) };
        assert!(in_line_above(a, b, parent_of));
        assert!(!in_line_above(a, c, parent_of));
    }
}
