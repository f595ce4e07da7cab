//! The appraisal year (年度民主评议): its focus, its stages with dates set by the office, its
//! criteria, quota rules and deadline defaults. "原则上每年5月启动,至11月底结束": the defaults
//! below follow the source calendar.
//!
//! A year's plan (`CampaignPlan`) starts from the defaults (`CampaignPlan::default_for`), with
//! the focus alternating from the year before (`next_focus`), and is checked as a whole
//! (`CampaignPlan::check`) whenever the office opens or edits it. Stage days are calendar days
//! in China Standard Time, both ends inclusive, whatever the weekday: a stage that ends on a
//! Saturday or a public holiday ends on that day, and a visit made on it counts in the stage.

use crate::criteria::{
    check_edit, check_set, default_criteria, CriteriaError, CriteriaSetKind, Criterion,
};
use crate::followup::{DEFAULT_ACK_DAYS, DEFAULT_ANSWER_DAYS, MAX_DEADLINE_DAYS};
use crate::quota::{QuotaRuleError, QuotaRules};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;
use time::{Date, Month};

/// The stages of a year, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// 动员部署
    Mobilisation,
    /// 自查自纠
    SelfInspection,
    /// 评议整改
    AppraisalRectification,
    /// 总结
    Summary,
}

impl StageKind {
    pub const ALL: [StageKind; 4] = [
        StageKind::Mobilisation,
        StageKind::SelfInspection,
        StageKind::AppraisalRectification,
        StageKind::Summary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Mobilisation => "mobilisation",
            StageKind::SelfInspection => "self_inspection",
            StageKind::AppraisalRectification => "appraisal_rectification",
            StageKind::Summary => "summary",
        }
    }

    pub fn parse(s: &str) -> Option<StageKind> {
        StageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Which kind of unit the year concentrates on; years alternate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Focus {
    Departments,
    Industries,
}

impl Focus {
    pub fn as_str(self) -> &'static str {
        match self {
            Focus::Departments => "departments",
            Focus::Industries => "industries",
        }
    }

    pub fn parse(s: &str) -> Option<Focus> {
        match s {
            "departments" => Some(Focus::Departments),
            "industries" => Some(Focus::Industries),
            _ => None,
        }
    }

    /// The other focus: what the next year turns to.
    pub fn other(self) -> Focus {
        match self {
            Focus::Departments => Focus::Industries,
            Focus::Industries => Focus::Departments,
        }
    }
}

/// One stage with its first and last day (both inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stage {
    pub kind: StageKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub ends_on: Date,
}

impl Stage {
    pub fn contains(&self, day: Date) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

fn day(year: i32, month: Month, d: u8) -> Date {
    // The defaults below are valid calendar days in every year.
    Date::from_calendar_date(year, month, d).expect("valid default date")
}

/// The source calendar: mobilisation May – early July, self-inspection mid-July – August,
/// appraisal and full rectification September – mid-November, summary by 25 November.
pub fn default_stages(year: i32) -> Vec<Stage> {
    use Month::*;
    vec![
        Stage {
            kind: StageKind::Mobilisation,
            starts_on: day(year, May, 1),
            ends_on: day(year, July, 10),
        },
        Stage {
            kind: StageKind::SelfInspection,
            starts_on: day(year, July, 11),
            ends_on: day(year, August, 31),
        },
        Stage {
            kind: StageKind::AppraisalRectification,
            starts_on: day(year, September, 1),
            ends_on: day(year, November, 15),
        },
        Stage {
            kind: StageKind::Summary,
            starts_on: day(year, November, 16),
            ends_on: day(year, November, 25),
        },
    ]
}

/// A set of stages the office may save: in order, each within itself, none overlapping.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum StagesError {
    #[error("stage {} ends before it starts", .stage.as_str())]
    EndsBeforeStart { stage: StageKind },
    #[error("stage {} starts before the previous stage ends", .stage.as_str())]
    Overlap { stage: StageKind },
    #[error("stage {} is not inside the year {year}", .stage.as_str())]
    OutsideYear { stage: StageKind, year: i32 },
    #[error(
        "a year has its four stages once each and in order: mobilisation, self_inspection, \
         appraisal_rectification, summary"
    )]
    Kinds,
}

