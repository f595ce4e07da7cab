//! The appraisal year (年度民主评议): the office opens a year (its focus alternating from the
//! year before, the key units, the stages, the criteria sets, the quota rules, the deadline
//! defaults and the coverage target, each defaulting to the source's), reads it, edits it while
//! it is open (each change an event with its old and new value) and closes it. A closed year is
//! frozen: every write to it passes `store::lock_open`, which refuses it with 409; it stays
//! readable. Everyone signed in reads the current year's campaign.
//!
//! The rules are in `domain::campaign`; `store.rs` holds the rows.

pub mod store;

use crate::auth::extract::{CurrentUser, OfficeUser};
use crate::clock::today_cst;
use crate::db::Db;
use crate::db::WriteTx;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{
    CampaignEdit, CampaignSummary, CampaignView, CriteriaSetView, OpenCampaign,
};
use chafang_domain::campaign::{CampaignError, CampaignPlan, Deadlines, Focus, YEARS};
use chafang_domain::criteria::{CriteriaSetKind, Criterion};
use chafang_domain::refusal::CampaignRefusal;
use chafang_domain::{CampaignId, Role, UnitId, UserId};
use sqlx::AnyConnection;
use store::CampaignRecord;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current_campaign))
        .routes(routes!(list_years, open))
        .routes(routes!(one_year, edit))
        .routes(routes!(close))
}

fn refused(e: CampaignError) -> ApiError {
    CampaignRefusal::Invalid(e).into()
}

/// The year in a path; anything else names nothing (404).
pub fn parse_year(s: &str) -> Result<i32, ApiError> {
    s.parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or(ApiError::NotFound)
}

/// A stored year as the API shows it.
pub fn view(r: &CampaignRecord) -> CampaignView {
    CampaignView {
        id: r.id,
        year: r.plan.year,
        focus: r.plan.focus,
        stages: r.plan.stages.clone(),
        criteria: r
            .plan
            .criteria
            .iter()
            .map(|(kind, criteria)| CriteriaSetView {
                kind: *kind,
                criteria: criteria.clone(),
            })
            .collect(),
        district_quota: r.plan.quota_rules.district,
        quota_rules: r.plan.quota_rules,
        key_units: r.key_units.clone(),
        deadlines: r.plan.deadlines,
        coverage_target_pct: r.plan.coverage_target_pct,
        closed_at_ms: r.closed_at,
    }
}

/// Opens a year with the defaults and the given focus (the demo loader's way).
pub async fn open_year(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    year: i32,
    focus: Focus,
) -> Result<CampaignId, ApiError> {
    let plan = CampaignPlan {
        focus,
        ..CampaignPlan::default_for(year, None)
    };
    plan.check().map_err(refused)?;
    store::insert(conn, actor, &plan, &[]).await
}

/// The campaign of a year, if one was opened.
pub async fn find_by_year(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Option<CampaignView>, ApiError> {
    Ok(store::find(conn, year).await?.as_ref().map(view))
}

/// This year's campaign (China Standard Time), if the office has opened it.
pub async fn current(conn: &mut AnyConnection) -> Result<Option<CampaignView>, ApiError> {
    find_by_year(conn, today_cst().year()).await
}

/// The follow-up loop's deadline defaults today: the current year's, or the source's when no
/// year is open.
pub async fn current_deadlines(db: &Db) -> Result<Deadlines, ApiError> {
    let mut conn = db.pool.acquire().await?;
    Ok(current(&mut conn)
        .await?
        .map_or_else(Deadlines::default, |c| c.deadlines))
}

/// The current year's campaign: stages, criteria, quota rules and deadlines. A unit user sees
/// among the key units only its own (or the one it belongs to), not the whole list.
#[utoipa::path(get, path = "/api/v1/campaigns/current", tag = "campaigns",
    responses((status = 200, body = CampaignView), (status = 401), (status = 404, description = "no campaign this year")))]
async fn current_campaign(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<CampaignView>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let mut campaign = current(&mut conn).await?.ok_or(ApiError::NotFound)?;
    if me.user.role == Role::Unit {
        let own = match &me.user.unit {
            Some(u) => chafang_domain::unit::ancestors(
                &chafang_domain::unit::Node::all(&crate::units::list_all(&mut conn).await?),
                u.id,
            ),
            None => Vec::new(),
        };
        campaign.key_units.retain(|k| own.contains(&k.id));
    }
    Ok(Json(campaign))
}

/// The key units of a request: each a top-level unit of the directory, each once, in the
/// order given.
async fn check_key_units(
    conn: &mut AnyConnection,
    given: &[UnitId],
) -> Result<Vec<UnitId>, ApiError> {
    let tops = store::top_level_units(conn).await?;
    let mut out: Vec<UnitId> = Vec::with_capacity(given.len());
    for u in given {
        if !tops.contains(u) {
            return Err(CampaignRefusal::KeyUnitNotTopLevel { unit: *u }.into());
        }
        if !out.contains(u) {
            out.push(*u);
        }
    }
    Ok(out)
}

