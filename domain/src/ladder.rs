//! The repeat-offence ladder (一次查实诫勉谈话、两次通报批评、三次交流换岗, seed 004): in
//! departments with concentrated power (approval, enforcement, fees) each problem the office
//! verified (查实) against a responsible person counts, and the count inside the rule's window
//! calls for the ladder's step: the first a cautionary talk (诫勉谈话), the second a notice of
//! criticism (通报批评), the third and any later a transfer (交流换岗).
//!
//! The rule ([`LadderRule`]) is the office's to set: the counts at which each step is called
//! for, the window the count runs over (the campaign year by default, or a number of days back
//! from today) and the top-level unit kinds it applies to (departments and the service centre
//! by default). [`standing`] answers a person's count, the step called for and whether it has
//! been taken since the count reached it.

use crate::unit::UnitKind;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

/// The ladder's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LadderStep {
    /// 诫勉谈话
    Caution,
    /// 通报批评
    Criticism,
    /// 交流换岗
    Transfer,
}

impl LadderStep {
    pub const ALL: [LadderStep; 3] = [
        LadderStep::Caution,
        LadderStep::Criticism,
        LadderStep::Transfer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LadderStep::Caution => "caution",
            LadderStep::Criticism => "criticism",
            LadderStep::Transfer => "transfer",
        }
    }

    pub fn parse(s: &str) -> Option<LadderStep> {
        LadderStep::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The step as the seed names it (documents print it).
    pub fn name_zh(self) -> &'static str {
        match self {
            LadderStep::Caution => "诫勉谈话",
            LadderStep::Criticism => "通报批评",
            LadderStep::Transfer => "交流换岗",
        }
    }

    fn index(self) -> usize {
        match self {
            LadderStep::Caution => 0,
            LadderStep::Criticism => 1,
            LadderStep::Transfer => 2,
        }
    }
}

/// Over which days verified problems are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LadderWindow {
    /// The campaign year of today: 1 January to 31 December.
    CampaignYear,
    /// The last `days` days up to today, both ends included.
    Days { days: u32 },
}

/// The longest window in days (three years).
pub const MAX_WINDOW_DAYS: u32 = 1096;

/// The office's rule of the ladder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LadderRule {
    /// The counts at which the caution, the criticism and the transfer are called for,
    /// strictly increasing from 1 (1, 2, 3 by default).
    pub thresholds: [u32; 3],
    pub window: LadderWindow,
    /// The top-level unit kinds whose people the ladder counts (their stations and windows
    /// included).
    pub kinds: Vec<UnitKind>,
}

impl Default for LadderRule {
    fn default() -> LadderRule {
        LadderRule {
            thresholds: [1, 2, 3],
            window: LadderWindow::CampaignYear,
            kinds: vec![UnitKind::Department, UnitKind::ServiceCentre],
        }
    }
}

/// What is wrong with a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RuleProblem {
    /// The thresholds must start at 1 or more and strictly increase.
    #[error("thresholds must be at least 1 and strictly increasing")]
    Thresholds,
    #[error("the window is 1 to {max} days")]
    WindowDays { max: u32 },
    /// At least one kind, and only top-level kinds.
    #[error("the rule applies to one or more top-level unit kinds")]
    Kinds,
}

impl LadderRule {
    /// Checks the rule.
    pub fn check(&self) -> Result<(), RuleProblem> {
        let [a, b, c] = self.thresholds;
        if a < 1 || b <= a || c <= b {
            return Err(RuleProblem::Thresholds);
        }
        if let LadderWindow::Days { days } = self.window {
            if days == 0 || days > MAX_WINDOW_DAYS {
                return Err(RuleProblem::WindowDays {
                    max: MAX_WINDOW_DAYS,
                });
            }
        }
        if self.kinds.is_empty() || self.kinds.iter().any(|k| !k.is_top_level()) {
            return Err(RuleProblem::Kinds);
        }
        Ok(())
    }

    /// Whether the ladder counts people of a unit whose top-level unit is of `kind`.
    pub fn applies_to(&self, top_kind: UnitKind) -> bool {
        self.kinds.contains(&top_kind)
    }

    /// The first day of the window that ends `today`.
    pub fn window_start(&self, today: Date) -> Date {
        match self.window {
            LadderWindow::CampaignYear => {
                Date::from_calendar_date(today.year(), Month::January, 1).unwrap_or(today)
            }
            LadderWindow::Days { days } => today
                .checked_sub(Duration::days(i64::from(days.max(1)) - 1))
                .unwrap_or(Date::MIN),
        }
    }

