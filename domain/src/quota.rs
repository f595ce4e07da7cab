//! Visit quotas (明查暗访任务): how many visits a monitor owes in a year. A district monitor
//! makes at least 6; a department's own monitors at least 2 in the self-inspection stage and at
//! least 4 a year (PRODUCT.md). Those figures are only the defaults of a year's `QuotaRules`:
//! the campaign holds the rules it counts by. Progress, pace and the ledger are computed here
//! so that the phone shows the same figures offline as the office sees online.
//!
//! The ledger's rules, decided once here:
//!
//! - A visit counts on the day it happened: its device start time, as a calendar day in China
//!   Standard Time (00:00 CST belongs to the new day). A visit recorded offline and synced after
//!   its stage ended still counts in that stage; the server's receipt time is kept beside it.
//!   A device clock ahead of the server cannot put a visit after its own receipt: the earlier
//!   of the two is the day.
//! - A stage's first and last days are both inside it, whatever the weekday or holiday.
//! - Which team's rule applies is read from the roster (`team_on`): a monitor serving on a
//!   department team (and not on the district team) owes the department rule.
//! - A term that starts mid-year owes the full year's rule, not a share of it: the source sets
//!   whole numbers per year and stage, and the office may end or renew terms instead.
//! - The pace spreads each requirement evenly over its span (the year's over the whole
//!   campaign, the self-inspection stage's over that stage), rounded down; the ledger's state is
//!   the worst of the requirements' states, and `Met` only when every one is met.

use crate::campaign::{Stage, StageKind};
use crate::ids::UnitId;
use crate::roster::{Appointment, Team};
use crate::visit::VisitMode;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// Which team a monitor serves on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonitorTeam {
    /// One of the district's team (usually sixteen).
    #[default]
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

    /// A rule asks for 1 to `MAX_VISITS_PER_YEAR` visits a year, and no more of them in the
    /// self-inspection stage than in the whole year.
    pub fn check(self) -> Result<(), QuotaRuleError> {
        if !(1..=MAX_VISITS_PER_YEAR).contains(&self.visits_per_year) {
            return Err(QuotaRuleError::PerYear);
        }
        if self.visits_in_self_inspection > self.visits_per_year {
            return Err(QuotaRuleError::StageAboveYear);
        }
        Ok(())
    }
}

/// The most visits a rule may ask for in a year.
pub const MAX_VISITS_PER_YEAR: u32 = 366;

/// A quota rule the office may not save.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuotaRuleError {
    #[error("a quota asks for 1 to {MAX_VISITS_PER_YEAR} visits a year")]
    PerYear,
    #[error("a quota cannot ask for more visits in the self-inspection stage than in the year")]
    StageAboveYear,
}

/// A year's quota rules, one per team. The default is the source's: 6 a year for district
/// monitors; 4 a year, 2 of them in the self-inspection stage, for department monitors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaRules {
    pub district: QuotaRule,
    pub department: QuotaRule,
}

impl Default for QuotaRules {
    fn default() -> Self {
        QuotaRules {
            district: QuotaRule::default_for(MonitorTeam::District),
            department: QuotaRule::default_for(MonitorTeam::Department),
        }
    }
}

impl QuotaRules {
    pub fn for_team(self, team: MonitorTeam) -> QuotaRule {
        match team {
            MonitorTeam::District => self.district,
            MonitorTeam::Department => self.department,
        }
    }

    pub fn check(self) -> Result<(), QuotaRuleError> {
        self.district.check()?;
        self.department.check()
    }
}