/// The criteria sets after a request: each set given replaces the one of its kind.
fn with_sets(
    base: &[(CriteriaSetKind, Vec<Criterion>)],
    given: Vec<CriteriaSetView>,
) -> Result<Vec<(CriteriaSetKind, Vec<Criterion>)>, ApiError> {
    let mut sets = base.to_vec();
    let mut seen = Vec::new();
    for set in given {
        if seen.contains(&set.kind) {
            return Err(CampaignRefusal::CriteriaSetTwice { set: set.kind }.into());
        }
        seen.push(set.kind);
        if let Some((_, criteria)) = sets.iter_mut().find(|(k, _)| *k == set.kind) {
            *criteria = set.criteria;
        }
    }
    Ok(sets)
}

/// Every year, newest first, with whether it is closed.
#[utoipa::path(get, path = "/api/v1/office/campaigns", tag = "campaigns",
    responses((status = 200, body = Vec<CampaignSummary>), (status = 401), (status = 404, description = "not office staff")))]
async fn list_years(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<CampaignSummary>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(store::list(&mut conn).await?))
}

/// Opens a year. Only the year is needed: the focus alternates from the latest earlier year,
/// and the calendar, criteria, quotas, deadlines and coverage target start from the source's.
#[utoipa::path(post, path = "/api/v1/office/campaigns", tag = "campaigns", request_body = OpenCampaign,
    responses((status = 201, body = CampaignView), (status = 401), (status = 404, description = "not office staff"),
        (status = 409, description = "the year is open already"),
        (status = 422, description = "a setting breaks a rule")))]
async fn open(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    ApiJson(req): ApiJson<OpenCampaign>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    if !YEARS.contains(&req.year) {
        return Err(refused(CampaignError::Year));
    }
    let mut tx = state.db.begin_write().await?;
    let base = CampaignPlan::default_for(req.year, store::previous(&mut tx, req.year).await?);
    let plan = CampaignPlan {
        focus: req.focus.unwrap_or(base.focus),
        stages: req.stages.unwrap_or_else(|| base.stages.clone()),
        criteria: match req.criteria {
            Some(given) => with_sets(&base.criteria, given)?,
            None => base.criteria.clone(),
        },
        quota_rules: req.quota_rules.unwrap_or(base.quota_rules),
        deadlines: req.deadlines.unwrap_or(base.deadlines),
        coverage_target_pct: req.coverage_target_pct.unwrap_or(base.coverage_target_pct),
        ..base
    };
    plan.check().map_err(refused)?;
    let key_units = check_key_units(&mut tx, &req.key_units).await?;
    if store::find(&mut tx, req.year).await?.is_some() {
        return Err(CampaignRefusal::AlreadyOpen { year: req.year }.into());
    }
    store::insert(&mut tx, Some(office.user.id), &plan, &key_units).await?;
    let saved = store::find(&mut tx, req.year)
        .await?
        .ok_or_else(|| store::internal("the campaign just opened is not there"))?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view(&saved))))
}

/// One year, open or closed.
#[utoipa::path(get, path = "/api/v1/office/campaigns/{year}", tag = "campaigns",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = CampaignView), (status = 401), (status = 404)))]
async fn one_year(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    let year = parse_year(&year)?;
    let mut conn = state.db.pool.acquire().await?;
    let record = store::find(&mut conn, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&record)))
}

/// Edits an open year; what the request leaves out stays. Stage dates stay ordered and inside
/// the year, criteria codes stay (names may change, new codes may join). Each changed field is
/// an event with its old and new value.
#[utoipa::path(patch, path = "/api/v1/office/campaigns/{year}", tag = "campaigns", request_body = CampaignEdit,
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = CampaignView), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"),
        (status = 422, description = "a setting breaks a rule")))]
async fn edit(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    ApiJson(req): ApiJson<CampaignEdit>,
) -> Result<Json<CampaignView>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let old = store::lock_open(&mut tx, year).await?;
    let was = &old.plan;
    let new = CampaignPlan {
        focus: req.focus.unwrap_or(was.focus),
        stages: req.stages.unwrap_or_else(|| was.stages.clone()),
        criteria: match req.criteria {
            Some(given) => with_sets(&was.criteria, given)?,
            None => was.criteria.clone(),
        },
        quota_rules: req.quota_rules.unwrap_or(was.quota_rules),
        deadlines: req.deadlines.unwrap_or(was.deadlines),
        coverage_target_pct: req.coverage_target_pct.unwrap_or(was.coverage_target_pct),
        year,
    };
    was.check_edit(&new).map_err(refused)?;
    let key_units = match &req.key_units {
        Some(given) => check_key_units(&mut tx, given).await?,
        None => old.key_unit_ids(),
    };
    store::save_edit(&mut tx, office.user.id, &old, &new, &key_units).await?;
    let saved = store::find(&mut tx, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(view(&saved)))
}

/// Closes a year: from now on it is frozen, every write to it is refused (409), and it stays
/// readable. Its ledger counts only the visits received before the close.
#[utoipa::path(post, path = "/api/v1/office/campaigns/{year}/close", tag = "campaigns",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = CampaignView), (status = 401), (status = 404),
        (status = 409, description = "the year is closed already")))]
async fn close(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let record = store::lock_open(&mut tx, year).await?;
    store::close(&mut tx, office.user.id, &record).await?;
    let saved = store::find(&mut tx, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(view(&saved)))
}
