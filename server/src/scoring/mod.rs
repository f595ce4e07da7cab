//! The year-end appraisal (综合测评): survey part, inspection part, total, rank, and the
//! published ranking checked against the audit log. The office alone uses these routes.
//!
//! The rules and the exact formula are `chafang_domain::scoring`'s. Here: `store.rs` (the rows
//! and their events), `compute.rs` (the ranked units, their findings tally, the rows),
//! `import.rs` (the survey spreadsheet), `check.rs` (the recomputation from the audit log).
//! Every write goes through the year's freeze gate (`campaigns::store::lock_open`): once a
//! year is closed its appraisal is as published and can no longer change. Nothing is deleted:
//! a correction is a newer revision, a new publication supersedes the earlier one, which stays.
//!
//! `store::published_ranking` loads a year's published ranking (for the year-end 通报).

pub mod check;
pub mod compute;
pub mod import;
pub mod store;

pub use store::published_ranking;

use crate::auth::extract::OfficeUser;
use crate::campaigns::{self, parse_year};
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{
    InspectionInput, PublishRanking, PublishedRanking, ScoringCheck, ScoringYear, SurveyInput,
};
use chafang_domain::refusal::ScoringRefusal;
use chafang_domain::scoring::ScoringError;
use chafang_domain::scoring::{ScoringSettings, INSPECTION_POINTS_CP};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(year_view))
        .routes(routes!(edit_settings))
        .routes(routes!(enter_survey))
        .routes(routes!(set_inspection))
        .routes(routes!(publish))
        .routes(routes!(published))
        .routes(routes!(check_year))
        .merge(import::router())
}

fn refused(e: ScoringError) -> ApiError {
    ScoringRefusal::Invalid(e).into()
}

/// The longest note and override reason.
const NOTE_MAX_CHARS: usize = 500;

