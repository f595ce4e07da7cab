//! The appraisal year: its focus, stages, criteria and quota rules. A new campaign starts from
//! the source calendar and editable copies of the default criteria (see `domain::campaign`).

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::clock::{now_ms, today_cst};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chafang_domain::api::{CampaignView, CriteriaSetView};
use chafang_domain::campaign::{
    check_stages, default_criteria_sets, default_stages, Focus, Stage, StageKind,
};
use chafang_domain::criteria::{CriteriaSetKind, Criterion};
use chafang_domain::quota::{MonitorTeam, QuotaRule};
use chafang_domain::{CampaignId, UserId};
use sqlx::{AnyConnection, Row};
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(current_campaign))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("malformed campaign row: {e}"))
}

/// Opens a year with the default calendar, criteria and quotas. A second campaign for the
/// same year is a unique violation (409).
pub async fn open_year(
    conn: &mut AnyConnection,
    actor: Option<UserId>,
    year: i32,
    focus: Focus,
) -> Result<CampaignId, ApiError> {
    let id = CampaignId::new();
    let stages = default_stages(year);
    check_stages(&stages).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let district = QuotaRule::default_for(MonitorTeam::District);
    let department = QuotaRule::default_for(MonitorTeam::Department);
    sqlx::query(
        "INSERT INTO campaigns (id, year, focus, district_visits_per_year, department_visits_per_year, \
         department_visits_in_self_inspection, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(i64::from(year))
    .bind(focus.as_str())
    .bind(i64::from(district.visits_per_year))
    .bind(i64::from(department.visits_per_year))
    .bind(i64::from(department.visits_in_self_inspection))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    for s in &stages {
        sqlx::query("INSERT INTO campaign_stages (campaign_id, kind, starts_on, ends_on) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(s.kind.as_str())
            .bind(s.starts_on.to_string())
            .bind(s.ends_on.to_string())
            .execute(&mut *conn)
            .await?;
    }
    let sets = default_criteria_sets();
    for (kind, criteria) in &sets {
        for (i, c) in criteria.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_criteria (campaign_id, set_kind, position, code, name_zh, name_en) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.to_string())
            .bind(kind.as_str())
            .bind(i as i64)
            .bind(&c.code)
            .bind(&c.name_zh)
            .bind(&c.name_en)
            .execute(&mut *conn)
            .await?;
        }
    }
    audit::record(conn, actor, "campaign.opened", id, serde_json::json!({
                "year": year,
                "focus": focus.as_str(),
                "stages": stages,
                "criteria": sets.iter().map(|(k, c)| (k.as_str(), c.iter().map(|c| &c.code).collect::<Vec<_>>())).collect::<Vec<_>>(),
                "district_visits_per_year": district.visits_per_year,
            }))
    .await?;
    Ok(id)
}

fn parse_day(s: &str) -> Result<Date, ApiError> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE).map_err(internal)
}

/// The campaign of a year, if one was opened.
pub async fn find_by_year(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Option<CampaignView>, ApiError> {
    let Some(row) = sqlx::query(
        "SELECT id, year, focus, district_visits_per_year FROM campaigns WHERE year = $1",
    )
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: String = row.try_get("id")?;
    let focus: String = row.try_get("focus")?;
    let stage_rows = sqlx::query("SELECT kind, starts_on, ends_on FROM campaign_stages WHERE campaign_id = $1 ORDER BY starts_on")
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?;
    let mut stages = Vec::new();
    for r in &stage_rows {
        let kind: String = r.try_get("kind")?;
        stages.push(Stage {
            kind: StageKind::parse(&kind).ok_or_else(|| internal(&kind))?,
            starts_on: parse_day(&r.try_get::<String, _>("starts_on")?)?,
            ends_on: parse_day(&r.try_get::<String, _>("ends_on")?)?,
        });
    }
    let criteria_rows = sqlx::query(
        "SELECT set_kind, code, name_zh, name_en FROM campaign_criteria WHERE campaign_id = $1 ORDER BY set_kind, position",
    )
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    let mut criteria: Vec<CriteriaSetView> = Vec::new();
    for kind in [CriteriaSetKind::Department, CriteriaSetKind::Industry] {
        let mut set = Vec::new();
        for r in criteria_rows
            .iter()
            .filter(|r| r.try_get::<String, _>("set_kind").ok().as_deref() == Some(kind.as_str()))
        {
            set.push(Criterion {
                code: r.try_get("code")?,
                name_zh: r.try_get("name_zh")?,
                name_en: r.try_get("name_en")?,
            });
        }
        criteria.push(CriteriaSetView {
            kind,
            criteria: set,
        });
    }
    let district: i64 = row.try_get("district_visits_per_year")?;
    Ok(Some(CampaignView {
        id: id.parse().map_err(internal)?,
        year: i32::try_from(row.try_get::<i64, _>("year")?).map_err(internal)?,
        focus: Focus::parse(&focus).ok_or_else(|| internal(&focus))?,
        stages,
        criteria,
        district_quota: QuotaRule {
            visits_per_year: u32::try_from(district).map_err(internal)?,
            visits_in_self_inspection: 0,
        },
    }))
}

/// This year's campaign (China Standard Time), if the office has opened it.
pub async fn current(conn: &mut AnyConnection) -> Result<Option<CampaignView>, ApiError> {
    find_by_year(conn, today_cst().year()).await
}

/// The current year's campaign: stages, criteria and quota rules.
#[utoipa::path(get, path = "/api/v1/campaigns/current", tag = "campaigns",
    responses((status = 200, body = CampaignView), (status = 401), (status = 404, description = "no campaign this year")))]
async fn current_campaign(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<CampaignView>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    current(&mut conn)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
