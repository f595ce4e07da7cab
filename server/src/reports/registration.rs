//! The registration form 《明查暗访登记表》, in the columns of the paper form: the office's
//! (one row per finding of each current visit, and one per visit that found nothing, with
//! visit kind, methods and monitor), and the unit's (one row per finding released to it or to
//! its stations, built from `UnitCase` alone: no monitor, no 明查/暗访 or 方式 column, the
//! date as the unit is shown it, no visit id).
//!
//! The office's form is read a page of rows at a time (keyset on the visit's id, a UUIDv7
//! made on the phone when the visit began, so the rows run in the order visits were made)
//! and written as read: memory stays flat however many findings the year has.

use super::book::{Cell, Column};
use super::jobs::{Ctx, JobError};
use super::labels;
use crate::campaigns::store as campaign_store;
use crate::error::{internal, ApiError};
use crate::findings::store::{self as case_store, CaseRecord};
use crate::findings::views::{self, UnitNames};
use chafang_domain::api::{UnitCase, UnitView};
use chafang_domain::campaign::default_criteria_sets;
use chafang_domain::criteria::CriteriaSetKind;
use chafang_domain::followup::seen_period;
use chafang_domain::quota::day_cst;
use chafang_domain::visit::{Severity, VisitMethod, VisitMode};
use chafang_domain::{UnitId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

/// Rows read per page.
const PAGE: i64 = 1000;

/// The criteria's names of a year (its campaign's copy, or the defaults), per set.
#[derive(Clone, Debug, Default)]
pub struct CriterionNames(HashMap<(CriteriaSetKind, String), String>);

impl CriterionNames {
    pub async fn of_year(conn: &mut AnyConnection, year: i32) -> Result<Self, ApiError> {
        let sets = match campaign_store::find(conn, year).await? {
            Some(c) => c.plan.criteria,
            None => default_criteria_sets(),
        };
        let mut names = HashMap::new();
        for (kind, set) in default_criteria_sets().into_iter().chain(sets) {
            for c in set {
                names.insert((kind, c.code), c.name_zh);
            }
        }
        Ok(CriterionNames(names))
    }

    pub fn name(&self, set: CriteriaSetKind, code: &str) -> String {
        self.0
            .get(&(set, code.to_owned()))
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }
}

/// The directory as the reports need it: names and criteria sets by id.
#[derive(Clone, Debug, Default)]
pub struct Directory(HashMap<UnitId, UnitView>);

impl Directory {
    pub fn of(all: Vec<UnitView>) -> Self {
        Directory(all.into_iter().map(|u| (u.id, u)).collect())
    }

    pub fn name(&self, id: UnitId) -> String {
        self.0.get(&id).map(|u| u.name.clone()).unwrap_or_default()
    }

    pub fn names(&self) -> HashMap<UnitId, String> {
        self.0.iter().map(|(id, u)| (*id, u.name.clone())).collect()
    }

    pub fn set(&self, id: UnitId) -> CriteriaSetKind {
        self.0
            .get(&id)
            .map_or(CriteriaSetKind::Department, |u| u.criteria_set)
    }
}

/// The first millisecond of a year in China Standard Time.
pub fn year_start_ms(year: i32) -> i64 {
    let day = Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN);
    let cst = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    PrimitiveDateTime::new(day, Time::MIDNIGHT)
        .assume_offset(cst)
        .unix_timestamp()
        * 1000
}

/// Which visits the office's form holds.
#[derive(Clone, Debug)]
pub struct OfficeScope {
    pub year: i32,
    pub monitor: Option<UserId>,
    pub units: Option<HashSet<UnitId>>,
}

pub const OFFICE_COLUMNS: [Column; 13] = [
    ("序号", 7.0),
    ("被查单位", 24.0),
    ("时间", 12.0),
    ("明查/暗访", 10.0),
    ("方式", 20.0),
    ("评议内容", 12.0),
    ("发现问题", 40.0),
    ("严重程度", 11.0),
    ("整改建议", 30.0),
    ("整改情况", 14.0),
    ("整改答复", 40.0),
    ("办结日期", 12.0),
    ("监督员", 12.0),
];

/// A bound value of the form's query.
enum Bind {
    Text(String),
    Int(i64),
}

/// The form's filter (after `FROM … WHERE`) and its values, from `$1`.
fn filter(scope: &OfficeScope) -> (String, Vec<Bind>) {
    let mut sql = String::from(
        "NOT EXISTS (SELECT 1 FROM visits s WHERE s.supersedes = v.id) \
         AND v.started_at_device >= $1 AND v.started_at_device < $2 AND ($3 = '' OR v.monitor_id = $3)",
    );
    let mut binds = vec![
        Bind::Int(year_start_ms(scope.year)),
        Bind::Int(year_start_ms(scope.year + 1)),
        Bind::Text(scope.monitor.map(|m| m.to_string()).unwrap_or_default()),
    ];
    if let Some(units) = &scope.units {
        let mut ids: Vec<String> = units.iter().map(|u| u.to_string()).collect();
        ids.sort();
        if ids.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", 4 + i)).collect();
            sql.push_str(&format!(" AND v.unit_id IN ({})", marks.join(", ")));
            binds.extend(ids.into_iter().map(Bind::Text));
        }
    }
    (sql, binds)
}