/// The team whose rule a monitor owes, as the roster stands on `day`: the department rule for a
/// monitor serving on a department team and not on the district team that day, the district
/// rule otherwise. A monitor not serving that day is judged by the last term that began by
/// then (a term that ended keeps its team for the year it was served in); one never appointed
/// (accounts made before the roster) by the district rule.
pub fn team_on(appointments: &[Appointment], day: Date) -> MonitorTeam {
    let counted = || appointments.iter().filter(|a| !a.is_void());
    let current: Vec<Team> = counted()
        .filter(|a| a.is_current(day))
        .map(|a| a.team)
        .collect();
    let teams = if current.is_empty() {
        counted()
            .filter(|a| a.starts_on <= day)
            .max_by_key(|a| a.starts_on)
            .map(|a| vec![a.team])
            .unwrap_or_default()
    } else {
        current
    };
    if !teams.is_empty() && teams.iter().all(|t| matches!(t, Team::Department(_))) {
        MonitorTeam::Department
    } else {
        MonitorTeam::District
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
    progress_of_groups(visits.into_iter().map(|(m, d)| (m, d, 1)), year, rule)
}

/// `progress` over groups of visits alike in mode and day, each with how many it holds.
fn progress_of_groups(
    groups: impl IntoIterator<Item = (VisitMode, Date, u32)>,
    year: i32,
    rule: QuotaRule,
) -> QuotaProgress {
    let mut p = QuotaProgress {
        required: rule.visits_per_year,
        ..QuotaProgress::default()
    };
    for (mode, day, n) in groups {
        if day.year() != year {
            continue;
        }
        p.done += n;
        match mode {
            VisitMode::Open => p.open += n,
            VisitMode::Covert => p.covert += n,
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

/// The share of `required` visits owed by the end of `day` when they are spread evenly from
/// `first` to `last` (both inclusive), rounded down: nothing before `first`, all from `last`.
pub fn share_due(required: u32, first: Date, last: Date, day: Date) -> u32 {
    let total = ((last - first).whole_days() + 1).max(1);
    let elapsed = ((day - first).whole_days() + 1).clamp(0, total);
    u32::try_from(i64::from(required) * elapsed / total).unwrap_or(required)
}

/// The state of one requirement: `done` of `required`, with `due_now` owed today and
/// `due_ahead` owed `PACE_LOOKAHEAD_DAYS` from now.
fn requirement(done: u32, required: u32, due_now: u32, due_ahead: u32) -> Pace {
    if done >= required {
        Pace::Met
    } else if done < due_now {
        Pace::Behind
    } else if done < due_ahead {
        Pace::AtRisk
    } else {
        Pace::OnTrack
    }
}

impl Pace {
    /// How bad a state is, for taking the worst of several requirements.
    fn severity(self) -> u8 {
        match self {
            Pace::Met => 0,
            Pace::OnTrack => 1,
            Pace::AtRisk => 2,
            Pace::Behind => 3,
        }
    }

    /// The worse of two states.
    pub fn worst(self, other: Pace) -> Pace {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }
}

fn ahead(day: Date) -> Date {
    day.checked_add(Duration::days(PACE_LOOKAHEAD_DAYS))
        .unwrap_or(Date::MAX)
}

/// The pace: the quota is spread evenly over the campaign, from the first stage's first day to
/// the last stage's last day. By a given day a monitor owes that share of it, rounded down.
pub fn pace(p: QuotaProgress, stages: &[Stage], today: Date) -> Pace {
    if p.is_met() {
        return Pace::Met;
    }
    let (Some(first), Some(last)) = (stages.first(), stages.last()) else {
        return Pace::OnTrack;
    };
    let due = |day| share_due(p.required, first.starts_on, last.ends_on, day);
    requirement(p.done, p.required, due(today), due(ahead(today)))
}

/// A visit as the ledger counts it: its mode, when it began by the device's clock, and when the
/// server first received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerVisit {
    pub mode: VisitMode,
    pub started_at_device_ms: i64,
    pub received_at_ms: i64,
}

impl LedgerVisit {
    /// The day the visit happened (CST): by the device, unless the device claims a time after
    /// the server already had the visit.
    pub fn day(&self) -> Date {
        day_cst(self.started_at_device_ms.min(self.received_at_ms))
    }

    /// The day the server received it (CST).
    pub fn received_on(&self) -> Date {
        day_cst(self.received_at_ms)
    }
}

/// One stage of a monitor's year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageTally {
    pub kind: StageKind,
    /// Visits that happened within the stage.
    pub done: u32,
    pub open: u32,
    pub covert: u32,
    /// Visits the rule asks for within this stage (0 for most).
    pub required: u32,
    /// Of `required`, the share the calendar demands by the ledger's day.
    pub due_by_today: u32,
    /// Of `done`, the visits the server received only after the stage had ended.
    pub synced_after_stage: u32,
}

/// A monitor's year: what was done, what the rule and the calendar ask, and the state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ledger {
    pub team: MonitorTeam,
    pub rule: QuotaRule,
    /// The year's visits against the year's requirement.
    pub progress: QuotaProgress,
    /// Per stage, in the calendar's order.
    pub stages: Vec<StageTally>,
    /// Visits of the year that fell in no stage (before the first, between two, after the last).
    pub outside_stages: u32,
    /// Of the year's requirement, the share the calendar demands by the ledger's day.
    pub due_by_today: u32,
    pub state: Pace,
    /// The day (CST) of the latest visit of the year.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub last_visit_on: Option<Date>,
    /// When the server received the latest-received visit of the year.
    pub last_received_at_ms: Option<i64>,
}

/// Counts a monitor's year: `visits` are their current revisions (a correction replaces the
/// visit it supersedes), `today` the day the pace is judged on.
pub fn ledger(
    visits: &[LedgerVisit],
    year: i32,
    team: MonitorTeam,
    rules: QuotaRules,
    stages: &[Stage],
    today: Date,
) -> Ledger {
    let groups: Vec<(LedgerVisit, u32)> = visits.iter().map(|v| (*v, 1)).collect();
    ledger_of_groups(&groups, year, team, rules, stages, today)
}

/// `ledger` over groups of visits that count alike (the same mode, day and day of receipt),
/// each with how many it holds, its receipt the latest of the group: the server's table
/// counts a district's visits this way without one value per visit.
pub fn ledger_of_groups(
    visits: &[(LedgerVisit, u32)],
    year: i32,
    team: MonitorTeam,
    rules: QuotaRules,
    stages: &[Stage],
    today: Date,
) -> Ledger {
    let rule = rules.for_team(team);
    // Each group's day and day of receipt, worked out once.
    let of_year: Vec<Counted> = visits
        .iter()
        .map(|&(v, n)| Counted {
            mode: v.mode,
            day: v.day(),
            received_on: v.received_on(),
            received_at_ms: v.received_at_ms,
            n,
        })
        .filter(|c| c.day.year() == year && c.n > 0)
        .collect();
    let progress = progress_of_groups(of_year.iter().map(|c| (c.mode, c.day, c.n)), year, rule);
    let tallies: Vec<StageTally> = stages
        .iter()
        .map(|s| stage_tally(s, &of_year, rule, today))
        .collect();
    let in_stages: u32 = tallies.iter().map(|t| t.done).sum();
    let due_by_today = match (stages.first(), stages.last()) {
        (Some(first), Some(last)) => {
            share_due(progress.required, first.starts_on, last.ends_on, today)
        }
        _ => 0,
    };
    let state = tallies
        .iter()
        .zip(stages)
        .filter(|(t, _)| t.required > 0)
        .map(|(t, s)| {
            let ahead = share_due(t.required, s.starts_on, s.ends_on, ahead(today));
            requirement(t.done, t.required, t.due_by_today, ahead)
        })
        .fold(pace(progress, stages, today), Pace::worst);
    Ledger {
        team,
        rule,
        progress,
        outside_stages: progress.done.saturating_sub(in_stages),
        stages: tallies,
        due_by_today,
        state,
        last_visit_on: of_year.iter().map(|c| c.day).max(),
        last_received_at_ms: of_year.iter().map(|c| c.received_at_ms).max(),
    }
}

/// A group of the year's visits with its days worked out.
struct Counted {
    mode: VisitMode,
    day: Date,
    received_on: Date,
    received_at_ms: i64,
    n: u32,
}

fn stage_tally(stage: &Stage, visits: &[Counted], rule: QuotaRule, today: Date) -> StageTally {
    let required = match stage.kind {
        StageKind::SelfInspection => rule.visits_in_self_inspection,
        _ => 0,
    };
    let mut t = StageTally {
        kind: stage.kind,
        done: 0,
        open: 0,
        covert: 0,
        required,
        due_by_today: share_due(required, stage.starts_on, stage.ends_on, today),
        synced_after_stage: 0,
    };
    for v in visits.iter().filter(|v| stage.contains(v.day)) {
        t.done += v.n;
        match v.mode {
            VisitMode::Open => t.open += v.n,
            VisitMode::Covert => t.covert += v.n,
        }
        if v.received_on > stage.ends_on {
            t.synced_after_stage += v.n;
        }
    }
    t
}

/// The places of the key units and those no visit reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Every station, office, school, hospital and window under a key unit (or the key unit
    /// itself when nothing hangs under it), in the directory's order.
    pub places: Vec<UnitId>,
    /// Of them, those never visited.
    pub never_visited: Vec<UnitId>,
}

