//! The quota ledger (明查暗访任务): every monitor's year counted by `domain::quota::ledger`,
//! against the rule of their team (read from the roster) and the campaign's calendar, and the
//! key units' coverage. The phone runs the same domain code offline.
//!
//! A visit counts on the day it happened (device start, China Standard Time), whenever it
//! arrived. A closed year is frozen: its ledger counts only the visits (and corrections) the
//! server received before the close, and is judged as of the day it closed, so its figures do
//! not move however late a phone syncs.

use super::visits;
use crate::campaigns::store::{self as campaign_store, CampaignRecord};
use crate::clock::today_cst;
use crate::error::ApiError;
use crate::roster::store as roster_store;
use crate::units;
use crate::users;
use chafang_domain::api::{
    CoverageView, LedgerVisitView, MonitorLedger, MonitorQuotaRow, MyVisit, UnitRef, UserView,
};
use chafang_domain::campaign::{Stage, DEFAULT_COVERAGE_TARGET_PCT};
use chafang_domain::quota::{
    coverage, day_cst, ledger_of_groups, team_on, Ledger, LedgerVisit, QuotaRules,
};
use chafang_domain::{Role, UnitId, UserId, VisitId};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use time::Date;

/// What a year's ledger is counted against.
#[derive(Clone, Debug)]
pub struct Frame {
    pub year: i32,
    pub has_campaign: bool,
    pub stages: Vec<Stage>,
    pub rules: QuotaRules,
    pub key_units: Vec<UnitRef>,
    pub coverage_target_pct: u32,
    pub closed_at: Option<i64>,
}

impl Frame {
    pub fn of(record: &CampaignRecord) -> Frame {
        Frame {
            year: record.plan.year,
            has_campaign: true,
            stages: record.plan.stages.clone(),
            rules: record.plan.quota_rules,
            key_units: record.key_units.clone(),
            coverage_target_pct: record.plan.coverage_target_pct,
            closed_at: record.closed_at,
        }
    }

    /// A year the office has not opened: the source's rules, and no calendar to pace by.
    pub fn without_campaign(year: i32) -> Frame {
        Frame {
            year,
            has_campaign: false,
            stages: Vec::new(),
            rules: QuotaRules::default(),
            key_units: Vec::new(),
            coverage_target_pct: DEFAULT_COVERAGE_TARGET_PCT,
            closed_at: None,
        }
    }

    /// The day the pace is judged on: today, or the day a closed year closed.
    pub fn as_of(&self, today: Date) -> Date {
        self.closed_at.map_or(today, |c| today.min(day_cst(c)))
    }

    /// The day whose roster decides each monitor's team: the ledger's day, but no later than
    /// the campaign's last day (a past year keeps the teams it was served in).
    fn team_day(&self, today: Date) -> Date {
        let day = self.as_of(today);
        self.stages.last().map_or(day, |last| day.min(last.ends_on))
    }

    /// Whether the server had a visit by the close (always, while the year is open).
    fn in_time(&self, received_at_ms: i64) -> bool {
        self.closed_at.is_none_or(|c| received_at_ms <= c)
    }
}

/// The frame of a year that has a campaign.
pub async fn frame_of(conn: &mut AnyConnection, year: i32) -> Result<Option<Frame>, ApiError> {
    Ok(campaign_store::find(conn, year)
        .await?
        .as_ref()
        .map(Frame::of))
}

/// The frame of this year (China Standard Time), with or without a campaign.
pub async fn current_frame(conn: &mut AnyConnection) -> Result<Frame, ApiError> {
    let year = today_cst().year();
    Ok(frame_of(conn, year)
        .await?
        .unwrap_or_else(|| Frame::without_campaign(year)))
}

fn ledger_visit(v: &MyVisit) -> LedgerVisit {
    LedgerVisit {
        mode: v.mode,
        started_at_device_ms: v.started_at_device_ms,
        received_at_ms: v.received_at_ms,
    }
}

/// The visits a year counts, by owner: current revisions as the frame sees them (a correction
/// received after the close does not replace its original in a frozen year), received in time,
/// and of the frame's year by the day they happened.
pub fn counted<'a>(frame: &Frame, all: &'a [(UserId, MyVisit)]) -> Vec<(UserId, &'a MyVisit)> {
    let received: HashMap<VisitId, i64> =
        all.iter().map(|(_, v)| (v.id, v.received_at_ms)).collect();
    let replaced = |v: &MyVisit| {
        v.superseded_by
            .and_then(|c| received.get(&c))
            .is_some_and(|at| frame.in_time(*at))
    };
    all.iter()
        .filter(|(_, v)| frame.in_time(v.received_at_ms) && !replaced(v))
        .filter(|(_, v)| ledger_visit(v).day().year() == frame.year)
        .map(|(owner, v)| (*owner, v))
        .collect()
}

