//! The units a year's counted visits went to, asked of the database: what the key units'
//! coverage needs, without reading each of a district's million visits.
//!
//! A visit counts as `ledger::counted` counts it — the current revision as the frame sees it (a
//! correction received after the close does not replace its original in a frozen year),
//! received by the close, of the frame's year by the day it happened (`LedgerVisit::day`, China
//! Standard Time). The units are those the visits name; merged units are mapped to the unit
//! that took them over by the caller, as for visits counted one by one.

use super::ledger::Frame;
use super::tally::{year_start_ms, HAPPENED};
use crate::error::{internal, ApiError};
use chafang_domain::UnitId;
use sqlx::{AnyConnection, Row};
use std::collections::HashSet;

/// Every unit at least one counted visit of the frame's year went to.
///
/// The directory holds a few hundred units and a year a million visits, so the question is
/// asked unit by unit: a seek into `visits_unit_happened` (migration 020) for the unit and the
/// year finds its first counted visit at once. The question is a scalar subquery with
/// `LIMIT 1` rather than `EXISTS` on purpose: PostgreSQL may turn an `EXISTS` into a join that
/// reads the whole year, and neither engine pulls a scalar subquery up into one. Its
/// `ORDER BY` is the index's own order, so it costs nothing; without it PostgreSQL may read
/// the table from the start until a row matches, which for a unit never visited is all of it.
pub async fn units(conn: &mut AnyConnection, frame: &Frame) -> Result<HashSet<UnitId>, ApiError> {
    let (from, to) = (year_start_ms(frame.year)?, year_start_ms(frame.year + 1)?);
    // While the year is open every visit has arrived in time.
    let by = frame.closed_at.unwrap_or(i64::MAX);
    let rows = sqlx::query(&query())
        .bind(from)
        .bind(to)
        .bind(by)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("id")?.parse().map_err(internal))
        .collect()
}

/// The question `units` asks: the year's first instant `$1`, the next year's `$2`, and the close
/// `$3` (the largest instant while the year is open). Public for the scale test's query plans.
pub fn query() -> String {
    format!(
        "SELECT u.id FROM units u WHERE (SELECT 1 FROM visits v \
         WHERE v.unit_id = u.id AND {HAPPENED} >= $1 AND {HAPPENED} < $2 AND v.received_at <= $3 \
         AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id AND c.received_at <= $3) \
         ORDER BY {HAPPENED} LIMIT 1) = 1"
    )
}
