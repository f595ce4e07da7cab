//! What each role's home page summarises: the office's counts, the monitor's progress against
//! the quota, the unit's own directory entry and open findings.

use crate::auth::extract::{MonitorUser, OfficeUser, UnitScope};
use crate::campaigns;
use crate::clock::today_cst;
use crate::error::ApiError;
use crate::quotas;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chafang_domain::api::{MonitorOverview, OfficeOverview, UnitOverview, UnitRef};
use chafang_domain::campaign::stage_on;
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_overview))
        .routes(routes!(monitor_overview))
        .routes(routes!(unit_overview))
}

/// The office's home: team, directory and campaign at a glance.
#[utoipa::path(get, path = "/api/v1/office/overview", tag = "office",
    responses((status = 200, body = OfficeOverview), (status = 401), (status = 404)))]
async fn office_overview(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<OfficeOverview>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let counts = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM users WHERE role = 'monitor' AND active = 1) AS monitors, \
                (SELECT COUNT(*) FROM users WHERE role = 'unit' AND active = 1) AS unit_accounts, \
                (SELECT COUNT(*) FROM units) AS units",
    )
    .fetch_one(&mut *conn)
    .await?;
    let count = |name: &str| -> Result<u32, ApiError> {
        let n: i64 = counts.try_get(name)?;
        u32::try_from(n).map_err(|e| ApiError::Internal(e.into()))
    };
    let campaign = campaigns::current(&mut conn).await?;
    Ok(Json(OfficeOverview {
        monitors: count("monitors")?,
        units: count("units")?,
        unit_accounts: count("unit_accounts")?,
        campaign_year: campaign.as_ref().map(|c| c.year),
        current_stage: campaign
            .as_ref()
            .and_then(|c| stage_on(&c.stages, today_cst())),
    }))
}

/// The monitor's home: this year's progress against their team's quota and the ledger's state.
#[utoipa::path(get, path = "/api/v1/monitor/overview", tag = "monitor",
    responses((status = 200, body = MonitorOverview), (status = 401), (status = 404)))]
async fn monitor_overview(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
) -> Result<Json<MonitorOverview>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let campaign = campaigns::current(&mut conn).await?;
    let own = quotas::ledger::own(&mut conn, me.user.id).await?.ledger;
    Ok(Json(MonitorOverview {
        display_name: me.user.display_name,
        campaign_year: campaign.as_ref().map(|c| c.year),
        current_stage: campaign
            .as_ref()
            .and_then(|c| stage_on(&c.stages, today_cst())),
        quota: own.progress,
        pace: own.state,
        team: own.team,
    }))
}

/// The unit's home: its own entry, the units under it, and its open released findings.
#[utoipa::path(get, path = "/api/v1/unit/overview", tag = "unit",
    responses((status = 200, body = UnitOverview), (status = 401), (status = 404)))]
async fn unit_overview(
    State(state): State<AppState>,
    scope: UnitScope,
) -> Result<Json<UnitOverview>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let unit = &scope.user;
    let tree: Vec<_> = scope.units().cloned().collect();
    let own = tree
        .iter()
        .find(|u| u.id == unit.unit_id)
        .ok_or(ApiError::NotFound)?;
    // Counted in the database over the unit's own cases, never over the district's.
    let open_findings = crate::findings::unit::open_count(&mut conn, scope.ids()).await?;
    Ok(Json(UnitOverview {
        unit: UnitRef {
            id: own.id,
            name: own.name.clone(),
        },
        sub_units: tree
            .iter()
            .filter(|u| u.id != unit.unit_id)
            .map(|u| UnitRef {
                id: u.id,
                name: u.name.clone(),
            })
            .collect(),
        open_findings: u32::try_from(open_findings).map_err(|e| ApiError::Internal(e.into()))?,
    }))
}
