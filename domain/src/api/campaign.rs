//! The campaign year's and the quota ledger's wire types: opening, reading, editing and
//! closing a year (年度民主评议); the office's ledger of every monitor with the key units'
//! coverage; the monitor's own ledger, which the phone caches for offline reading; and the
//! reminders the office sends to those behind.

use super::{CriteriaSetView, MonitorQuotaRow, UnitRef};
use crate::campaign::{Deadlines, Focus, Stage, StageKind};
use crate::ids::{CampaignId, UnitId, UserId, VisitId};
use crate::quota::{Ledger, Pace, QuotaRules};
use crate::visit::VisitMode;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// `POST` a new year. Only the year is needed: what is left out takes the defaults (the focus
/// alternating from the latest earlier year, the source calendar, copies of the default
/// criteria, the source's quotas and deadlines, a 90 % coverage target, no key units).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenCampaign {
    pub year: i32,
    #[serde(default)]
    pub focus: Option<Focus>,
    /// The units under key appraisal (重点评议): top-level units of the directory.
    #[serde(default)]
    pub key_units: Vec<UnitId>,
    #[serde(default)]
    pub stages: Option<Vec<Stage>>,
    /// Both sets (department, industry), as edited copies of the defaults.
    #[serde(default)]
    pub criteria: Option<Vec<CriteriaSetView>>,
    #[serde(default)]
    pub quota_rules: Option<QuotaRules>,
    #[serde(default)]
    pub deadlines: Option<Deadlines>,
    #[serde(default)]
    pub coverage_target_pct: Option<u32>,
}

/// `PATCH` an open year; what is left out stays as it is. Each change goes on the audit chain
/// with its old and new value. Key units and stages are given whole; a criteria set given
/// replaces that set, and must keep every code it had.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignEdit {
    #[serde(default)]
    pub focus: Option<Focus>,
    #[serde(default)]
    pub key_units: Option<Vec<UnitId>>,
    #[serde(default)]
    pub stages: Option<Vec<Stage>>,
    #[serde(default)]
    pub criteria: Option<Vec<CriteriaSetView>>,
    #[serde(default)]
    pub quota_rules: Option<QuotaRules>,
    #[serde(default)]
    pub deadlines: Option<Deadlines>,
    #[serde(default)]
    pub coverage_target_pct: Option<u32>,
}

/// A year as the office's list of years shows it, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    pub id: CampaignId,
    pub year: i32,
    pub focus: Focus,
    pub key_units: u32,
    /// When the year was closed (frozen), if it was.
    pub closed_at_ms: Option<i64>,
}

/// How much of the key units' stations and windows the year's visits reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageView {
    /// The share the year asks for, in per cent.
    pub target_pct: u32,
    pub key_units: Vec<UnitRef>,
    /// The stations, offices, schools, hospitals and windows under the key units (a key unit
    /// with nothing under it is a place itself).
    pub places: u32,
    /// Of them, those visited at least once this year.
    pub visited: u32,
    /// `visited` of `places` in whole per cent, rounded down.
    pub share_pct: u32,
    /// Whether the target is reached (computed exactly, not from the rounded share).
    pub met: bool,
    /// The places no visit reached, in the directory's order.
    pub never_visited: Vec<UnitRef>,
}

/// `GET` the office's ledger of a year: one row per monitor (sortable by the client) and the
/// key units' coverage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeLedger {
    pub year: i32,
    /// A closed year is frozen: its figures count only the visits received before it closed.
    pub closed: bool,
    /// The day the pace is judged on: today, or the day the year closed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    pub rows: Vec<MonitorQuotaRow>,
    pub coverage: CoverageView,
}

/// One of the monitor's visits as their ledger counts it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerVisitView {
    pub id: VisitId,
    pub unit: UnitRef,
    pub mode: VisitMode,
    /// The day it happened (China Standard Time), which decides its year and stage.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    pub stage: Option<StageKind>,
    pub started_at_device_ms: i64,
    /// The server's first receipt, kept beside the device's time.
    pub received_at_ms: i64,
    /// Received only after its stage had ended (recorded offline, synced later): it still
    /// counts in the stage it happened in.
    pub synced_after_stage: bool,
}

/// `GET` the signed-in monitor's own ledger of this year, for the phone to cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitorLedger {
    pub year: i32,
    /// Whether the office has opened this year (without it the source's rules apply and there
    /// is no calendar to pace by).
    pub has_campaign: bool,
    pub closed: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    pub stages: Vec<Stage>,
    pub ledger: Ledger,
    /// The visits counted, oldest first.
    pub visits: Vec<LedgerVisitView>,
}

/// `POST` reminders for a year: to the monitors named, or, with none named, to every monitor
/// whose ledger is behind. An empty message sends the standard text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderRequest {
    #[serde(default)]
    pub monitors: Option<Vec<UserId>>,
    #[serde(default)]
    pub message: String,
}

/// One reminder sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentReminder {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub monitor: UserId,
    pub display_name: String,
    pub state: Pace,
}

/// The answer to a reminder request: who was reminded (possibly nobody).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemindersSent {
    pub year: i32,
    pub reminders: Vec<SentReminder>,
}

/// A reminder as the monitor reads it, with their figures when it was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderView {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub year: i32,
    pub sent_at_ms: i64,
    pub message: String,
    pub done: u32,
    pub required: u32,
    pub state: Pace,
}
