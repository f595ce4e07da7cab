//! What the office's map draws. Visits are the current revisions (a corrected visit shows once,
//! as corrected) on their recorded WGS-84 position; findings are the live cases (not merged or
//! superseded) at their first visit's recorded position, else their unit's; units are those
//! with a registered position. Filters: the visit's day (device start in China Standard Time,
//! never after receipt) or the finding's day against a year and its stage; a finding's state
//! and criterion (a visit matches when one of its findings does); the monitor who visited.
//! Past `MAP_POINT_LIMIT` points the response gathers them into a grid of clusters, so a year
//! of a whole district stays a small answer.

use super::tiles;
use crate::auth::extract::OfficeUser;
use crate::error::{internal, ApiError};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use chafang_domain::api::{
    MapCluster, MapCriterion, MapFinding, MapMonitor, MapOptions, MapQuery, MapUnit, MapVisit,
    OfficeMap, UnitRef, MAP_POINT_LIMIT,
};
use chafang_domain::followup::CaseState;
use chafang_domain::geo::mercator;
use chafang_domain::quota::day_cst;
use chafang_domain::unit::GeoPoint;
use chafang_domain::visit::{Severity, VisitMode};
use chafang_domain::UserId;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap, HashSet};
use time::macros::format_description;
use time::Date;

/// The grid the clusters are gathered on, cells per side.
const GRID: f64 = 48.0;

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

