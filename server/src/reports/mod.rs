//! Spreadsheets (xlsx with CSV beside each): the registration form 《明查暗访登记表》 for the
//! district, one monitor or one unit's subtree, and the unit head's own form with nothing of
//! the reporter (`registration.rs`); the summaries by unit, criterion, status and month, the
//! quota ledger and the self-inspection registers (`tables.rs`). Every export runs as a job
//! (`jobs.rs`): `POST` starts it and answers its progress, `GET …/{id}` polls it, `GET
//! …/{id}/file` downloads the finished file. `book.rs` writes the cells (constant memory for
//! xlsx; UTF-8 with BOM for CSV); `labels.rs` has the Chinese words for the stored codes.

mod book;
pub mod jobs;
pub use jobs::hold_for_tests;
pub(crate) mod labels;
pub mod registration;
mod tables;

pub use book::{Book, Cell};

use crate::auth::extract::{OfficeUser, UnitScope, UnitUser};
use crate::error::{ApiError, ApiJson};
use crate::findings;
use crate::state::AppState;
use crate::units::{self, import::download, sheet::XLSX_TYPE};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chafang_domain::api::{
    ReportFormat, ReportJob, ReportKind, ReportRequest, ReportState, UnitReportRequest,
};
use chafang_domain::refusal::ReportRefusal;
use chafang_domain::Role;
use registration::{CriterionNames, Directory, OfficeScope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_start))
        .routes(routes!(office_job))
        .routes(routes!(office_file))
        .routes(routes!(unit_start))
        .routes(routes!(unit_job))
        .routes(routes!(unit_file))
}

fn check_year(year: i32) -> Result<(), ReportRefusal> {
    const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(ReportRefusal::YearOutOfRange {
            year,
            min: *YEARS.start(),
            max: *YEARS.end(),
        })
    }
}

fn file_name(title: &str, view: Option<&str>, year: i32, format: ReportFormat) -> String {
    let view = view.map(|v| format!("-{v}")).unwrap_or_default();
    format!("{title}{view}-{year}.{}", format.extension())
}

/// Starts an export of a year: the registration form (the district's, a monitor's or a
/// unit's with its stations), the summaries, the quota ledger or the self-inspection
/// registers (all or a unit's), as xlsx or CSV. Answers the job; poll it, then download.
#[utoipa::path(post, path = "/api/v1/office/reports", tag = "reports", request_body = ReportRequest,
    responses((status = 202, body = ReportJob), (status = 401), (status = 404),
        (status = 409, description = "two exports of this user are running"),
        (status = 422, description = "a bad year, an unknown monitor or unit, or a narrowing this report does not take")))]
async fn office_start(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<ReportJob>), ApiError> {
    check_year(req.year)?;
    let mut conn = state.db.pool.acquire().await?;
    let all = units::list_all(&mut conn).await?;
    let unit = match req.unit {
        Some(u) if all.iter().any(|x| x.id == u) => Some(u),
        Some(_) => return Err(ReportRefusal::UnknownUnit.into()),
        None => None,
    };
    let subtree = unit.map(|u| units::subtree_ids(&all, u));
    let monitor = match req.monitor {
        Some(m) => {
            let user = crate::users::list(&mut conn)
                .await?
                .into_iter()
                .find(|u| u.id == m && u.role == Role::Monitor)
                .ok_or(ReportRefusal::UnknownMonitor)?;
            Some(user)
        }
        None => None,
    };
    let dir = Directory::of(all);
    let criteria = CriterionNames::of_year(&mut conn, req.year).await?;
    drop(conn);
    let (year, format) = (req.year, req.format);
    let narrowed = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(ReportRefusal::NotNarrowable { kind: req.kind })
        }
    };
    let (filename, work): (String, jobs::Work) = match req.kind {
        ReportKind::Registration => {
            narrowed(monitor.is_none() || unit.is_none())?;
            let view = match (&monitor, unit) {
                (Some(m), _) => m.display_name.clone(),
                (None, Some(u)) => dir.name(u),
                (None, None) => "全区".to_owned(),
            };
            let scope = OfficeScope {
                year,
                monitor: monitor.map(|m| m.id),
                units: subtree,
            };
            let sheet = view.clone();
            (
                file_name("明查暗访登记表", Some(&view), year, format),
                Box::new(move |ctx| {
                    registration::write_office(ctx, &sheet, &scope, &dir, &criteria)
                }),
            )
        }
        ReportKind::Summary => {
            narrowed(monitor.is_none() && unit.is_none())?;
            (
                file_name("明查暗访汇总", None, year, format),
                Box::new(move |ctx| tables::write_summary(ctx, year, &dir, &criteria)),
            )
        }
        ReportKind::Ledger => {
            narrowed(monitor.is_none() && unit.is_none())?;
            (
                file_name("明查暗访任务台账", None, year, format),
                Box::new(move |ctx| tables::write_ledger(ctx, year)),
            )
        }
        ReportKind::Register => {
            narrowed(monitor.is_none())?;
            let view = unit.map(|u| dir.name(u));
            (
                file_name("自查自纠登记表", view.as_deref(), year, format),
                Box::new(move |ctx| tables::write_register(ctx, year, &dir, subtree)),
            )
        }
    };
    let job = jobs::start(
        &state.exports,
        me.user.id,
        jobs::Slot::Office,
        filename,
        format,
        work,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Where one of the office user's own exports is: rows done of the total, done or failed.
#[utoipa::path(get, path = "/api/v1/office/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "the job's id")),
    responses((status = 200, body = ReportJob), (status = 401), (status = 404)))]
