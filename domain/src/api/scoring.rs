//! The year-end appraisal's (综合测评) wire types: the office's working view of a year
//! (`ScoringYear`), its inputs (settings, survey entries, inspection overrides, an import's
//! report), the published ranking (`PublishedRanking`, what the year-end 通报 is written from)
//! and the check of the published figures against the audit log (`ScoringCheck`).
//!
//! Every figure is in hundredths of a point (`…_cp`); `crate::scoring::points_text` writes it.

use super::UnitRef;
use crate::ids::UnitId;
use crate::scoring::{InspectionTally, ScoringError, ScoringSettings, SurveyCounts};
use serde::{Deserialize, Serialize};

/// A survey entry the office makes for one top-level unit (a correction is simply a newer one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyInput {
    pub unit_id: UnitId,
    #[serde(flatten)]
    pub counts: SurveyCounts,
    /// Where the figures come from or why they were corrected.
    #[serde(default)]
    pub note: String,
}

/// The inspection part entered by the cross-check team, overriding the rule; `points_cp`
/// `None` goes back to the rule. A reason is required either way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionInput {
    pub unit_id: UnitId,
    pub points_cp: Option<i64>,
    pub reason: String,
}

/// Publishing the year's ranking as it stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishRanking {
    #[serde(default)]
    pub note: String,
}

/// A unit's current survey entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyView {
    #[serde(flatten)]
    pub counts: SurveyCounts,
    pub note: String,
    /// 1 for the first entry of the unit's year, then 2, 3 … for corrections.
    pub revision: u32,
    /// `entry` or `import`.
    pub via: String,
    pub entered_at_ms: i64,
    /// Before the deduction.
    pub gross_cp: i64,
    pub deduction_cp: i64,
}

/// The cross-check team's figure in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionOverride {
    pub points_cp: i64,
    pub reason: String,
    pub revision: u32,
    pub entered_at_ms: i64,
}

/// One unit of a year as it stands now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoringRow {
    pub unit: UnitRef,
    /// `None` until a survey is entered: the unit is then not ranked.
    pub survey: Option<SurveyView>,
    pub survey_cp: Option<i64>,
    /// The unit's counted findings, by the cases as they are now.
    pub tally: InspectionTally,
    pub inspection_rule_cp: i64,
    pub inspection_override: Option<InspectionOverride>,
    /// The override if any, else the rule's.
    pub inspection_cp: i64,
    pub total_cp: Option<i64>,
    pub rank: Option<u32>,
    pub commended: bool,
    pub criticised: bool,
    /// Last this year and in the two published years before.
    pub last_three_years: bool,
}

/// The office's working view of a year's appraisal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoringYear {
    pub year: i32,
    /// The year is open: its inputs may change and it may be published.
    pub open: bool,
    pub settings: ScoringSettings,
    /// In rank order, then the units without a survey.
    pub rows: Vec<ScoringRow>,
    /// The latest publication, if any.
    pub published: Option<PublicationSummary>,
}

/// A publication in brief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationSummary {
    pub id: uuid::Uuid,
    /// 1 for the year's first publication; a later one supersedes it.
    pub revision: u32,
    pub published_at_ms: i64,
    pub published_by: String,
    /// SHA-256 of the published figures (the rows' canonical JSON), also on the audit chain.
    pub sha256: String,
}

/// One unit of a published ranking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedRow {
    pub unit: UnitRef,
    pub rank: u32,
    pub survey_cp: i64,
    pub inspection_cp: i64,
    /// The inspection part was the cross-check team's figure, not the rule's.
    pub inspection_overridden: bool,
    pub total_cp: i64,
    pub commended: bool,
    pub criticised: bool,
    pub last_three_years: bool,
    /// No unit ranked below it.
    pub last: bool,
    /// The findings as counted when published (the rule's input).
    pub tally: InspectionTally,
}

