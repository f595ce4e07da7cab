//! A visit being written on the phone. Every field may still be empty; the draft is saved to
//! IndexedDB on every keystroke and becomes a [`VisitUpload`] only when submitted, after the
//! shared checks of `chafang_domain::visit` pass. A finding may cite a public commitment the
//! unit broke (践诺守信), chosen from the commitments the phone keeps for offline use.

use chafang_domain::api::{CampaignView, UnitRef, UnitView};
use chafang_domain::refusal::visit::CitationProblem;
use chafang_domain::refusal::VisitRefusal;
use chafang_domain::visit::{
    FindingUpload, PhotoRef, Position, Severity, VisitError, VisitMethod, VisitMode, VisitText,
    VisitUpload, MAX_FINDINGS, MAX_PHOTOS_PER_FINDING, MAX_PHOTO_BYTES, MAX_TEXT,
};
use chafang_domain::{CaseId, DeviceId, FindingId, UnitId, VisitId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: VisitId,
    pub supersedes: Option<VisitId>,
    pub unit_id: Option<UnitId>,
    pub mode: Option<VisitMode>,
    pub methods: Vec<VisitMethod>,
    pub started_at_device_ms: i64,
    pub position: Option<Position>,
    pub notes: String,
    pub no_problem_found: bool,
    pub findings: Vec<DraftFinding>,
    /// A look-back visit (回头看): the finding it follows up.
    #[serde(default)]
    pub lookback_for: Option<CaseId>,
    /// What the look-back is about, kept with the draft so the form shows it offline: the
    /// problem as first reported and the office's note asking for it.
    #[serde(default)]
    pub lookback_about: Option<LookbackAbout>,
    /// Audio and video recorded at the visit (their bytes are in IndexedDB, by hash).
    #[serde(default)]
    pub recordings: Vec<chafang_domain::visit::RecordingRef>,
}

/// The finding a look-back follows up, as the monitor's phone showed it when the look-back began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LookbackAbout {
    pub description: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftFinding {
    pub id: FindingId,
    pub criterion: String,
    pub description: String,
    pub severity: Option<Severity>,
    pub suggestion: String,
    pub photos: Vec<PhotoRef>,
    /// The public commitment this finding says was broken, if any.
    #[serde(default)]
    pub commitment_id: Option<Uuid>,
    /// The responsible window, post or staff number as seen (窗口 / 工号), empty when not
    /// noted.
    #[serde(default)]
    pub responsible: String,
}

/// A commitment in force as the phone keeps it for citing offline: the part of the server's
/// `CommitmentView` a finding needs (the rest of its JSON is not read, nor kept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptCommitment {
    pub id: Uuid,
    pub unit: UnitRef,
    pub current: KeptPromise,
}

/// What a kept commitment promises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptPromise {
    pub name: String,
    pub legal_days: u32,
    pub promised_days: u32,
}

/// The kept commitments a finding of a visit to `unit` may cite: the unit's own and those of
/// the units above it, the nearest first.
pub fn commitments_for<'a>(
    units: &[UnitView],
    kept: &'a [KeptCommitment],
    unit: UnitId,
) -> Vec<&'a KeptCommitment> {
    let line = chafang_domain::unit::ancestors(&chafang_domain::unit::Node::all(units), unit);
    let mut out: Vec<&KeptCommitment> = kept.iter().filter(|c| line.contains(&c.unit.id)).collect();
    out.sort_by_key(|c| line.iter().position(|u| *u == c.unit.id));
    out
}

/// Where a problem with a draft sits in the form, so its words can stand beside the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    Unit,
    Mode,
    Methods,
    Notes,
    /// The findings as a whole (none and no "no problem found", too many).
    Findings,
    Finding(FindingId, Part),
    /// The visit as a whole (its times, its position): shown by the submit button.
    Visit,
}

/// A part of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Criterion,
    Description,
    Severity,
    Suggestion,
    Commitment,
    Photos,
}

/// Why a draft cannot be submitted yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// A required choice is not made yet (the spot says which).
    Missing,
    /// A rule the server applies too; worded as the server's refusal of it would be
    /// (`crate::refusal::visit`), never by the rule's own (developer) text.
    Refused(VisitRefusal),
}

/// One thing to put right before a draft can be submitted, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub spot: Spot,
    pub why: Why,
}

impl Problem {
    fn missing(spot: Spot) -> Problem {
        Problem {
            spot,
            why: Why::Missing,
        }
    }

    fn rule(spot: Spot, e: VisitError) -> Problem {
        Problem {
            spot,
            why: Why::Refused(VisitRefusal::Invalid(e)),
        }
    }
}