    /// The step a count calls for: the highest whose threshold it reached.
    pub fn called_for(&self, count: u32) -> Option<LadderStep> {
        LadderStep::ALL
            .into_iter()
            .rev()
            .find(|s| count >= self.thresholds[s.index()])
    }
}

/// A person's place on the ladder today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    /// Verified problems inside the window.
    pub count: u32,
    /// The step the count calls for.
    pub called_for: Option<LadderStep>,
    /// The step called for has not been recorded as taken inside the window since the count
    /// reached its threshold.
    pub pending: bool,
}

/// A person's standing on `today`: `verified` the days their problems were verified,
/// `taken` the steps recorded with the day each was taken. A step counts as taken when it
/// (or a later step) was recorded on or after the day the count reached that step's
/// threshold, inside the window.
pub fn standing(
    rule: &LadderRule,
    today: Date,
    verified: &[Date],
    taken: &[(LadderStep, Date)],
) -> Standing {
    let start = rule.window_start(today);
    let mut days: Vec<Date> = verified
        .iter()
        .copied()
        .filter(|d| *d >= start && *d <= today)
        .collect();
    days.sort();
    let count = u32::try_from(days.len()).unwrap_or(u32::MAX);
    let called_for = rule.called_for(count);
    let pending = called_for.is_some_and(|step| {
        // The day the count reached the step's threshold.
        let reached = days[(rule.thresholds[step.index()] as usize).saturating_sub(1)];
        !taken
            .iter()
            .any(|(s, on)| *s >= step && *on >= reached && *on <= today)
    });
    Standing {
        count,
        called_for,
        pending,
    }
}

/// The longest name, staff number, post or note the ladder keeps, in characters.
pub const MAX_TEXT: usize = 200;

/// A person as the office records them: their name, and the staff number (工号) and post
/// (窗口 / 岗位) when known. Two records of one unit with the same staff number, or with no
/// staff number and the same name, are one person.
pub fn check_person(name: &str, staff_no: &str, post: &str) -> Result<(), PersonProblem> {
    if name.trim().is_empty() {
        return Err(PersonProblem::NoName);
    }
    for t in [name, staff_no, post] {
        if t.trim().chars().count() > MAX_TEXT {
            return Err(PersonProblem::TooLong { max: MAX_TEXT });
        }
    }
    Ok(())
}

