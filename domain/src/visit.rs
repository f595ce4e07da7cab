//! The visit (明查暗访登记表, digitised): what a monitor records on the phone and uploads. The
//! upload is checked here, by rules both sides share, and has a content hash both sides compute
//! the same way: the same id with a different hash is a conflict, never an overwrite.

use crate::ids::{CaseId, DeviceId, FindingId, PhotoId, UnitId, VisitId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
}

/// Why an upload is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VisitError {
    #[error("a visit lists findings or says no problem was found, not both and not neither")]
    FindingsOrNoProblem,
    #[error("at least one visit method is required")]
    NoMethod,
    #[error("a method is listed twice")]
    DuplicateMethod,
    #[error("the visit ends before it starts")]
    EndsBeforeStart,
    #[error("finding {0} has no description")]
    EmptyDescription(usize),
    #[error("finding {0} names criterion {1:?}, which is not in the unit's set")]
    UnknownCriterion(usize, String),
    #[error("photo {0:?} has a malformed SHA-256")]
    BadHash(String),
    #[error("photo {0:?} is listed twice")]
    DuplicatePhoto(String),
    #[error("a photo of {0} bytes is larger than {MAX_PHOTO_BYTES}")]
    PhotoTooLarge(u64),
    #[error("position out of range or accuracy not positive")]
    BadPosition,
    #[error("device sequence numbers start at 1")]
    ZeroSequence,
    #[error("{0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("a visit has at most {MAX_FINDINGS} findings and each at most {MAX_PHOTOS_PER_FINDING} photos")]
    TooMany,
}

pub const MAX_PHOTO_BYTES: u64 = 8 * 1024 * 1024;
pub const MAX_FINDINGS: usize = 50;
pub const MAX_PHOTOS_PER_FINDING: usize = 12;
pub const MAX_TEXT: usize = 4000;

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

fn check_len(what: &'static str, s: &str) -> Result<(), VisitError> {
    if s.chars().count() > MAX_TEXT {
        Err(VisitError::TooLong(what, MAX_TEXT))
    } else {
        Ok(())
    }
}

impl VisitUpload {
    /// Checks the upload against the shared rules; `criteria` are the codes of the set that
    /// applies to the visited unit.
    pub fn check(&self, criteria: &[String]) -> Result<(), VisitError> {
        if self.device_seq == 0 {
            return Err(VisitError::ZeroSequence);
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
        if self.ended_at_device_ms < self.started_at_device_ms {
            return Err(VisitError::EndsBeforeStart);
        }
        if let Position::Fix(f) = self.position {
            let ok = crate::unit::GeoPoint::new(f.lat, f.lon).is_ok()
                && f.accuracy_m.is_finite()
                && f.accuracy_m > 0.0;
            if !ok {
                return Err(VisitError::BadPosition);
            }
        }
        check_len("notes", &self.notes)?;
        if self.findings.len() > MAX_FINDINGS {
            return Err(VisitError::TooMany);
        }
        let mut hashes: Vec<&str> = Vec::new();
        for (i, f) in self.findings.iter().enumerate() {
            if f.description.trim().is_empty() {
                return Err(VisitError::EmptyDescription(i + 1));
            }
            check_len("description", &f.description)?;
            check_len("suggestion", &f.suggestion)?;
            if !criteria.contains(&f.criterion) {
                return Err(VisitError::UnknownCriterion(i + 1, f.criterion.clone()));
            }
            if f.photos.len() > MAX_PHOTOS_PER_FINDING {
                return Err(VisitError::TooMany);
            }
            for p in &f.photos {
                if !is_sha256_hex(&p.sha256) {
                    return Err(VisitError::BadHash(p.sha256.clone()));
                }
                if p.bytes > MAX_PHOTO_BYTES {
                    return Err(VisitError::PhotoTooLarge(p.bytes));
                }
                if hashes.contains(&p.sha256.as_str()) {
                    return Err(VisitError::DuplicatePhoto(p.sha256.clone()));
                }
                hashes.push(&p.sha256);
            }
        }
        Ok(())
    }

    /// The SHA-256 of the upload's canonical JSON (struct field order, no whitespace): what the
    /// server compares to tell a repeat from a conflicting reuse of the id.
    pub fn content_sha256(&self) -> String {
        sha256_hex(&serde_json::to_vec(self).expect("a visit serialises"))
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
    /// All listed photos have arrived.
    pub complete: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

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
            started_at_device_ms: 1_000,
            ended_at_device_ms: 2_000,
            position: Position::Fix(Fix {
                lat: 30.27,
                lon: 120.15,
                accuracy_m: 12.0,
                at_device_ms: 1_500,
            }),
            notes: String::new(),
            no_problem_found: false,
            lookback_for: None,
            findings: vec![FindingUpload {
                id: FindingId::new(),
                criterion: "efficiency".into(),
                description: "窗口无人".into(),
                severity: Severity::Serious,
                suggestion: String::new(),
                photos: vec![photo(1), photo(2)],
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
            (|v| v.ended_at_device_ms = 0, VisitError::EndsBeforeStart),
            (|v| v.device_seq = 0, VisitError::ZeroSequence),
            (
                |v| v.findings[0].description = "  ".into(),
                VisitError::EmptyDescription(1),
            ),
            (
                |v| v.findings[0].criterion = "lawful_operation".into(),
                VisitError::UnknownCriterion(1, "lawful_operation".into()),
            ),
            (
                |v| v.findings[0].photos[0].sha256 = "ABC".into(),
                VisitError::BadHash("ABC".into()),
            ),
            (
                |v| v.findings[0].photos[1].sha256 = v.findings[0].photos[0].sha256.clone(),
                VisitError::DuplicatePhoto(sha256_hex(&[1])),
            ),
            (
                |v| v.findings[0].photos[0].bytes = MAX_PHOTO_BYTES + 1,
                VisitError::PhotoTooLarge(MAX_PHOTO_BYTES + 1),
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
                VisitError::TooLong("notes", MAX_TEXT),
            ),
        ];
        for (i, (breaking, expected)) in cases.into_iter().enumerate() {
            let mut v = visit();
            breaking(&mut v);
            assert_eq!(v.check(&codes()), Err(expected), "case {i}");
        }
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
}
