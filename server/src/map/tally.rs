//! The map's running count (`map_members` and `map_tally`, migration 20261207001600): each
//! current visit and live case counted by fine cell (`grid.rs`), year and the keys the map's
//! state and criterion filters ask for, so that the map reads some tens of thousands of rows
//! instead of a district's million visits.
//!
//! A visit counts once under ('', '') and once under each live case state, criterion and
//! (state, criterion) its findings' cases have (the map shows a visit when one of its findings
//! passes); a case counts once, under its own state and criterion, at the position the map
//! draws it at. `map_members` keeps what each thing counts in, `map_tally` the sums by key.
//!
//! It is derived data, kept in the writing transaction: whatever may change where a thing
//! counts calls `refresh` for it afterwards — a visit stored (`visit_stored`: the visit, its
//! cases, the visit it corrects), a case's step (`case_stepped`: the case, its visits, and for a
//! merge the case it went into and that case's visits), a unit moved (`unit_moved`: its cases
//! drawn at the unit). `refresh` works out the thing's members again from the record, and
//! moves the difference in the tally. The visits and cases stay the record: `rebuild` counts
//! both tables again from them with the migration's own statements.

use super::filter::LIVE_CASE;
use super::grid::fine;
use crate::error::ApiError;
use chafang_domain::quota::day_cst;
use chafang_domain::{CaseId, UnitId, VisitId};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

pub const VISIT: &str = "visit";
pub const CASE: &str = "case";

/// The migration that made and filled the tables; `rebuild` runs its statements that fill.
const MIGRATION: &str = include_str!("../../../migrations/20261207001600_map_tally.sql");

/// One key a thing counts in, with its position.
#[derive(Clone, Debug)]
struct Member {
    state: String,
    criterion: String,
    year: i64,
    /// The fine cell, when placed.
    cell: Option<(i64, i64)>,
    lat: Option<f64>,
    lon: Option<f64>,
}

impl Member {
    /// Equal as stored: positions bit for bit.
    fn same(&self, o: &Member) -> bool {
        self.state == o.state
            && self.criterion == o.criterion
            && self.year == o.year
            && self.cell == o.cell
            && self.lat.map(f64::to_bits) == o.lat.map(f64::to_bits)
            && self.lon.map(f64::to_bits) == o.lon.map(f64::to_bits)
    }
}

/// A position as the map places it: both coordinates or none, and its fine cell.
fn placed(
    lat: Option<f64>,
    lon: Option<f64>,
    row: Option<i64>,
    col: Option<i64>,
) -> (Option<(i64, i64)>, Option<f64>, Option<f64>) {
    match (lat, lon, row, col) {
        (Some(lat), Some(lon), Some(r), Some(c)) => (Some((r, c)), Some(lat), Some(lon)),
        _ => (None, None, None),
    }
}

/// What a visit counts in now: nothing unless it is the current revision.
async fn visit_members(conn: &mut AnyConnection, id: &str) -> Result<Vec<Member>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT v.started_at_device, v.received_at, v.lat, v.lon, {} AS row_, {} AS col_, \
         (SELECT COUNT(*) FROM visits c WHERE c.supersedes = v.id) AS corrections \
         FROM visits v WHERE v.id = $1",
        fine("v.lat"),
        fine("v.lon")
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(Vec::new());
    };
    if r.try_get::<i64, _>("corrections")? > 0 {
        return Ok(Vec::new());
    }
    let started: i64 = r.try_get("started_at_device")?;
    let received: i64 = r.try_get("received_at")?;
    let year = i64::from(day_cst(started.min(received)).year());
    let (cell, lat, lon) = placed(
        r.try_get("lat")?,
        r.try_get("lon")?,
        r.try_get("row_")?,
        r.try_get("col_")?,
    );
    let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
    keys.insert((String::new(), String::new()));
    for k in sqlx::query(&format!(
        "SELECT DISTINCT k.state, k.criterion FROM findings f \
         JOIN case_findings cf ON cf.finding_id = f.id JOIN cases k ON k.id = cf.case_id \
         WHERE f.visit_id = $1 AND k.{LIVE_CASE}"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        let (state, criterion): (String, String) = (k.try_get("state")?, k.try_get("criterion")?);
        keys.insert((state.clone(), String::new()));
        keys.insert((String::new(), criterion.clone()));
        keys.insert((state, criterion));
    }
    Ok(keys
        .into_iter()
        .map(|(state, criterion)| Member {
            state,
            criterion,
            year,
            cell,
            lat,
            lon,
        })
        .collect())
}