async fn office_job(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<ReportJob>, ApiError> {
    Ok(Json(
        jobs::find(&state.exports, &id, me.user.id).await?.view(),
    ))
}

/// The finished file of one of the office user's own exports.
#[utoipa::path(get, path = "/api/v1/office/reports/{id}/file", tag = "reports",
    params(("id" = String, Path, description = "the job's id")),
    responses((status = 200, description = "the spreadsheet",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 401), (status = 404), (status = 409, description = "still running or failed")))]
async fn office_file(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    file_of(&state, jobs::find(&state.exports, &id, me.user.id).await?).await
}

/// A finished job's file. Read whole (an xlsx of 100 000 findings is about 5 MB): a body
/// streamed from the file was cancelled by Chromium's download manager.
async fn file_of(state: &AppState, job: jobs::Job) -> Result<Response, ApiError> {
    if job.state() != ReportState::Done {
        return Err(ReportRefusal::NotFinished.into());
    }
    let bytes = jobs::file(&state.exports, &job).await?;
    let (content_type, ascii) = match job.format {
        ReportFormat::Xlsx => (XLSX_TYPE, "report.xlsx"),
        ReportFormat::Csv => (units::sheet::CSV_TYPE, "report.csv"),
    };
    Ok(download(content_type, &job.filename, ascii, bytes))
}

/// Starts the unit head's export of a year: the registration form of the findings released
/// to the unit and its stations, with nothing of who reported them (no monitor, no kind of
/// visit or method, dates as the unit is shown them). The job reads the unit's own cases
/// once it has its slot; a unit holds at most one slot, and never the office's.
#[utoipa::path(post, path = "/api/v1/unit/reports", tag = "reports", request_body = UnitReportRequest,
    responses((status = 202, body = ReportJob), (status = 401), (status = 404),
        (status = 409, description = "two exports of this user are running"), (status = 422)))]
async fn unit_start(
    State(state): State<AppState>,
    unit: UnitScope,
    ApiJson(req): ApiJson<UnitReportRequest>,
) -> Result<(StatusCode, Json<ReportJob>), ApiError> {
    check_year(req.year)?;
    let me = &unit.user;
    let scope = unit.ids().clone();
    let dir = Directory::of(unit.directory.clone());
    let name = dir.name(me.unit_id);
    let sheet = name.clone();
    let year = req.year;
    let job = jobs::start(
        &state.exports,
        me.current.user.id,
        jobs::Slot::Unit(me.unit_id),
        file_name("明查暗访登记表", Some(&name), req.year, req.format),
        req.format,
        Box::new(move |ctx| {
            let (criteria, own) = ctx.rt.block_on(async {
                let criteria = CriterionNames::of_year(&mut ctx.conn, year).await?;
                let own = findings::unit::released_to(&mut ctx.conn, &scope).await?;
                Ok::<_, ApiError>((criteria, own))
            })?;
            let cases = registration::unit_cases(own, &scope, year, &dir);
            registration::write_unit(ctx, &sheet, &cases, &dir, &criteria)
        }),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Where one of the unit user's own exports is.
#[utoipa::path(get, path = "/api/v1/unit/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "the job's id")),
    responses((status = 200, body = ReportJob), (status = 401), (status = 404)))]
async fn unit_job(
    State(state): State<AppState>,
    me: UnitUser,
    Path(id): Path<String>,
) -> Result<Json<ReportJob>, ApiError> {
    Ok(Json(
        jobs::find(&state.exports, &id, me.current.user.id)
            .await?
            .view(),
    ))
}

/// The finished file of one of the unit user's own exports.
#[utoipa::path(get, path = "/api/v1/unit/reports/{id}/file", tag = "reports",
    params(("id" = String, Path, description = "the job's id")),
    responses((status = 200, description = "the spreadsheet",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 401), (status = 404), (status = 409, description = "still running or failed")))]
async fn unit_file(
    State(state): State<AppState>,
    me: UnitUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    file_of(
        &state,
        jobs::find(&state.exports, &id, me.current.user.id).await?,
    )
    .await
}
