//! Official documents as PDF (公文): 交办单, 整改通知书 and 督办函 addressed to the unit of a
//! finding, and the year's 通报 of the published ranking to every unit. Each issued document
//! gets the next number of the year (行评办〔2026〕3号, no gaps), its bytes go to the blob store
//! and their SHA-256 onto the audit chain in the issuing transaction, and it is served again
//! byte for byte from the store: an issued document is never re-rendered, and issuing again
//! makes a new document with a new number. The issuing office's name and code are
//! `--doc-issuer` and `--doc-code` (see `content::Issuer` and `Settings`).
//!
//! Every document carries the audit chain's head off the machine: its last page prints the
//! latest *scheduled* checkpoint (「存证链校验点：<seq>:<hash>」, the server's start or hourly
//! line; genesis before there is one), never the live head, which would date and count intake.
//! Right after the issuing transaction commits, the live head is appended to the checkpoint
//! file as a `document` line, which stays on the machine.
//!
//! - `fonts`: finding the CJK fonts (system or `--font-dir`), with a clear error.
//! - `layout`: Chinese line breaking with the punctuation rules (禁则) and justification.
//! - `render`: the page in GB/T 9704 proportions, written by krilla (font subset embedded).
//! - `table`: a ruled table in the body (the bulletin's ranking): column widths, cells wrapped,
//!   rows split across pages under a repeated header.
//! - `content`: what each kind says, from the unit's own view of the finding only (or from the
//!   published ranking for a bulletin).
//! - `store`: numbers, rows, bytes and the audit event.

pub mod content;
pub mod fonts;
pub mod layout;
pub mod render;
pub mod store;
pub mod table;

use crate::auth::extract::{OfficeUser, UnitScope};
use crate::clock::today_cst;
use crate::error::{ApiError, ApiJson};
use crate::findings::store::{self as cases, CaseRecord};
use crate::findings::views::{self, UnitNames};
use crate::state::AppState;
use crate::units;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{paths, DocumentKind, DocumentView, IssueDocument, PublishedRanking};
use chafang_domain::criteria::default_criteria;
use chafang_domain::followup::{add_working_days, DeadlineKind};
use chafang_domain::refusal::DocumentRefusal;
use chafang_domain::CaseId;
use content::{Finding, Issuer};
use serde::Deserialize;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What the documents are set with, from `chafang serve`'s settings: the issuing office and
/// where the CJK fonts are (the system's directories unless `--font-dir` names one).
#[derive(Clone, Debug)]
pub struct Settings {
    pub issuer: Issuer,
    pub font_dirs: Vec<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(None, None, None)
    }
}

impl Settings {
    pub fn new(
        issuer: Option<&str>,
        code: Option<&str>,
        font_dir: Option<&std::path::Path>,
    ) -> Settings {
        Settings {
            issuer: Issuer::new(issuer, code),
            font_dirs: fonts::search_dirs(font_dir),
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_list, issue))
        .routes(routes!(office_pdf))
        .routes(routes!(unit_list))
        .routes(routes!(unit_pdf))
}

/// Working days a reminder gives by default.
pub const REMINDER_DAYS: u32 = 3;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only the documents about this finding (case id).
    case: Option<String>,
}

/// The issued documents, newest first; `?case=` narrows to one finding's.
#[utoipa::path(get, path = "/api/v1/office/documents", tag = "documents", params(ListQuery),
    responses((status = 200, body = Vec<DocumentView>), (status = 401), (status = 404)))]
pub async fn office_list(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let names = UnitNames::load(&mut conn).await?;
    let case: Option<CaseId> = q
        .case
        .filter(|c| !c.is_empty())
        .map(|c| c.parse().map_err(|_| DocumentRefusal::BadCaseId))
        .transpose()?;
    Ok(Json(
        store::list(&mut conn, &names, paths::OFFICE_DOCUMENTS)
            .await?
            .into_iter()
            .map(|s| s.view)
            .filter(|v| case.is_none() || v.case == case)
            .collect(),
    ))
}

