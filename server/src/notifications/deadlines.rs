//! The deadline scan: for each released case whose running deadline (acknowledge, answer or
//! commitment) falls within one working day of a day or has passed, a notice to the users of
//! its unit and of the units above it — at most one per recipient, case, deadline and day
//! (the `dedup` key and its unique index), however often the scan runs.
//!
//! At scale (150 000 overdue cases in the million-visit bench) one transaction would hold
//! SQLite's single writer for minutes and keep every sign-in waiting. So the scan lists the
//! ids of the cases due (one read), then goes through them in bounded batches: each batch is
//! read without any lock, its notices worked out in memory (unit names and audiences loaded
//! once per scan, no query per case), then written in one short write transaction that
//! releases the writer before the next batch. A crash or a stop between batches loses nothing and duplicates nothing: the
//! committed batches' notices are there, a rerun on the same day skips them by their key and
//! writes the rest. The scan writes only notifications (no record changes, so no audit events).

use super::inbox::{notify_many, unit_params_of, Note, UnitAudience};
use crate::db::Db;
use crate::error::ApiError;
use crate::findings::store::{from_row, CaseRecord, COLUMNS};
use crate::findings::views::UnitNames;
use chafang_domain::api::NotificationKind;
use chafang_domain::followup::{add_working_days, CaseState};
use chafang_domain::UserId;
use sqlx::{AnyConnection, Row};
use time::Date;

/// Cases read per batch: one write transaction each, a few hundred notices at most, so a
/// waiting writer (a sign-in, a visit) waits a fraction of a second.
pub const BATCH: usize = 250;

/// What a whole scan did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Cases with a deadline near or past.
    pub cases: u32,
    /// Notifications written (fewer than the recipients when a rerun found them written).
    pub written: u32,
    /// Write transactions.
    pub batches: u32,
}

/// Scans `today` in batches of `BATCH`.
pub async fn scan(db: &Db, today: Date) -> Result<ScanReport, ApiError> {
    scan_in_batches(db, today, BATCH).await
}

/// Scans `today` in batches of `size` cases, each written in its own transaction.
pub async fn scan_in_batches(db: &Db, today: Date, size: usize) -> Result<ScanReport, ApiError> {
    let (ids, names, audience) = {
        let mut conn = db.pool.acquire().await?;
        (
            due_cases(&mut conn, today).await?,
            UnitNames::load(&mut conn).await?,
            UnitAudience::load(&mut conn).await?,
        )
    };
    let mut report = ScanReport::default();
    for chunk in ids.chunks(size.max(1)) {
        let notes = {
            let mut conn = db.pool.acquire().await?;
            pending_with(&mut conn, today, chunk, &names, &audience).await?
        };
        report.cases += u32::try_from(notes.len()).unwrap_or(u32::MAX);
        if notes.is_empty() {
            continue;
        }
        let mut tx = db.begin_write().await?;
        report.written += notify_many(&mut tx, &notes).await?;
        tx.commit().await?;
        report.batches += 1;
        // Let whatever waits for the writer (or the runtime) go first.
        tokio::task::yield_now().await;
    }
    Ok(report)
}

/// The ids of the cases whose running deadline (`Deadlines::current`) is due by the working
/// day after `today`, in id order. One pass over the cases (through the state index), ids
/// only: walking the cases page by page in id order instead would let the database re-read
/// every candidate for each page (the planner serves the state filter first), quadratic at
/// scale. 150 000 ids are a few megabytes.
pub async fn due_cases(conn: &mut AnyConnection, today: Date) -> Result<Vec<String>, ApiError> {
    // The next working day of the year's calendar (holidays and 调休 days as entered).
    let cal = crate::work_calendar::load(conn).await?;
    let soon = add_working_days(&cal, today, 1).to_string();
    // Days are `YYYY-MM-DD` text, so they compare as dates.
    let rows = sqlx::query(
        "SELECT id FROM cases WHERE (state = $1 AND ack_due <= $4) \
         OR (state = $2 AND answer_due <= $4) OR (state = $3 AND committed_by <= $4)",
    )
    .bind(CaseState::Released.as_str())
    .bind(CaseState::Acknowledged.as_str())
    .bind(CaseState::Rectifying.as_str())
    .bind(&soon)
    .fetch_all(&mut *conn)
    .await?;
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<_, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// The notices on `today` of the cases `ids` (one batch), each with its recipients. Reads
/// only; the caller writes them with `notify_many`. A case that moved on since `due_cases`
/// listed it is judged as it is now.
pub async fn pending(
    conn: &mut AnyConnection,
    today: Date,
    ids: &[String],
) -> Result<Vec<(Vec<UserId>, Note)>, ApiError> {
    let names = UnitNames::load(conn).await?;
    let audience = UnitAudience::load(conn).await?;
    pending_with(conn, today, ids, &names, &audience).await
}

/// `pending` with the unit names and audiences given (a scan loads them once).
async fn pending_with(
    conn: &mut AnyConnection,
    today: Date,
    ids: &[String],
    names: &UnitNames,
    audience: &UnitAudience,
) -> Result<Vec<(Vec<UserId>, Note)>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM cases WHERE id IN ({}) ORDER BY id",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(id.as_str());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let cases: Vec<CaseRecord> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    let soon = add_working_days(&crate::work_calendar::load(conn).await?, today, 1);
    Ok(cases
        .iter()
        .filter_map(|case| {
            let note = notice(case, today, soon, names)?;
            Some((audience.of(case.unit_id), note))
        })
        .collect())
}

/// A case's notice on `today`, if its running deadline is a working day away (`soon`, the
/// next working day of the year's calendar) or past.
fn notice(case: &CaseRecord, today: Date, soon: Date, names: &UnitNames) -> Option<Note> {
    let (deadline, due) = case.deadlines.current(case.state)?;
    if due > soon {
        return None;
    }
    let kind = if today > due {
        NotificationKind::Overdue
    } else {
        NotificationKind::DeadlineNear
    };
    Some(Note {
        kind,
        subject: Some(case.id.to_string()),
        params: unit_params_of(case, names)?,
        dedup: Some(format!("deadline:{}:{deadline:?}:{due}:{today}", case.id)),
    })
}
