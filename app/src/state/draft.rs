//! A visit being written on the phone. Every field may still be empty; the draft is saved to
//! IndexedDB on every keystroke and becomes a [`VisitUpload`] only when submitted, after the
//! shared checks of `chafang_domain::visit` pass. A finding may cite a public commitment the
//! unit broke (践诺守信), chosen from the commitments the phone keeps for offline use.

use chafang_domain::api::{CampaignView, UnitRef, UnitView};
use chafang_domain::visit::{
    CitationError, FindingUpload, PhotoRef, Position, Severity, VisitMethod, VisitMode, VisitUpload,
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

/// Why a draft cannot be submitted yet (shown next to the submit button).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incomplete {
    Unit,
    Mode,
    Severity(usize),
    Criterion(usize),
    /// The shared checks refused it; the text is theirs.
    Rule(String),
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
            findings: Vec::new(),
            lookback_for: None,
        }
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

    /// The upload this draft becomes, ended now. The device id and sequence number are
    /// placeholders that the store fills in the transaction that moves it to the outbox.
    pub fn to_upload(
        &self,
        units: &[UnitView],
        campaign: Option<&CampaignView>,
        commitments: &[KeptCommitment],
    ) -> Result<VisitUpload, Incomplete> {
        let unit_id = self.unit_id.ok_or(Incomplete::Unit)?;
        let mode = self.mode.ok_or(Incomplete::Mode)?;
        let mut findings = Vec::new();
        for (i, f) in self.findings.iter().enumerate() {
            if f.criterion.is_empty() {
                return Err(Incomplete::Criterion(i + 1));
            }
            findings.push(FindingUpload {
                id: f.id,
                criterion: f.criterion.clone(),
                description: f.description.clone(),
                severity: f.severity.ok_or(Incomplete::Severity(i + 1))?,
                suggestion: f.suggestion.clone(),
                photos: f.photos.clone(),
                commitment_id: f.commitment_id,
            });
        }
        let upload = VisitUpload {
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
            findings,
        };
        let codes = criteria_codes(units, campaign, unit_id);
        upload
            .check(&codes)
            .map_err(|e| Incomplete::Rule(e.to_string()))?;
        // A citation must still fit the chosen unit (the server refuses it otherwise, and the
        // visit would wait in the outbox refused). One the phone no longer keeps (withdrawn
        // since the visit began) is left to the server, which accepts it if it was in force.
        let allowed = commitments_for(units, commitments, unit_id);
        for (i, f) in upload.findings.iter().enumerate() {
            let Some(id) = f.commitment_id else { continue };
            if commitments.iter().any(|c| c.id == id) && !allowed.iter().any(|c| c.id == id) {
                return Err(Incomplete::Rule(
                    CitationError::OtherUnit(i + 1).to_string(),
                ));
            }
        }
        Ok(upload)
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
        }
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
