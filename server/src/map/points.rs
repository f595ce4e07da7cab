//! What the office's map draws. Visits are the current revisions (a corrected visit shows once,
//! as corrected) on their recorded WGS-84 position; findings are the live cases (not merged or
//! superseded) at their first visit's recorded position, else their unit's; units are those
//! with a registered position. Filters: the visit's day (device start in China Standard Time,
//! never after receipt) or the finding's day against a year and its stage; a finding's state
//! and criterion (a visit matches when one of its findings does); the monitor who visited.
//!
//! The database does the filtering (`filter.rs`): the map first counts what matched and its
//! extent, then fetches the points one by one when there are at most `MAP_POINT_LIMIT`, and
//! otherwise only their cells on a grid over that extent (`grid.rs`), so a district's year of
//! a million visits stays a small answer and a small amount of memory.

use super::filter::{self, Bind, Filter, Sql, LIVE_CASE};
use super::grid::{fine, Blocks, Cell, Cells, FineExtent};
use super::tiles;
use crate::auth::extract::OfficeUser;
use crate::db::u32_column;
use crate::error::{internal, ApiError};
use crate::state::AppState;
use crate::Engine;
use axum::extract::{Query, State};
use axum::Json;
use chafang_domain::api::{
    MapCriterion, MapFinding, MapMonitor, MapOptions, MapQuery, MapUnit, MapVisit, OfficeMap,
    UnitRef, MAP_POINT_LIMIT,
};
use chafang_domain::followup::CaseState;
use chafang_domain::quota::day_cst;
use chafang_domain::unit::GeoPoint;
use chafang_domain::visit::Severity;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::macros::format_description;
use time::Date;

fn parse_day(s: &str) -> Result<Date, ApiError> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(internal)
}

fn point(lat: Option<f64>, lon: Option<f64>) -> Option<GeoPoint> {
    match (lat, lon) {
        (Some(lat), Some(lon)) => GeoPoint::new(lat, lon).ok(),
        _ => None,
    }
}

fn from_str<T: serde::de::DeserializeOwned>(s: String) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(s)).map_err(internal)
}

/// Whether the matching cases' positions are found for all cases at once (one grouping of
/// every case's visits) rather than case by case (one lookup each, only for those that
/// matched). At 50 000 cases on PostgreSQL all at once takes 0.8 s and case by case 3 s, so
/// all at once pays when more than about a quarter of the cases match; on SQLite case by case
/// is the faster (0.65 s against 1.5 s) and is always used.
const AT_ONCE_SHARE: i64 = 4;

/// The cases with the position the map draws each at, found case by case, up to its `WHERE`
/// (see `placed_cases`).
pub(super) const PLACED_CASE: &str = "SELECT c.id, c.unit_id, u.name AS unit_name, c.state, \
     c.criterion, c.severity, c.seen_on, c.received_at, \
     CASE WHEN pv.found IS NULL THEN u.lat ELSE pv.lat END AS lat, \
     CASE WHEN pv.found IS NULL THEN u.lon ELSE pv.lon END AS lon, \
     CASE WHEN pv.found IS NULL THEN 1 ELSE 0 END AS at_unit \
     FROM cases c JOIN units u ON u.id = c.unit_id \
     LEFT JOIN (SELECT v.id AS found, v.lat, v.lon FROM visits v) pv \
     ON pv.found = (SELECT v.id FROM case_findings cf \
         JOIN findings f ON f.id = cf.finding_id JOIN visits v ON v.id = f.visit_id \
         WHERE cf.case_id = c.id AND v.lat IS NOT NULL AND v.lon IS NOT NULL \
         ORDER BY v.received_at, v.id LIMIT 1) WHERE";

