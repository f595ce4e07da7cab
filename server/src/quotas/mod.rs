//! The quota ledger (明查暗访任务): each monitor's visits of a year against the rule of their
//! team, per stage, with the pace the calendar demands and a state, and the key units'
//! coverage (`ledger.rs`, rules in `domain::quota`; the phone runs the same code offline);
//! reminders to those behind (`reminders.rs`). The office sees every monitor's row, for the
//! current year (`/office/monitors`) or any year (`/office/campaigns/{year}/ledger`), and the
//! list of all visits; a monitor pulls their own visits and ledger.

pub mod ledger;
pub mod reminders;
pub mod tally;
pub mod visited;

use crate::auth::extract::{MonitorUser, OfficeUser};
use crate::campaigns;
use crate::clock::today_cst;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::Json;
use chafang_domain::api::{
    Cursor, MonitorLedger, MonitorQuotaRow, MyVisit, OfficeLedger, OfficeVisitRow, PageAsk,
    UnitRef, NEXT_CURSOR_HEADER,
};
use chafang_domain::{UserId, VisitId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_visits))
        .routes(routes!(my_ledger))
        .routes(routes!(reminders::mine))
        .routes(routes!(office_monitors))
        .routes(routes!(office_ledger))
        .routes(routes!(reminders::send))
        .routes(routes!(office_visits))
}

use crate::error::internal;

fn parse<T: std::str::FromStr>(s: String) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(internal)
}

/// The columns `visit_of` reads, with `v` the visit and `u` its unit: what the server holds of
/// a visit (its correction, its findings, whether every photo has arrived).
const VISIT_COLUMNS: &str = "v.id, v.supersedes, \
    (SELECT c.id FROM visits c WHERE c.supersedes = v.id) AS superseded_by, \
    v.unit_id, u.name AS unit_name, v.mode, v.started_at_device, v.received_at, \
    v.no_problem_found, v.content_sha256, \
    (SELECT COUNT(*) FROM findings f WHERE f.visit_id = v.id) AS findings, \
    (SELECT COUNT(*) FROM visit_photos vp LEFT JOIN photos p ON p.sha256 = vp.sha256 \
     WHERE vp.visit_id = v.id AND p.sha256 IS NULL) AS missing";

/// A visit as read with `VISIT_COLUMNS`.
fn visit_of(r: &AnyRow) -> Result<MyVisit, ApiError> {
    let mode: String = r.try_get("mode")?;
    let visit = |column: &str| -> Result<Option<VisitId>, ApiError> {
        r.try_get::<Option<String>, _>(column)?
            .map(parse::<VisitId>)
            .transpose()
    };
    Ok(MyVisit {
        id: parse(r.try_get("id")?)?,
        supersedes: visit("supersedes")?,
        superseded_by: visit("superseded_by")?,
        unit: UnitRef {
            id: parse(r.try_get("unit_id")?)?,
            name: r.try_get("unit_name")?,
        },
        mode: serde_json::from_value(serde_json::Value::String(mode)).map_err(internal)?,
        started_at_device_ms: r.try_get("started_at_device")?,
        received_at_ms: r.try_get("received_at")?,
        findings: u32::try_from(r.try_get::<i64, _>("findings")?).map_err(internal)?,
        no_problem_found: r.try_get::<i64, _>("no_problem_found")? == 1,
        content_sha256: r.try_get("content_sha256")?,
        complete: r.try_get::<i64, _>("missing")? == 0,
    })
}

/// Visits with their owner, oldest receipt first; one monitor's or everybody's.
pub async fn visits(
    conn: &mut AnyConnection,
    monitor: Option<UserId>,
) -> Result<Vec<(UserId, MyVisit)>, ApiError> {
    // One monitor's visits are a range of `visits_monitor`; a filter that may also be empty
    // (`$1 = '' OR …`) would read every visit of the district for each phone's request.
    let only = if monitor.is_some() {
        "WHERE v.monitor_id = $1"
    } else {
        ""
    };
    let sql = format!(
        "SELECT v.monitor_id, {VISIT_COLUMNS} \
         FROM visits v JOIN units u ON u.id = v.unit_id {only} ORDER BY v.received_at, v.id"
    );
    let mut query = sqlx::query(&sql);
    if let Some(m) = monitor {
        query = query.bind(m.to_string());
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((parse(r.try_get("monitor_id")?)?, visit_of(r)?)))
        .collect()
}

/// The signed-in monitor's own visits, with what the server holds of each.
#[utoipa::path(get, path = "/api/v1/monitor/visits", tag = "monitor", responses((status = 200, body = Vec<MyVisit>), (status = 404)))]
async fn my_visits(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
) -> Result<Json<Vec<MyVisit>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        visits(&mut conn, Some(me.user.id))
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
    ))
}

/// The signed-in monitor's ledger of this year: the year's and each stage's visits against
/// their team's rule, the pace, the state and the visits counted (for the phone to cache).
#[utoipa::path(get, path = "/api/v1/monitor/ledger", tag = "monitor", responses((status = 200, body = MonitorLedger), (status = 401), (status = 404)))]
async fn my_ledger(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
) -> Result<Json<MonitorLedger>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(ledger::own(&mut conn, me.user.id).await?))
}

/// Every monitor's row of this year: visits done (open, covert, per stage), the quota of
/// their team, the pace, the state and the last visit.
#[utoipa::path(get, path = "/api/v1/office/monitors", tag = "office", responses((status = 200, body = Vec<MonitorQuotaRow>), (status = 401), (status = 404)))]
async fn office_monitors(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<MonitorQuotaRow>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let frame = ledger::current_frame(&mut conn).await?;
    Ok(Json(
        ledger::quota_rows(&mut conn, &frame, today_cst()).await?,
    ))
}