impl Coverage {
    pub fn visited(&self) -> u32 {
        u32::try_from(self.places.len() - self.never_visited.len()).unwrap_or(u32::MAX)
    }

    /// The share visited, in whole per cent rounded down (100 when there is nothing to visit).
    pub fn share_pct(&self) -> u32 {
        match u64::try_from(self.places.len()) {
            Ok(0) | Err(_) => 100,
            Ok(n) => u32::try_from(u64::from(self.visited()) * 100 / n).unwrap_or(100),
        }
    }

    /// Whether at least `target_pct` per cent were visited, exactly (not rounded).
    pub fn met(&self, target_pct: u32) -> bool {
        u64::from(self.visited()) * 100 >= u64::from(target_pct) * self.places.len() as u64
    }
}

/// The coverage of the key units: `units` is the directory as (unit, parent) in its order,
/// `visited` the units visits went to. A visit to a place, or to anything under it, covers it.
pub fn coverage(
    units: &[(UnitId, Option<UnitId>)],
    key_units: &[UnitId],
    visited: &HashSet<UnitId>,
) -> Coverage {
    let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for (id, parent) in units {
        if let Some(p) = parent {
            children.entry(*p).or_default().push(*id);
        }
    }
    let below = |root: UnitId| {
        let mut out = HashSet::new();
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            for c in children.get(&u).into_iter().flatten() {
                if out.insert(*c) {
                    stack.push(*c);
                }
            }
        }
        out
    };
    let mut places_set = HashSet::new();
    for key in key_units {
        let under = below(*key);
        if under.is_empty() {
            places_set.insert(*key);
        }
        places_set.extend(under);
    }
    let covered = |place: UnitId| {
        visited.contains(&place) || below(place).iter().any(|u| visited.contains(u))
    };
    let places: Vec<UnitId> = units
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| places_set.contains(id))
        .collect();
    let never_visited = places.iter().copied().filter(|p| !covered(*p)).collect();
    Coverage {
        places,
        never_visited,
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

    use crate::campaign::{check_calendar, default_stages};
    use crate::ids::AppointmentId;
    use time::macros::{date, datetime};
    use time::OffsetDateTime;

    fn ms(t: OffsetDateTime) -> i64 {
        (t.unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// A visit made at `at` and received `late_days` later.
    fn v(mode: VisitMode, at: OffsetDateTime, late_days: i64) -> LedgerVisit {
        LedgerVisit {
            mode,
            started_at_device_ms: ms(at),
            received_at_ms: ms(at + Duration::days(late_days)),
        }
    }

    fn stage(t: &Ledger, kind: StageKind) -> StageTally {
        *t.stages.iter().find(|s| s.kind == kind).unwrap()
    }

    fn department_term(starts_on: Date) -> Appointment {
        Appointment::one_year(
            Team::Department(UnitId(uuid::Uuid::from_u128(7))),
            starts_on,
        )
    }

    #[test]
    fn a_visit_at_midnight_china_time_belongs_to_the_new_day_and_its_stage() {
        let stages = default_stages(2026);
        // 00:00 CST on 1 September is 16:00 UTC on 31 August.
        let midnight = datetime!(2026-09-01 00:00 +8);
        assert_eq!(ms(midnight), 1_788_192_000_000);
        assert_eq!(day_cst(ms(midnight)), date!(2026 - 09 - 01));
        let just_before = midnight - Duration::milliseconds(1);
        assert_eq!(day_cst(ms(just_before)), date!(2026 - 08 - 31));
        let visits = [
            v(VisitMode::Open, just_before, 0),
            v(VisitMode::Covert, midnight, 0),
        ];
        let l = ledger(
            &visits,
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &stages,
            date!(2026 - 09 - 02),
        );
        assert_eq!(stage(&l, StageKind::SelfInspection).done, 1);
        let appraisal = stage(&l, StageKind::AppraisalRectification);
        assert_eq!((appraisal.done, appraisal.covert), (1, 1));
        // New Year's Eve at midnight in Beijing is already the next year.
        let new_year = v(VisitMode::Open, datetime!(2027-01-01 00:00 +8), 0);
        assert_eq!(new_year.day(), date!(2027 - 01 - 01));
        let l = ledger(
            &[new_year],
            2026,
            MonitorTeam::District,
            QuotaRules::default(),
            &stages,
            date!(2027 - 01 - 02),
        );
        assert_eq!(l.progress.done, 0);
    }

    #[test]
    fn the_last_day_of_a_stage_counts_even_on_a_sunday_or_a_holiday() {
        // The default appraisal stage of 2026 ends on Sunday 15 November.
        let stages = default_stages(2026);
        assert_eq!(stages[2].ends_on.weekday(), time::Weekday::Sunday);
        let last_minute = datetime!(2026-11-15 23:59:59.999 +8);
        let next_morning = datetime!(2026-11-16 08:00 +8);
        let l = ledger(
            &[
                v(VisitMode::Open, last_minute, 0),
                v(VisitMode::Open, next_morning, 0),
            ],
            2026,
            MonitorTeam::District,
            QuotaRules::default(),
            &stages,
            date!(2026 - 11 - 20),
        );
        assert_eq!(stage(&l, StageKind::AppraisalRectification).done, 1);
        assert_eq!(stage(&l, StageKind::Summary).done, 1);
        // A self-inspection stage the office ends on National Day (a Thursday, a holiday):
        // the holiday is the stage's last day all the same, and nothing moves to the next
        // working day.
        let mut holiday = default_stages(2026);
        holiday[1].ends_on = date!(2026 - 10 - 01);
        holiday[2].starts_on = date!(2026 - 10 - 02);
        assert_eq!(check_calendar(2026, &holiday), Ok(()));
        let l = ledger(
            &[
                v(VisitMode::Open, datetime!(2026-10-01 10:00 +8), 0),
                v(VisitMode::Open, datetime!(2026-10-02 10:00 +8), 0),
            ],
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &holiday,
            date!(2026 - 10 - 03),
        );
        assert_eq!(stage(&l, StageKind::SelfInspection).done, 1);
        // The stage is over with one of two: the department monitor is behind for good.
        assert_eq!(stage(&l, StageKind::SelfInspection).due_by_today, 2);
        assert_eq!(l.state, Pace::Behind);
    }

    #[test]
    fn visits_synced_after_their_stage_ended_count_when_they_happened() {
        let stages = default_stages(2026);
        // Two self-inspection visits recorded offline in August, synced in September.
        let visits = [
            v(VisitMode::Covert, datetime!(2026-08-20 15:00 +8), 16),
            v(VisitMode::Open, datetime!(2026-08-31 17:30 +8), 1),
            v(VisitMode::Open, datetime!(2026-09-03 09:00 +8), 0),
        ];
        let l = ledger(
            &visits,
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &stages,
            date!(2026 - 09 - 10),
        );
        let si = stage(&l, StageKind::SelfInspection);
        assert_eq!(
            (si.done, si.open, si.covert, si.synced_after_stage),
            (2, 1, 1, 2)
        );
        assert_eq!(stage(&l, StageKind::AppraisalRectification).done, 1);
        assert_eq!(l.last_visit_on, Some(date!(2026 - 09 - 03)));
        assert_eq!(
            l.last_received_at_ms,
            Some(ms(datetime!(2026-09-05 15:00 +8)))
        );
        // Two of two in the stage, three of four in the year by 10 September: on track.
        assert_eq!(l.progress.done, 3);
        assert_eq!(l.state, Pace::OnTrack);
    }

    #[test]
    fn groups_of_visits_count_as_the_visits_they_hold() {
        let stages = default_stages(2026);
        let late = v(VisitMode::Covert, datetime!(2026-08-20 15:00 +8), 16);
        let on_time = v(VisitMode::Open, datetime!(2026-08-21 10:00 +8), 0);
        let last_year = v(VisitMode::Open, datetime!(2025-12-31 23:00 +8), 0);
        let autumn = v(VisitMode::Open, datetime!(2026-09-03 09:00 +8), 0);
        let one_by_one = [late, late, late, on_time, last_year, autumn, autumn];
        let grouped = [
            (late, 3),
            (on_time, 1),
            (last_year, 1),
            (autumn, 2),
            (on_time, 0),
        ];
        for (team, today) in [
            (MonitorTeam::Department, date!(2026 - 09 - 10)),
            (MonitorTeam::District, date!(2026 - 11 - 30)),
        ] {
            let expected = ledger(
                &one_by_one,
                2026,
                team,
                QuotaRules::default(),
                &stages,
                today,
            );
            let l = ledger_of_groups(&grouped, 2026, team, QuotaRules::default(), &stages, today);
            assert_eq!(l, expected);
            assert_eq!(l.progress.done, 6);
            assert_eq!(stage(&l, StageKind::SelfInspection).synced_after_stage, 3);
        }
    }

    #[test]
    fn a_device_clock_ahead_of_the_server_cannot_date_a_visit_after_its_receipt() {
        let received = datetime!(2026-08-20 12:00 +8);
        let visit = LedgerVisit {
            mode: VisitMode::Open,
            started_at_device_ms: ms(datetime!(2027-03-01 12:00 +8)),
            received_at_ms: ms(received),
        };
        assert_eq!(visit.day(), date!(2026 - 08 - 20));
        assert_eq!(visit.received_on(), date!(2026 - 08 - 20));
    }

    #[test]
    fn a_leap_year_has_its_29th_of_february_in_stages_and_pace() {
        // The source calendar does not reach February, so 2028's defaults are 2026's.
        let stages = default_stages(2028);
        assert_eq!(check_calendar(2028, &stages), Ok(()));
        assert_eq!(
            stages[1].ends_on - stages[1].starts_on,
            default_stages(2026)[1].ends_on - default_stages(2026)[1].starts_on
        );
        // An office that starts the year in February: the stage holds the leap day.
        let mut early = default_stages(2028);
        early[0].starts_on = date!(2028 - 02 - 01);
        assert_eq!(check_calendar(2028, &early), Ok(()));
        let leap_day = datetime!(2028-02-29 23:30 +8);
        assert_eq!(day_cst(ms(leap_day)), date!(2028 - 02 - 29));
        // 16:00 UTC on the leap day is 1 March in Beijing.
        assert_eq!(day_cst(1_835_452_800_000), date!(2028 - 03 - 01));
        assert_eq!(day_cst(1_835_452_800_000 - 1), date!(2028 - 02 - 29));
        let l = ledger(
            &[v(VisitMode::Open, leap_day, 0)],
            2028,
            MonitorTeam::District,
            QuotaRules::default(),
            &early,
            date!(2028 - 03 - 01),
        );
        assert_eq!(stage(&l, StageKind::Mobilisation).done, 1);
        assert_eq!(l.outside_stages, 0);
        // 1 February to 25 November 2028 is 299 days; 1 February to 1 March is 30 of them
        // (29 days of February), so by then 6 × 30 / 299 rounds down to nothing owed.
        assert_eq!(
            share_due(
                6,
                date!(2028 - 02 - 01),
                date!(2028 - 11 - 25),
                date!(2028 - 03 - 01)
            ),
            0
        );
        // The spread counts the leap day: 1 February to 31 March is 60 days in 2028 and 59 in
        // 2027. Half of it is reached on the 30th day: 1 March in 2028, 2 March in 2027.
        assert_eq!(
            share_due(
                2,
                date!(2028 - 02 - 01),
                date!(2028 - 03 - 31),
                date!(2028 - 02 - 29)
            ),
            0
        );
        assert_eq!(
            share_due(
                2,
                date!(2028 - 02 - 01),
                date!(2028 - 03 - 31),
                date!(2028 - 03 - 01)
            ),
            1
        );
        assert_eq!(
            share_due(
                2,
                date!(2027 - 02 - 01),
                date!(2027 - 03 - 31),
                date!(2027 - 03 - 01)
            ),
            0
        );
        assert_eq!(
            share_due(
                2,
                date!(2027 - 02 - 01),
                date!(2027 - 03 - 31),
                date!(2027 - 03 - 02)
            ),
            1
        );
        // A leap day outside the year's stages still counts for the year.
        let l = ledger(
            &[v(VisitMode::Covert, leap_day, 0)],
            2028,
            MonitorTeam::District,
            QuotaRules::default(),
            &stages,
            date!(2028 - 03 - 01),
        );
        assert_eq!((l.progress.done, l.outside_stages), (1, 1));
    }

    #[test]
    fn a_term_that_starts_mid_year_owes_the_full_rule() {
        // A department monitor appointed on 3 August, after the self-inspection stage began:
        // the rule is not prorated, they owe 2 in the stage and 4 in the year.
        let term = department_term(date!(2026 - 08 - 03));
        let today = date!(2026 - 08 - 10);
        let team = team_on(&[term], today);
        assert_eq!(team, MonitorTeam::Department);
        let stages = default_stages(2026);
        let l = ledger(&[], 2026, team, QuotaRules::default(), &stages, today);
        assert_eq!(
            (l.rule.visits_per_year, l.rule.visits_in_self_inspection),
            (4, 2)
        );
        assert_eq!(l.progress.required, 4);
        assert_eq!(stage(&l, StageKind::SelfInspection).required, 2);
        // Thirty of the stage's 52 days have passed: one visit is owed, none made.
        assert_eq!(stage(&l, StageKind::SelfInspection).due_by_today, 1);
        assert_eq!(l.state, Pace::Behind);
        // Two visits in the stage and the year's pace is kept.
        let two = [
            v(VisitMode::Open, datetime!(2026-08-05 10:00 +8), 0),
            v(VisitMode::Open, datetime!(2026-08-07 10:00 +8), 0),
        ];
        let l = ledger(&two, 2026, team, QuotaRules::default(), &stages, today);
        assert_eq!(stage(&l, StageKind::SelfInspection).done, 2);
        assert_eq!(l.state, Pace::OnTrack);
    }

    #[test]
    fn the_team_follows_the_roster() {
        let day = date!(2026 - 09 - 01);
        assert_eq!(team_on(&[], day), MonitorTeam::District);
        let district = Appointment::one_year(Team::District, date!(2026 - 05 - 01));
        let dept = department_term(date!(2026 - 05 - 01));
        assert_eq!(team_on(&[district], day), MonitorTeam::District);
        assert_eq!(team_on(&[dept], day), MonitorTeam::Department);
        // On both teams (a unit not under appraisal), the district's rule applies.
        assert_eq!(team_on(&[dept, district], day), MonitorTeam::District);
        // A term that ended in August keeps its team for the rest of the year.
        let mut ended = dept;
        ended.ended_on = Some(date!(2026 - 08 - 15));
        assert_eq!(team_on(&[ended], day), MonitorTeam::Department);
        // A future term does not count yet, nor a void one ever.
        let future = department_term(date!(2026 - 10 - 01));
        assert_eq!(team_on(&[future], day), MonitorTeam::District);
        let mut void = future;
        void.ended_on = Some(date!(2026 - 09 - 01));
        void.id = AppointmentId::new();
        assert_eq!(
            team_on(&[void], date!(2026 - 12 - 01)),
            MonitorTeam::District
        );
    }

    #[test]
    fn a_district_monitor_across_the_stages() {
        let stages = default_stages(2026);
        let visits = [
            v(VisitMode::Open, datetime!(2026-04-20 10:00 +8), 0),
            v(VisitMode::Open, datetime!(2026-06-01 10:00 +8), 0),
            v(VisitMode::Covert, datetime!(2026-07-20 10:00 +8), 3),
            v(VisitMode::Open, datetime!(2026-09-15 10:00 +8), 0),
        ];
        let l = ledger(
            &visits,
            2026,
            MonitorTeam::District,
            QuotaRules::default(),
            &stages,
            date!(2026 - 09 - 20),
        );
        assert_eq!((l.progress.done, l.progress.required), (4, 6));
        assert_eq!(l.outside_stages, 1, "April is before mobilisation");
        let per_stage: Vec<u32> = l.stages.iter().map(|s| s.done).collect();
        assert_eq!(per_stage, [1, 1, 1, 0]);
        assert!(l.stages.iter().all(|s| s.required == 0));
        // 143 of 209 days: 4 owed, 4 done; a month on 4 are still enough (173 days: 4).
        assert_eq!(l.due_by_today, 4);
        assert_eq!(l.state, Pace::OnTrack);
        // The office's own rule: 8 a year makes the same visits behind.
        let strict = QuotaRules {
            district: QuotaRule {
                visits_per_year: 8,
                visits_in_self_inspection: 0,
            },
            ..QuotaRules::default()
        };
        let l = ledger(
            &visits,
            2026,
            MonitorTeam::District,
            strict,
            &stages,
            date!(2026 - 09 - 20),
        );
        assert_eq!(
            (l.progress.required, l.due_by_today, l.state),
            (8, 5, Pace::Behind)
        );
        // Six visits meet the year.
        let mut six = visits.to_vec();
        six.push(v(VisitMode::Open, datetime!(2026-10-01 10:00 +8), 0));
        six.push(v(VisitMode::Open, datetime!(2026-10-02 10:00 +8), 0));
        let l = ledger(
            &six,
            2026,
            MonitorTeam::District,
            QuotaRules::default(),
            &stages,
            date!(2026 - 10 - 03),
        );
        assert_eq!(l.state, Pace::Met);
    }

    #[test]
    fn a_department_monitor_is_met_only_when_the_stage_and_the_year_are() {
        let stages = default_stages(2026);
        let day = |d: u8, m: time::Month| {
            OffsetDateTime::new_in_offset(
                Date::from_calendar_date(2026, m, d).unwrap(),
                time::Time::from_hms(10, 0, 0).unwrap(),
                UtcOffset::from_hms(8, 0, 0).unwrap(),
            )
        };
        use time::Month::*;
        // Four visits in the year, only one in self-inspection: never met.
        let visits = [
            v(VisitMode::Open, day(1, June), 0),
            v(VisitMode::Open, day(1, August), 0),
            v(VisitMode::Open, day(1, September), 0),
            v(VisitMode::Open, day(1, October), 0),
        ];
        let l = ledger(
            &visits,
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &stages,
            date!(2026 - 10 - 05),
        );
        assert!(l.progress.is_met());
        assert_eq!(stage(&l, StageKind::SelfInspection).done, 1);
        assert_eq!(l.state, Pace::Behind);
        // With the second self-inspection visit the ledger is met.
        let mut both = visits.to_vec();
        both.push(v(VisitMode::Covert, day(20, August), 0));
        let l = ledger(
            &both,
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &stages,
            date!(2026 - 10 - 05),
        );
        assert_eq!(l.state, Pace::Met);
        // Early in the stage with the year's pace kept but nothing in the stage yet: at risk (a
        // stage visit is owed within a month).
        let june = [v(VisitMode::Open, day(1, June), 0)];
        let l = ledger(
            &june,
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &stages,
            date!(2026 - 07 - 12),
        );
        assert_eq!(stage(&l, StageKind::SelfInspection).due_by_today, 0);
        assert_eq!(l.due_by_today, 1);
        assert_eq!(l.state, Pace::AtRisk);
        // Without the June visit the year's pace is already missed: behind, the worse state.
        let l = ledger(
            &[],
            2026,
            MonitorTeam::Department,
            QuotaRules::default(),
            &stages,
            date!(2026 - 07 - 12),
        );
        assert_eq!(l.state, Pace::Behind);
    }

    #[test]
    fn quota_rules_are_checked() {
        assert_eq!(QuotaRules::default().check(), Ok(()));
        let bad = |per_year, in_stage| QuotaRule {
            visits_per_year: per_year,
            visits_in_self_inspection: in_stage,
        };
        assert_eq!(bad(0, 0).check(), Err(QuotaRuleError::PerYear));
        assert_eq!(bad(367, 0).check(), Err(QuotaRuleError::PerYear));
        assert_eq!(bad(2, 3).check(), Err(QuotaRuleError::StageAboveYear));
        assert_eq!(bad(2, 2).check(), Ok(()));
        assert_eq!(
            QuotaRules::default().for_team(MonitorTeam::Department),
            bad(4, 2)
        );
    }

    #[test]
    fn coverage_counts_the_places_under_key_units_and_lists_the_unvisited() {
        let id = |n: u128| UnitId(uuid::Uuid::from_u128(n));
        // 1 has stations 11 and 12, and window 121 under 12; 2 has nothing under it; 3 is not
        // a key unit.
        let units = [
            (id(1), None),
            (id(2), None),
            (id(3), None),
            (id(11), Some(id(1))),
            (id(12), Some(id(1))),
            (id(121), Some(id(12))),
            (id(31), Some(id(3))),
        ];
        let key = [id(1), id(2)];
        let c = coverage(&units, &key, &HashSet::new());
        assert_eq!(c.places, vec![id(2), id(11), id(12), id(121)]);
        assert_eq!((c.visited(), c.share_pct()), (0, 0));
        assert!(!c.met(90));
        // A visit to the window covers the station above it; the key unit itself is no place.
        let visited = HashSet::from([id(121), id(1), id(31)]);
        let c = coverage(&units, &key, &visited);
        assert_eq!(c.never_visited, vec![id(2), id(11)]);
        assert_eq!((c.visited(), c.share_pct()), (2, 50));
        let visited = HashSet::from([id(2), id(11), id(121)]);
        let c = coverage(&units, &key, &visited);
        assert!(c.never_visited.is_empty());
        assert!(c.met(90) && c.met(100));
        // Nine of ten is exactly 90 %.
        let mut many: Vec<(UnitId, Option<UnitId>)> = vec![(id(5), None)];
        many.extend((50..60).map(|n| (id(n), Some(id(5)))));
        let nine: HashSet<UnitId> = (50..59).map(id).collect();
        let c = coverage(&many, &[id(5)], &nine);
        assert_eq!(c.never_visited, vec![id(59)]);
        assert!(c.met(90));
        assert!(!c.met(91));
        // No key units: nothing to cover.
        let none = coverage(&units, &[], &HashSet::new());
        assert!(none.places.is_empty() && none.met(90));
        assert_eq!(none.share_pct(), 100);
    }
}
