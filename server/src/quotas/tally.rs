//! The office's quota table counted in the database: a year's counted visits grouped by owner,
//! mode, the day they happened and the day they arrived (kept as a running count in
//! `visit_tally`, migration 015), so that a district's million visits reach the ledger as a few
//! thousand rows. It counts exactly what `ledger::counted` counts —
//! current revisions as the frame sees them, received by the close, of the frame's year by the
//! day they happened (`LedgerVisit::day`, China Standard Time) — and hands the domain's
//! `ledger_of_groups` one `LedgerVisit` per group with how many it holds: the same day, the
//! same day of receipt, and the group's latest receipt.

use super::ledger::Frame;
use crate::error::{internal, ApiError};
use chafang_domain::quota::LedgerVisit;
use chafang_domain::visit::VisitMode;
use chafang_domain::{UserId, VisitId};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use time::{Date, Month, OffsetDateTime, UtcOffset};

const DAY_MS: i64 = 86_400_000;
/// China Standard Time is UTC+8 all year.
const CST_MS: i64 = 8 * 3_600_000;

/// One monitor's counted visits and the latest device start among them.
#[derive(Debug, Default)]
pub struct Counted {
    /// Groups of visits alike for the ledger, each with how many it holds.
    pub visits: Vec<(LedgerVisit, u32)>,
    pub last_started_ms: Option<i64>,
}

/// Milliseconds at the first instant of a year's 1 January, China Standard Time.
pub(super) fn year_start_ms(year: i32) -> Result<i64, ApiError> {
    let day = Date::from_calendar_date(year, Month::January, 1).map_err(internal)?;
    let at = day
        .midnight()
        .assume_offset(UtcOffset::from_hms(8, 0, 0).map_err(internal)?);
    Ok((at - OffsetDateTime::UNIX_EPOCH).whole_milliseconds() as i64)
}

/// The columns both sources answer with: owner, mode, the CST day it happened, the visits of the
/// group, their latest receipt and their latest device start.
const GROUP_COLUMNS: &str = "monitor_id, mode, day, n, last_received, last_started";

/// One row per owner of the groups `groups` selects (`GROUP_COLUMNS`): each group packed as
/// `mode,day,n,last_received`, joined by `;`, and the latest device start among them. A
/// district's year runs to some 20 000 groups; each row read costs a round trip through the
/// driver's worker thread (about 7 µs on SQLite, most of the quota table's time when read a
/// group a row), so they cross as sixteen texts instead.
fn packed(groups: &str) -> String {
    format!(
        "SELECT monitor_id, \
                string_agg(mode || ',' || CAST(day AS TEXT) || ',' || CAST(n AS TEXT) || ',' \
                           || CAST(last_received AS TEXT), ';') AS groups, \
                MAX(last_started) AS last_started \
         FROM ({groups}) g GROUP BY monitor_id"
    )
}