/// What a case counts in now: nothing unless it is live; else its state and criterion at its
/// first visit's (by receipt) recorded position, else its unit's.
async fn case_members(conn: &mut AnyConnection, id: &str) -> Result<Vec<Member>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT p.state, p.criterion, p.seen_on, p.lat, p.lon, {} AS row_, {} AS col_ \
         FROM ({} c.id = $1) p",
        fine("p.lat"),
        fine("p.lon"),
        super::points::PLACED_CASE
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(Vec::new());
    };
    let state: String = r.try_get("state")?;
    if state == "merged" || state == "superseded" {
        return Ok(Vec::new());
    }
    let seen_on: String = r.try_get("seen_on")?;
    let year = seen_on
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| crate::error::internal(format!("a case seen on {seen_on:?}")))?;
    let (cell, lat, lon) = placed(
        r.try_get("lat")?,
        r.try_get("lon")?,
        r.try_get("row_")?,
        r.try_get("col_")?,
    );
    Ok(vec![Member {
        state,
        criterion: r.try_get("criterion")?,
        year,
        cell,
        lat,
        lon,
    }])
}

/// The tally's key of a member.
type Key = (String, String, i64, i64, i64, i64);

fn key(m: &Member) -> Key {
    let (placed, (r, c)) = match m.cell {
        Some(rc) => (1, rc),
        None => (0, (0, 0)),
    };
    (m.state.clone(), m.criterion.clone(), m.year, placed, r, c)
}

/// The moves a writing transaction makes in the tally: by kind and key, how many and the sums
/// of positions. Applied at once, in key order (`apply`).
type Moves = BTreeMap<(&'static str, Key), (i64, f64, f64)>;

/// Works out again where one visit (`VISIT`) or case (`CASE`) counts, and moves it there in
/// the tally. Idempotent: a thing whose members did not change writes nothing.
pub async fn refresh(conn: &mut AnyConnection, kind: &str, id: &str) -> Result<(), ApiError> {
    let mut moves = Moves::new();
    let kind = if kind == VISIT { VISIT } else { CASE };
    members(conn, kind, id, &mut moves).await?;
    apply(conn, &moves).await
}

/// Writes one thing's members as they are now, and adds the difference to `moves`.
async fn members(
    conn: &mut AnyConnection,
    kind: &'static str,
    id: &str,
    moves: &mut Moves,
) -> Result<(), ApiError> {
    // Takes the thing's member rows first: on PostgreSQL a concurrent refresh of the same thing
    // waits here, and then reads the record and the members as that one left them.
    sqlx::query("UPDATE map_members SET year = year WHERE kind = $1 AND id = $2")
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let new = if kind == VISIT {
        visit_members(conn, id).await?
    } else {
        case_members(conn, id).await?
    };
    let mut old = Vec::new();
    for r in sqlx::query(
        "SELECT state, criterion, year, placed, row_, col_, lat, lon FROM map_members \
         WHERE kind = $1 AND id = $2",
    )
    .bind(kind)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        let placed: i64 = r.try_get("placed")?;
        old.push(Member {
            state: r.try_get("state")?,
            criterion: r.try_get("criterion")?,
            year: r.try_get("year")?,
            cell: (placed == 1).then_some((r.try_get("row_")?, r.try_get("col_")?)),
            lat: r.try_get("lat")?,
            lon: r.try_get("lon")?,
        });
    }
    let unchanged = old.len() == new.len()
        && new
            .iter()
            .all(|m| old.iter().filter(|o| o.same(m)).count() == 1);
    if unchanged {
        return Ok(());
    }
    sqlx::query("DELETE FROM map_members WHERE kind = $1 AND id = $2")
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for m in &new {
        let (_, _, _, placed, r, c) = key(m);
        sqlx::query(
            "INSERT INTO map_members (kind, id, state, criterion, year, placed, row_, col_, lat, lon) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $6 = 1 THEN $9 END, \
             CASE WHEN $6 = 1 THEN $10 END)",
        )
        .bind(kind)
        .bind(id)
        .bind(&m.state)
        .bind(&m.criterion)
        .bind(m.year)
        .bind(placed)
        .bind(r)
        .bind(c)
        // Numbers, never a NULL double (see `visits::insert`).
        .bind(m.lat.unwrap_or(0.0))
        .bind(m.lon.unwrap_or(0.0))
        .execute(&mut *conn)
        .await?;
    }
    for (ms, sign) in [(&old, -1i64), (&new, 1)] {
        for m in ms {
            let e = moves.entry((kind, key(m))).or_insert((0, 0.0, 0.0));
            e.0 += sign;
            e.1 += sign as f64 * m.lat.unwrap_or(0.0);
            e.2 += sign as f64 * m.lon.unwrap_or(0.0);
        }
    }
    Ok(())
}

