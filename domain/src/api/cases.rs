//! The wire types of the follow-up loop. Each role has its own view of a finding: the office's
//! names the reporters; the unit's (`UnitCase`) has no field that could identify them — no
//! name, account, device, exact time, position, covert flag, photo hash or visit id — and is
//! addressed by a random `CaseId`. Photos come as links the server builds per role.

use super::UnitRef;
use crate::followup::{
    AnswerKind, CaseState, DeadlineKind, FindingNumber, Milestone, Rating, SeenPeriod, Step,
};
use crate::ids::{AnswerId, CaseId, FindingId, UnitId, VisitId};
use crate::visit::{PhotoRef, Severity, VisitMode};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// The deadline running now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueView {
    pub kind: DeadlineKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: Date,
    pub overdue: bool,
}

/// Where to fetch a photo, as the asking role may.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoLink {
    pub thumb: String,
    pub display: String,
}

/// The office's verdict on an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    Returned,
}

/// A unit's answer or completion report, with the office's verdict once given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerView {
    pub id: AnswerId,
    /// `None` for a completion report.
    pub kind: Option<AnswerKind>,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub committed_by: Option<Date>,
    pub milestones: Vec<Milestone>,
    pub photos: Vec<PhotoLink>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub submitted_on: Date,
    pub verdict: Option<Verdict>,
    pub verdict_reason: Option<String>,
}

/// A finding in the office's lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeCaseRow {
    pub id: CaseId,
    pub state: CaseState,
    pub unit: UnitRef,
    pub criterion: String,
    pub severity: Severity,
    /// The wording the unit reads (the monitors' originals are in the detail).
    pub text: String,
    pub covert: bool,
    /// Display names of the monitors who reported it.
    pub reporters: Vec<String>,
    /// The (China Standard Time) day of the visit.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub seen_on: Date,
    pub received_at_ms: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub released_on: Option<Date>,
    /// The finding's number with its unit, once released (`followup::FindingNumber`).
    #[serde(default)]
    pub number: Option<FindingNumber>,
    pub due: Option<DueView>,
    /// Acknowledged after its deadline (flagged for good, not only while it runs).
    pub acknowledged_late: bool,
    pub rating: Option<Rating>,
    pub lookback_requested: bool,
}

/// A public commitment (承诺服务事项) that a finding says was broken (践诺守信), as it reads
/// now. Commitments are public, so the unit sees it too: it says nothing about the reporter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitedCommitment {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    /// Whose commitment it is: the finding's unit or a unit above it.
    pub unit: UnitRef,
    /// The approval item's name.
    pub name: String,
    /// The time limit the law allows, in days.
    pub legal_days: u32,
    /// The time limit the unit promised, in days.
    pub promised_days: u32,
    /// Withdrawn since the visit (the citation stands: it was in force then).
    pub withdrawn: bool,
}

/// One monitor's report behind a finding, as submitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedFinding {
    pub finding_id: FindingId,
    pub visit_id: VisitId,
    pub monitor: String,
    pub unit: UnitRef,
    pub mode: VisitMode,
    pub started_at_device_ms: i64,
    pub received_at_ms: i64,
    pub criterion: String,
    pub severity: Severity,
    pub description: String,
    pub suggestion: String,
    pub distance_m: Option<f64>,
    /// The commitment this report says was broken, if it cites one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<CitedCommitment>,
    /// The responsible window, post or staff number as the monitor saw it (office only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
}

/// A photo of the finding and whether it goes out to the unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePhoto {
    pub sha256: String,
    pub chosen: bool,
    /// Whether its bytes have reached the server yet.
    pub arrived: bool,
    pub link: PhotoLink,
}

/// One step in a finding's history, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub at_ms: i64,
    /// Who took the step (a display name), or `None` for the server itself.
    pub by: Option<String>,
    /// The event kind, e.g. `case.released`.
    pub kind: String,
    pub note: Option<String>,
}

/// A finding as the office works on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeCase {
    pub row: OfficeCaseRow,
    pub reports: Vec<ReportedFinding>,
    pub photos: Vec<CasePhoto>,
    pub answers: Vec<AnswerView>,
    pub history: Vec<HistoryEntry>,
    pub merged_into: Option<CaseId>,
    pub reject_reason: Option<String>,
    /// The steps the office may take now.
    pub offered: Vec<Step>,
    /// The complaint from the public the case stands for, when it came from one (it has no
    /// monitor's reports then). The office's alone: no unit view carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint: Option<CaseComplaint>,
}

/// A complaint as the office reads it on the case it opened: the complainant's own words, the
/// day it happened, the window or staff number they saw, and how to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseComplaint {
    /// The receipt code, grouped as the complainant was shown it.
    pub receipt: String,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub happened_on: Date,
    /// The window or staff number as the complainant saw it (窗口 / 工号).
    pub window: Option<String>,
    pub contact: Option<String>,
    pub received_at_ms: i64,
    pub spam: bool,
}