/// The live cases that match, each with the position the map draws it at: its first visit's
/// (by receipt) recorded position, else its unit's (`at_unit` 1). Columns: id, unit_id,
/// unit_name, state, criterion, severity, seen_on, received_at, lat, lon, at_unit.
fn placed_cases(f: &Filter, at_once: bool) -> Sql {
    if !at_once {
        let mut sql = Sql::new(PLACED_CASE);
        f.cases(&mut sql);
        return sql;
    }
    let first_visit = {
        "LEFT JOIN (SELECT cf.case_id AS found, v.lat, v.lon, ROW_NUMBER() OVER \
             (PARTITION BY cf.case_id ORDER BY v.received_at, v.id) AS rn \
             FROM case_findings cf JOIN findings f ON f.id = cf.finding_id \
             JOIN visits v ON v.id = f.visit_id \
             WHERE v.lat IS NOT NULL AND v.lon IS NOT NULL) pv ON pv.found = c.id AND pv.rn = 1"
    };
    let mut sql = Sql::new(&format!(
        "SELECT c.id, c.unit_id, u.name AS unit_name, c.state, c.criterion, c.severity, \
         c.seen_on, c.received_at, \
         CASE WHEN pv.found IS NULL THEN u.lat ELSE pv.lat END AS lat, \
         CASE WHEN pv.found IS NULL THEN u.lon ELSE pv.lon END AS lon, \
         CASE WHEN pv.found IS NULL THEN 1 ELSE 0 END AS at_unit \
         FROM cases c JOIN units u ON u.id = c.unit_id {first_visit} WHERE"
    ));
    f.cases(&mut sql);
    sql
}

/// Whether so large a share of the cases match that their positions are better found all at
/// once.
async fn cases_at_once(
    conn: &mut AnyConnection,
    engine: Engine,
    f: &Filter,
) -> Result<bool, ApiError> {
    if engine == Engine::Sqlite {
        return Ok(false);
    }
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM cases WHERE {LIVE_CASE}) AS all_ \
         FROM cases c WHERE"
    ));
    f.cases(&mut sql);
    let r = sql.query().fetch_one(&mut *conn).await?;
    let (n, all): (i64, i64) = (r.try_get("n")?, r.try_get("all_")?);
    Ok(n * AT_ONCE_SHARE > all)
}

/// How many matched, how many of them have a position, and the fine cells those lie in.
struct Tally {
    total: u32,
    placed: u32,
    extent: Option<FineExtent>,
}

/// Reads a `Tally` from a row with `n`, `placed`, `r0`, `r1`, `c0`, `c1`.
fn tally_of(r: &AnyRow) -> Result<Tally, ApiError> {
    let extent = match (
        r.try_get::<Option<i64>, _>("r0")?,
        r.try_get::<Option<i64>, _>("r1")?,
        r.try_get::<Option<i64>, _>("c0")?,
        r.try_get::<Option<i64>, _>("c1")?,
    ) {
        (Some(r0), Some(r1), Some(c0), Some(c1)) => Some(FineExtent { r0, r1, c0, c1 }),
        _ => None,
    };
    Ok(Tally {
        total: u32_column(r, "n")?,
        placed: u32_column(r, "placed")?,
        extent,
    })
}

/// Counts what a query of points (`lat`, `lon`) answers, visit by visit.
async fn tally(conn: &mut AnyConnection, from: &str, sql: Sql) -> Result<Tally, ApiError> {
    let placed = format!("CASE WHEN {from}.lat IS NULL OR {from}.lon IS NULL THEN NULL ELSE 1 END");
    let sql = Sql {
        text: format!(
            "SELECT COUNT(*) AS n, COUNT({placed}) AS placed, \
             MIN({r}) AS r0, MAX({r}) AS r1, MIN({c}) AS c0, MAX({c}) AS c1 FROM ({}) {from}",
            sql.text,
            r = fine(&format!("{from}.lat")),
            c = fine(&format!("{from}.lon")),
        ),
        binds: sql.binds,
    };
    let r = sql.query().fetch_one(&mut *conn).await?;
    tally_of(&r)
}

