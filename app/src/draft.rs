//! A visit being written on the phone. Every field may still be empty; the draft is saved to
//! IndexedDB on every keystroke and becomes a [`VisitUpload`] only when submitted, after the
//! shared checks of `chafang_domain::visit` pass.

use chafang_domain::api::{CampaignView, UnitView};
use chafang_domain::visit::{
    FindingUpload, PhotoRef, Position, Severity, VisitMethod, VisitMode, VisitUpload,
};
use chafang_domain::{CaseId, DeviceId, FindingId, UnitId, VisitId};
use serde::{Deserialize, Serialize};

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

    pub fn finding_mut(&mut self, id: FindingId) -> Option<&mut DraftFinding> {
        self.findings.iter_mut().find(|f| f.id == id)
    }

    /// The upload this draft becomes, ended now. The device id and sequence number are
    /// placeholders that the store fills in the transaction that moves it to the outbox.
    pub fn to_upload(
        &self,
        units: &[UnitView],
        campaign: Option<&CampaignView>,
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
