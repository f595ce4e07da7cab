//! The appraisal year (年度民主评议): its focus, its stages with dates set by the office, and
//! its criteria. "原则上每年5月启动,至11月底结束": the defaults below follow the source calendar.

use crate::criteria::{default_criteria, CriteriaSetKind, Criterion};
use serde::{Deserialize, Serialize};
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
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StagesError {
    #[error("stage {0} ends before it starts")]
    EndsBeforeStart(&'static str),
    #[error("stage {0} starts before the previous stage ends")]
    Overlap(&'static str),
}

/// Checks that stages are in calendar order and do not overlap.
pub fn check_stages(stages: &[Stage]) -> Result<(), StagesError> {
    for (i, s) in stages.iter().enumerate() {
        if s.ends_on < s.starts_on {
            return Err(StagesError::EndsBeforeStart(s.kind.as_str()));
        }
        if i > 0 && s.starts_on <= stages[i - 1].ends_on {
            return Err(StagesError::Overlap(s.kind.as_str()));
        }
    }
    Ok(())
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
            Err(StagesError::Overlap("self_inspection"))
        );
        let mut stages = default_stages(2026);
        stages[0].ends_on = date!(2026 - 04 - 01);
        assert_eq!(
            check_stages(&stages),
            Err(StagesError::EndsBeforeStart("mobilisation"))
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
}