/// The matching visits' positions (lat and lon NULL for a visit recorded without one).
fn visit_positions(f: &Filter) -> Sql {
    let mut sql = Sql::new("SELECT v.lat, v.lon FROM visits v WHERE");
    f.visits(&mut sql);
    sql
}

/// The states a cluster counts as open, as an SQL list of literals.
fn open_states() -> String {
    CaseState::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Gathers the matched points on a grid over their extent, grouped in the database visit by
/// visit.
async fn clusters(
    conn: &mut AnyConnection,
    f: &Filter,
    at_once: bool,
    g: Blocks,
) -> Result<Vec<chafang_domain::api::MapCluster>, ApiError> {
    let mut cells = Cells::default();
    let group = |inner: Sql, open: &str| {
        let mut sql = Sql {
            text: String::new(),
            binds: inner.binds,
        };
        let (r0, kh) = (sql.arg(Bind::Int(g.r0)), sql.arg(Bind::Int(g.kh)));
        let (c0, kw) = (sql.arg(Bind::Int(g.c0)), sql.arg(Bind::Int(g.kw)));
        sql.text = format!(
            "SELECT row_, col_, COUNT(*) AS n, {open} AS open_, SUM(lat) AS lat_sum, \
             SUM(lon) AS lon_sum FROM (SELECT p.*, \
             ({} - {r0}) / {kh} AS row_, ({} - {c0}) / {kw} AS col_ \
             FROM ({}) p WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL) g \
             GROUP BY row_, col_",
            fine("p.lat"),
            fine("p.lon"),
            inner.text
        );
        sql
    };
    let visits = group(visit_positions(f), "0");
    let open = format!("COUNT(CASE WHEN state IN ({}) THEN 1 END)", open_states());
    let findings = group(placed_cases(f, at_once), &open);
    for (sql, is_visits) in [(visits, true), (findings, false)] {
        for r in sql.query().fetch_all(&mut *conn).await? {
            cells.add(
                r.try_get("row_")?,
                r.try_get("col_")?,
                cell_of(&r, is_visits)?,
            );
        }
    }
    Ok(cells.into_clusters())
}

/// A grouped row (`n`, `open_`, `lat_sum`, `lon_sum`) as a cell of visits or of findings.
fn cell_of(r: &AnyRow, is_visits: bool) -> Result<Cell, ApiError> {
    let n = u32_column(r, "n")?;
    let (lat_sum, lon_sum) = (r.try_get("lat_sum")?, r.try_get("lon_sum")?);
    Ok(if is_visits {
        Cell {
            visits: n,
            lat_sum,
            lon_sum,
            ..Cell::default()
        }
    } else {
        Cell {
            findings: n,
            open_findings: u32_column(r, "open_")?,
            lat_sum,
            lon_sum,
            ..Cell::default()
        }
    })
}

/// The map's filters as keys of the running count (`tally.rs`), when they are ones it keeps:
/// no monitor and no stage (a whole year or every year).
struct Keys {
    year: Option<i64>,
    status: Option<String>,
    criterion: Option<String>,
}

impl Keys {
    fn of(q: &MapQuery) -> Option<Keys> {
        if q.monitor.is_some() || q.stage.is_some() {
            return None;
        }
        Some(Keys {
            year: q.year.map(i64::from),
            status: q.status.map(|s| s.as_str().to_owned()),
            criterion: q.criterion.clone(),
        })
    }

    /// The conditions on `map_tally` rows of visits (`super::tally::VISIT`) or of cases: a
    /// visit counts under each state and criterion its cases have, and under ('', '') once; a
    /// case under its own.
    fn rows(&self, sql: &mut Sql, kind: &str) {
        let k = sql.arg(Bind::Text(kind.to_owned()));
        sql.push(&format!(" WHERE kind = {k}"));
        let visits = kind == super::tally::VISIT;
        for (col, want) in [("state", &self.status), ("criterion", &self.criterion)] {
            match (want, visits) {
                (Some(v), _) => {
                    let p = sql.arg(Bind::Text(v.clone()));
                    sql.push(&format!(" AND {col} = {p}"));
                }
                (None, true) => sql.push(&format!(" AND {col} = ''")),
                (None, false) => {}
            }
        }
        if let Some(y) = self.year {
            let p = sql.arg(Bind::Int(y));
            sql.push(&format!(" AND year = {p}"));
        }
    }

    /// How many matched, placed, and their fine cells' extent, from the running count.
    async fn tally(&self, conn: &mut AnyConnection, kind: &str) -> Result<Tally, ApiError> {
        let mut sql = Sql::new(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n, \
             CAST(COALESCE(SUM(n * placed), 0) AS BIGINT) AS placed, \
             MIN(CASE WHEN placed = 1 THEN row_ END) AS r0, \
             MAX(CASE WHEN placed = 1 THEN row_ END) AS r1, \
             MIN(CASE WHEN placed = 1 THEN col_ END) AS c0, \
             MAX(CASE WHEN placed = 1 THEN col_ END) AS c1 FROM map_tally",
        );
        self.rows(&mut sql, kind);
        tally_of(&sql.query().fetch_one(&mut *conn).await?)
    }

    /// The grid's cells from the running count: the same counts and sums as `clusters`.
    async fn clusters(
        &self,
        conn: &mut AnyConnection,
        g: Blocks,
    ) -> Result<Vec<chafang_domain::api::MapCluster>, ApiError> {
        let mut cells = Cells::default();
        for kind in [super::tally::VISIT, super::tally::CASE] {
            let mut sql = Sql::new("");
            let (r0, kh) = (sql.arg(Bind::Int(g.r0)), sql.arg(Bind::Int(g.kh)));
            let (c0, kw) = (sql.arg(Bind::Int(g.c0)), sql.arg(Bind::Int(g.kw)));
            sql.push(&format!(
                "SELECT row_, col_, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(o) AS BIGINT) AS open_, \
                 SUM(lat_sum) AS lat_sum, SUM(lon_sum) AS lon_sum FROM \
                 (SELECT (row_ - {r0}) / {kh} AS row_, (col_ - {c0}) / {kw} AS col_, n, \
                 CASE WHEN state IN ({}) THEN n ELSE 0 END AS o, lat_sum, lon_sum FROM map_tally",
                open_states()
            ));
            self.rows(&mut sql, kind);
            sql.push(" AND placed = 1) g GROUP BY row_, col_");
            for r in sql.query().fetch_all(&mut *conn).await? {
                let is_visits = kind == super::tally::VISIT;
                cells.add(
                    r.try_get("row_")?,
                    r.try_get("col_")?,
                    cell_of(&r, is_visits)?,
                );
            }
        }
        Ok(cells.into_clusters())
    }
}

/// The matching visits that have a position, one by one, at most `limit` of them.
async fn visits(
    conn: &mut AnyConnection,
    f: &Filter,
    limit: usize,
) -> Result<Vec<MapVisit>, ApiError> {
    let mut sql = Sql::new(
        "SELECT v.id, v.monitor_id, m.display_name, v.unit_id, u.name AS unit_name, v.mode, \
         v.started_at_device, v.received_at, v.lat, v.lon, \
         (SELECT COUNT(*) FROM findings f WHERE f.visit_id = v.id) AS findings \
         FROM visits v JOIN units u ON u.id = v.unit_id JOIN users m ON m.id = v.monitor_id \
         WHERE v.lat IS NOT NULL AND v.lon IS NOT NULL AND",
    );
    f.visits(&mut sql);
    let lim = sql.arg(Bind::Int(limit as i64));
    sql.push(&format!(" ORDER BY v.received_at, v.id LIMIT {lim}"));
    let mut out = Vec::new();
    for r in sql.query().fetch_all(&mut *conn).await? {
        let Some(at) = point(r.try_get("lat")?, r.try_get("lon")?) else {
            continue;
        };
        let started: i64 = r.try_get("started_at_device")?;
        let received: i64 = r.try_get("received_at")?;
        out.push(MapVisit {
            id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
            monitor: MapMonitor {
                id: r
                    .try_get::<String, _>("monitor_id")?
                    .parse()
                    .map_err(internal)?,
                name: r.try_get("display_name")?,
            },
            unit: unit_of(&r)?,
            mode: from_str(r.try_get("mode")?)?,
            day: day_cst(started).min(day_cst(received)),
            at,
            findings: u32_column(&r, "findings")?,
        });
    }
    Ok(out)
}

/// The unit a visit or finding row names (`unit_id`, `unit_name`).
fn unit_of(r: &AnyRow) -> Result<UnitRef, ApiError> {
    Ok(UnitRef {
        id: r
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?,
        name: r.try_get("unit_name")?,
    })
}

/// The matching findings that have a position, one by one, at most `limit` of them.
async fn findings(
    conn: &mut AnyConnection,
    f: &Filter,
    at_once: bool,
    limit: usize,
) -> Result<Vec<MapFinding>, ApiError> {
    let mut sql = placed_cases(f, at_once);
    let lim = sql.arg(Bind::Int(limit as i64));
    sql.text = format!(
        "SELECT * FROM ({}) p WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL \
         ORDER BY p.received_at, p.id LIMIT {lim}",
        sql.text
    );
    let mut out = Vec::new();
    for r in sql.query().fetch_all(&mut *conn).await? {
        let Some(at) = point(r.try_get("lat")?, r.try_get("lon")?) else {
            continue;
        };
        let state: String = r.try_get("state")?;
        out.push(MapFinding {
            id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
            unit: unit_of(&r)?,
            state: crate::findings::store::parse_state(&state)?,
            criterion: r.try_get("criterion")?,
            severity: from_str::<Severity>(r.try_get("severity")?)?,
            seen_on: parse_day(&r.try_get::<String, _>("seen_on")?)?,
            at,
            at_unit: r.try_get::<i64, _>("at_unit")? == 1,
        });
    }
    Ok(out)
}

async fn units(conn: &mut AnyConnection) -> Result<Vec<MapUnit>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, name, lat, lon FROM units WHERE lat IS NOT NULL AND lon IS NOT NULL \
         ORDER BY name, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(at) = point(r.try_get("lat")?, r.try_get("lon")?) {
            out.push(MapUnit {
                id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
                name: r.try_get("name")?,
                at,
            });
        }
    }
    Ok(out)
}