/// Whether a text is over the shared limit (the same count as the server's: characters, and
/// at most four bytes a character).
pub fn too_long(s: &str) -> bool {
    s.len() > 4 * MAX_TEXT || s.chars().count() > MAX_TEXT
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

impl Draft {
    pub fn new() -> Draft {
        Draft {
            id: VisitId::new(),
            supersedes: None,
            unit_id: None,
            mode: None,
            methods: Vec::new(),
            started_at_device_ms: now_ms(),
            position: None,
            notes: String::new(),
            no_problem_found: false,
            // Most visits find something: the form opens with one finding ready to fill in.
            // Left blank it is no finding at all (see [`Draft::filled`]).
            findings: vec![DraftFinding::new()],
            lookback_for: None,
            lookback_about: None,
            recordings: Vec::new(),
        }
    }

    /// The findings the monitor has put something into: a blank one (the one the form opens
    /// with, or one added and left) is no finding, neither checked nor sent.
    pub fn filled(&self) -> impl Iterator<Item = &DraftFinding> {
        self.findings.iter().filter(|f| !f.is_blank())
    }

    /// Chooses the visited unit, dropping the citations of commitments that do not fit it.
    pub fn choose_unit(&mut self, unit: UnitId, units: &[UnitView], kept: &[KeptCommitment]) {
        self.unit_id = Some(unit);
        let allowed = commitments_for(units, kept, unit);
        for f in &mut self.findings {
            let misfit =
                |id: Uuid| kept.iter().any(|c| c.id == id) && !allowed.iter().any(|c| c.id == id);
            if f.commitment_id.is_some_and(misfit) {
                f.commitment_id = None;
            }
        }
    }

    pub fn finding_mut(&mut self, id: FindingId) -> Option<&mut DraftFinding> {
        self.findings.iter_mut().find(|f| f.id == id)
    }

    /// Whether the monitor has put nothing into this draft yet: a new visit opened and left
    /// (its position is the phone's, not the monitor's doing). Such a draft is not kept.
    pub fn is_untouched(&self) -> bool {
        self.supersedes.is_none()
            && self.lookback_for.is_none()
            && self.unit_id.is_none()
            && self.mode.is_none()
            && self.methods.is_empty()
            && self.notes.trim().is_empty()
            && !self.no_problem_found
            && self.findings.iter().all(DraftFinding::is_blank)
    }

    /// Everything to put right before this draft can be submitted, each where it sits, in the
    /// order of the form. The shared checks of `chafang_domain::visit` are applied field by
    /// field, so every problem shows at once, beside its field.
    pub fn problems(
        &self,
        units: &[UnitView],
        campaign: Option<&CampaignView>,
        commitments: &[KeptCommitment],
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.unit_id.is_none() {
            out.push(Problem::missing(Spot::Unit));
        }
        if self.mode.is_none() {
            out.push(Problem::missing(Spot::Mode));
        }
        if self.methods.is_empty() {
            out.push(Problem::rule(Spot::Methods, VisitError::NoMethod));
        }
        if too_long(&self.notes) {
            out.push(Problem::rule(Spot::Notes, too_long_error(VisitText::Notes)));
        }
        if self.filled().next().is_none() && !self.no_problem_found {
            out.push(Problem::rule(
                Spot::Findings,
                VisitError::FindingsOrNoProblem,
            ));
        }
        if self.filled().count() > MAX_FINDINGS {
            out.push(Problem::rule(Spot::Findings, VisitError::TooMany));
        }
        let codes = self.unit_id.map(|u| criteria_codes(units, campaign, u));
        let allowed = self
            .unit_id
            .map(|u| commitments_for(units, commitments, u))
            .unwrap_or_default();
        let mut hashes: Vec<&str> = Vec::new();
        for (i, f) in self.filled().enumerate() {
            let n = i + 1;
            let at = |part| Spot::Finding(f.id, part);
            if f.criterion.is_empty() {
                out.push(Problem::missing(at(Part::Criterion)));
            } else if codes.as_ref().is_some_and(|c| !c.contains(&f.criterion)) {
                out.push(Problem::rule(
                    at(Part::Criterion),
                    VisitError::UnknownCriterion {
                        finding: n,
                        criterion: f.criterion.clone(),
                    },
                ));
            }
            if f.description.trim().is_empty() {
                out.push(Problem::rule(
                    at(Part::Description),
                    VisitError::EmptyDescription { finding: n },
                ));
            } else if too_long(&f.description) {
                out.push(Problem::rule(
                    at(Part::Description),
                    too_long_error(VisitText::Description),
                ));
            }
            if f.severity.is_none() {
                out.push(Problem::missing(at(Part::Severity)));
            }
            if too_long(&f.suggestion) {
                out.push(Problem::rule(
                    at(Part::Suggestion),
                    too_long_error(VisitText::Suggestion),
                ));
            }
            // A citation must still fit the chosen unit (the server refuses it otherwise, and
            // the visit would wait in the outbox refused). One the phone no longer keeps
            // (withdrawn since the visit began) is left to the server, which accepts it if it
            // was in force.
            if let Some(id) = f.commitment_id {
                if self.unit_id.is_some()
                    && commitments.iter().any(|c| c.id == id)
                    && !allowed.iter().any(|c| c.id == id)
                {
                    out.push(Problem {
                        spot: at(Part::Commitment),
                        why: Why::Refused(VisitRefusal::Citation {
                            finding: n,
                            problem: CitationProblem::OtherUnit,
                        }),
                    });
                }
            }
            if f.photos.len() > MAX_PHOTOS_PER_FINDING {
                out.push(Problem::rule(at(Part::Photos), VisitError::TooMany));
            }
            for p in &f.photos {
                let e = if p.bytes > MAX_PHOTO_BYTES {
                    Some(VisitError::PhotoTooLarge { bytes: p.bytes })
                } else if hashes.contains(&p.sha256.as_str()) {
                    Some(VisitError::DuplicatePhoto {
                        sha256: p.sha256.clone(),
                    })
                } else {
                    None
                };
                hashes.push(&p.sha256);
                if let Some(e) = e {
                    out.push(Problem::rule(at(Part::Photos), e));
                    break;
                }
            }
        }
        if out.is_empty() {
            // What is left is the visit's own shape (its times, its position, a damaged photo
            // record): the whole check, shown by the submit button.
            if let Some(upload) = self.build() {
                let codes = codes.unwrap_or_default();
                if let Err(e) = upload.check(&codes) {
                    out.push(Problem::rule(Spot::Visit, e));
                }
            }
        }
        out
    }

    /// The upload this draft becomes, ended now, or everything to put right first. The device
    /// id and sequence number are placeholders that the store fills in the transaction that
    /// moves it to the outbox.
    pub fn to_upload(
        &self,
        units: &[UnitView],
        campaign: Option<&CampaignView>,
        commitments: &[KeptCommitment],
    ) -> Result<VisitUpload, Vec<Problem>> {
        let problems = self.problems(units, campaign, commitments);
        match self.build() {
            Some(upload) if problems.is_empty() => Ok(upload),
            _ => Err(problems),
        }
    }

    /// The upload as it stands, once every required choice is made.
    fn build(&self) -> Option<VisitUpload> {
        let unit_id = self.unit_id?;
        let mode = self.mode?;
        let findings = self
            .filled()
            .map(|f| {
                Some(FindingUpload {
                    id: f.id,
                    criterion: f.criterion.clone(),
                    description: f.description.clone(),
                    severity: f.severity?,
                    suggestion: f.suggestion.clone(),
                    photos: f.photos.clone(),
                    commitment_id: f.commitment_id,
                    responsible: Some(f.responsible.trim().to_owned()).filter(|r| !r.is_empty()),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(VisitUpload {
            id: self.id,
            device_id: DeviceId::new(),
            device_seq: 1,
            supersedes: self.supersedes,
            unit_id,
            mode,
            methods: self.methods.clone(),
            started_at_device_ms: self.started_at_device_ms,
            ended_at_device_ms: now_ms().max(self.started_at_device_ms),
            position: self.position.unwrap_or(Position::Missing {
                reason: chafang_domain::visit::PositionMissing::Unavailable,
            }),
            notes: self.notes.clone(),
            no_problem_found: self.no_problem_found && findings.is_empty(),
            lookback_for: self.lookback_for,
            recordings: self.recordings.clone(),
            findings,
        })
    }
}

fn too_long_error(field: VisitText) -> VisitError {
    VisitError::TooLong {
        field,
        max: MAX_TEXT,
    }
}

/// The criteria of the campaign's set for a unit's kind.
pub fn criteria_for(
    units: &[UnitView],
    campaign: Option<&CampaignView>,
    unit: UnitId,
) -> Vec<chafang_domain::criteria::Criterion> {
    let Some(kind) = units.iter().find(|u| u.id == unit).map(|u| u.criteria_set) else {
        return Vec::new();
    };
    campaign
        .and_then(|c| c.criteria.iter().find(|s| s.kind == kind))
        .map(|s| s.criteria.clone())
        .unwrap_or_else(|| chafang_domain::criteria::default_criteria(kind))
}

fn criteria_codes(
    units: &[UnitView],
    campaign: Option<&CampaignView>,
    unit: UnitId,
) -> Vec<String> {
    criteria_for(units, campaign, unit)
        .into_iter()
        .map(|c| c.code)
        .collect()
}

impl DraftFinding {
    pub fn new() -> DraftFinding {
        DraftFinding {
            id: FindingId::new(),
            criterion: String::new(),
            description: String::new(),
            severity: None,
            suggestion: String::new(),
            photos: Vec::new(),
            commitment_id: None,
            responsible: String::new(),
        }
    }
}

impl DraftFinding {
    /// Whether nothing has been put into this finding.
    pub fn is_blank(&self) -> bool {
        self.criterion.is_empty()
            && self.description.trim().is_empty()
            && self.severity.is_none()
            && self.suggestion.trim().is_empty()
            && self.photos.is_empty()
            && self.commitment_id.is_none()
    }
}

impl Default for Draft {
    fn default() -> Self {
        Draft::new()
    }
}

impl Default for DraftFinding {
    fn default() -> Self {
        DraftFinding::new()
    }
}
