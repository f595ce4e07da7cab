//! The case rows and the one way to change them: every step checks the domain's state machine,
//! updates the row only if it is still in the state the step was checked against (so two
//! people acting at once cannot both win), and appends the step to the audit chain in the same
//! transaction.

use super::tally::{self, Place};
use crate::audit;
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::ApiError;
use chafang_domain::event::StepPayload;
use chafang_domain::followup::{
    self, Actor, AnswerKind, CaseState, Deadlines, FindingNumber, Rating,
};
use chafang_domain::visit::Severity;
use chafang_domain::{CaseId, UnitId, UserId};
use sqlx::{AnyConnection, Row};
use time::macros::format_description;
use time::Date;

pub use crate::error::internal;

/// A day as stored (`YYYY-MM-DD`).
pub fn day_text(d: Date) -> String {
    d.to_string()
}

/// The years a stored day may fall in: the campaign years with room for commitments made near
/// their end. A day outside them (`-9999-01-01`, year 10000) is malformed stored data.
pub const STORED_YEARS: std::ops::RangeInclusive<i32> = 1990..=2200;

/// A stored day (`YYYY-MM-DD`), in [`STORED_YEARS`]; anything else is malformed.
pub fn parse_day(s: &str) -> Result<Date, ApiError> {
    let d = Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(internal)?;
    if STORED_YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(internal(format!("day {s} outside the years kept")))
    }
}

fn opt_day(s: Option<String>) -> Result<Option<Date>, ApiError> {
    s.as_deref().map(parse_day).transpose()
}

pub fn severity_str(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "minor",
        Severity::Serious => "serious",
        Severity::VerySerious => "very_serious",
    }
}

/// A stored case state; anything else in the column is a broken database.
pub fn parse_state(s: &str) -> Result<CaseState, ApiError> {
    CaseState::parse(s).ok_or_else(|| internal(format!("state {s}")))
}

fn parse_severity(s: &str) -> Result<Severity, ApiError> {
    match s {
        "minor" => Ok(Severity::Minor),
        "serious" => Ok(Severity::Serious),
        "very_serious" => Ok(Severity::VerySerious),
        other => Err(internal(format!("severity {other}"))),
    }
}

/// A case as stored.
#[derive(Clone, Debug)]
pub struct CaseRecord {
    pub id: CaseId,
    pub unit_id: UnitId,
    pub criterion: String,
    pub severity: Severity,
    pub unit_text: String,
    pub state: CaseState,
    pub covert: bool,
    pub seen_on: Date,
    pub received_at: i64,
    pub merged_into: Option<CaseId>,
    pub reject_reason: Option<String>,
    pub released_on: Option<Date>,
    /// The number given at release (`next_number`); `None` until then.
    pub number: Option<FindingNumber>,
    pub acknowledged_on: Option<Date>,
    pub answer_days: Option<u32>,
    pub deadlines: Deadlines,
    pub rating: Option<Rating>,
    pub lookback_requested: bool,
}

pub const COLUMNS: &str = "id, unit_id, criterion, severity, unit_text, state, covert, seen_on, received_at, \
    merged_into, reject_reason, released_on, ack_due, answer_days, acknowledged_on, answer_due, committed_by, \
    rating, lookback_requested, number_year, number_seq";