/// A year's published ranking (年度综合测评结果): what the year-end 通报 is written from.
/// Rows in rank order; `commended` are the 表扬 units, `criticised` the 批评 ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedRanking {
    pub year: i32,
    pub publication: PublicationSummary,
    pub note: String,
    pub settings: ScoringSettings,
    pub rows: Vec<PublishedRow>,
}

/// An import's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyImportRow {
    /// The row number as a spreadsheet program shows it.
    pub line: u32,
    pub unit: Option<UnitRef>,
    pub counts: Option<SurveyCounts>,
    /// The survey part these counts give, in hundredths.
    pub survey_cp: Option<i64>,
    pub error: Option<SurveyRowProblem>,
    /// Nothing changes for this unit: the row has no figures (blank means "no change"), or the
    /// same figures as already entered.
    #[serde(default)]
    pub unchanged: bool,
}

/// A column of counts in the survey results' sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountColumn {
    /// The column of a level of the survey (its name as the settings give it).
    Level { name: String },
    /// The column of falsified entries.
    Falsified,
}

/// What is wrong with a row of survey results; the app words it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum SurveyRowProblem {
    /// The unit id is not one of the year's appraised units.
    UnknownId { id: String },
    /// Neither a unit id nor a name.
    MissingName,
    /// The name is not one of the year's appraised units.
    UnknownName { name: String },
    /// Several appraised units have this name: the id is needed.
    AmbiguousName { name: String },
    /// The unit is in the sheet more than once.
    Repeated { name: String },
    /// A count cell that is not a whole number of at least 0.
    NotACount { column: CountColumn, given: String },
    /// The counts break a rule of the year's survey.
    Counts { error: ScoringError },
}

/// A row's problem, with the row number as a spreadsheet program shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyRowError {
    pub line: u32,
    pub problem: SurveyRowProblem,
}

/// What an import of survey results does (dry run) or did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyImportReport {
    pub rows: Vec<SurveyImportRow>,
    /// Every row's problem, in sheet order.
    pub errors: Vec<SurveyRowError>,
    pub applied: bool,
    pub file_sha256: String,
}

/// A difference between the published figures, the tables and the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoringAlarm {
    /// `input` (a table differs from the log), `published` (the stored published figures
    /// differ from the publication's event) or `recomputed` (the figures recomputed from the
    /// log differ from the published ones).
    pub kind: String,
    pub unit: Option<UnitRef>,
    /// What differs, with the figures; the app words it.
    pub problem: AlarmProblem,
}

/// Which input table a revision alarm is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlarmInput {
    /// The survey entries (问卷结果).
    Survey,
    /// The inspection part's overrides (检查部分认定).
    InspectionOverride,
}

/// One field whose values differ: `field` is the field's name in the record or published row
/// (`rank`, `total_cp`, `satisfaction`, …; a code the app words, the name itself when it has
/// no words for it), `expected` what the reference holds (the audit log, or the recomputation)
/// and `found` what the other side holds (the table, or the published figures).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDiff {
    pub field: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub expected: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub found: serde_json::Value,
}