/// Every owner's counted visits of the frame's year: from the running count while the year is
/// open; once it is closed, as the close saw them (`frozen`).
pub async fn counted(
    conn: &mut AnyConnection,
    frame: &Frame,
) -> Result<HashMap<UserId, Counted>, ApiError> {
    let (from, to) = (year_start_ms(frame.year)?, year_start_ms(frame.year + 1)?);
    let rows = match frame.closed_at {
        None => {
            sqlx::query(&packed(&format!(
                "SELECT {GROUP_COLUMNS} FROM visit_tally WHERE day >= $1 AND day < $2"
            )))
            .bind((from + CST_MS) / DAY_MS)
            .bind((to + CST_MS) / DAY_MS)
            .fetch_all(&mut *conn)
            .await?
        }
        Some(closed) => {
            let close_day = (closed + CST_MS) / DAY_MS;
            sqlx::query(&packed(&frozen()))
                .bind(CST_MS)
                .bind(DAY_MS)
                .bind(close_day * DAY_MS - CST_MS)
                .bind(closed)
                .bind(from)
                .bind(to)
                .bind((from + CST_MS) / DAY_MS)
                .bind((to + CST_MS) / DAY_MS)
                .bind(close_day)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut out = HashMap::new();
    for r in rows {
        let owner: UserId = r
            .try_get::<String, _>("monitor_id")?
            .parse()
            .map_err(internal)?;
        let visits = r
            .try_get::<String, _>("groups")?
            .split(';')
            .map(unpack)
            .collect::<Result<_, _>>()?;
        let last_started_ms = Some(r.try_get::<i64, _>("last_started")?);
        out.insert(
            owner,
            Counted {
                visits,
                last_started_ms,
            },
        );
    }
    Ok(out)
}

/// One group as `packed` wrote it, with how many visits it holds.
fn unpack(group: &str) -> Result<(LedgerVisit, u32), ApiError> {
    let bad = || internal(format!("a quota group packed as {group:?}"));
    let fields: Vec<&str> = group.split(',').collect();
    let [mode, day, n, last_received] = fields[..] else {
        return Err(bad());
    };
    let mode = match mode {
        "open" => VisitMode::Open,
        "covert" => VisitMode::Covert,
        _ => return Err(bad()),
    };
    let day: i64 = day.parse().map_err(|_| bad())?;
    let n: u32 = n.parse().map_err(|_| bad())?;
    let last_received: i64 = last_received.parse().map_err(|_| bad())?;
    // Noon of the day it happened: the same CST day, and before any receipt on a later day; a
    // receipt on the same day keeps the day whichever instant is earlier.
    let visit = LedgerVisit {
        mode,
        started_at_device_ms: day * DAY_MS - CST_MS + DAY_MS / 2,
        received_at_ms: last_received,
    };
    Ok((visit, n))
}

/// The instant a visit happened, as SQL over a visit `v`.
pub(super) const HAPPENED: &str =
    "CASE WHEN v.started_at_device < v.received_at THEN v.started_at_device ELSE v.received_at END";

/// A closed year's groups as the close saw them, read mostly from the running count, in one
/// statement (one snapshot). The running count holds the current revision of every visit by the
/// day it arrived; what the close saw differs from it only
/// - on the day of the close, which is counted from the visits received that day by the close
///   (`$3`, the day's first instant, to `$4`, the close), each unless a correction of it
///   arrived by the close;
/// - after that day, which counts nothing (`rday < $9`);
/// - by the visits received before that day whose correction arrived after the close: the
///   close saw them, the running count has their correction instead (which arrived too late
///   to count). Corrections are few, and `visits_one_correction` lists them: the query walks
///   that index (`supersedes > ''`, every correction, as an index range) and nothing else —
///   `CROSS JOIN` keeps SQLite from starting at the visits instead, and `+ 0` from taking the
///   range of receipts after the close (all of them, for a year closed long ago).
///
/// The year is `$5`..`$6` in instants, `$7`..`$8` in days; `$1` and `$2` turn an instant into
/// its CST day. `happened` is `LedgerVisit::day`'s instant.
fn frozen() -> String {
    format!(
        "SELECT {GROUP_COLUMNS} FROM visit_tally WHERE day >= $7 AND day < $8 AND rday < $9 \
         UNION ALL \
         SELECT monitor_id, mode, (happened + $1) / $2 AS day, COUNT(*) AS n, \
                MAX(received_at) AS last_received, MAX(started_at_device) AS last_started \
         FROM (SELECT v.monitor_id, v.mode, v.received_at, v.started_at_device, {HAPPENED} AS happened \
               FROM visits v \
               WHERE v.received_at >= $3 AND v.received_at <= $4 \
               AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id AND c.received_at <= $4) \
               UNION ALL \
               SELECT v.monitor_id, v.mode, v.received_at, v.started_at_device, {HAPPENED} AS happened \
               FROM visits c CROSS JOIN visits v \
               WHERE v.id = c.supersedes AND c.supersedes > '' AND c.received_at + 0 > $4 \
               AND v.received_at < $3) y \
         WHERE happened >= $5 AND happened < $6 \
         GROUP BY monitor_id, mode, (happened + $1) / $2, (received_at + $1) / $2"
    )
}

/// The group a visit counts in.
struct Group {
    monitor_id: String,
    mode: String,
    day: i64,
    rday: i64,
}

impl Group {
    fn of(monitor_id: String, mode: String, started_at_device: i64, received_at: i64) -> Group {
        Group {
            monitor_id,
            mode,
            day: (started_at_device.min(received_at) + CST_MS) / DAY_MS,
            rday: (received_at + CST_MS) / DAY_MS,
        }
    }

    async fn of_visit(conn: &mut AnyConnection, id: &str) -> Result<Option<Group>, ApiError> {
        let row = sqlx::query(
            "SELECT monitor_id, mode, started_at_device, received_at FROM visits WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        row.map(|r| {
            Ok(Group::of(
                r.try_get("monitor_id")?,
                r.try_get("mode")?,
                r.try_get("started_at_device")?,
                r.try_get("received_at")?,
            ))
        })
        .transpose()
    }

    /// Counts the group again from the visits. Deleting its row first takes the row's lock, so
    /// on PostgreSQL a visit added to the group meanwhile waits and then adds to this count.
    async fn recount(&self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        sqlx::query(
            "DELETE FROM visit_tally WHERE monitor_id = $1 AND mode = $2 AND day = $3 AND rday = $4",
        )
        .bind(&self.monitor_id)
        .bind(&self.mode)
        .bind(self.day)
        .bind(self.rday)
        .execute(&mut *conn)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO visit_tally (monitor_id, mode, day, rday, n, last_received, last_started) \
             SELECT v.monitor_id, v.mode, CAST($3 AS BIGINT), CAST($4 AS BIGINT), COUNT(*), \
                    MAX(v.received_at), MAX(v.started_at_device) \
             FROM visits v \
             WHERE v.monitor_id = $1 AND v.mode = $2 AND v.received_at >= $5 AND v.received_at < $6 \
             AND ({HAPPENED} + $7) / $8 = $3 \
             AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id) \
             GROUP BY v.monitor_id, v.mode"
        ))
        .bind(&self.monitor_id)
        .bind(&self.mode)
        .bind(self.day)
        .bind(self.rday)
        .bind(self.rday * DAY_MS - CST_MS)
        .bind((self.rday + 1) * DAY_MS - CST_MS)
        .bind(CST_MS)
        .bind(DAY_MS)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Adds one visit received at `received_at`, started (by its device) at `started`.
    async fn add_one(
        &self,
        conn: &mut AnyConnection,
        received_at: i64,
        started: i64,
    ) -> Result<(), ApiError> {
        sqlx::query(
            "INSERT INTO visit_tally AS t (monitor_id, mode, day, rday, n, last_received, last_started) \
             VALUES ($1, $2, $3, $4, 1, $5, $6) \
             ON CONFLICT (monitor_id, mode, day, rday) DO UPDATE SET n = t.n + 1, \
             last_received = CASE WHEN excluded.last_received > t.last_received \
                             THEN excluded.last_received ELSE t.last_received END, \
             last_started = CASE WHEN excluded.last_started > t.last_started \
                            THEN excluded.last_started ELSE t.last_started END",
        )
        .bind(&self.monitor_id)
        .bind(&self.mode)
        .bind(self.day)
        .bind(self.rday)
        .bind(received_at)
        .bind(started)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// Counts a visit just inserted, in the inserting transaction: one more in its group, or, for a
/// correction, its original's group and its own counted again (the original no longer counts).
pub async fn count_new_visit(
    conn: &mut AnyConnection,
    monitor: UserId,
    mode: &str,
    started_at_device: i64,
    received_at: i64,
    supersedes: Option<VisitId>,
) -> Result<(), ApiError> {
    let group = Group::of(
        monitor.to_string(),
        mode.to_owned(),
        started_at_device,
        received_at,
    );
    match supersedes {
        None => group.add_one(conn, received_at, started_at_device).await,
        Some(old) => {
            if let Some(old) = Group::of_visit(conn, &old.to_string()).await? {
                old.recount(conn).await?;
            }
            group.recount(conn).await
        }
    }
}

/// Counts the whole table again from the visits (after visits were written around
/// `count_new_visit`, as the benches' bulk seeding does). Returns the groups written.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<u64, ApiError> {
    sqlx::query("DELETE FROM visit_tally")
        .execute(&mut *conn)
        .await?;
    let written = sqlx::query(&format!(
        "INSERT INTO visit_tally (monitor_id, mode, day, rday, n, last_received, last_started) \
         SELECT monitor_id, mode, (happened + $1) / $2, (received_at + $1) / $2, \
                COUNT(*), MAX(received_at), MAX(started_at_device) \
         FROM (SELECT v.monitor_id, v.mode, v.received_at, v.started_at_device, {HAPPENED} AS happened \
               FROM visits v \
               WHERE NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id)) y \
         GROUP BY monitor_id, mode, (happened + $1) / $2, (received_at + $1) / $2"
    ))
    .bind(CST_MS)
    .bind(DAY_MS)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(written)
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

    #[test]
    fn a_packed_group_is_read_back_and_a_malformed_one_refused() {
        let (visit, n) = unpack("covert,20454,93,1767283200000").unwrap();
        assert_eq!(n, 93);
        assert_eq!(visit.mode, VisitMode::Covert);
        assert_eq!(visit.day(), day_cst(20454 * DAY_MS - CST_MS));
        assert_eq!(visit.received_at_ms, 1_767_283_200_000);
        for bad in [
            "",
            "open,20454,93",
            "open,20454,93,1,2",
            "walk,20454,93,1",
            "open,x,93,1",
            "open,20454,-1,1",
        ] {
            assert!(unpack(bad).is_err(), "{bad:?} read as a group");
        }
    }
}