/// Checks that stages are in calendar order and do not overlap.
pub fn check_stages(stages: &[Stage]) -> Result<(), StagesError> {
    for (i, s) in stages.iter().enumerate() {
        if s.ends_on < s.starts_on {
            return Err(StagesError::EndsBeforeStart { stage: s.kind });
        }
        if i > 0 && s.starts_on <= stages[i - 1].ends_on {
            return Err(StagesError::Overlap { stage: s.kind });
        }
    }
    Ok(())
}

/// Checks a year's whole calendar: the four stages once each in their order, each inside the
/// year, none ending before it starts, none overlapping the one before (gaps are allowed).
pub fn check_calendar(year: i32, stages: &[Stage]) -> Result<(), StagesError> {
    if !stages.iter().map(|s| s.kind).eq(StageKind::ALL) {
        return Err(StagesError::Kinds);
    }
    check_stages(stages)?;
    match stages
        .iter()
        .find(|s| s.starts_on.year() != year || s.ends_on.year() != year)
    {
        Some(s) => Err(StagesError::OutsideYear {
            stage: s.kind,
            year,
        }),
        None => Ok(()),
    }
}

/// The stage a day falls in, if any.
pub fn stage_on(stages: &[Stage], day: Date) -> Option<StageKind> {
    stages.iter().find(|s| s.contains(day)).map(|s| s.kind)
}

/// The criteria sets a new campaign starts from: editable copies of the defaults.
pub fn default_criteria_sets() -> Vec<(CriteriaSetKind, Vec<Criterion>)> {
    [CriteriaSetKind::Department, CriteriaSetKind::Industry]
        .into_iter()
        .map(|k| (k, default_criteria(k)))
        .collect()
}

/// Years alternate between departments and industries; even years default to departments.
pub fn default_focus(year: i32) -> Focus {
    if year % 2 == 0 {
        Focus::Departments
    } else {
        Focus::Industries
    }
}

/// The focus a new year defaults to: the other one than the latest earlier year's (two years
/// on, the same again), or by the parity of the year when there is no earlier year.
pub fn next_focus(previous: Option<(i32, Focus)>, year: i32) -> Focus {
    match previous {
        Some((before, focus)) if (year - before) % 2 != 0 => focus.other(),
        Some((_, focus)) => focus,
        None => default_focus(year),
    }
}

/// The years a campaign may be opened for.
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// Checks a year given as a parameter (a path, a query) against [`YEARS`]: no calendar
/// computation ever sees year 10000.
pub fn check_year(year: i64) -> Result<i32, crate::refusal::InputRefusal> {
    i32::try_from(year)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or(crate::refusal::InputRefusal::YearOutOfRange {
            year,
            min: *YEARS.start(),
            max: *YEARS.end(),
        })
}

/// The share of the key units' stations and windows to be visited at least once, in percent
/// (the source asks for at least 90 %).
pub const DEFAULT_COVERAGE_TARGET_PCT: u32 = 90;

/// The follow-up loop's deadline defaults for a year, in working days: how long a unit has to
/// acknowledge a released finding, and then to answer it. The office may still set other
/// figures on a release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadlines {
    pub ack_days: u32,
    pub answer_days: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            ack_days: DEFAULT_ACK_DAYS,
            answer_days: DEFAULT_ANSWER_DAYS,
        }
    }
}

impl Deadlines {
    /// Each deadline is 1 to `MAX_DEADLINE_DAYS` working days.
    pub fn check(self) -> Result<(), CampaignError> {
        let range = 1..=MAX_DEADLINE_DAYS;
        if range.contains(&self.ack_days) && range.contains(&self.answer_days) {
            Ok(())
        } else {
            Err(CampaignError::Deadlines)
        }
    }
}

/// What is wrong with a year's plan.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CampaignError {
    #[error("a campaign year is between {} and {}", YEARS.start(), YEARS.end())]
    Year,
    #[error(transparent)]
    Stages(#[from] StagesError),
    #[error("criteria set {}: {error}", .set.as_str())]
    Criteria {
        set: CriteriaSetKind,
        error: CriteriaError,
    },
    #[error("a year has exactly one department and one industry criteria set")]
    CriteriaSets,
    #[error(transparent)]
    Quota(#[from] QuotaRuleError),
    #[error("deadlines are 1 to {MAX_DEADLINE_DAYS} working days")]
    Deadlines,
    #[error("the coverage target is 1 to 100 per cent")]
    CoverageTarget,
}

/// Everything of a year the office sets, apart from the key units (which refer to the unit
/// directory, so the server checks them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignPlan {
    pub year: i32,
    pub focus: Focus,
    pub stages: Vec<Stage>,
    /// The department set, then the industry set.
    pub criteria: Vec<(CriteriaSetKind, Vec<Criterion>)>,
    pub quota_rules: QuotaRules,
    pub deadlines: Deadlines,
    pub coverage_target_pct: u32,
}