/// The years' stages: (year, stage) → first and last day.
async fn stages(
    conn: &mut AnyConnection,
) -> Result<HashMap<(i32, String), (Date, Date)>, ApiError> {
    let rows = sqlx::query(
        "SELECT c.year, s.kind, s.starts_on, s.ends_on FROM campaign_stages s \
         JOIN campaigns c ON c.id = s.campaign_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = HashMap::new();
    for r in rows {
        let year = i32::try_from(r.try_get::<i64, _>("year")?).map_err(internal)?;
        out.insert(
            (year, r.try_get::<String, _>("kind")?),
            (
                parse_day(&r.try_get::<String, _>("starts_on")?)?,
                parse_day(&r.try_get::<String, _>("ends_on")?)?,
            ),
        );
    }
    Ok(out)
}

/// Whether a day passes the year and stage filters. A stage without a year means that stage
/// of the day's own year.
fn day_matches(q: &MapQuery, stages: &HashMap<(i32, String), (Date, Date)>, day: Date) -> bool {
    if q.year.is_some_and(|y| y != day.year()) {
        return false;
    }
    match q.stage {
        None => true,
        Some(stage) => stages
            .get(&(day.year(), stage.as_str().to_owned()))
            .is_some_and(|(a, b)| *a <= day && day <= *b),
    }
}

/// A live case as the map needs it.
struct CaseRow {
    finding: MapFinding,
    unit_at: Option<GeoPoint>,
}

/// One of a case's reported findings: its visit, the visit's monitor and position.
struct CaseVisit {
    visit: String,
    monitor: String,
    at: Option<GeoPoint>,
}

async fn cases(conn: &mut AnyConnection) -> Result<Vec<CaseRow>, ApiError> {
    let rows = sqlx::query(
        "SELECT c.id, c.unit_id, u.name AS unit_name, u.lat, u.lon, c.state, c.criterion, \
         c.severity, c.seen_on FROM cases c JOIN units u ON u.id = c.unit_id \
         WHERE c.state NOT IN ('merged', 'superseded') ORDER BY c.received_at, c.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let state: String = r.try_get("state")?;
        out.push(CaseRow {
            unit_at: point(r.try_get("lat")?, r.try_get("lon")?),
            finding: MapFinding {
                id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
                unit: UnitRef {
                    id: r
                        .try_get::<String, _>("unit_id")?
                        .parse()
                        .map_err(internal)?,
                    name: r.try_get("unit_name")?,
                },
                state: CaseState::parse(&state)
                    .ok_or_else(|| internal(format!("state {state}")))?,
                criterion: r.try_get("criterion")?,
                severity: from_str::<Severity>(r.try_get("severity")?)?,
                seen_on: parse_day(&r.try_get::<String, _>("seen_on")?)?,
                // Filled in below.
                at: GeoPoint { lat: 0.0, lon: 0.0 },
                at_unit: false,
            },
        });
    }
    Ok(out)
}

/// Each case's visits, in the order they were received.
async fn case_visits(
    conn: &mut AnyConnection,
) -> Result<HashMap<String, Vec<CaseVisit>>, ApiError> {
    let rows = sqlx::query(
        "SELECT cf.case_id, v.id AS visit_id, v.monitor_id, v.lat, v.lon FROM case_findings cf \
         JOIN findings f ON f.id = cf.finding_id JOIN visits v ON v.id = f.visit_id \
         ORDER BY v.received_at, v.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<String, Vec<CaseVisit>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get("case_id")?)
            .or_default()
            .push(CaseVisit {
                visit: r.try_get("visit_id")?,
                monitor: r.try_get("monitor_id")?,
                at: point(r.try_get("lat")?, r.try_get("lon")?),
            });
    }
    Ok(out)
}

/// A current visit, before filtering: the map's view and whether it has a position.
struct VisitRow {
    id: String,
    monitor: MapMonitor,
    unit: UnitRef,
    mode: VisitMode,
    day: Date,
    at: Option<GeoPoint>,
    findings: u32,
}

async fn visits(conn: &mut AnyConnection) -> Result<Vec<VisitRow>, ApiError> {
    let rows = sqlx::query(
        "SELECT v.id, v.monitor_id, m.display_name, v.unit_id, u.name AS unit_name, v.mode, \
         v.started_at_device, v.received_at, v.lat, v.lon, \
         (SELECT COUNT(*) FROM findings f WHERE f.visit_id = v.id) AS findings \
         FROM visits v JOIN units u ON u.id = v.unit_id JOIN users m ON m.id = v.monitor_id \
         WHERE NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id) \
         ORDER BY v.received_at, v.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let started: i64 = r.try_get("started_at_device")?;
        let received: i64 = r.try_get("received_at")?;
        out.push(VisitRow {
            id: r.try_get("id")?,
            monitor: MapMonitor {
                id: r
                    .try_get::<String, _>("monitor_id")?
                    .parse()
                    .map_err(internal)?,
                name: r.try_get("display_name")?,
            },
            unit: UnitRef {
                id: r
                    .try_get::<String, _>("unit_id")?
                    .parse()
                    .map_err(internal)?,
                name: r.try_get("unit_name")?,
            },
            mode: from_str(r.try_get("mode")?)?,
            day: day_cst(started).min(day_cst(received)),
            at: point(r.try_get("lat")?, r.try_get("lon")?),
            findings: u32::try_from(r.try_get::<i64, _>("findings")?).map_err(internal)?,
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

/// The filters' choices: the campaign years, the criteria findings use (named by the latest
/// year that names them), the monitors with visits.
async fn options(
    conn: &mut AnyConnection,
    cases: &[CaseRow],
    visits: &[VisitRow],
) -> Result<MapOptions, ApiError> {
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
    let codes: std::collections::BTreeSet<&str> =
        cases.iter().map(|c| c.finding.criterion.as_str()).collect();
    let criteria = codes
        .into_iter()
        .map(|code| MapCriterion {
            code: code.to_owned(),
            name: names.get(code).cloned().unwrap_or_else(|| code.to_owned()),
        })
        .collect();
    let mut monitors: BTreeMap<String, MapMonitor> = BTreeMap::new();
    for v in visits {
        monitors
            .entry(format!("{}\u{0}{}", v.monitor.name, v.monitor.id))
            .or_insert_with(|| v.monitor.clone());
    }
    Ok(MapOptions {
        years,
        criteria,
        monitors: monitors.into_values().collect(),
    })
}

/// Gathers points into a grid over their bounds.
fn cluster(visits: &[MapVisit], findings: &[MapFinding]) -> Vec<MapCluster> {
    let all: Vec<(f64, f64)> = visits
        .iter()
        .map(|v| mercator(v.at))
        .chain(findings.iter().map(|f| mercator(f.at)))
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (1.0f64, 1.0f64, 0.0f64, 0.0f64);
    for &(x, y) in &all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let side = (x1 - x0).max(y1 - y0).max(1e-12) / GRID;
    let cell = |p: GeoPoint| {
        let (x, y) = mercator(p);
        // The far edge belongs to the last cell, not to one of its own.
        let last = GRID as i64 - 1;
        (
            (((x - x0) / side).floor() as i64).min(last),
            (((y - y0) / side).floor() as i64).min(last),
        )
    };
    // Sums of lat and lon, then counts.
    let mut cells: BTreeMap<(i64, i64), (f64, f64, MapCluster)> = BTreeMap::new();
    let mut add = |p: GeoPoint, visit: bool, open: bool| {
        let e = cells.entry(cell(p)).or_insert((
            0.0,
            0.0,
            MapCluster {
                at: p,
                visits: 0,
                findings: 0,
                open_findings: 0,
            },
        ));
        e.0 += p.lat;
        e.1 += p.lon;
        if visit {
            e.2.visits += 1;
        } else {
            e.2.findings += 1;
            e.2.open_findings += u32::from(open);
        }
    };
    for v in visits {
        add(v.at, true, false);
    }
    for f in findings {
        add(f.at, false, f.state.is_open());
    }
    cells
        .into_values()
        .map(|(lat, lon, mut c)| {
            let n = f64::from(c.visits + c.findings);
            c.at = GeoPoint {
                lat: lat / n,
                lon: lon / n,
            };
            c
        })
        .collect()
}

/// The office's map, filtered.
#[utoipa::path(get, path = "/api/v1/office/map", tag = "map", params(MapQuery),
    responses((status = 200, body = OfficeMap), (status = 400), (status = 401), (status = 404)))]
pub async fn office_map(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<MapQuery>,
) -> Result<Json<OfficeMap>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let stages = stages(&mut conn).await?;
    let all_cases = cases(&mut conn).await?;
    let mut case_visits = case_visits(&mut conn).await?;
    let all_visits = visits(&mut conn).await?;
    let monitor = q.monitor.map(|m: UserId| m.to_string());
    let finding_filter = q.status.is_some() || q.criterion.is_some();

    // Findings, and which visits have a finding that passes the state and criterion filters.
    let mut visits_with_match: HashSet<String> = HashSet::new();
    let mut findings = Vec::new();
    let mut findings_without_position = 0u32;
    let mut finding_total = 0u32;
    for c in &all_cases {
        let f = &c.finding;
        let kind_ok = q.status.is_none_or(|s| s == f.state)
            && q.criterion.as_ref().is_none_or(|k| *k == f.criterion);
        let cv = case_visits.remove(&f.id.to_string()).unwrap_or_default();
        if kind_ok {
            visits_with_match.extend(cv.iter().map(|v| v.visit.clone()));
        }
        if !kind_ok || !day_matches(&q, &stages, f.seen_on) {
            continue;
        }
        if let Some(m) = &monitor {
            if !cv.iter().any(|v| &v.monitor == m) {
                continue;
            }
        }
        finding_total += 1;
        let (at, at_unit) = match (cv.iter().find_map(|v| v.at), c.unit_at) {
            (Some(at), _) => (at, false),
            (None, Some(at)) => (at, true),
            (None, None) => {
                findings_without_position += 1;
                continue;
            }
        };
        findings.push(MapFinding {
            at,
            at_unit,
            ..f.clone()
        });
    }

    let mut visits = Vec::new();
    let mut visits_without_position = 0u32;
    let mut visit_total = 0u32;
    for v in &all_visits {
        if !day_matches(&q, &stages, v.day)
            || monitor
                .as_ref()
                .is_some_and(|m| *m != v.monitor.id.to_string())
            || (finding_filter && !visits_with_match.contains(&v.id))
        {
            continue;
        }
        visit_total += 1;
        let Some(at) = v.at else {
            visits_without_position += 1;
            continue;
        };
        visits.push(MapVisit {
            id: v.id.parse().map_err(internal)?,
            unit: v.unit.clone(),
            monitor: v.monitor.clone(),
            mode: v.mode,
            day: v.day,
            at,
            findings: v.findings,
        });
    }

    let clusters = if visits.len() + findings.len() > MAP_POINT_LIMIT {
        let c = cluster(&visits, &findings);
        visits.clear();
        findings.clear();
        c
    } else {
        Vec::new()
    };
    let options = options(&mut conn, &all_cases, &all_visits).await?;
    Ok(Json(OfficeMap {
        visits,
        findings,
        clusters,
        units: units(&mut conn).await?,
        visit_total,
        finding_total,
        visits_without_position,
        findings_without_position,
        options,
        tiles: tiles::load(&mut conn).await?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::campaign::StageKind;

    #[test]
    fn a_stage_without_a_year_is_the_days_own_year() {
        let d = |s: &str| parse_day(s).unwrap();
        let mut stages = HashMap::new();
        stages.insert(
            (2026, StageKind::SelfInspection.as_str().to_owned()),
            (d("2026-04-01"), d("2026-06-30")),
        );
        let q = MapQuery {
            stage: Some(StageKind::SelfInspection),
            ..MapQuery::default()
        };
        assert!(day_matches(&q, &stages, d("2026-04-01")));
        assert!(day_matches(&q, &stages, d("2026-06-30")));
        assert!(!day_matches(&q, &stages, d("2026-07-01")));
        assert!(!day_matches(&q, &stages, d("2027-05-01")));
        let q = MapQuery {
            year: Some(2027),
            ..MapQuery::default()
        };
        assert!(!day_matches(&q, &stages, d("2026-05-01")));
    }

    #[test]
    fn clusters_keep_every_point_and_sit_among_them() {
        let visit = |lat: f64, lon: f64| MapVisit {
            id: chafang_domain::VisitId::new(),
            unit: UnitRef {
                id: chafang_domain::UnitId::new(),
                name: "u".into(),
            },
            monitor: MapMonitor {
                id: UserId::new(),
                name: "m".into(),
            },
            mode: VisitMode::Open,
            day: parse_day("2026-05-01").unwrap(),
            at: GeoPoint { lat, lon },
            findings: 0,
        };
        // Two tight groups far apart, and one point alone.
        let mut vs = Vec::new();
        for i in 0..50 {
            let d = f64::from(i) * 1e-6;
            vs.push(visit(30.0 + d, 120.0 + d));
            vs.push(visit(31.0 - d, 121.0 - d));
        }
        vs.push(visit(30.5, 120.5));
        let c = cluster(&vs, &[]);
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!(c.iter().map(|c| c.visits).sum::<u32>(), 101);
        for cl in &c {
            assert!((30.0..=31.0).contains(&cl.at.lat) && (120.0..=121.0).contains(&cl.at.lon));
        }
    }
}