/// What is wrong with a person's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum PersonProblem {
    #[error("a person needs a name")]
    NoName,
    #[error("at most {max} characters")]
    TooLong { max: usize },
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_default_rule_is_the_seeds() {
        let r = LadderRule::default();
        assert_eq!(r.check(), Ok(()));
        assert_eq!(r.called_for(0), None);
        assert_eq!(r.called_for(1), Some(LadderStep::Caution));
        assert_eq!(r.called_for(2), Some(LadderStep::Criticism));
        assert_eq!(r.called_for(3), Some(LadderStep::Transfer));
        assert_eq!(r.called_for(7), Some(LadderStep::Transfer));
        assert!(r.applies_to(UnitKind::Department));
        assert!(r.applies_to(UnitKind::ServiceCentre));
        assert!(!r.applies_to(UnitKind::Industry));
    }

    #[test]
    fn bad_rules_are_named() {
        let mut r = LadderRule {
            thresholds: [0, 1, 2],
            ..LadderRule::default()
        };
        assert_eq!(r.check(), Err(RuleProblem::Thresholds));
        r.thresholds = [1, 1, 2];
        assert_eq!(r.check(), Err(RuleProblem::Thresholds));
        r.thresholds = [1, 3, 2];
        assert_eq!(r.check(), Err(RuleProblem::Thresholds));
        r.thresholds = [2, 4, 6];
        assert_eq!(r.check(), Ok(()));
        r.window = LadderWindow::Days { days: 0 };
        assert_eq!(r.check(), Err(RuleProblem::WindowDays { max: 1096 }));
        r.window = LadderWindow::Days { days: 1097 };
        assert!(r.check().is_err());
        r.window = LadderWindow::Days { days: 365 };
        assert_eq!(r.check(), Ok(()));
        r.kinds = vec![];
        assert_eq!(r.check(), Err(RuleProblem::Kinds));
        r.kinds = vec![UnitKind::Window];
        assert_eq!(r.check(), Err(RuleProblem::Kinds));
    }

    #[test]
    fn windows_start_where_they_should() {
        let year = LadderRule::default();
        assert_eq!(
            year.window_start(date!(2026 - 12 - 31)),
            date!(2026 - 01 - 01)
        );
        assert_eq!(
            year.window_start(date!(2028 - 01 - 01)),
            date!(2028 - 01 - 01)
        );
        let days = LadderRule {
            window: LadderWindow::Days { days: 365 },
            ..LadderRule::default()
        };
        // 2028 is a leap year: 365 days up to 2028-03-01 begin on 2027-03-03.
        assert_eq!(
            days.window_start(date!(2028 - 03 - 01)),
            date!(2027 - 03 - 03)
        );
        let one = LadderRule {
            window: LadderWindow::Days { days: 1 },
            ..LadderRule::default()
        };
        assert_eq!(
            one.window_start(date!(2026 - 05 - 05)),
            date!(2026 - 05 - 05)
        );
    }

    #[test]
    fn the_count_runs_inside_the_window_only() {
        let r = LadderRule::default();
        let today = date!(2027 - 02 - 01);
        // Two verified last year, one this year: a caution, not a criticism.
        let s = standing(
            &r,
            today,
            &[
                date!(2026 - 11 - 01),
                date!(2026 - 12 - 31),
                date!(2027 - 01 - 05),
            ],
            &[],
        );
        assert_eq!(s.count, 1);
        assert_eq!(s.called_for, Some(LadderStep::Caution));
        assert!(s.pending);
        // A verification dated after today (a clock ahead) is not counted yet.
        let s = standing(&r, today, &[date!(2027 - 03 - 01)], &[]);
        assert_eq!(s.count, 0);
        assert_eq!(s.called_for, None);
        assert!(!s.pending);
    }

    #[test]
    fn a_step_is_taken_only_once_the_count_reached_it() {
        let r = LadderRule::default();
        let today = date!(2026 - 10 - 01);
        let verified = [date!(2026 - 03 - 01), date!(2026 - 06 - 01)];
        // The caution taken in April does not answer the criticism called for in June.
        let s = standing(
            &r,
            today,
            &verified,
            &[(LadderStep::Caution, date!(2026 - 04 - 01))],
        );
        assert_eq!(s.called_for, Some(LadderStep::Criticism));
        assert!(s.pending);
        // A criticism taken on the day the second problem was verified answers it.
        let s = standing(
            &r,
            today,
            &verified,
            &[
                (LadderStep::Caution, date!(2026 - 04 - 01)),
                (LadderStep::Criticism, date!(2026 - 06 - 01)),
            ],
        );
        assert!(!s.pending);
        // A transfer (a later step) answers a criticism too.
        let s = standing(
            &r,
            today,
            &verified,
            &[(LadderStep::Transfer, date!(2026 - 07 - 01))],
        );
        assert!(!s.pending);
        // A third problem calls for the transfer again.
        let s = standing(
            &r,
            today,
            &[
                date!(2026 - 03 - 01),
                date!(2026 - 06 - 01),
                date!(2026 - 08 - 01),
            ],
            &[(LadderStep::Criticism, date!(2026 - 06 - 02))],
        );
        assert_eq!(s.count, 3);
        assert_eq!(s.called_for, Some(LadderStep::Transfer));
        assert!(s.pending);
    }

    #[test]
    fn higher_thresholds_change_what_is_called_for() {
        let r = LadderRule {
            thresholds: [2, 3, 5],
            ..LadderRule::default()
        };
        let today = date!(2026 - 12 - 01);
        let s = standing(&r, today, &[date!(2026 - 01 - 02)], &[]);
        assert_eq!((s.count, s.called_for, s.pending), (1, None, false));
        let four = [
            date!(2026 - 01 - 02),
            date!(2026 - 02 - 02),
            date!(2026 - 03 - 02),
            date!(2026 - 04 - 02),
        ];
        let s = standing(&r, today, &four, &[]);
        assert_eq!(s.called_for, Some(LadderStep::Criticism));
    }

    #[test]
    fn people_are_checked() {
        assert_eq!(check_person(" ", "", ""), Err(PersonProblem::NoName));
        assert_eq!(check_person("张三", "1024", "3号窗口"), Ok(()));
        let long = "字".repeat(201);
        assert_eq!(
            check_person("张三", &long, ""),
            Err(PersonProblem::TooLong { max: 200 })
        );
    }
}