/// One monitor's year.
#[derive(Clone, Debug)]
pub struct MonitorYear<'a> {
    pub user: UserView,
    pub ledger: Ledger,
    /// The visits counted, oldest receipt first.
    pub visits: Vec<&'a MyVisit>,
}

impl MonitorYear<'_> {
    /// The row of the office's table.
    pub fn row(&self) -> MonitorQuotaRow {
        row_of(
            &self.user,
            &self.ledger,
            self.visits.iter().map(|v| v.started_at_device_ms).max(),
        )
    }

    /// The monitor's own view of the visits counted.
    pub fn visit_views(&self, stages: &[Stage]) -> Vec<LedgerVisitView> {
        self.visits
            .iter()
            .map(|v| {
                let lv = ledger_visit(v);
                let day = lv.day();
                let stage = stages.iter().find(|s| s.contains(day));
                LedgerVisitView {
                    id: v.id,
                    unit: v.unit.clone(),
                    mode: v.mode,
                    day,
                    stage: stage.map(|s| s.kind),
                    started_at_device_ms: v.started_at_device_ms,
                    received_at_ms: v.received_at_ms,
                    synced_after_stage: stage.is_some_and(|s| lv.received_on() > s.ends_on),
                }
            })
            .collect()
    }
}

/// A monitor's row of the office's table.
fn row_of(user: &UserView, l: &Ledger, last_visit_ms: Option<i64>) -> MonitorQuotaRow {
    MonitorQuotaRow {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        quota: l.progress,
        pace: l.state,
        last_visit_ms,
        team: l.team,
        active: user.active,
        stages: l.stages.clone(),
        outside_stages: l.outside_stages,
        due_by_today: l.due_by_today,
        last_visit_on: l.last_visit_on,
        last_received_at_ms: l.last_received_at_ms,
    }
}

/// Judges every monitor's year (or one monitor's) from their counted visits, by user name.
/// Active monitors always have a row; a monitor whose service ended has one when a visit of
/// theirs counts in the year.
async fn judged(
    conn: &mut AnyConnection,
    frame: &Frame,
    mut counted: HashMap<UserId, Vec<(LedgerVisit, u32)>>,
    only: Option<UserId>,
    today: Date,
) -> Result<Vec<(UserView, Ledger)>, ApiError> {
    let mut appointments = roster_store::all_appointments(conn).await?;
    let as_of = frame.as_of(today);
    let team_day = frame.team_day(today);
    let mut out = Vec::new();
    for user in users::list(conn).await? {
        if user.role != Role::Monitor || only.is_some_and(|o| o != user.id) {
            continue;
        }
        let theirs = counted.remove(&user.id).unwrap_or_default();
        if !user.active && theirs.is_empty() {
            continue;
        }
        let team = team_on(&appointments.remove(&user.id).unwrap_or_default(), team_day);
        let l = ledger_of_groups(&theirs, frame.year, team, frame.rules, &frame.stages, as_of);
        out.push((user, l));
    }
    out.sort_by(|a, b| a.0.username.cmp(&b.0.username));
    Ok(out)
}

/// Counts every monitor's year (or one monitor's) from their visits, by user name, keeping
/// the visits counted (the monitor's own ledger lists them).
pub async fn monitors<'a>(
    conn: &mut AnyConnection,
    frame: &Frame,
    all: &'a [(UserId, MyVisit)],
    only: Option<UserId>,
    today: Date,
) -> Result<Vec<MonitorYear<'a>>, ApiError> {
    let mut by_owner: HashMap<UserId, Vec<&MyVisit>> = HashMap::new();
    for (owner, v) in counted(frame, all) {
        by_owner.entry(owner).or_default().push(v);
    }
    let visits = by_owner
        .iter()
        .map(|(owner, vs)| (*owner, vs.iter().map(|v| (ledger_visit(v), 1)).collect()))
        .collect();
    Ok(judged(conn, frame, visits, only, today)
        .await?
        .into_iter()
        .map(|(user, ledger)| MonitorYear {
            visits: by_owner.remove(&user.id).unwrap_or_default(),
            user,
            ledger,
        })
        .collect())
}