/// The name of a finding's criterion in the set of its unit's kind, as the campaign of its year
/// (or the latest before) calls it; the default set's name, or the code, otherwise.
async fn criterion_name(
    conn: &mut AnyConnection,
    case: &CaseRecord,
    year: i32,
) -> Result<String, ApiError> {
    let all = units::list_all(conn).await?;
    let Some(kind) = all
        .iter()
        .find(|u| u.id == case.unit_id)
        .map(|u| u.criteria_set)
    else {
        return Ok(case.criterion.clone());
    };
    let row = sqlx::query(
        "SELECT cc.name_zh FROM campaign_criteria cc JOIN campaigns c ON c.id = cc.campaign_id \
         WHERE cc.code = $1 AND cc.set_kind = $2 AND c.year <= $3 ORDER BY c.year DESC LIMIT 1",
    )
    .bind(&case.criterion)
    .bind(kind.as_str())
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(r) = row {
        return Ok(r.try_get("name_zh")?);
    }
    Ok(default_criteria(kind)
        .into_iter()
        .find(|c| c.code == case.criterion)
        .map(|c| c.name_zh)
        .unwrap_or_else(|| case.criterion.clone()))
}

fn check_deadline(deadline: Date, today: Date) -> Result<Date, ApiError> {
    if deadline < today {
        return Err(DocumentRefusal::DeadlinePast { deadline, today }.into());
    }
    Ok(deadline)
}

/// What a document is written from: a finding as its unit knows it, or a published ranking.
enum Source {
    Finding {
        case: Box<CaseRecord>,
        unit_case: Box<chafang_domain::api::UnitCase>,
        criterion_name: String,
        deadline: Option<Date>,
        overdue: Option<(DeadlineKind, Date)>,
    },
    Bulletin(Box<PublishedRanking>),
}