/// The ledger of a year, open or closed: every monitor's row and the key units' coverage with
/// the places never visited. Counted in the database (`tally`, `visited`): a district's year
/// of a million visits is never read visit by visit.
#[utoipa::path(get, path = "/api/v1/office/campaigns/{year}/ledger", tag = "campaigns",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = OfficeLedger), (status = 401), (status = 404)))]
async fn office_ledger(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<OfficeLedger>, ApiError> {
    let year = campaigns::parse_year(&year)?;
    let mut conn = state.db.pool.acquire().await?;
    let frame = ledger::frame_of(&mut conn, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    let today = today_cst();
    Ok(Json(OfficeLedger {
        year,
        closed: frame.closed_at.is_some(),
        as_of: frame.as_of(today),
        rows: ledger::quota_rows(&mut conn, &frame, today).await?,
        coverage: ledger::coverage_of(&mut conn, &frame).await?,
    }))
}

/// The office's list of visits: `limit` asks for one page, newest receipt first.
#[derive(serde::Deserialize, utoipa::IntoParams)]
struct VisitsQuery {
    /// One page of at most this many rows (1..=500), newest receipt first; without it, every
    /// visit at once, oldest receipt first (the list as it was before paging).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// The `x-next-cursor` the previous page returned: the page after it.
    before: Option<String>,
}

/// Every visit, oldest receipt first, with the monitor, the distance from the unit and the
/// reason when no position was recorded (office only: units never reach this). With `limit`,
/// one page, newest receipt first, keyset-paged by `(received_at, id)`; the header
/// `x-next-cursor` says where the next page starts.
#[utoipa::path(get, path = "/api/v1/office/visits", tag = "office", params(VisitsQuery),
    responses((status = 200, body = Vec<OfficeVisitRow>, headers(("x-next-cursor" = String,
        description = "with limit=: the cursor of the next page (pass it as before=); absent on the last page"))),
    (status = 400, description = "a bad limit or cursor"), (status = 404)))]
async fn office_visits(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<VisitsQuery>,
) -> Result<(HeaderMap, Json<Vec<OfficeVisitRow>>), ApiError> {
    let page = PageAsk::parse(q.limit.as_deref(), q.before.as_deref())?;
    let mut conn = state.db.pool.acquire().await?;
    let (rows, next) = office_visit_rows(&mut conn, page.as_ref()).await?;
    let mut headers = HeaderMap::new();
    if let Some(next) = next {
        headers.insert(
            NEXT_CURSOR_HEADER,
            HeaderValue::from_str(&next.text()).map_err(internal)?,
        );
    }
    Ok((headers, Json(rows)))
}

/// The office's visits: every one, oldest receipt first, or one page, newest receipt first,
/// and the cursor of the next page when there is one. A page reads its rows only: the
/// correlated counts run for the rows the index seek yields (`visits_received_id`, migration
/// 023), one past the page to tell whether more follow.
async fn office_visit_rows(
    conn: &mut AnyConnection,
    page: Option<&PageAsk>,
) -> Result<(Vec<OfficeVisitRow>, Option<Cursor>), ApiError> {
    let (after, order) = match page {
        None => ("", "v.received_at, v.id"),
        Some(PageAsk {
            before: Some(_), ..
        }) => (
            "WHERE (v.received_at, v.id) < ($1, $2)",
            "v.received_at DESC, v.id DESC LIMIT $3",
        ),
        Some(_) => ("", "v.received_at DESC, v.id DESC LIMIT $1"),
    };
    let sql = format!(
        "SELECT {VISIT_COLUMNS}, d.display_name, v.distance_m, v.position_missing, \
         (SELECT lb.case_id FROM lookbacks lb WHERE lb.visit_id = v.id) AS lookback_for \
         FROM visits v JOIN units u ON u.id = v.unit_id JOIN users d ON d.id = v.monitor_id {after} \
         ORDER BY {order}"
    );
    let mut query = sqlx::query(&sql);
    if let Some(page) = page {
        if let Some(c) = &page.before {
            query = query.bind(c.received_at).bind(c.id.clone());
        }
        query = query.bind(i64::from(page.limit) + 1);
    }
    let found = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(found.len());
    for r in &found {
        let v = visit_of(r)?;
        let missing: Option<String> = r.try_get("position_missing")?;
        out.push(OfficeVisitRow {
            id: v.id,
            monitor: r.try_get("display_name")?,
            unit: v.unit,
            mode: v.mode,
            started_at_device_ms: v.started_at_device_ms,
            received_at_ms: v.received_at_ms,
            findings: v.findings,
            no_problem_found: v.no_problem_found,
            complete: v.complete,
            distance_m: r.try_get("distance_m")?,
            position_missing: missing
                .map(|m| serde_json::from_value(serde_json::Value::String(m)).map_err(internal))
                .transpose()?,
            supersedes: v.supersedes,
            superseded_by: v.superseded_by,
            lookback_for: r
                .try_get::<Option<String>, _>("lookback_for")?
                .map(parse)
                .transpose()?,
        });
    }
    let Some(page) = page else {
        return Ok((out, None));
    };
    let next = (out.len() > page.limit as usize).then(|| {
        out.truncate(page.limit as usize);
        out.last().map(|v| Cursor::new(v.received_at_ms, v.id))
    });
    Ok((out, next.flatten()))
}