fn query<'q>(
    sql: &'q str,
    binds: &[Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.clone()),
            Bind::Int(n) => q.bind(*n),
        };
    }
    q
}

const FROM: &str = "FROM visits v JOIN users u ON u.id = v.monitor_id \
    LEFT JOIN findings f ON f.visit_id = v.id \
    LEFT JOIN case_findings cf ON cf.finding_id = f.id \
    LEFT JOIN cases c ON c.id = cf.case_id";

/// The methods of a stored visit's body.
#[derive(serde::Deserialize)]
struct Methods {
    methods: Vec<VisitMethod>,
}

fn methods_text(body: &str) -> Result<String, ApiError> {
    let m: Methods = serde_json::from_str(body).map_err(internal)?;
    Ok(m.methods
        .into_iter()
        .map(labels::method)
        .collect::<Vec<_>>()
        .join("、"))
}

fn severity_of(s: &str) -> Result<Severity, ApiError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(internal)
}

/// The latest answer's kind and words: "立行立改：…".
fn answer_text(kind: Option<&str>, text: Option<String>) -> String {
    match text {
        Some(t) => {
            let kind = kind.and_then(chafang_domain::followup::AnswerKind::parse);
            format!("{}：{t}", labels::answer(kind))
        }
        None => String::new(),
    }
}

/// One row of the office's form.
fn office_row(
    n: u64,
    r: &AnyRow,
    dir: &Directory,
    criteria: &CriterionNames,
) -> Result<Vec<Cell>, ApiError> {
    let unit: UnitId = r
        .try_get::<String, _>("unit_id")?
        .parse()
        .map_err(internal)?;
    let started: i64 = r.try_get("started_at_device")?;
    let received: i64 = r.try_get("received_at")?;
    let mode = if r.try_get::<String, _>("mode")? == "covert" {
        VisitMode::Covert
    } else {
        VisitMode::Open
    };
    let criterion: Option<String> = r.try_get("criterion")?;
    let state = r
        .try_get::<Option<String>, _>("state")?
        .map(|s| crate::findings::store::parse_state(&s))
        .transpose()?;
    let closed_on = r
        .try_get::<Option<String>, _>("closed_on")?
        .as_deref()
        .map(case_store::parse_day)
        .transpose()?;
    let (problem, severity, suggestion) = match &criterion {
        Some(_) => (
            r.try_get::<Option<String>, _>("description")?
                .unwrap_or_default(),
            r.try_get::<Option<String>, _>("severity")?
                .as_deref()
                .map(severity_of)
                .transpose()?
                .map_or("", labels::severity),
            r.try_get::<Option<String>, _>("suggestion")?
                .unwrap_or_default(),
        ),
        None => ("未发现问题".to_owned(), "", String::new()),
    };
    let kind: Option<String> = r.try_get("answer_kind")?;
    Ok(vec![
        Cell::count(n),
        Cell::text(dir.name(unit)),
        Cell::Date(day_cst(started.min(received))),
        Cell::text(labels::mode(mode)),
        Cell::text(methods_text(&r.try_get::<String, _>("body")?)?),
        Cell::text(
            criterion
                .as_deref()
                .map(|c| criteria.name(dir.set(unit), c))
                .unwrap_or_default(),
        ),
        Cell::text(problem),
        Cell::text(severity),
        Cell::text(suggestion),
        Cell::text(state.map_or("", labels::state)),
        Cell::text(answer_text(
            kind.as_deref(),
            r.try_get::<Option<String>, _>("answer_text")?,
        )),
        Cell::date(closed_on),
        Cell::text(r.try_get::<String, _>("display_name")?),
    ])
}