impl CampaignPlan {
    /// A new year as the source documents would have it: the default calendar, copies of the
    /// default criteria, the source's quotas and deadlines, and the focus alternating from the
    /// latest earlier year.
    pub fn default_for(year: i32, previous: Option<(i32, Focus)>) -> CampaignPlan {
        CampaignPlan {
            year,
            focus: next_focus(previous, year),
            stages: default_stages(year),
            criteria: default_criteria_sets(),
            quota_rules: QuotaRules::default(),
            deadlines: Deadlines::default(),
            coverage_target_pct: DEFAULT_COVERAGE_TARGET_PCT,
        }
    }

    /// Checks the whole plan.
    pub fn check(&self) -> Result<(), CampaignError> {
        if !YEARS.contains(&self.year) {
            return Err(CampaignError::Year);
        }
        check_calendar(self.year, &self.stages)?;
        let kinds: Vec<CriteriaSetKind> = self.criteria.iter().map(|(k, _)| *k).collect();
        if kinds != [CriteriaSetKind::Department, CriteriaSetKind::Industry] {
            return Err(CampaignError::CriteriaSets);
        }
        for (kind, set) in &self.criteria {
            check_set(set).map_err(|e| CampaignError::Criteria {
                set: *kind,
                error: e,
            })?;
        }
        self.quota_rules.check()?;
        self.deadlines.check()?;
        if !(1..=100).contains(&self.coverage_target_pct) {
            return Err(CampaignError::CoverageTarget);
        }
        Ok(())
    }

    /// Checks an edit of a saved plan: the new plan must pass `check`, keep its year, and keep
    /// every criterion code of the old one (findings refer to them; names may change).
    pub fn check_edit(&self, new: &CampaignPlan) -> Result<(), CampaignError> {
        new.check()?;
        if new.year != self.year {
            return Err(CampaignError::Year);
        }
        for ((kind, old), (_, set)) in self.criteria.iter().zip(&new.criteria) {
            check_edit(old, set).map_err(|e| CampaignError::Criteria {
                set: *kind,
                error: e,
            })?;
        }
        Ok(())
    }