/// The filters' choices: the campaign years, the criteria live findings use (named by the
/// latest year that names them), the monitors with current visits.
async fn options(conn: &mut AnyConnection) -> Result<MapOptions, ApiError> {
    let years: Vec<i32> = sqlx::query("SELECT year FROM campaigns ORDER BY year DESC")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            r.try_get::<i64, _>("year")
                .map_err(ApiError::from)
                .and_then(|y| i32::try_from(y).map_err(internal))
        })
        .collect::<Result<_, _>>()?;
    let mut names: HashMap<String, String> = HashMap::new();
    for r in sqlx::query(
        "SELECT cc.code, cc.name_zh FROM campaign_criteria cc \
         JOIN campaigns c ON c.id = cc.campaign_id ORDER BY c.year",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        names.insert(r.try_get("code")?, r.try_get("name_zh")?);
    }
    let codes: BTreeSet<String> = sqlx::query(&format!(
        "SELECT DISTINCT criterion FROM cases WHERE {LIVE_CASE}"
    ))
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| r.try_get::<String, _>("criterion"))
    .collect::<Result<_, _>>()?;
    let criteria = codes
        .into_iter()
        .map(|code| MapCriterion {
            name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
            code,
        })
        .collect();
    let mut monitors: BTreeMap<String, MapMonitor> = BTreeMap::new();
    // The monitors with a current visit are those the quota table's running count holds
    // (`visit_tally`, current revisions by monitor): one key lookup each. Asked of the visits,
    // PostgreSQL joined all of them, 0.2 s at 300 000.
    for r in sqlx::query(
        "SELECT m.id, m.display_name FROM users m \
         WHERE EXISTS (SELECT 1 FROM visit_tally t WHERE t.monitor_id = m.id)",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let m = MapMonitor {
            id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
            name: r.try_get("display_name")?,
        };
        monitors.insert(format!("{}\u{0}{}", m.name, m.id), m);
    }
    Ok(MapOptions {
        years,
        criteria,
        monitors: monitors.into_values().collect(),
    })
}