/// Applies a transaction's moves, in key order: two transactions moving between the same rows
/// on PostgreSQL then wait for each other instead of deadlocking.
async fn apply(conn: &mut AnyConnection, moves: &Moves) -> Result<(), ApiError> {
    for ((kind, (state, criterion, year, placed, r, c)), &(dn, dlat, dlon)) in moves {
        let (kind, year, placed, r, c) = (*kind, *year, *placed, *r, *c);
        if dn == 0 && dlat == 0.0 && dlon == 0.0 {
            continue;
        }
        if dn > 0 {
            sqlx::query(
                "INSERT INTO map_tally AS t (kind, state, criterion, year, placed, row_, col_, n, \
                 lat_sum, lon_sum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (kind, state, criterion, year, placed, row_, col_) DO UPDATE SET \
                 n = t.n + excluded.n, lat_sum = t.lat_sum + excluded.lat_sum, \
                 lon_sum = t.lon_sum + excluded.lon_sum",
            )
            .bind(kind)
            .bind(state)
            .bind(criterion)
            .bind(year)
            .bind(placed)
            .bind(r)
            .bind(c)
            .bind(dn)
            .bind(dlat)
            .bind(dlon)
            .execute(&mut *conn)
            .await?;
            continue;
        }
        // A decrement (or a move within the row) is a plain update: an upsert's insert of a
        // negative count would trip the row's CHECK before its conflict is seen.
        let written = sqlx::query(
            "UPDATE map_tally SET n = n + $1, lat_sum = lat_sum + $2, lon_sum = lon_sum + $3 \
             WHERE kind = $4 AND state = $5 AND criterion = $6 AND year = $7 AND placed = $8 \
             AND row_ = $9 AND col_ = $10",
        )
        .bind(dn)
        .bind(dlat)
        .bind(dlon)
        .bind(kind)
        .bind(state)
        .bind(criterion)
        .bind(year)
        .bind(placed)
        .bind(r)
        .bind(c)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if written != 1 {
            // Derived data gone wrong must not refuse what a phone recorded: the map's count is
            // off until `rebuild`, and says so in the log.
            tracing::error!(
                kind,
                state,
                criterion,
                year,
                "the map's running count had no row to take from"
            );
            continue;
        }
        sqlx::query(
            "DELETE FROM map_tally WHERE n = 0 AND kind = $1 AND state = $2 AND criterion = $3 \
             AND year = $4 AND placed = $5 AND row_ = $6 AND col_ = $7",
        )
        .bind(kind)
        .bind(state)
        .bind(criterion)
        .bind(year)
        .bind(placed)
        .bind(r)
        .bind(c)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The ids one query answers (its first column, `id`).
async fn ids(conn: &mut AnyConnection, sql: &str, bind: &str) -> Result<Vec<String>, ApiError> {
    sqlx::query(sql)
        .bind(bind)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("id").map_err(ApiError::from))
        .collect()
}

/// The visits a case's findings were reported in.
async fn visits_of_case(conn: &mut AnyConnection, case: &str) -> Result<Vec<String>, ApiError> {
    ids(
        conn,
        "SELECT DISTINCT f.visit_id AS id FROM case_findings cf \
         JOIN findings f ON f.id = cf.finding_id WHERE cf.case_id = $1",
        case,
    )
    .await
}

/// A visit just stored (in its storing transaction, after its cases were opened): the visit,
/// its cases, and the visit it corrects (no longer current).
pub async fn visit_stored(
    conn: &mut AnyConnection,
    visit: VisitId,
    corrects: Option<VisitId>,
) -> Result<(), ApiError> {
    let id = visit.to_string();
    let mut moves = Moves::new();
    if let Some(old) = corrects {
        members(conn, VISIT, &old.to_string(), &mut moves).await?;
    }
    members(conn, VISIT, &id, &mut moves).await?;
    for case in ids(
        conn,
        "SELECT DISTINCT cf.case_id AS id FROM findings f \
         JOIN case_findings cf ON cf.finding_id = f.id WHERE f.visit_id = $1",
        &id,
    )
    .await?
    {
        members(conn, CASE, &case, &mut moves).await?;
    }
    apply(conn, &moves).await
}

/// A case's step (in its transaction, after the case was written): the case and the visits
/// of its findings; for a merge also the case it went into, which now holds those findings,
/// and that case's visits.
pub async fn case_stepped(
    conn: &mut AnyConnection,
    case: CaseId,
    merged_into: Option<CaseId>,
) -> Result<(), ApiError> {
    let mut moves = Moves::new();
    for c in std::iter::once(case).chain(merged_into) {
        let id = c.to_string();
        members(conn, CASE, &id, &mut moves).await?;
        for v in visits_of_case(conn, &id).await? {
            members(conn, VISIT, &v, &mut moves).await?;
        }
    }
    apply(conn, &moves).await
}

/// A unit's position changed (in its transaction): the live cases drawn at the unit's
/// position, those none of whose visits recorded one.
pub async fn unit_moved(conn: &mut AnyConnection, unit: UnitId) -> Result<(), ApiError> {
    let mut moves = Moves::new();
    for case in ids(
        conn,
        &format!(
            "SELECT c.id FROM cases c WHERE c.unit_id = $1 AND c.{LIVE_CASE} \
             AND NOT EXISTS (SELECT 1 FROM case_findings cf JOIN findings f ON f.id = cf.finding_id \
             JOIN visits v ON v.id = f.visit_id WHERE cf.case_id = c.id \
             AND v.lat IS NOT NULL AND v.lon IS NOT NULL)"
        ),
        &unit.to_string(),
    )
    .await?
    {
        members(conn, CASE, &case, &mut moves).await?;
    }
    apply(conn, &moves).await
}

/// The migration's statements that fill the tables, in order.
fn fill_statements() -> Vec<String> {
    MIGRATION
        .split(";\n")
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| s.trim_start().starts_with("INSERT"))
        .collect()
}

/// Counts both tables again from the visits and cases (after they were written around the
/// storing paths, as the benches' bulk seeding does), with the migration's own statements.
/// Returns the tally's rows.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<u64, ApiError> {
    sqlx::query("DELETE FROM map_tally")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM map_members")
        .execute(&mut *conn)
        .await?;
    let mut written = 0;
    for s in fill_statements() {
        written = sqlx::query(&s).execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rebuild_runs_the_migrations_five_member_fills_then_the_tally() {
        let s = fill_statements();
        assert_eq!(s.len(), 6);
        assert!(s[..5]
            .iter()
            .all(|s| s.starts_with("INSERT INTO map_members")));
        assert!(s[5].starts_with("INSERT INTO map_tally"));
        // The fine cell the migration works out is the one `grid::fine` writes.
        assert!(s[0].contains(&fine("lat")) && s[4].contains(&fine("lon")));
    }
}