/// One monitor's year counted in the database: the ledger without the visits behind it.
#[derive(Clone, Debug)]
pub struct Tallied {
    pub user: UserView,
    pub ledger: Ledger,
    /// The latest device start among the visits counted.
    pub last_visit_ms: Option<i64>,
}

impl Tallied {
    /// The row of the office's table.
    pub fn row(&self) -> MonitorQuotaRow {
        row_of(&self.user, &self.ledger, self.last_visit_ms)
    }
}

/// Every monitor's year counted in the database (`tally`): what `monitors` judges, without
/// reading each visit — the running count for an open year, the visits grouped as the close
/// saw them for a closed one.
pub async fn tallied(
    conn: &mut AnyConnection,
    frame: &Frame,
    today: Date,
) -> Result<Vec<Tallied>, ApiError> {
    let mut counted = super::tally::counted(conn, frame).await?;
    let visits = counted
        .iter_mut()
        .map(|(owner, c)| (*owner, std::mem::take(&mut c.visits)))
        .collect();
    Ok(judged(conn, frame, visits, None, today)
        .await?
        .into_iter()
        .map(|(user, ledger)| Tallied {
            last_visit_ms: counted.get(&user.id).and_then(|c| c.last_started_ms),
            user,
            ledger,
        })
        .collect())
}

/// Every monitor's row of the office's table, counted in the database.
pub async fn quota_rows(
    conn: &mut AnyConnection,
    frame: &Frame,
    today: Date,
) -> Result<Vec<MonitorQuotaRow>, ApiError> {
    Ok(tallied(conn, frame, today)
        .await?
        .iter()
        .map(Tallied::row)
        .collect())
}

/// The key units' coverage by a year's counted visits (everybody's, department monitors'
/// included), the units they went to asked of the database (`visited`).
pub async fn coverage_of(
    conn: &mut AnyConnection,
    frame: &Frame,
) -> Result<CoverageView, ApiError> {
    let visited = super::visited::units(conn, frame).await?;
    coverage_by(conn, frame, &visited).await
}

/// The key units' coverage when the units in `visited` (as the visits name them) were visited.
pub async fn coverage_by(
    conn: &mut AnyConnection,
    frame: &Frame,
    visited: &HashSet<UnitId>,
) -> Result<CoverageView, ApiError> {
    let directory = units::list_all(conn).await?;
    // A merged unit is no place of its own any more: what hung under it hangs under the unit
    // that took it over, and a visit to it counts for that unit.
    let survivors = units::merge::Survivors::new(&directory);
    let survivor = |id: UnitId| survivors.of(id);
    let tree: Vec<(UnitId, Option<UnitId>)> = directory
        .iter()
        .filter(|u| u.merged_into.is_none())
        .map(|u| (u.id, u.parent_id.map(survivor)))
        .collect();
    let names: HashMap<UnitId, &str> = directory.iter().map(|u| (u.id, u.name.as_str())).collect();
    let visited: HashSet<UnitId> = visited.iter().map(|u| survivor(*u)).collect();
    // A key unit merged away is covered through the unit that took it over.
    let keys: Vec<UnitId> = frame.key_units.iter().map(|u| survivor(u.id)).collect();
    let c = coverage(&tree, &keys, &visited);
    let unit_ref = |id: &UnitId| UnitRef {
        id: *id,
        name: names
            .get(id)
            .map_or_else(|| id.to_string(), |n| (*n).to_owned()),
    };
    Ok(CoverageView {
        target_pct: frame.coverage_target_pct,
        key_units: frame.key_units.clone(),
        places: u32::try_from(c.places.len()).map_err(|e| ApiError::Internal(e.into()))?,
        visited: c.visited(),
        share_pct: c.share_pct(),
        met: c.met(frame.coverage_target_pct),
        never_visited: c.never_visited.iter().map(unit_ref).collect(),
    })
}

/// A monitor's own ledger of this year, for their phone.
pub async fn own(conn: &mut AnyConnection, monitor: UserId) -> Result<MonitorLedger, ApiError> {
    let frame = current_frame(conn).await?;
    let today = today_cst();
    let all = visits(conn, Some(monitor)).await?;
    let mine = monitors(conn, &frame, &all, Some(monitor), today)
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)?;
    Ok(MonitorLedger {
        year: frame.year,
        has_campaign: frame.has_campaign,
        closed: frame.closed_at.is_some(),
        as_of: frame.as_of(today),
        visits: mine.visit_views(&frame.stages),
        stages: frame.stages,
        ledger: mine.ledger,
    })
}