/// The office's map, filtered.
#[utoipa::path(get, path = "/api/v1/office/map", tag = "map", params(MapQuery),
    responses((status = 200, body = OfficeMap), (status = 400), (status = 401), (status = 404)))]
pub async fn office_map(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<MapQuery>,
) -> Result<Json<OfficeMap>, ApiError> {
    q.check()?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        answer(&mut conn, state.db.engine, &q, true, MAP_POINT_LIMIT).await?,
    ))
}

/// The map for a query: counted from the running count (`tally.rs`) when `from_tally` and the
/// filters are ones it keeps, else visit by visit (the model the running count must equal);
/// the points are gathered when more than `limit` (`MAP_POINT_LIMIT` on the wire) have a
/// position.
pub async fn answer(
    conn: &mut AnyConnection,
    engine: Engine,
    q: &MapQuery,
    from_tally: bool,
    limit: usize,
) -> Result<OfficeMap, ApiError> {
    let stages = filter::stages(&mut *conn).await?;
    let f = Filter::new(q, filter::day_ranges(q, &stages)?);
    let keys = Keys::of(q).filter(|_| from_tally);

    let (v, c) = match &keys {
        Some(k) => (
            k.tally(&mut *conn, super::tally::VISIT).await?,
            k.tally(&mut *conn, super::tally::CASE).await?,
        ),
        None => {
            let at_once = cases_at_once(&mut *conn, engine, &f).await?;
            (
                tally(&mut *conn, "t", visit_positions(&f)).await?,
                tally(&mut *conn, "t", placed_cases(&f, at_once)).await?,
            )
        }
    };
    let units = units(&mut *conn).await?;
    let (mut visit_points, mut finding_points, mut clusters) = (Vec::new(), Vec::new(), Vec::new());
    if (v.placed as usize) + (c.placed as usize) > limit {
        // The grid spans what the page draws: the points and the units.
        let drawn = units.iter().fold(None, |e, u| {
            FineExtent::union(e, Some(FineExtent::of_point(u.at.lat, u.at.lon)))
        });
        if let Some(extent) = FineExtent::union(FineExtent::union(v.extent, c.extent), drawn) {
            let g = Blocks::over(extent);
            clusters = match &keys {
                Some(k) => k.clusters(&mut *conn, g).await?,
                None => {
                    let at_once = cases_at_once(&mut *conn, engine, &f).await?;
                    self::clusters(&mut *conn, &f, at_once, g).await?
                }
            };
        }
    } else {
        // Bounded even if rows arrived since the count.
        let at_once = cases_at_once(&mut *conn, engine, &f).await?;
        visit_points = visits(&mut *conn, &f, limit).await?;
        finding_points = findings(&mut *conn, &f, at_once, limit - visit_points.len()).await?;
    }
    Ok(OfficeMap {
        visits: visit_points,
        findings: finding_points,
        clusters,
        units,
        visit_total: v.total,
        finding_total: c.total,
        visits_without_position: v.total.saturating_sub(v.placed),
        findings_without_position: c.total.saturating_sub(c.placed),
        options: options(&mut *conn).await?,
        tiles: tiles::load(&mut *conn).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_counts_open_what_the_follow_up_loop_counts_open() {
        let list = open_states();
        for s in CaseState::ALL {
            assert_eq!(
                list.contains(&format!("'{}'", s.as_str())),
                s.is_open(),
                "{s:?}"
            );
        }
    }
}