pub fn from_row(row: &sqlx::any::AnyRow) -> Result<CaseRecord, ApiError> {
    let state: String = row.try_get("state")?;
    Ok(CaseRecord {
        id: row.try_get::<String, _>("id")?.parse().map_err(internal)?,
        unit_id: row
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?,
        criterion: row.try_get("criterion")?,
        severity: parse_severity(&row.try_get::<String, _>("severity")?)?,
        unit_text: row.try_get("unit_text")?,
        state: parse_state(&state)?,
        covert: row.try_get::<i64, _>("covert")? == 1,
        seen_on: parse_day(&row.try_get::<String, _>("seen_on")?)?,
        received_at: row.try_get("received_at")?,
        merged_into: row
            .try_get::<Option<String>, _>("merged_into")?
            .map(|s| s.parse())
            .transpose()
            .map_err(internal)?,
        reject_reason: row.try_get("reject_reason")?,
        released_on: opt_day(row.try_get("released_on")?)?,
        number: number_of(row)?,
        acknowledged_on: opt_day(row.try_get("acknowledged_on")?)?,
        answer_days: row
            .try_get::<Option<i64>, _>("answer_days")?
            .map(|d| u32::try_from(d).map_err(internal))
            .transpose()?,
        deadlines: Deadlines {
            ack_due: opt_day(row.try_get("ack_due")?)?,
            answer_due: opt_day(row.try_get("answer_due")?)?,
            committed_by: opt_day(row.try_get("committed_by")?)?,
        },
        rating: row
            .try_get::<Option<String>, _>("rating")?
            .map(|r| Rating::parse(&r).ok_or_else(|| internal(format!("rating {r}"))))
            .transpose()?,
        lookback_requested: row.try_get::<i64, _>("lookback_requested")? == 1,
    })
}

fn number_of(row: &sqlx::any::AnyRow) -> Result<Option<FindingNumber>, ApiError> {
    let year = row.try_get::<Option<i64>, _>("number_year")?;
    let seq = row.try_get::<Option<i64>, _>("number_seq")?;
    match (year, seq) {
        (None, None) => Ok(None),
        (Some(year), Some(seq)) => Ok(Some(FindingNumber {
            year: i32::try_from(year).map_err(internal)?,
            seq: u32::try_from(seq).map_err(internal)?,
        })),
        _ => Err(internal("a case number without its year or its place")),
    }
}

/// The next number of `unit` in `year`: the unit's sequence row is created at 0 if missing,
/// then bumped. The bump locks the row (PostgreSQL) or runs under the one writer (SQLite), so
/// two releases at once get consecutive numbers, and a rolled-back release gives its number
/// back (it was never seen). The unique index on the cases' numbers holds it besides.
pub async fn next_number(
    conn: &mut AnyConnection,
    unit: UnitId,
    year: i32,
) -> Result<FindingNumber, ApiError> {
    sqlx::query(
        "INSERT INTO finding_number_sequences (unit_id, year, last_seq) VALUES ($1, $2, 0) \
         ON CONFLICT (unit_id, year) DO NOTHING",
    )
    .bind(unit.to_string())
    .bind(i64::from(year))
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query(
        "UPDATE finding_number_sequences SET last_seq = last_seq + 1 \
         WHERE unit_id = $1 AND year = $2 RETURNING last_seq",
    )
    .bind(unit.to_string())
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await?;
    Ok(FindingNumber {
        year,
        seq: u32::try_from(row.try_get::<i64, _>("last_seq")?).map_err(internal)?,
    })
}

pub async fn load(conn: &mut AnyConnection, id: CaseId) -> Result<Option<CaseRecord>, ApiError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM cases WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every case, oldest receipt first.
pub async fn load_all(conn: &mut AnyConnection) -> Result<Vec<CaseRecord>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM cases ORDER BY received_at, id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    Ok(readable(&rows))
}

/// The cases among rows that read back. A malformed row (a day outside the years kept, an
/// unknown state, a broken id) is logged and left out: it breaks its own line of a list or a
/// page, never the whole of it.
pub fn readable(rows: &[sqlx::any::AnyRow]) -> Vec<CaseRecord> {
    rows.iter()
        .filter_map(|row| match from_row(row) {
            Ok(case) => Some(case),
            Err(e) => {
                let id = row.try_get::<String, _>("id").unwrap_or_default();
                tracing::error!(case = %id, "a stored case does not read back, left out: {e}");
                None
            }
        })
        .collect()
}