/// What a scoring alarm found, with the figures; the app words it. Its canonical JSON is what
/// makes an alarm the same alarm (`scoring::check::fingerprint`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum AlarmProblem {
    /// The settings table differs from the latest settings change on the log (`input`).
    SettingsDiffer,
    /// A unit has `table` revisions of an input in the table and `log` on the log (`input`).
    RevisionCount {
        input: AlarmInput,
        table: u32,
        log: u32,
    },
    /// A unit's `entry`-th revision (from 1) of an input differs from the log's (`input`):
    /// `expected` from the log, `found` in the table.
    RevisionDiffers {
        input: AlarmInput,
        entry: u32,
        fields: Vec<FieldDiff>,
    },
    /// `table` publications stored, `log` on the log (`published`).
    PublicationCount { table: u32, log: u32 },
    /// A stored publication has no event (`published`).
    PublicationNotLogged { revision: u32 },
    /// A stored publication's digest differs from its event's (`published`).
    PublicationDigestDiffers { revision: u32 },
    /// A stored publication's rows do not give its digest (`published`).
    PublicationRowsDigest { revision: u32 },
    /// A stored publication has a row for a unit its event has not (`published`).
    PublishedRowAdded { revision: u32 },
    /// A stored publication lacks a row its event has (`published`).
    PublishedRowMissing { revision: u32 },
    /// A stored publication's row differs from its event's: `expected` from the log, `found`
    /// in the table (`published`).
    PublishedRowDiffers {
        revision: u32,
        fields: Vec<FieldDiff>,
    },
    /// The settings the latest publication used differ from those the log rebuilds
    /// (`recomputed`).
    RecomputedSettingsDiffer,
    /// Recomputed from the log, this published unit has no survey results and would not be
    /// ranked (`recomputed`).
    RecomputedUnranked,
    /// The figures recomputed from the log differ from the published ones: `expected`
    /// recomputed, `found` published (`recomputed`).
    RecomputedRowDiffers { fields: Vec<FieldDiff> },
}

impl std::fmt::Display for AlarmProblem {
    /// A developer's rendering (logs and the `scoring_alarms` table; never shown to a user).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_string(self) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(std::fmt::Error),
        }
    }
}

/// The check of a year: its inputs rebuilt from the audit log alone, the ranking recomputed
/// and compared with the published figures and with the tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoringCheck {
    pub year: i32,
    pub checked_at_ms: i64,
    /// The audit events read.
    pub events: u32,
    pub published: Option<PublicationSummary>,
    /// Empty when everything agrees.
    pub alarms: Vec<ScoringAlarm>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn alarm_problems_round_trip_tagged() {
        let all = vec![
            AlarmProblem::SettingsDiffer,
            AlarmProblem::RevisionCount {
                input: AlarmInput::Survey,
                table: 2,
                log: 1,
            },
            AlarmProblem::RevisionDiffers {
                input: AlarmInput::InspectionOverride,
                entry: 1,
                fields: vec![FieldDiff {
                    field: "points_cp".into(),
                    expected: json!(500),
                    found: json!(null),
                }],
            },
            AlarmProblem::PublicationCount { table: 1, log: 2 },
            AlarmProblem::PublicationNotLogged { revision: 1 },
            AlarmProblem::PublicationDigestDiffers { revision: 2 },
            AlarmProblem::PublicationRowsDigest { revision: 2 },
            AlarmProblem::PublishedRowAdded { revision: 1 },
            AlarmProblem::PublishedRowMissing { revision: 1 },
            AlarmProblem::PublishedRowDiffers {
                revision: 1,
                fields: vec![FieldDiff {
                    field: "total_cp".into(),
                    expected: json!(8000),
                    found: json!(8500),
                }],
            },
            AlarmProblem::RecomputedSettingsDiffer,
            AlarmProblem::RecomputedUnranked,
            AlarmProblem::RecomputedRowDiffers {
                fields: vec![FieldDiff {
                    field: "last".into(),
                    expected: json!(true),
                    found: json!(false),
                }],
            },
        ];
        for p in all {
            let v = serde_json::to_value(&p).unwrap();
            assert!(v["reason"].is_string(), "{v}");
            let back: AlarmProblem = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(back, p, "{v}");
            // The developer's rendering is the same canonical JSON.
            assert_eq!(p.to_string(), serde_json::to_string(&p).unwrap());
        }
        let v = serde_json::to_value(AlarmProblem::PublishedRowMissing { revision: 3 }).unwrap();
        assert_eq!(
            v,
            json!({"reason": "published_row_missing", "detail": {"revision": 3}})
        );
        let alarm = ScoringAlarm {
            kind: "published".into(),
            unit: None,
            problem: AlarmProblem::SettingsDiffer,
        };
        let back: ScoringAlarm =
            serde_json::from_value(serde_json::to_value(&alarm).unwrap()).unwrap();
        assert_eq!(back, alarm);
    }
}
