//! The office's quota table counted in the database: a year's counted visits grouped by owner,
//! mode, the day they happened and the day they arrived, so that a district's million visits
//! reach the ledger as a few thousand rows. It counts exactly what `ledger::counted` counts —
//! current revisions as the frame sees them, received by the close, of the frame's year by the
//! day they happened (`LedgerVisit::day`, China Standard Time) — and hands the domain's
//! `ledger` one `LedgerVisit` per visit, rebuilt from its group: the same day, the same day of
//! receipt, and the group's latest receipt.

use super::ledger::Frame;
use crate::error::{internal, ApiError};
use chafang_domain::quota::LedgerVisit;
use chafang_domain::visit::VisitMode;
use chafang_domain::UserId;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use time::{Date, Month, OffsetDateTime, UtcOffset};

const DAY_MS: i64 = 86_400_000;
/// China Standard Time is UTC+8 all year.
const CST_MS: i64 = 8 * 3_600_000;

/// One monitor's counted visits and the latest device start among them.
#[derive(Debug, Default)]
pub struct Counted {
    pub visits: Vec<LedgerVisit>,
    pub last_started_ms: Option<i64>,
}

/// Milliseconds at the first instant of a year's 1 January, China Standard Time.
fn year_start_ms(year: i32) -> Result<i64, ApiError> {
    let day = Date::from_calendar_date(year, Month::January, 1).map_err(internal)?;
    let at = day
        .midnight()
        .assume_offset(UtcOffset::from_hms(8, 0, 0).map_err(internal)?);
    Ok((at - OffsetDateTime::UNIX_EPOCH).whole_milliseconds() as i64)
}

/// Every owner's counted visits of the frame's year.
pub async fn counted(
    conn: &mut AnyConnection,
    frame: &Frame,
) -> Result<HashMap<UserId, Counted>, ApiError> {
    let (from, to) = (year_start_ms(frame.year)?, year_start_ms(frame.year + 1)?);
    let closed = frame.closed_at.unwrap_or(i64::MAX);
    // `happened` is LedgerVisit::day's instant: the device's start, unless the device claims a
    // time after the server already had the visit.
    let rows = sqlx::query(
        "SELECT monitor_id, mode, (happened + $1) / $2 AS day, (received_at + $1) / $2 AS rday, \
         COUNT(*) AS n, MAX(received_at) AS last_received, MAX(started_at_device) AS last_started \
         FROM (SELECT v.monitor_id, v.mode, v.received_at, v.started_at_device, \
               CASE WHEN v.started_at_device < v.received_at THEN v.started_at_device \
                    ELSE v.received_at END AS happened \
               FROM visits v \
               WHERE v.received_at <= $3 \
               AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id AND c.received_at <= $3)) y \
         WHERE happened >= $4 AND happened < $5 \
         GROUP BY monitor_id, mode, (happened + $1) / $2, (received_at + $1) / $2",
    )
    .bind(CST_MS)
    .bind(DAY_MS)
    .bind(closed)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<UserId, Counted> = HashMap::new();
    for r in rows {
        let owner: UserId = r
            .try_get::<String, _>("monitor_id")?
            .parse()
            .map_err(internal)?;
        let mode: String = r.try_get("mode")?;
        let mode: VisitMode =
            serde_json::from_value(serde_json::Value::String(mode)).map_err(internal)?;
        let day: i64 = r.try_get("day")?;
        let n = usize::try_from(r.try_get::<i64, _>("n")?).map_err(internal)?;
        let last_received: i64 = r.try_get("last_received")?;
        let last_started: i64 = r.try_get("last_started")?;
        // Noon of the day it happened: the same CST day, and before any receipt on a later
        // day; a receipt on the same day keeps the day whichever instant is earlier.
        let visit = LedgerVisit {
            mode,
            started_at_device_ms: day * DAY_MS - CST_MS + DAY_MS / 2,
            received_at_ms: last_received,
        };
        let c = out.entry(owner).or_default();
        c.visits.extend(std::iter::repeat_n(visit, n));
        c.last_started_ms = c.last_started_ms.max(Some(last_started));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::quota::day_cst;

    #[test]
    fn a_year_starts_at_midnight_china_standard_time() {
        let from = year_start_ms(2026).unwrap();
        assert_eq!(
            day_cst(from),
            Date::from_calendar_date(2026, Month::January, 1).unwrap()
        );
        assert_eq!(
            day_cst(from - 1),
            Date::from_calendar_date(2025, Month::December, 31).unwrap()
        );
        assert_eq!(from, 1_767_196_800_000);
    }
}