/// A value for a column a step sets.
pub enum Col {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Col {
    pub fn day(d: Date) -> Col {
        Col::Text(Some(day_text(d)))
    }
    pub fn text(s: impl Into<String>) -> Col {
        Col::Text(Some(s.into()))
    }
}

/// A step as someone takes it: in which role, on which answer's kind (for a verdict), and by
/// which account (`None` for the server itself). The step itself is the payload's.
pub struct Taken {
    pub actor: Actor,
    pub answer: Option<AnswerKind>,
    pub by: Option<UserId>,
}

impl Taken {
    /// An office step that judges no answer.
    pub fn office(by: UserId) -> Taken {
        Taken {
            actor: Actor::Office,
            answer: None,
            by: Some(by),
        }
    }
}

/// Takes the step `payload` records on `case` as `actor` (the state machine decides the next
/// state), sets the given columns, and records the step on the audit chain with `payload` and
/// the states it moved the case from and to. Refused steps are 409; a case that changed since
/// it was read is 409 too.
pub async fn take_step(
    conn: &mut WriteTx,
    case: &CaseRecord,
    taken: Taken,
    sets: Vec<(&'static str, Col)>,
    payload: StepPayload,
) -> Result<CaseState, ApiError> {
    let Taken { actor, answer, by } = taken;
    let step = payload.step();
    let to = followup::next(case.state, step, actor, answer)
        .map_err(chafang_domain::refusal::CaseRefusal::Step)?;
    let mut sql = String::from("UPDATE cases SET updated_at = $1, state = $2");
    for (i, (col, _)) in sets.iter().enumerate() {
        sql.push_str(&format!(", {col} = ${}", i + 3));
    }
    // Guarded on the state the step was checked against and on every other value the case's
    // place in the running count is made of (`tally::Place`), so that the place it leaves is
    // the one the row had: a case changed meanwhile is a conflict, never a miscount.
    let n = sets.len();
    sql.push_str(&format!(
        " WHERE id = ${} AND state = ${} AND unit_id = ${} AND criterion = ${} \
         AND COALESCE(ack_due, '') = ${} AND COALESCE(answer_due, '') = ${} \
         AND COALESCE(committed_by, '') = ${}",
        n + 3,
        n + 4,
        n + 5,
        n + 6,
        n + 7,
        n + 8,
        n + 9
    ));
    let mut q = sqlx::query(&sql).bind(now_ms()).bind(to.as_str());
    for (_, v) in sets {
        q = match v {
            Col::Text(s) => q.bind(s),
            Col::Int(i) => q.bind(i),
        };
    }
    let due = |d: Option<Date>| d.map(day_text).unwrap_or_default();
    let changed = q
        .bind(case.id.to_string())
        .bind(case.state.as_str())
        .bind(case.unit_id.to_string())
        .bind(&case.criterion)
        .bind(due(case.deadlines.ack_due))
        .bind(due(case.deadlines.answer_due))
        .bind(due(case.deadlines.committed_by))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(chafang_domain::refusal::CaseRefusal::ChangedMeanwhile.into());
    }
    let after = load(conn, case.id)
        .await?
        .ok_or_else(|| internal("the case stepped is gone"))?;
    tally::moved(conn, Some(&Place::of(case)), &Place::of(&after)).await?;
    // The map's running count: the case, its visits, and a merge's target with its visits.
    crate::map::tally::case_stepped(conn, case.id, after.merged_into).await?;
    // The event tells the step's audience (`audit::fanout`).
    audit::record(conn, by, case.id, payload.moved(case.state, to)).await?;
    Ok(to)
}

/// The ids of the monitors who reported a case.
pub async fn reporters(conn: &mut AnyConnection, case: CaseId) -> Result<Vec<UserId>, ApiError> {
    let rows = sqlx::query(
        "SELECT DISTINCT v.monitor_id FROM case_findings cf JOIN findings f ON f.id = cf.finding_id \
         JOIN visits v ON v.id = f.visit_id WHERE cf.case_id = $1",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            r.try_get::<String, _>("monitor_id")?
                .parse()
                .map_err(internal)
        })
        .collect()
}