/// A step the office takes on one finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum OfficeStep {
    /// The wording the unit will read and the photos (by hash) that go out.
    Edit {
        text: String,
        photos: Vec<String>,
        /// A criterion of the unit's set for the year to file it under instead (a complaint
        /// comes in under none and must get one before release).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criterion: Option<String>,
    },
    Reroute {
        unit_id: UnitId,
    },
    Merge {
        into: CaseId,
    },
    Reject {
        reason: String,
    },
    Reopen {
        reason: String,
    },
    Accept {
        note: Option<String>,
    },
    Return {
        reason: String,
    },
    RequestLookBack {
        note: String,
    },
}

/// `POST` the release of findings to their units, singly or in a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseRequest {
    pub cases: Vec<CaseId>,
    /// Working days to acknowledge (default: the year's campaign setting, 5 unless changed).
    pub ack_days: Option<u32>,
    /// Working days to answer after acknowledging (default: the campaign's, 10 unless changed).
    pub answer_days: Option<u32>,
    /// Covert visits' findings go out only when this is set: a deliberate act, never a default.
    #[serde(default)]
    pub release_covert: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseResult {
    pub released: Vec<CaseId>,
}

/// `POST` a reminder (催办) to the units of findings they have, singly from a finding's page or
/// in bulk from the overdue list: a notice in their inbox and an event, short of a formal
/// letter (督办函). At most one a finding a day; a repeat the same day does nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UrgeRequest {
    pub cases: Vec<CaseId>,
    /// The office's words to the unit (at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UrgeResult {
    /// The findings urged now (those already urged today are left out).
    pub urged: Vec<CaseId>,
}

/// Findings counted by a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCount {
    pub key: String,
    pub label: String,
    pub open: u32,
    pub total: u32,
}

/// The current head of the audit chain: what documents print and checkpoints keep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditHeadView {
    pub seq: i64,
    pub hash: String,
}

/// The office's follow-up dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeDashboard {
    pub by_state: Vec<CaseCount>,
    pub by_unit: Vec<CaseCount>,
    pub by_criterion: Vec<CaseCount>,
    /// Findings by the month they were seen (`key` `YYYY-MM`), oldest month first, every
    /// month between the first and the last present (empty months count 0).
    #[serde(default)]
    pub by_month: Vec<CaseCount>,
    /// Findings past their running deadline, most overdue first (the deadline, then receipt):
    /// only the first of them when there are more than the dashboard lists.
    pub overdue: Vec<OfficeCaseRow>,
    /// How many findings are past their running deadline in all (`overdue` lists at most a
    /// bounded number of them).
    #[serde(default)]
    pub overdue_total: u32,
    /// The longest-open findings, oldest first.
    pub oldest_open: Vec<OfficeCaseRow>,
    pub audit_head: AuditHeadView,
}

/// A finding as the unit sees it. Deliberately without any field for the reporter, the device,
/// the exact time or position, the visit or the covert flag (rule 1): a unit's view of
/// a finding can only ever be built from what is here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCase {
    pub id: CaseId,
    pub unit: UnitRef,
    pub state: CaseState,
    pub criterion: String,
    pub severity: Severity,
    pub text: String,
    /// The half-month it was seen in, the same form for every finding (see
    /// `followup::SeenPeriod`).
    pub seen_in: SeenPeriod,
    /// The first day of `seen_in`, nothing more precise: kept for clients older than
    /// `seen_in`, which read a date here.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub seen_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub released_on: Date,
    /// The finding's number with the unit (问题编号): given at release, in release order within
    /// the unit and year, so it says nothing of when or by whom the finding was reported.
    pub number: FindingNumber,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub acknowledged_on: Option<Date>,
    pub due: Option<DueView>,
    pub acknowledged_late: bool,
    pub photos: Vec<PhotoLink>,
    pub answers: Vec<AnswerView>,
    /// The steps the unit may take now.
    pub offered: Vec<Step>,
    /// The public commitments the finding says were broken (践诺守信), if any.
    #[serde(default)]
    pub commitments: Vec<CitedCommitment>,
    /// Transcripts the office attached from the visit's recordings (the recordings never
    /// reach a unit).
    #[serde(default)]
    pub transcripts: Vec<String>,
}

/// The unit's answer in one of the four categories, with evidence photos uploaded after it
/// like a visit's (`PUT` each by hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerUpload {
    /// Made in the browser, so a repeated submission is one answer.
    pub id: AnswerId,
    pub kind: AnswerKind,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub committed_by: Option<Date>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
}

/// The unit's report that committed work is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletionUpload {
    pub id: AnswerId,
    pub text: String,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
}

/// A step the unit takes on one of its findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum UnitStep {
    Acknowledge,
    Answer(AnswerUpload),
    ReportCompletion(CompletionUpload),
}

/// One step of the monitor's own finding, as the phone shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub kind: String,
    pub note: Option<String>,
}

/// A finding the monitor reported, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyFinding {
    pub case_id: CaseId,
    pub finding_id: FindingId,
    pub visit_id: VisitId,
    /// The unit it went to (after any re-routing).
    pub unit: UnitRef,
    pub criterion: String,
    /// The monitor's own words.
    pub description: String,
    pub state: CaseState,
    pub reject_reason: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub answers: Vec<AnswerView>,
    pub rating: Option<Rating>,
    pub may_rate: bool,
    pub lookback_requested: bool,
}

/// `POST` the monitor's rating of the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRequest {
    pub rating: Rating,
}
