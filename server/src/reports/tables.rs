//! The smaller spreadsheets of a year: the summaries of findings (by unit, criterion,
//! status and month), the quota ledger (counted by `quotas::ledger`, as the office's table
//! shows it) and the self-inspection registers (read by `selfcheck::load_items`).

use super::book::{Cell, Column};
use super::jobs::{Ctx, JobError};
use super::labels;
use super::registration::{CriterionNames, Directory};
use crate::clock::today_cst;
use crate::error::internal;
use crate::quotas::ledger;
use crate::selfcheck;
use chafang_domain::followup::CaseState;
use chafang_domain::quota::day_cst;
use chafang_domain::UnitId;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The states a summary counts (a merged or superseded case is another's finding).
const COUNTED: [CaseState; 8] = [
    CaseState::Submitted,
    CaseState::Rejected,
    CaseState::Released,
    CaseState::Acknowledged,
    CaseState::Answered,
    CaseState::Rectifying,
    CaseState::CompletionReported,
    CaseState::Closed,
];

/// A line of a summary: all findings, then by where they stand.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    all: u64,
    submitted: u64,
    rejected: u64,
    open: u64,
    closed: u64,
}

impl Tally {
    fn add(&mut self, state: CaseState, n: u64) {
        self.all += n;
        match state {
            CaseState::Submitted => self.submitted += n,
            CaseState::Rejected => self.rejected += n,
            CaseState::Closed => self.closed += n,
            _ => self.open += n,
        }
    }

    fn cells(&self, what: String) -> Vec<Cell> {
        vec![
            Cell::Text(what),
            Cell::count(self.all),
            Cell::count(self.submitted),
            Cell::count(self.rejected),
            Cell::count(self.open),
            Cell::count(self.closed),
        ]
    }
}

fn tally_columns(first: &'static str) -> [Column; 6] {
    [
        (first, 24.0),
        ("问题数", 10.0),
        ("待审核", 10.0),
        ("不予交办", 10.0),
        ("整改中", 10.0),
        ("已办结", 10.0),
    ]
}

/// The summaries of a year's findings (by the day of the visit), each on its own sheet.
pub fn write_summary(
    ctx: &mut Ctx,
    year: i32,
    dir: &Directory,
    criteria: &CriterionNames,
) -> Result<(), JobError> {
    let rows = ctx.rt.block_on(
        sqlx::query(
            "SELECT unit_id, criterion, substr(seen_on, 1, 7) AS month, state, COUNT(*) AS n FROM cases \
             WHERE state NOT IN ('merged', 'superseded') AND seen_on >= $1 AND seen_on <= $2 \
             GROUP BY unit_id, criterion, substr(seen_on, 1, 7), state",
        )
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{year:04}-12-31"))
        .fetch_all(&mut *ctx.conn),
    )?;
    let mut by_unit: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_criterion: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_state: HashMap<CaseState, u64> = HashMap::new();
    for r in &rows {
        let unit: UnitId = r
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?;
        let state: String = r.try_get("state")?;
        let state = crate::findings::store::parse_state(&state)?;
        let n = u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or_default();
        let criterion = criteria.name(dir.set(unit), &r.try_get::<String, _>("criterion")?);
        by_unit.entry(dir.name(unit)).or_default().add(state, n);
        by_criterion.entry(criterion).or_default().add(state, n);
        by_month
            .entry(r.try_get("month")?)
            .or_default()
            .add(state, n);
        *by_state.entry(state).or_default() += n;
    }
    let total = by_unit.len() + by_criterion.len() + by_month.len() + COUNTED.len();
    ctx.total(total as u64);
    for (sheet, first, lines) in [
        ("按单位", "被查单位", &by_unit),
        ("按评议内容", "评议内容", &by_criterion),
        ("按月份", "月份", &by_month),
    ] {
        ctx.book.sheet(sheet, &tally_columns(first))?;
        let mut sum = Tally::default();
        for (what, t) in lines {
            ctx.book.row(&t.cells(what.clone()))?;
            for (state, n) in [
                (CaseState::Submitted, t.submitted),
                (CaseState::Rejected, t.rejected),
                (CaseState::Released, t.open),
                (CaseState::Closed, t.closed),
            ] {
                sum.add(state, n);
            }
            ctx.advance(1);
        }
        ctx.book.row(&sum.cells("合计".into()))?;
    }
    ctx.book
        .sheet("按状态", &[("整改情况", 18.0), ("问题数", 10.0)])?;
    for state in COUNTED {
        let n = by_state.get(&state).copied().unwrap_or_default();
        ctx.book
            .row(&[Cell::text(labels::state(state)), Cell::count(n)])?;
        ctx.advance(1);
    }
    Ok(())
}