/// The finding a document is about, checked for the kind asked: with its unit, a deadline
/// not in the past, and for a reminder something overdue.
async fn finding_source(
    conn: &mut AnyConnection,
    req: &IssueDocument,
    today: Date,
    names: &UnitNames,
) -> Result<Source, ApiError> {
    let case_id = req
        .case
        .ok_or(DocumentRefusal::NeedsFinding { kind: req.kind })?;
    let case = cases::load(conn, case_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !case.state.is_released() {
        return Err(DocumentRefusal::NotReleased.into());
    }
    let unit_case = views::unit_case(conn, &case, names).await?;
    let criterion_name = criterion_name(conn, &case, unit_case.seen_in.year).await?;
    let (deadline, overdue) = match req.kind {
        DocumentKind::RectificationNotice => {
            let d = req
                .deadline
                .or(case.deadlines.committed_by)
                .or(case.deadlines.answer_due)
                .ok_or(DocumentRefusal::NoDeadline)?;
            (Some(check_deadline(d, today)?), None)
        }
        DocumentKind::Reminder => {
            let overdue = case
                .deadlines
                .overdue(case.state, today)
                .ok_or(DocumentRefusal::NothingOverdue)?;
            let d = match req.deadline {
                Some(d) => d,
                None => add_working_days(
                    &crate::work_calendar::load(conn).await?,
                    today,
                    REMINDER_DAYS,
                ),
            };
            (Some(check_deadline(d, today)?), Some(overdue))
        }
        _ => (None, None),
    };
    Ok(Source::Finding {
        case: Box::new(case),
        unit_case: Box::new(unit_case),
        criterion_name,
        deadline,
        overdue,
    })
}

/// Issue a document. For a finding that has been handed to its unit: a 交办单, a 整改通知书
/// (by the given deadline, or the finding's running one) or a 督办函 (only when a deadline has
/// passed; by default three working days from today). The 通报 of a year (this year unless
/// `year` says otherwise) is written from its published ranking. 409 when the finding is not
/// with its unit, nothing is overdue for a reminder, the ranking is not published, or the
/// server has no CJK font.
#[utoipa::path(post, operation_id = "issueDocument", path = "/api/v1/office/documents", tag = "documents",
    request_body = IssueDocument,
    responses((status = 201, body = DocumentView), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn issue(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<IssueDocument>,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    if req.kind == DocumentKind::Accountability {
        return Err(DocumentRefusal::ThroughLadder.into());
    }
    let Prepared {
        fonts,
        issuer,
        anchor,
    } = prepare(&state).await?;
    let today = today_cst();
    let mut tx = state.db.begin_write().await?;
    let names = UnitNames::load(&mut tx).await?;
    let source = if req.kind.about_a_finding() {
        finding_source(&mut tx, &req, today, &names).await?
    } else {
        let year = req.year.unwrap_or(today.year());
        let ranking = crate::scoring::store::published_ranking(&mut tx, year)
            .await?
            .ok_or(DocumentRefusal::NotPublished { year })?;
        Source::Bulletin(Box::new(ranking))
    };
    let year = today.year();
    let seq = store::next_seq(&mut tx, year).await?;
    let number = issuer.number(year, seq);
    let (doc, case, unit, deadline) = match &source {
        Source::Finding {
            case,
            unit_case,
            criterion_name,
            deadline,
            overdue,
        } => {
            let finding = Finding {
                case: unit_case,
                criterion_name: criterion_name.clone(),
                deadlines: case.deadlines,
                answer_days: case.answer_days,
            };
            let doc = match (req.kind, *deadline, *overdue) {
                (DocumentKind::RectificationNotice, Some(d), _) => {
                    content::rectification_notice(&issuer, &number, today, d, &finding)
                }
                (DocumentKind::Reminder, Some(d), Some(due)) => {
                    content::reminder(&issuer, &number, today, d, due, &finding)
                }
                _ => content::assignment(&issuer, &number, today, &finding),
            };
            (doc, Some(case.id), Some(case.unit_id), *deadline)
        }
        Source::Bulletin(ranking) => (
            content::bulletin(&issuer, &number, today, ranking),
            None,
            None,
            None,
        ),
    };
    let title = doc.title.clone();
    let doc = render::Document {
        anchor: Some(anchor.to_string()),
        ..doc
    };
    let pdf = render_blocking(doc, fonts).await?;
    let id = store::insert(
        &mut tx,
        &state.blobs,
        store::NewDocument {
            kind: req.kind,
            year,
            seq,
            number,
            title,
            case,
            unit,
            deadline,
            issued_on: today,
            issued_by: me.user.id,
            anchor,
        },
        pdf,
    )
    .await?;
    let view = store::find(&mut tx, &id.to_string(), &names, paths::OFFICE_DOCUMENTS)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("issued document {id} not found")))?
        .view;
    tx.commit().await?;
    after_issue(&state).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// What an issue needs before it takes a number: the fonts (a server without them says so
/// first), the issuer and the checkpoint the document prints.
pub struct Prepared {
    pub fonts: Arc<fonts::Fonts>,
    pub issuer: Issuer,
    pub anchor: crate::audit::Head,
}

pub async fn prepare(state: &AppState) -> Result<Prepared, ApiError> {
    let dirs = state.documents.font_dirs.clone();
    let fonts = tokio::task::spawn_blocking(move || fonts::configured(&dirs))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| {
            tracing::error!("{e}");
            DocumentRefusal::NoFont { wanted: e.wanted }
        })?;
    Ok(Prepared {
        fonts,
        issuer: state.documents.issuer.clone(),
        anchor: printed_anchor(state).await?,
    })
}

/// Issues a document written by `write` (given the issuer, its number and today) in the
/// caller's transaction: the next number, the PDF rendered with the printed checkpoint, its
/// bytes, row and event. The caller commits, then calls `after_issue`.
pub async fn issue_in(
    tx: &mut crate::db::WriteTx,
    state: &AppState,
    prepared: Prepared,
    kind: DocumentKind,
    unit: Option<chafang_domain::UnitId>,
    issued_by: chafang_domain::UserId,
    write: impl FnOnce(&Issuer, &str, Date) -> render::Document,
) -> Result<DocumentView, ApiError> {
    let today = today_cst();
    let year = today.year();
    let seq = store::next_seq(tx, year).await?;
    let number = prepared.issuer.number(year, seq);
    let doc = write(&prepared.issuer, &number, today);
    let title = doc.title.clone();
    let doc = render::Document {
        anchor: Some(prepared.anchor.to_string()),
        ..doc
    };
    let pdf = render_blocking(doc, prepared.fonts).await?;
    let id = store::insert(
        tx,
        &state.blobs,
        store::NewDocument {
            kind,
            year,
            seq,
            number,
            title,
            case: None,
            unit,
            deadline: None,
            issued_on: today,
            issued_by,
            anchor: prepared.anchor,
        },
        pdf,
    )
    .await?;
    let names = UnitNames::load(tx).await?;
    Ok(
        store::find(tx, &id.to_string(), &names, paths::OFFICE_DOCUMENTS)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("issued document {id} not found")))?
            .view,
    )
}

