//! Importing the directory from the spreadsheets the units send in, and exporting it in the
//! same template.
//!
//! An import is planned before anything is written: every row is read, matched to the unit it
//! describes and compared with it, and the plan says for each row whether it creates a unit,
//! updates one (each changed field with its old and new value) or leaves one unchanged, and
//! every error with its row number ("第 17 行: 缺少地址"); `plan.rs` does that. A dry run
//! answers the plan. A confirmation plans again inside one write transaction and applies every
//! row or, if any row has an error or the database refuses any write, none.
//!
//! Moving a unit to another parent and merging units are not done by an import (each row's
//! parent must be the unit's own), and no unit is ever deleted.

use super::plan::{parent_text, plan, Node, Plan, Step};
use super::sheet::{self, Cell, Sheet, CSV_TYPE, XLSX_TYPE};
use super::{create, list_records, lock_directory, update, NewUnit};
use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::db::WriteTx;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{ImportReport, SheetColumn, SheetFormat, UnitRecord, IMPORT_MAX_BYTES};
use chafang_domain::event::{DirectoryImported, UnitVia};
use chafang_domain::refusal::input::{InputRefusal, SheetProblem};
use chafang_domain::refusal::{DirectoryRefusal, QueryRefusal, Refusal};
use chafang_domain::visit::sha256_hex;
use chafang_domain::{UnitId, UserId};
use serde::Deserialize;
use sqlx::AnyConnection;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(template))
        .routes(routes!(export))
        .routes(routes!(dry_run))
        .routes(routes!(confirm))
        .layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES))
}

// ---------------------------------------------------------------------------------------------
// Applying.
// ---------------------------------------------------------------------------------------------

/// A database refusal during an import, said so: nothing of the file was written.
fn refused_at(line: u32, e: ApiError) -> ApiError {
    match e {
        ApiError::Refused(Refusal::Store(store)) => {
            DirectoryRefusal::ImportRowRefused { line, store }.into()
        }
        other => other,
    }
}