pub const LEDGER_COLUMNS: [Column; 10] = [
    ("序号", 7.0),
    ("监督员", 14.0),
    ("队伍", 12.0),
    ("年度任务", 10.0),
    ("已完成", 10.0),
    ("明查", 8.0),
    ("暗访", 8.0),
    ("尚差", 8.0),
    ("进度", 12.0),
    ("最近查访", 12.0),
];

/// The quota ledger of a year, as the office's table counts it.
pub fn write_ledger(ctx: &mut Ctx, year: i32) -> Result<(), JobError> {
    let conn = &mut *ctx.conn;
    let rows = ctx.rt.block_on(async {
        let frame = ledger::frame_of(conn, year)
            .await?
            .unwrap_or_else(|| ledger::Frame::without_campaign(year));
        // Counted in the database, as the office's table is (never visit by visit).
        ledger::quota_rows(conn, &frame, today_cst()).await
    })?;
    ctx.total(rows.len() as u64);
    ctx.book
        .sheet(&format!("{year}年任务台账"), &LEDGER_COLUMNS)?;
    for (i, r) in rows.iter().enumerate() {
        ctx.book.row(&[
            Cell::count(i as u64 + 1),
            Cell::text(&r.display_name),
            Cell::text(labels::team(r.team)),
            Cell::count(u64::from(r.quota.required)),
            Cell::count(u64::from(r.quota.done)),
            Cell::count(u64::from(r.quota.open)),
            Cell::count(u64::from(r.quota.covert)),
            Cell::count(u64::from(r.quota.remaining())),
            Cell::text(labels::pace(r.pace)),
            Cell::date(r.last_visit_on),
        ])?;
        ctx.advance(1);
    }
    Ok(())
}

pub const REGISTER_COLUMNS: [Column; 10] = [
    ("序号", 7.0),
    ("单位", 24.0),
    ("问题描述", 40.0),
    ("问题来源", 16.0),
    ("整改方式", 12.0),
    ("整改措施", 40.0),
    ("完成时限", 12.0),
    ("完成情况", 30.0),
    ("登记日期", 12.0),
    ("修改次数", 10.0),
];

/// The self-inspection registers of a year (of `units` only, when given).
pub fn write_register(
    ctx: &mut Ctx,
    year: i32,
    dir: &Directory,
    units: Option<HashSet<UnitId>>,
) -> Result<(), JobError> {
    let names: HashMap<UnitId, String> = dir.names();
    let keep = |u: UnitId| units.as_ref().is_none_or(|w| w.contains(&u));
    let items = ctx
        .rt
        .block_on(selfcheck::load_items(&mut ctx.conn, year, &names, keep))?;
    ctx.total(items.len() as u64);
    ctx.book
        .sheet(&format!("{year}年自查自纠登记表"), &REGISTER_COLUMNS)?;
    for (i, item) in items.iter().enumerate() {
        let c = &item.current;
        let first = item
            .history
            .first()
            .map_or(c.recorded_at_ms, |h| h.recorded_at_ms);
        ctx.book.row(&[
            Cell::count(i as u64 + 1),
            Cell::text(&item.unit.name),
            Cell::text(&c.description),
            Cell::text(labels::source(c.source)),
            Cell::text(labels::answer(Some(c.answer.kind))),
            Cell::text(&c.answer.text),
            Cell::date(c.answer.committed_by),
            Cell::text(c.completion.clone().unwrap_or_default()),
            Cell::Date(day_cst(first)),
            Cell::count(item.history.len().saturating_sub(1) as u64),
        ])?;
        ctx.advance(1);
    }
    Ok(())
}