/// After an issue has committed: the live head goes to the checkpoint file as a `document`
/// line. The document is issued whatever happens to this line; a failure is logged, and the
/// next hourly line anchors the head all the same.
pub async fn after_issue(state: &AppState) {
    if let Err(e) = crate::audit::checkpoint::take(
        &state.db,
        &state.checkpoints,
        crate::audit::checkpoint::Occasion::Document,
    )
    .await
    {
        tracing::error!(
            error = format!("{e:#}"),
            "audit checkpoint after an issue failed"
        );
    }
}

/// The head a document prints: the checkpoint file's latest scheduled line, or genesis before
/// the server has written one.
async fn printed_anchor(state: &AppState) -> Result<crate::audit::Head, ApiError> {
    Ok(
        crate::audit::checkpoint::latest_scheduled(&state.checkpoints)
            .await
            .map_err(ApiError::Internal)?
            .map(|c| c.head)
            .unwrap_or_else(crate::audit::Head::genesis),
    )
}

/// Renders on a blocking thread: subsetting a CJK font takes a moment.
async fn render_blocking(
    doc: render::Document,
    fonts: Arc<fonts::Fonts>,
) -> Result<Vec<u8>, ApiError> {
    tokio::task::spawn_blocking(move || render::render(&doc, &fonts))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))
}

/// The stored bytes, as issued.
async fn serve_pdf(state: &AppState, doc: store::Stored) -> Result<Response, ApiError> {
    let bytes = store::read_verified(&state.blobs, &doc).await?;
    // The file name is ASCII (the number's year and sequence); the title is in the PDF.
    let filename = format!(
        "{}-{}-{}.pdf",
        doc.view.kind.as_str(),
        doc.view.year,
        doc.view.seq
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// An issued document's PDF, byte for byte as issued.
#[utoipa::path(get, path = "/api/v1/office/documents/{id}/pdf", tag = "documents",
    params(("id" = String, Path, description = "document id")),
    responses((status = 200, content_type = "application/pdf"), (status = 401), (status = 404)))]
pub async fn office_pdf(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let names = UnitNames::load(&mut conn).await?;
    let doc = store::find(&mut conn, &id, &names, paths::OFFICE_DOCUMENTS)
        .await?
        .ok_or(ApiError::NotFound)?;
    drop(conn);
    serve_pdf(&state, doc).await
}

/// The documents addressed to the unit or a unit under it, and the bulletins, newest first.
async fn unit_documents(
    conn: &mut AnyConnection,
    scope: &UnitScope,
) -> Result<Vec<store::Stored>, ApiError> {
    let names = UnitNames::of(&scope.directory);
    Ok(store::list(conn, &names, paths::UNIT_DOCUMENTS)
        .await?
        .into_iter()
        .filter(|d| match &d.view.unit {
            Some(u) => scope.contains(u.id),
            // A bulletin goes to every appraised unit.
            None => d.view.kind == DocumentKind::Bulletin,
        })
        .collect())
}

/// The documents addressed to the signed-in unit user's unit and the units under it.
#[utoipa::path(get, path = "/api/v1/unit/documents", tag = "documents",
    responses((status = 200, body = Vec<DocumentView>), (status = 401), (status = 404)))]
pub async fn unit_list(
    State(state): State<AppState>,
    scope: UnitScope,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        unit_documents(&mut conn, &scope)
            .await?
            .into_iter()
            .map(|d| d.view)
            .collect(),
    ))
}

/// A document addressed to the unit (or a unit under it), byte for byte as issued; 404 for
/// any other.
#[utoipa::path(get, path = "/api/v1/unit/documents/{id}/pdf", tag = "documents",
    params(("id" = String, Path, description = "document id")),
    responses((status = 200, content_type = "application/pdf"), (status = 401), (status = 404)))]
pub async fn unit_pdf(
    State(state): State<AppState>,
    scope: UnitScope,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let doc = unit_documents(&mut conn, &scope)
        .await?
        .into_iter()
        .find(|d| d.view.id.to_string() == id)
        .ok_or(ApiError::NotFound)?;
    drop(conn);
    serve_pdf(&state, doc).await
}