/// Gives every unit that an update renames its id for a name, so that units may swap names or
/// take one another gives up without two of them ever holding one name under one parent. The
/// update that follows writes the final name, and the audit chain shows the real old one.
async fn clear_renamed(conn: &mut AnyConnection, plan: &Plan) -> Result<(), ApiError> {
    for step in &plan.steps {
        if let Step::Update { id, old, new } = step {
            if old.name != new.name {
                sqlx::query("UPDATE units SET name = $1 WHERE id = $2")
                    .bind(id.to_string())
                    .bind(id.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Carries out a plan without errors in the caller's transaction: updates first (so that a
/// unit may take a name another one gives up), then creations, each parent before its
/// children. Fills in the created units' ids.
async fn apply(conn: &mut WriteTx, actor: UserId, plan: &mut Plan) -> Result<(), ApiError> {
    clear_renamed(conn, plan).await?;
    let file_sha256 = plan.report.file_sha256.clone();
    let context = || UnitVia {
        via: Some("import".to_owned()),
        file_sha256: Some(file_sha256.clone()),
    };
    for (i, step) in plan.steps.iter().enumerate() {
        if let Step::Update { id, old, new } = step {
            let line = plan.report.rows[i].line;
            update(conn, Some(actor), *id, old, new, context())
                .await
                .map_err(|e| refused_at(line, e))?;
        }
    }
    let mut created: HashMap<usize, UnitId> = HashMap::new();
    let mut pending: Vec<usize> = (0..plan.steps.len())
        .filter(|&i| matches!(plan.steps[i], Step::Create { .. }))
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut later = Vec::new();
        for i in pending {
            let Step::Create {
                row,
                parent,
                fields,
            } = &plan.steps[i]
            else {
                continue;
            };
            let parent_id = match parent {
                None => None,
                Some(Node::Existing(id)) => Some(*id),
                Some(Node::New(j)) => match created.get(j) {
                    Some(id) => Some(*id),
                    None => {
                        later.push(i);
                        continue;
                    }
                },
            };
            let unit = NewUnit {
                parent: parent_id,
                name: fields.name.clone(),
                kind: fields.kind,
                address: fields.address.clone(),
                position: fields.position,
            };
            let line = plan.report.rows[i].line;
            let id = create(conn, Some(actor), unit, &fields.contacts, context())
                .await
                .map_err(|e| refused_at(line, e))?;
            created.insert(*row, id);
            plan.report.rows[i].unit_id = Some(id);
        }
        if later.len() == before {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "import plan has creations whose parents are never created"
            )));
        }
        pending = later;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Routes.
// ---------------------------------------------------------------------------------------------

/// Reads an uploaded file off the async threads (decompressing and parsing take a while).
async fn read_upload(body: Bytes) -> Result<Sheet, ApiError> {
    if body.is_empty() {
        return Err(InputRefusal::SheetUnreadable {
            problem: SheetProblem::Empty,
        }
        .into());
    }
    tokio::task::spawn_blocking(move || sheet::read(&body))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading a sheet: {e}")))?
}

/// An attachment download, named in Chinese with a plain fallback for old clients.
pub(crate) fn download(
    content_type: &'static str,
    filename: &str,
    ascii: &str,
    bytes: Vec<u8>,
) -> Response {
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The empty template: the headings, the kind as a drop-down, and a sheet that explains each
/// column.
#[utoipa::path(get, operation_id = "directoryTemplate", path = "/api/v1/office/directory/template", tag = "office",
    responses((status = 200, description = "the template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401), (status = 404, description = "not office staff")))]
async fn template(_office: OfficeUser) -> Result<Response, ApiError> {
    let bytes = tokio::task::spawn_blocking(|| sheet::write_xlsx(&[]))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing the template: {e}")))??;
    Ok(download(
        XLSX_TYPE,
        "被评议单位名录模板.xlsx",
        "units-template.xlsx",
        bytes,
    ))
}

/// The directory in the template's rows: parents before children, each top-level unit
/// followed by its subtree.
fn export_rows(records: &[UnitRecord]) -> Vec<Vec<Cell>> {
    let mut children: HashMap<Option<UnitId>, Vec<&UnitRecord>> = HashMap::new();
    for r in records {
        children.entry(r.unit.parent_id).or_default().push(r);
    }
    let mut out = Vec::with_capacity(records.len());
    let mut stack: Vec<&UnitRecord> = children.get(&None).cloned().unwrap_or_default();
    stack.reverse();
    while let Some(r) = stack.pop() {
        out.push(export_row(records, r));
        if let Some(kids) = children.get(&Some(r.unit.id)) {
            stack.extend(kids.iter().rev());
        }
    }
    out
}

fn export_row(records: &[UnitRecord], r: &UnitRecord) -> Vec<Cell> {
    let text = |s: &str| Cell::Text(s.to_owned());
    let (lat, lon) = match r.unit.position {
        Some(p) => (Cell::Number(p.lat), Cell::Number(p.lon)),
        None => (text(""), text("")),
    };
    SheetColumn::ALL
        .map(|column| match column {
            SheetColumn::Name => text(&r.unit.name),
            SheetColumn::Parent => Cell::Text(
                r.unit
                    .parent_id
                    .map(|p| parent_text(records, p))
                    .unwrap_or_default(),
            ),
            SheetColumn::Kind => text(r.unit.kind.label_zh()),
            SheetColumn::Address => text(&r.unit.address),
            SheetColumn::Lat => lat.clone(),
            SheetColumn::Lon => lon.clone(),
            SheetColumn::HeadName => text(&r.contacts.head_name),
            SheetColumn::HeadPhone => text(&r.contacts.head_phone),
            SheetColumn::LiaisonName => text(&r.contacts.liaison_name),
            SheetColumn::LiaisonPhone => text(&r.contacts.liaison_phone),
            SheetColumn::LeadingOffice => text(&r.contacts.leading_office),
            SheetColumn::Id => Cell::Text(r.unit.id.to_string()),
        })
        .to_vec()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    format: Option<String>,
}

/// The whole directory in the template, with every unit's id: edited and imported again, it
/// updates (and may rename) the same units.
#[utoipa::path(get, path = "/api/v1/office/directory/export", tag = "office", params(ExportQuery),
    responses((status = 200, description = "the directory",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 400, description = "an unknown format"), (status = 401), (status = 404, description = "not office staff")))]
async fn export(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref() {
        None | Some("xlsx") => SheetFormat::Xlsx,
        Some("csv") => SheetFormat::Csv,
        Some(other) => {
            return Err(QueryRefusal::Format {
                given: other.to_owned(),
            }
            .into())
        }
    };
    let records = {
        let mut conn = state.db.pool.acquire().await?;
        list_records(&mut conn).await?
    };
    let rows = export_rows(&records);
    let bytes = tokio::task::spawn_blocking(move || match format {
        SheetFormat::Xlsx => sheet::write_xlsx(&rows),
        SheetFormat::Csv => sheet::write_csv(&rows),
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing the export: {e}")))??;
    Ok(match format {
        SheetFormat::Xlsx => download(XLSX_TYPE, "被评议单位名录.xlsx", "units.xlsx", bytes),
        SheetFormat::Csv => download(CSV_TYPE, "被评议单位名录.csv", "units.csv", bytes),
    })
}

/// The dry run of an import: what every row would do and every error, with nothing written.
/// The body is the file's bytes (xlsx or CSV, told apart by their content).
#[utoipa::path(post, path = "/api/v1/office/directory/import/dry-run", tag = "office",
    request_body(description = "the spreadsheet's bytes, at most 5 MB",
        content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
    responses((status = 200, body = ImportReport, description = "the plan; rows with errors are listed in `errors`"),
        (status = 401), (status = 404, description = "not office staff"), (status = 413),
        (status = 422, description = "not a spreadsheet of the template; the message says why")))]
async fn dry_run(
    State(state): State<AppState>,
    _office: OfficeUser,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let file_sha256 = sha256_hex(&body);
    let sheet = read_upload(body).await?;
    let mut conn = state.db.pool.acquire().await?;
    let records = list_records(&mut conn).await?;
    Ok(Json(plan(&sheet, &records, &file_sha256)?.report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ConfirmQuery {
    /// The dry run's `token`: the import is refused (409) if the plan is no longer the same.
    #[serde(default)]
    token: Option<String>,
}

/// Imports a spreadsheet: plans it again in one write transaction and applies every row, or
/// nothing if any row has an error (422, the message lists them), the plan differs from the
/// dry run named by `token` (409), or the database refuses a write (409 or 422).
#[utoipa::path(post, path = "/api/v1/office/directory/import", tag = "office", params(ConfirmQuery),
    request_body(description = "the same spreadsheet's bytes as the dry run's",
        content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
    responses((status = 200, body = ImportReport, description = "applied; created units carry their new ids"),
        (status = 401), (status = 404, description = "not office staff"), (status = 413),
        (status = 409, description = "the directory changed since the dry run, or the database refused a row; nothing was written"),
        (status = 422, description = "not a spreadsheet of the template, or rows with errors; nothing was written")))]
async fn confirm(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Query(q): Query<ConfirmQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let file_sha256 = sha256_hex(&body);
    let sheet = read_upload(body).await?;
    let mut tx = state.db.begin_write().await?;
    lock_directory(&mut tx).await?;
    let records = list_records(&mut tx).await?;
    let mut plan = plan(&sheet, &records, &file_sha256)?;
    refuse_errors(&plan.report)?;
    if q.token.as_ref().is_some_and(|t| *t != plan.report.token) {
        return Err(DirectoryRefusal::ChangedSinceDryRun.into());
    }
    apply(&mut tx, office.user.id, &mut plan).await?;
    let r = &plan.report;
    if r.creates + r.updates > 0 {
        audit::record(
            &mut tx,
            Some(office.user.id),
            &r.file_sha256,
            DirectoryImported {
                format: r.format,
                rows: r.rows.len() as u64,
                creates: r.creates,
                updates: r.updates,
                unchanged: r.unchanged,
            },
        )
        .await?;
    }
    tx.commit().await?;
    plan.report.applied = true;
    Ok(Json(plan.report))
}

/// The first errors of a plan as one 422: how many, and the lines of the first ten (the
/// dry run's report words each).
fn refuse_errors(report: &ImportReport) -> Result<(), ApiError> {
    const SHOWN: usize = 10;
    if report.errors.is_empty() {
        return Ok(());
    }
    Err(InputRefusal::RowErrors {
        count: report.errors.len(),
        lines: report.errors.iter().take(SHOWN).map(|e| e.line).collect(),
    }
    .into())
}