/// The office's view of a year as it stands now.
pub async fn view_of(conn: &mut AnyConnection, year: i32) -> Result<ScoringYear, ApiError> {
    let campaign = campaigns::store::find(conn, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    let inputs = store::load_inputs(conn, campaign.id).await?;
    let units = compute::ranked_units(conn, year).await?;
    let ctx = compute::context(conn, year).await?;
    let rows = compute::rows(&units, &inputs, &ctx);
    let published = store::publications(conn, campaign.id)
        .await?
        .pop()
        .map(|(p, _, _)| p);
    Ok(ScoringYear {
        year,
        open: campaign.closed_at.is_none(),
        settings: inputs.settings(),
        rows,
        published,
    })
}

#[utoipa::path(get, path = "/api/v1/office/scoring/{year}", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = ScoringYear), (status = 401), (status = 404)))]
async fn year_view(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<ScoringYear>, ApiError> {
    let year = parse_year(&year)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(view_of(&mut conn, year).await?))
}

/// Edits the year's levels, weights, deductions and inspection rule (while the year is open).
#[utoipa::path(post, path = "/api/v1/office/scoring/{year}/settings", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")), request_body = ScoringSettings,
    responses((status = 200, body = ScoringYear), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"), (status = 422, description = "a setting breaks a rule")))]
async fn edit_settings(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    ApiJson(new): ApiJson<ScoringSettings>,
) -> Result<Json<ScoringYear>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let campaign = campaigns::store::lock_open(&mut tx, year).await?;
    new.check().map_err(refused)?;
    let old = store::load_inputs(&mut tx, campaign.id).await?.settings();
    if old != new {
        store::save_settings(&mut tx, office.user.id, campaign.id, year, &old, &new).await?;
    }
    let view = view_of(&mut tx, year).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Checks that a unit is one the year ranks.
async fn ranked(
    conn: &mut AnyConnection,
    year: i32,
    unit: chafang_domain::UnitId,
) -> Result<(), ApiError> {
    if compute::ranked_units(conn, year)
        .await?
        .iter()
        .any(|u| u.id == unit)
    {
        Ok(())
    } else {
        Err(ScoringRefusal::NotAppraised { year }.into())
    }
}

/// Enters (or corrects, as a newer revision) a unit's survey results.
#[utoipa::path(post, path = "/api/v1/office/scoring/{year}/surveys", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")), request_body = SurveyInput,
    responses((status = 200, body = ScoringYear), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"), (status = 422, description = "the counts do not fit the levels")))]
async fn enter_survey(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<Json<ScoringYear>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let campaign = campaigns::store::lock_open(&mut tx, year).await?;
    let settings = store::load_inputs(&mut tx, campaign.id).await?.settings();
    input.counts.check(&settings).map_err(refused)?;
    ranked(&mut tx, year, input.unit_id).await?;
    let note = input.note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(ScoringRefusal::NoteTooLong {
            max: NOTE_MAX_CHARS,
        }
        .into());
    }
    store::add_survey(
        &mut tx,
        office.user.id,
        campaign.id,
        year,
        input.unit_id,
        &input.counts,
        note,
        "entry",
    )
    .await?;
    let view = view_of(&mut tx, year).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// The cross-check team's inspection figure for a unit, overriding the rule, or (`null`) the
/// return to the rule; always with a reason.
#[utoipa::path(post, path = "/api/v1/office/scoring/{year}/inspection", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")), request_body = InspectionInput,
    responses((status = 200, body = ScoringYear), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"), (status = 422, description = "no reason, or not 0 to 30 points")))]
async fn set_inspection(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    ApiJson(input): ApiJson<InspectionInput>,
) -> Result<Json<ScoringYear>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let campaign = campaigns::store::lock_open(&mut tx, year).await?;
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > NOTE_MAX_CHARS {
        return Err(ScoringRefusal::OverrideReason {
            max: NOTE_MAX_CHARS,
        }
        .into());
    }
    if input
        .points_cp
        .is_some_and(|p| !(0..=INSPECTION_POINTS_CP).contains(&p))
    {
        return Err(ScoringRefusal::InspectionPoints {
            max_cp: INSPECTION_POINTS_CP,
        }
        .into());
    }
    ranked(&mut tx, year, input.unit_id).await?;
    store::add_override(
        &mut tx,
        office.user.id,
        campaign.id,
        year,
        input.unit_id,
        input.points_cp,
        reason,
    )
    .await?;
    let view = view_of(&mut tx, year).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Publishes the year's ranking as it stands: every ranked unit must have its survey entered.
#[utoipa::path(post, path = "/api/v1/office/scoring/{year}/publish", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")), request_body = PublishRanking,
    responses((status = 200, body = PublishedRanking), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"),
        (status = 422, description = "units without survey results, named")))]
async fn publish(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    ApiJson(req): ApiJson<PublishRanking>,
) -> Result<Json<PublishedRanking>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let campaign = campaigns::store::lock_open(&mut tx, year).await?;
    let view = view_of(&mut tx, year).await?;
    let missing: Vec<&str> = view
        .rows
        .iter()
        .filter(|r| r.rank.is_none())
        .map(|r| r.unit.name.as_str())
        .collect();
    if view.rows.is_empty() {
        return Err(ScoringRefusal::NothingToRank.into());
    }
    if !missing.is_empty() {
        return Err(ScoringRefusal::MissingSurveys {
            units: missing.into_iter().map(str::to_owned).collect(),
        }
        .into());
    }
    let note = req.note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(ScoringRefusal::NoteTooLong {
            max: NOTE_MAX_CHARS,
        }
        .into());
    }
    let rows = compute::published(&view.rows);
    store::publish(
        &mut tx,
        office.user.id,
        campaign.id,
        year,
        note,
        &view.settings,
        &rows,
    )
    .await?;
    let ranking = published_ranking(&mut tx, year)
        .await?
        .ok_or_else(|| crate::error::internal("a publication that cannot be read back"))?;
    tx.commit().await?;
    // The new publication checked against the log at once: a difference is an alarm now, not
    // at the next hourly check. Published either way; a failing check is only logged.
    if let Err(e) = check::check_and_raise(&state.db, year).await {
        tracing::warn!(year, "scoring check after publishing: {e:?}");
    }
    Ok(Json(ranking))
}

/// The year's published ranking (its latest publication), or `null` before the first.
#[utoipa::path(get, path = "/api/v1/office/scoring/{year}/published", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = Option<PublishedRanking>), (status = 401), (status = 404)))]
async fn published(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<Option<PublishedRanking>>, ApiError> {
    let year = parse_year(&year)?;
    let mut conn = state.db.pool.acquire().await?;
    campaigns::store::find(&mut conn, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(published_ranking(&mut conn, year).await?))
}

/// Rebuilds the year's inputs from the audit log, recomputes the ranking and compares it with
/// the published figures and the tables; every difference is an alarm, and a new one notifies
/// the office.
#[utoipa::path(get, path = "/api/v1/office/scoring/{year}/check", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, body = ScoringCheck), (status = 401), (status = 404)))]
async fn check_year(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Json<ScoringCheck>, ApiError> {
    let year = parse_year(&year)?;
    // New alarms are raised (the office notified, a webhook event) once; the report lists all.
    Ok(Json(check::check_and_raise(&state.db, year).await?))
}
