//! A campaign year's working calendar (issue 21): the public holidays and the weekend days
//! worked instead (调休) that the office enters from the State Council's notice, as a small
//! CSV or the notice's lines pasted (`domain::calendar::parse_year`). Each entry is a new
//! revision of the year (`work_calendars`, never changed); the latest revision of every year
//! together is the calendar every working-day deadline, reminder and pace line counts with
//! (`load`).
//!
//! Entering a calendar never moves a deadline silently: every running deadline (to
//! acknowledge, to answer) is carried over with the working days it had left
//! (`followup::carry_deadline`), and each one moved is written to its case with a
//! `case.deadline_moved` event holding the old and the new day, then the calendar itself with
//! a `calendar.set` listing the days, the calendar replaced and every deadline moved; that
//! event carries the row's content hash, so a row changed behind the server's back is found by
//! `audit::content::check`.

use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::clock::{now_ms, today_cst};
use crate::error::{internal, ApiError, ApiJson};
use crate::findings::store::{self as cases, day_text, CaseRecord};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{
    CalendarDay, MovedDeadline, SetWorkCalendar, WorkCalendarSaved, WorkCalendarView,
};
use chafang_domain::calendar::{parse_year, DayKind, WorkCalendar};
use chafang_domain::event::{CalendarDayEntry, CalendarSet, CaseDeadlineMoved, DeadlineMove};
use chafang_domain::followup::{carry_deadline, CaseState, DeadlineKind};
use chafang_domain::refusal::CalendarRefusal;
use sqlx::{AnyConnection, Row};
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(one_year, set_year))
}

/// A year's latest revision: (revision, days, text).
async fn latest(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Option<(i64, Vec<CalendarDay>, String)>, ApiError> {
    let row = sqlx::query(
        "SELECT revision, days, text FROM work_calendars WHERE year = $1 \
         ORDER BY revision DESC LIMIT 1",
    )
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let days: Vec<CalendarDay> =
        serde_json::from_str(&row.try_get::<String, _>("days")?).map_err(internal)?;
    Ok(Some((row.try_get("revision")?, days, row.try_get("text")?)))
}

/// The working calendar of every year entered (each year's latest revision); Monday to Friday
/// for a year with none.
pub async fn load(conn: &mut AnyConnection) -> Result<WorkCalendar, ApiError> {
    let rows = sqlx::query(
        "SELECT w.days FROM work_calendars w WHERE w.revision = \
         (SELECT MAX(v.revision) FROM work_calendars v WHERE v.year = w.year)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut all: Vec<(Date, DayKind)> = Vec::new();
    for r in &rows {
        let days: Vec<CalendarDay> =
            serde_json::from_str(&r.try_get::<String, _>("days")?).map_err(internal)?;
        all.extend(days.into_iter().map(|d| (d.day, d.kind)));
    }
    // Each year's days were checked when entered and years do not overlap.
    WorkCalendar::new(all).map_err(internal)
}

/// `load` on a connection of its own.
pub async fn current(db: &crate::db::Db) -> Result<WorkCalendar, ApiError> {
    let mut conn = db.pool.acquire().await?;
    load(&mut conn).await
}

/// A revision's row id, the subject of its `calendar.set` event.
fn row_id(year: i32, revision: i64) -> String {
    format!("calendar-{year}-{revision}")
}

fn parse_path_year(s: &str) -> Result<i32, ApiError> {
    crate::campaigns::parse_year(s)
}

fn view(year: i32, latest: Option<(i64, Vec<CalendarDay>, String)>) -> WorkCalendarView {
    let (revision, days, text) = latest.unwrap_or_default();
    WorkCalendarView {
        year,
        revision,
        days,
        text,
    }
}

/// A year's working calendar: its holidays and 调休 working days as last entered (none, and
/// revision 0, before the office enters one).
#[utoipa::path(get, operation_id = "workCalendar", path = "/api/v1/office/calendar/{year}", tag = "campaigns",
    params(("year" = i32, Path, description = "the campaign year")),
    responses((status = 200, body = WorkCalendarView), (status = 401), (status = 404)))]
async fn one_year(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<WorkCalendarView>, ApiError> {
    let year = parse_path_year(&year)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(view(year, latest(&mut conn, year).await?)))
}

/// Enter a year's whole working calendar anew (a CSV `date,kind` or the notice's lines
/// pasted). Every running deadline is carried over with the working days it had left; each
/// one moved is answered and recorded with its old and new day. 422 with the first wrong
/// line's number.
#[utoipa::path(put, operation_id = "setWorkCalendar", path = "/api/v1/office/calendar/{year}", tag = "campaigns",
    params(("year" = i32, Path, description = "the campaign year")),
    request_body = SetWorkCalendar,
    responses((status = 200, body = WorkCalendarSaved), (status = 401), (status = 404), (status = 422)))]
