//! Visit quotas (明查暗访任务): how many visits a monitor owes in a year. A district monitor
//! makes at least 6; a department's own monitors at least 2 in the self-inspection stage and at
//! least 4 a year (PRODUCT.md). Progress and pace are computed here so that the phone shows the
//! same figures offline as the office sees online.

use crate::campaign::Stage;
use crate::visit::VisitMode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset};

/// Which team a monitor serves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonitorTeam {
    /// One of the district's team (usually sixteen).
    District,
    /// Appointed by an appraised unit for its own stations.
    Department,
}

/// The minimum visits a monitor owes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaRule {
    pub visits_per_year: u32,
    /// Visits owed within the self-inspection stage, if any.
    pub visits_in_self_inspection: u32,
}

impl QuotaRule {
    pub fn default_for(team: MonitorTeam) -> QuotaRule {
        match team {
            MonitorTeam::District => QuotaRule {
                visits_per_year: 6,
                visits_in_self_inspection: 0,
            },
            MonitorTeam::Department => QuotaRule {
                visits_per_year: 4,
                visits_in_self_inspection: 2,
            },
        }
    }
}

/// Progress against a yearly quota, as the monitor's home shows it ("4 of 6": 3 open, 1 covert).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaProgress {
    pub done: u32,
    pub required: u32,
    pub open: u32,
    pub covert: u32,
}

impl QuotaProgress {
    pub fn remaining(self) -> u32 {
        self.required.saturating_sub(self.done)
    }

    pub fn is_met(self) -> bool {
        self.done >= self.required
    }
}

/// The calendar day (China Standard Time) of an epoch-millisecond instant.
pub fn day_cst(ms: i64) -> Date {
    let offset = UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map_or(Date::MIN, |t| t.to_offset(offset).date())
}

/// Counts a year's visits against a rule. `visits` are (mode, day of the visit) of current
/// revisions only: a correction replaces the visit it supersedes and is not counted again.
pub fn progress(
    visits: impl IntoIterator<Item = (VisitMode, Date)>,
    year: i32,
    rule: QuotaRule,
) -> QuotaProgress {
    let mut p = QuotaProgress {
        required: rule.visits_per_year,
        ..QuotaProgress::default()
    };
    for (mode, day) in visits {
        if day.year() != year {
            continue;
        }
        p.done += 1;
        match mode {
            VisitMode::Open => p.open += 1,
            VisitMode::Covert => p.covert += 1,
        }
    }
    p
}

/// Whether a monitor keeps up with the pace the calendar demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// The year's quota is already met.
    Met,
    /// Keeps up, with at least a month in hand.
    OnTrack,
    /// Keeps up today, but falls short within a month without another visit.
    AtRisk,
    /// Already short of the share the elapsed part of the year asks for.
    Behind,
}

/// How far ahead "at risk" looks.
pub const PACE_LOOKAHEAD_DAYS: i64 = 30;

/// The pace: the quota is spread evenly over the campaign, from the first stage's first day to
/// the last stage's last day. By a given day a monitor owes that share of it, rounded down.
pub fn pace(p: QuotaProgress, stages: &[Stage], today: Date) -> Pace {
    if p.is_met() {
        return Pace::Met;
    }
    let (Some(first), Some(last)) = (stages.first(), stages.last()) else {
        return Pace::OnTrack;
    };
    let total = ((last.ends_on - first.starts_on).whole_days() + 1).max(1);
    let owed = |days_ahead: i64| {
        let elapsed = ((today - first.starts_on).whole_days() + 1 + days_ahead).clamp(0, total);
        (i64::from(p.required) * elapsed / total) as u32
    };
    if p.done < owed(0) {
        Pace::Behind
    } else if p.done < owed(PACE_LOOKAHEAD_DAYS) {
        Pace::AtRisk
    } else {
        Pace::OnTrack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_monitors_owe_six_and_department_monitors_four() {
        assert_eq!(
            QuotaRule::default_for(MonitorTeam::District).visits_per_year,
            6
        );
        let dept = QuotaRule::default_for(MonitorTeam::Department);
        assert_eq!(
            (dept.visits_per_year, dept.visits_in_self_inspection),
            (4, 2)
        );
        let p = QuotaProgress {
            done: 4,
            required: 6,
            ..Default::default()
        };
        assert_eq!(p.remaining(), 2);
        assert!(!p.is_met());
        let over = QuotaProgress {
            done: 7,
            required: 6,
            ..Default::default()
        };
        assert!(over.is_met());
        assert_eq!(over.remaining(), 0);
    }

    #[test]
    fn progress_counts_the_year_by_mode_and_ignores_other_years() {
        use time::macros::date;
        let rule = QuotaRule::default_for(MonitorTeam::District);
        let visits = [
            (VisitMode::Open, date!(2026 - 06 - 01)),
            (VisitMode::Covert, date!(2026 - 09 - 01)),
            (VisitMode::Open, date!(2026 - 10 - 01)),
            (VisitMode::Open, date!(2025 - 10 - 01)),
        ];
        let p = progress(visits, 2026, rule);
        assert_eq!((p.done, p.open, p.covert, p.required), (3, 2, 1, 6));
    }

    #[test]
    fn days_are_counted_in_china_standard_time() {
        use time::macros::date;
        // 2026-12-31 17:00 UTC is already 2027-01-01 in Beijing.
        let ms = 1_798_736_400_000;
        assert_eq!(day_cst(ms), date!(2027 - 01 - 01));
    }

    #[test]
    fn pace_spreads_the_quota_over_the_campaign() {
        use crate::campaign::default_stages;
        use time::macros::date;
        let stages = default_stages(2026); // 1 May – 25 November: 209 days
        let at = |done: u32| QuotaProgress {
            done,
            required: 6,
            ..Default::default()
        };
        // By 28 August (120 days in) three visits are owed, and a fourth within a month.
        let late_august = date!(2026 - 08 - 28);
        assert_eq!(pace(at(4), &stages, late_august), Pace::OnTrack);
        assert_eq!(pace(at(3), &stages, late_august), Pace::AtRisk);
        assert_eq!(pace(at(2), &stages, late_august), Pace::Behind);
        assert_eq!(pace(at(6), &stages, late_august), Pace::Met);
        // Nothing is owed in the first month.
        assert_eq!(pace(at(0), &stages, date!(2026 - 05 - 01)), Pace::OnTrack);
        // On the last day and after it, an unmet quota is behind.
        assert_eq!(pace(at(5), &stages, date!(2026 - 11 - 25)), Pace::Behind);
        assert_eq!(pace(at(5), &stages, date!(2026 - 12 - 20)), Pace::Behind);
        // A month before the end, five of six is at risk.
        assert_eq!(pace(at(5), &stages, date!(2026 - 10 - 30)), Pace::AtRisk);
    }
}