/// Writes the office's form of `scope` on a sheet named `sheet`.
pub fn write_office(
    ctx: &mut Ctx,
    sheet: &str,
    scope: &OfficeScope,
    dir: &Directory,
    criteria: &CriterionNames,
) -> Result<(), JobError> {
    let (cond, binds) = filter(scope);
    let count_sql = format!("SELECT COUNT(*) AS n {FROM} WHERE {cond}");
    let total: i64 = ctx
        .rt
        .block_on(query(&count_sql, &binds).fetch_one(&mut *ctx.conn))?
        .try_get("n")?;
    ctx.total(u64::try_from(total).unwrap_or_default());
    ctx.book.sheet(sheet, &OFFICE_COLUMNS)?;
    let after = binds.len() + 1;
    let page_sql = format!(
        "SELECT v.id AS visit_id, v.unit_id, v.mode, v.body, v.started_at_device, v.received_at, \
         u.display_name, COALESCE(f.position, -1) AS pos, f.criterion, f.description, f.severity, \
         f.suggestion, c.state, c.closed_on, \
         (SELECT a.kind FROM answers a WHERE a.case_id = c.id ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1) AS answer_kind, \
         (SELECT a.text FROM answers a WHERE a.case_id = c.id ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1) AS answer_text \
         {FROM} WHERE {cond} AND v.id >= ${a} AND (v.id > ${a} OR COALESCE(f.position, -1) > ${b}) \
         ORDER BY v.id, COALESCE(f.position, -1) LIMIT {PAGE}",
        a = after,
        b = after + 1,
    );
    let mut key = (String::new(), -2_i64);
    let mut n = 0_u64;
    loop {
        let rows = {
            // Not kept prepared: PostgreSQL then plans each page for its own key (a generic
            // plan of a kept statement sorted the whole join for every page).
            let q = query(&page_sql, &binds)
                .bind(key.0.clone())
                .bind(key.1)
                .persistent(false);
            ctx.rt.block_on(q.fetch_all(&mut *ctx.conn))?
        };
        for r in &rows {
            n += 1;
            let cells = office_row(n, r, dir, criteria)?;
            ctx.book.row(&cells)?;
        }
        ctx.advance(rows.len() as u64);
        match rows.last() {
            Some(last) if rows.len() as i64 == PAGE => {
                key = (last.try_get("visit_id")?, last.try_get("pos")?);
            }
            _ => break,
        }
    }
    Ok(())
}

pub const UNIT_COLUMNS: [Column; 10] = [
    ("序号", 7.0),
    ("被查单位", 24.0),
    ("时间", 12.0),
    ("评议内容", 12.0),
    ("发现问题", 40.0),
    ("严重程度", 11.0),
    ("交办日期", 12.0),
    ("整改期限", 12.0),
    ("整改情况", 14.0),
    ("整改答复", 40.0),
];

/// The cases released to the unit's scope whose half-month seen (`followup::seen_period`, the
/// only date a unit is told) falls in the year, in the order of that half-month, then the unit
/// and the criterion, then the random case id: never the order in which the server received
/// the visits nor the day inside the half-month.
pub fn unit_cases(
    all: Vec<CaseRecord>,
    scope: &HashSet<UnitId>,
    year: i32,
    dir: &Directory,
) -> Vec<CaseRecord> {
    let mut cases: Vec<CaseRecord> = all
        .into_iter()
        .filter(|c| c.state.is_released() && scope.contains(&c.unit_id))
        .filter(|c| seen_period(c.seen_on).year == year)
        .collect();
    cases.sort_by_cached_key(|c| {
        (
            seen_period(c.seen_on),
            dir.name(c.unit_id),
            c.criterion.clone(),
            c.id,
        )
    });
    cases
}

/// One row of the unit's form, from the unit's view of the case alone.
fn unit_row(n: u64, c: &UnitCase, dir: &Directory, criteria: &CriterionNames) -> Vec<Cell> {
    let answer = c
        .answers
        .last()
        .map(|a| format!("{}：{}", labels::answer(a.kind), a.text))
        .unwrap_or_default();
    vec![
        Cell::count(n),
        Cell::text(&c.unit.name),
        Cell::text(labels::seen_period(c.seen_in)),
        Cell::text(criteria.name(dir.set(c.unit.id), &c.criterion)),
        Cell::text(&c.text),
        Cell::text(labels::severity(c.severity)),
        Cell::Date(c.released_on),
        Cell::date(c.due.map(|d| d.due)),
        Cell::text(labels::state(c.state)),
        Cell::text(answer),
    ]
}

/// Writes the unit's form of the given cases (see `unit_cases`).
pub fn write_unit(
    ctx: &mut Ctx,
    sheet: &str,
    cases: &[CaseRecord],
    dir: &Directory,
    criteria: &CriterionNames,
) -> Result<(), JobError> {
    ctx.total(cases.len() as u64);
    ctx.book.sheet(sheet, &UNIT_COLUMNS)?;
    let names = ctx.rt.block_on(UnitNames::load(&mut ctx.conn))?;
    for (i, case) in cases.iter().enumerate() {
        let view = ctx
            .rt
            .block_on(views::unit_case(&mut ctx.conn, case, &names))?;
        ctx.book
            .row(&unit_row(i as u64 + 1, &view, dir, criteria))?;
        ctx.advance(1);
    }
    Ok(())
}