async fn set_year(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(year): Path<String>,
    ApiJson(req): ApiJson<SetWorkCalendar>,
) -> Result<Json<WorkCalendarSaved>, ApiError> {
    let year = parse_path_year(&year)?;
    if req.text.len() > 64 * 1024 {
        return Err(CalendarRefusal::TooLong {
            max: chafang_domain::calendar::MAX_CALENDAR_LINES as u32,
        }
        .into());
    }
    let days: Vec<CalendarDay> = parse_year(&req.text, year)?
        .into_iter()
        .map(|(day, kind)| CalendarDay { day, kind })
        .collect();
    let mut tx = state.db.begin_write().await?;
    let before = latest(&mut tx, year).await?;
    let old = load(&mut tx).await?;
    let revision = before.as_ref().map_or(0, |b| b.0) + 1;
    sqlx::query(
        "INSERT INTO work_calendars (id, year, revision, days, text, set_at, set_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(row_id(year, revision))
    .bind(i64::from(year))
    .bind(revision)
    .bind(serde_json::to_string(&days).map_err(internal)?)
    .bind(&req.text)
    .bind(now_ms())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?;
    let new = load(&mut tx).await?;
    let moved = carry_over(&mut tx, &old, &new, today_cst(), me.user.id, year, revision).await?;
    let entries = |d: &[CalendarDay]| -> Vec<CalendarDayEntry> {
        d.iter()
            .map(|d| CalendarDayEntry {
                day: day_text(d.day),
                kind: d.kind,
            })
            .collect()
    };
    audit::record(
        &mut tx,
        Some(me.user.id),
        row_id(year, revision),
        CalendarSet {
            year,
            revision,
            days: entries(&days),
            previous: before.as_ref().map(|b| entries(&b.1)).unwrap_or_default(),
            moved: moved
                .iter()
                .map(|m| DeadlineMove {
                    case: m.case,
                    kind: m.kind,
                    from: day_text(m.from),
                    to: day_text(m.to),
                })
                .collect(),
        },
    )
    .await?;
    let saved = view(year, latest(&mut tx, year).await?);
    tx.commit().await?;
    Ok(Json(WorkCalendarSaved {
        calendar: saved,
        moved,
    }))
}

/// Carries every running deadline (to acknowledge, to answer) from the `old` calendar to the
/// `new` one, writing and recording each one moved.
async fn carry_over(
    tx: &mut crate::db::WriteTx,
    old: &WorkCalendar,
    new: &WorkCalendar,
    today: Date,
    by: chafang_domain::UserId,
    year: i32,
    revision: i64,
) -> Result<Vec<MovedDeadline>, ApiError> {
    let sql = format!(
        "SELECT {} FROM cases WHERE (state = $1 AND ack_due IS NOT NULL AND ack_due > $3) \
         OR (state = $2 AND answer_due IS NOT NULL AND answer_due > $3) ORDER BY id",
        cases::COLUMNS
    );
    let rows = sqlx::query(&sql)
        .bind(CaseState::Released.as_str())
        .bind(CaseState::Acknowledged.as_str())
        .bind(day_text(today))
        .fetch_all(&mut **tx)
        .await?;
    let running: Vec<CaseRecord> = cases::readable(&rows);
    let mut moved = Vec::new();
    for case in running {
        let Some((kind, due)) = case.deadlines.current(case.state) else {
            continue;
        };
        let Some(to) = carry_deadline(old, new, today, due) else {
            continue;
        };
        let column = match kind {
            DeadlineKind::Acknowledge => "ack_due",
            DeadlineKind::Answer => "answer_due",
            // A commitment is a day the unit chose, not a count of working days.
            DeadlineKind::Commitment => continue,
        };
        sqlx::query(&format!(
            "UPDATE cases SET {column} = $1, updated_at = $2 WHERE id = $3 AND state = $4"
        ))
        .bind(day_text(to))
        .bind(now_ms())
        .bind(case.id.to_string())
        .bind(case.state.as_str())
        .execute(&mut **tx)
        .await?;
        let after = cases::load(tx, case.id)
            .await?
            .ok_or_else(|| internal("a case whose deadline moved is gone"))?;
        crate::findings::tally::moved(
            tx,
            Some(&crate::findings::tally::Place::of(&case)),
            &crate::findings::tally::Place::of(&after),
        )
        .await?;
        crate::map::tally::case_stepped(tx, case.id, after.merged_into).await?;
        audit::record(
            tx,
            Some(by),
            case.id,
            CaseDeadlineMoved {
                kind,
                from: day_text(due),
                to: day_text(to),
                year,
                revision,
            },
        )
        .await?;
        moved.push(MovedDeadline {
            case: case.id,
            kind,
            from: due,
            to,
        });
    }
    Ok(moved)
}