    /// The criteria of one set.
    pub fn criteria_of(&self, kind: CriteriaSetKind) -> &[Criterion] {
        self.criteria
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[], |(_, c)| c.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn default_calendar_is_ordered_and_covers_may_to_november() {
        let stages = default_stages(2026);
        assert_eq!(check_stages(&stages), Ok(()));
        assert_eq!(stages.first().unwrap().starts_on, date!(2026 - 05 - 01));
        assert_eq!(stages.last().unwrap().ends_on, date!(2026 - 11 - 25));
        assert_eq!(
            stage_on(&stages, date!(2026 - 08 - 01)),
            Some(StageKind::SelfInspection)
        );
        assert_eq!(
            stage_on(&stages, date!(2026 - 11 - 16)),
            Some(StageKind::Summary)
        );
        assert_eq!(stage_on(&stages, date!(2026 - 12 - 01)), None);
    }

    #[test]
    fn overlapping_or_reversed_stages_are_refused() {
        let mut stages = default_stages(2026);
        stages[1].starts_on = date!(2026 - 07 - 01);
        assert_eq!(
            check_stages(&stages),
            Err(StagesError::Overlap {
                stage: StageKind::SelfInspection
            })
        );
        let mut stages = default_stages(2026);
        stages[0].ends_on = date!(2026 - 04 - 01);
        assert_eq!(
            check_stages(&stages),
            Err(StagesError::EndsBeforeStart {
                stage: StageKind::Mobilisation
            })
        );
    }

    #[test]
    fn stage_and_focus_names_round_trip() {
        for k in StageKind::ALL {
            assert_eq!(StageKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            Focus::parse(default_focus(2027).as_str()),
            Some(Focus::Industries)
        );
        assert_eq!(default_focus(2026), Focus::Departments);
    }

    #[test]
    fn a_calendar_has_the_four_stages_in_order_inside_its_year() {
        assert_eq!(check_calendar(2026, &default_stages(2026)), Ok(()));
        assert_eq!(
            check_calendar(2027, &default_stages(2026)),
            Err(StagesError::OutsideYear {
                stage: StageKind::Mobilisation,
                year: 2027
            })
        );
        let mut spills = default_stages(2026);
        spills[3].ends_on = date!(2027 - 01 - 05);
        assert_eq!(
            check_calendar(2026, &spills),
            Err(StagesError::OutsideYear {
                stage: StageKind::Summary,
                year: 2026
            })
        );
        let mut three = default_stages(2026);
        three.pop();
        assert_eq!(check_calendar(2026, &three), Err(StagesError::Kinds));
        let mut swapped = default_stages(2026);
        swapped.swap(0, 1);
        assert_eq!(check_calendar(2026, &swapped), Err(StagesError::Kinds));
        // Gaps between stages are allowed; a one-day stage too.
        let mut gaps = default_stages(2026);
        gaps[1].starts_on = date!(2026 - 07 - 20);
        gaps[3] = Stage {
            kind: StageKind::Summary,
            starts_on: date!(2026 - 11 - 25),
            ends_on: date!(2026 - 11 - 25),
        };
        assert_eq!(check_calendar(2026, &gaps), Ok(()));
        // The last day of the year is inside it, in a leap year too.
        let mut to_the_end = default_stages(2028);
        to_the_end[3].ends_on = date!(2028 - 12 - 31);
        assert_eq!(check_calendar(2028, &to_the_end), Ok(()));
    }

    #[test]
    fn the_focus_alternates_from_the_latest_earlier_year() {
        use Focus::*;
        assert_eq!(next_focus(Some((2025, Departments)), 2026), Industries);
        assert_eq!(next_focus(Some((2025, Industries)), 2026), Departments);
        // Two years on, the same focus again; with nothing earlier, the parity of the year.
        assert_eq!(next_focus(Some((2024, Industries)), 2026), Industries);
        assert_eq!(next_focus(Some((2023, Industries)), 2026), Departments);
        assert_eq!(next_focus(None, 2026), Departments);
        assert_eq!(next_focus(None, 2027), Industries);
        assert_eq!(Departments.other().other(), Departments);
    }

    #[test]
    fn a_default_plan_passes_and_edits_keep_year_and_codes() {
        let plan = CampaignPlan::default_for(2026, Some((2025, Focus::Departments)));
        assert_eq!(plan.focus, Focus::Industries);
        assert_eq!(plan.check(), Ok(()));
        assert_eq!(plan.criteria_of(CriteriaSetKind::Department).len(), 8);
        assert_eq!(plan.criteria_of(CriteriaSetKind::Industry).len(), 7);
        assert_eq!(
            plan.deadlines,
            Deadlines {
                ack_days: 5,
                answer_days: 10
            }
        );
        assert_eq!(plan.coverage_target_pct, 90);
        assert_eq!(plan.quota_rules.district.visits_per_year, 6);

        let mut renamed = plan.clone();
        renamed.criteria[1].1[0].name_zh = "依法经营（含价格）".into();
        assert_eq!(plan.check_edit(&renamed), Ok(()));
        let mut dropped = plan.clone();
        dropped.criteria[0].1.pop();
        assert_eq!(
            plan.check_edit(&dropped),
            Err(CampaignError::Criteria {
                set: CriteriaSetKind::Department,
                error: CriteriaError::Removed {
                    code: "courteous_service".into()
                }
            })
        );
        let mut moved = plan.clone();
        moved.year = 2027;
        moved.stages = default_stages(2027);
        assert_eq!(plan.check_edit(&moved), Err(CampaignError::Year));

        let mut one_set = plan.clone();
        one_set.criteria.pop();
        assert_eq!(one_set.check(), Err(CampaignError::CriteriaSets));
        let mut no_days = plan.clone();
        no_days.deadlines.ack_days = 0;
        assert_eq!(no_days.check(), Err(CampaignError::Deadlines));
        no_days.deadlines = Deadlines {
            ack_days: 5,
            answer_days: MAX_DEADLINE_DAYS + 1,
        };
        assert_eq!(no_days.check(), Err(CampaignError::Deadlines));
        let mut target = plan.clone();
        target.coverage_target_pct = 101;
        assert_eq!(target.check(), Err(CampaignError::CoverageTarget));
        let far = CampaignPlan::default_for(2101, None);
        assert_eq!(far.check(), Err(CampaignError::Year));
        let mut quota = plan;
        quota.quota_rules.department.visits_in_self_inspection = 5;
        assert_eq!(
            quota.check(),
            Err(CampaignError::Quota(QuotaRuleError::StageAboveYear))
        );
    }
}
