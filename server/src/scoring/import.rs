//! The survey results as a spreadsheet: the template (one row per ranked unit, a column per
//! level of the year's settings) and its import. Every row is read and checked before anything
//! is written and every error is named by its row ("第 5 行: …"); a dry run answers that
//! report, an import writes every row (each a survey entry revision with its audit event) or,
//! if any row has an error, none.

use super::{compute, store};
use crate::auth::extract::OfficeUser;
use crate::campaigns::{self, parse_year};
use crate::error::ApiError;
use crate::state::AppState;
use crate::units::sheet::{self, Sheet, XLSX_TYPE};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{
    CountColumn, SurveyImportReport, SurveyImportRow, SurveyRowError, SurveyRowProblem, UnitRef,
    IMPORT_MAX_BYTES,
};
use chafang_domain::refusal::input::{InputRefusal, SheetProblem};
use chafang_domain::scoring::{survey_cp, ScoringSettings, SurveyCounts};
use chafang_domain::visit::sha256_hex;
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use std::collections::HashSet;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(template))
        .routes(routes!(import))
        .layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES))
}

const ID: &str = "单位编号";
const NAME: &str = "单位名称";
const FALSIFIED: &str = "虚假服务对象条数";
const NOTE: &str = "备注";

/// The headings, in order: id, name, the satisfaction levels, the misconduct levels, the
/// deduction and a note.
fn headings(s: &ScoringSettings) -> Vec<String> {
    let mut h = vec![ID.to_owned(), NAME.to_owned()];
    h.extend(s.satisfaction.iter().map(|l| l.name.trim().to_owned()));
    h.extend(s.misconduct.iter().map(|l| l.name.trim().to_owned()));
    h.push(FALSIFIED.to_owned());
    h.push(NOTE.to_owned());
    h
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("writing xlsx: {e}"))
}

/// The template: the year's levels as headings, every ranked unit a row, pre-filled with the
/// figures entered so far (`entered`), so that a clerk edits what is there.
fn template_bytes(
    s: &ScoringSettings,
    units: &[UnitRef],
    year: i32,
    entered: &std::collections::HashMap<chafang_domain::UnitId, SurveyCounts>,
) -> Result<Vec<u8>, ApiError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("问卷结果").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    for (c, h) in headings(s).iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, c, h, &bold)
            .map_err(xlsx_error)?;
        sheet
            .set_column_width(c, if c < 2 { 24 } else { 12 })
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (r, u) in units.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        sheet
            .write_string(r, 0, u.id.to_string())
            .map_err(xlsx_error)?;
        sheet.write_string(r, 1, &u.name).map_err(xlsx_error)?;
        if let Some(c) = entered.get(&u.id) {
            let figures = c
                .satisfaction
                .iter()
                .chain(&c.misconduct)
                .chain(std::iter::once(&c.falsified_entries));
            for (i, n) in figures.enumerate() {
                let col = u16::try_from(i + 2).unwrap_or(u16::MAX);
                sheet
                    .write_number(r, col, f64::from(*n))
                    .map_err(xlsx_error)?;
            }
        }
    }
    let help = book.add_worksheet();
    help.set_name("填写说明").map_err(xlsx_error)?;
    let lines = [
        format!("{year} 年度综合测评问卷结果：每个单位一行，填写各档次的答卷人数。"),
        format!(
            "总体满意度档次：{}；不正之风档次：{}。",
            s.satisfaction
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            s.misconduct
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
        "“单位编号”由系统填好，请勿改动；没有编号时按“单位名称”对应。".to_owned(),
        "“虚假服务对象条数”每条扣 0.5 分（按本年度设置），不填为 0。".to_owned(),
        "已录入的数字已预先填好；整行留空表示该单位不变，与已录入相同的行也不会新增修订。"
            .to_owned(),
        "导入时逐行检查，有任何一行出错则整表不导入。".to_owned(),
    ];
    for (i, l) in lines.iter().enumerate() {
        help.write_string(u32::try_from(i).unwrap_or(0), 0, l)
            .map_err(xlsx_error)?;
    }
    help.set_column_width(0, 90).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// An attachment download, named in Chinese with a plain fallback.
fn download(filename: &str, ascii: &str, bytes: Vec<u8>) -> Response {
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    (
        [
            (header::CONTENT_TYPE, XLSX_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The template with the year's levels and every ranked unit.
#[utoipa::path(get, operation_id = "surveyTemplate", path = "/api/v1/office/scoring/{year}/surveys/template", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year")),
    responses((status = 200, description = "the template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401), (status = 404)))]
async fn template(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<String>,
) -> Result<Response, ApiError> {
    let year = parse_year(&year)?;
    let mut conn = state.db.pool.acquire().await?;
    let campaign = campaigns::store::find(&mut conn, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    let inputs = store::load_inputs(&mut conn, campaign.id).await?;
    let settings = inputs.settings();
    let units = compute::ranked_units(&mut conn, year).await?;
    drop(conn);
    // Only figures that fit this year's levels (a level added since leaves the row blank).
    let entered = units
        .iter()
        .filter_map(|u| {
            let c = &inputs.survey(u.id)?.counts;
            c.check(&settings).ok()?;
            Some((u.id, c.clone()))
        })
        .collect();
    let bytes =
        tokio::task::spawn_blocking(move || template_bytes(&settings, &units, year, &entered))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing the template: {e}")))??;
    Ok(download(
        &format!("{year}年度综合测评问卷结果.xlsx"),
        &format!("survey-{year}.xlsx"),
        bytes,
    ))
}

fn no_data() -> ApiError {
    InputRefusal::SheetUnreadable {
        problem: SheetProblem::NoDataRows,
    }
    .into()
}

/// A count cell: a whole number, not negative; blank is 0.
fn count(text: &str, column: impl FnOnce() -> CountColumn) -> Result<u32, SurveyRowProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    if let Ok(n) = t.parse::<u32>() {
        return Ok(n);
    }
    match t.parse::<f64>() {
        Ok(f) if f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) => Ok(f as u32),
        _ => Err(SurveyRowProblem::NotACount {
            column: column(),
            given: t.chars().take(40).collect(),
        }),
    }
}

/// A row that passed: its unit, counts and note.
pub type Accepted = (UnitRef, SurveyCounts, String);

/// Reads the sheet against the year's settings and units: one report row per data row.
pub fn plan(
    sheet: &Sheet,
    settings: &ScoringSettings,
    units: &[UnitRef],
    file_sha256: &str,
) -> Result<(SurveyImportReport, Vec<Accepted>), ApiError> {
    let Some(head) = sheet.rows.first() else {
        return Err(no_data());
    };
    let find = |name: &str| head.cells.iter().position(|c| c.trim() == name);
    let name_col = find(NAME);
    let id_col = find(ID);
    if name_col.is_none() && id_col.is_none() {
        return Err(InputRefusal::MissingColumns {
            line: head.line,
            columns: vec![NAME.to_owned(), ID.to_owned()],
        }
        .into());
    }
    let mut level_cols = Vec::new();
    let mut missing = Vec::new();
    for l in settings.satisfaction.iter().chain(&settings.misconduct) {
        match find(l.name.trim()) {
            Some(c) => level_cols.push(c),
            None => missing.push(l.name.trim().to_owned()),
        }
    }
    if !missing.is_empty() {
        return Err(InputRefusal::MissingColumns {
            line: head.line,
            columns: missing,
        }
        .into());
    }
    let falsified_col = find(FALSIFIED);
    let note_col = find(NOTE);
    let n_sat = settings.satisfaction.len();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut good = Vec::new();
    let mut seen = HashSet::new();
    for row in &sheet.rows[1..] {
        let cell = |c: Option<usize>| {
            c.and_then(|c| row.cells.get(c))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let mut report = SurveyImportRow {
            line: row.line,
            unit: None,
            counts: None,
            survey_cp: None,
            error: None,
            unchanged: false,
        };
        // A row with no figures and no note changes nothing for its unit.
        let blank = level_cols
            .iter()
            .copied()
            .chain(falsified_col)
            .chain(note_col)
            .all(|c| cell(Some(c)).is_empty());
        let result = (|| -> Result<(UnitRef, SurveyCounts, String), SurveyRowProblem> {
            let id = cell(id_col);
            let name = cell(name_col);
            let unit = if !id.is_empty() {
                units
                    .iter()
                    .find(|u| u.id.to_string() == id)
                    .ok_or_else(|| SurveyRowProblem::UnknownId {
                        id: id.chars().take(40).collect(),
                    })?
            } else {
                let matches: Vec<&UnitRef> = units.iter().filter(|u| u.name == name).collect();
                match matches.as_slice() {
                    [u] => *u,
                    [] if name.is_empty() => return Err(SurveyRowProblem::MissingName),
                    [] => {
                        return Err(SurveyRowProblem::UnknownName {
                            name: name.chars().take(100).collect(),
                        })
                    }
                    _ => return Err(SurveyRowProblem::AmbiguousName { name }),
                }
            };
            if !seen.insert(unit.id) {
                return Err(SurveyRowProblem::Repeated {
                    name: unit.name.clone(),
                });
            }
            if blank {
                let none = SurveyCounts {
                    satisfaction: Vec::new(),
                    misconduct: Vec::new(),
                    falsified_entries: 0,
                };
                return Ok((unit.clone(), none, String::new()));
            }
            let mut counts = Vec::new();
            for (i, &c) in level_cols.iter().enumerate() {
                let level = if i < n_sat {
                    &settings.satisfaction[i]
                } else {
                    &settings.misconduct[i - n_sat]
                };
                counts.push(count(&cell(Some(c)), || CountColumn::Level {
                    name: level.name.clone(),
                })?);
            }
            let falsified = count(&cell(falsified_col), || CountColumn::Falsified)?;
            let counts = SurveyCounts {
                satisfaction: counts[..n_sat].to_vec(),
                misconduct: counts[n_sat..].to_vec(),
                falsified_entries: falsified,
            };
            counts
                .check(settings)
                .map_err(|error| SurveyRowProblem::Counts { error })?;
            Ok((unit.clone(), counts, cell(note_col)))
        })();
        match result {
            Ok((unit, _, _)) if blank => {
                report.unit = Some(unit);
                report.unchanged = true;
            }
            Ok((unit, counts, note)) => {
                report.unit = Some(unit.clone());
                report.survey_cp = Some(survey_cp(settings, &counts));
                report.counts = Some(counts.clone());
                good.push((unit, counts, note));
            }
            Err(problem) => {
                errors.push(SurveyRowError {
                    line: row.line,
                    problem: problem.clone(),
                });
                report.error = Some(problem);
            }
        }
        rows.push(report);
    }
    if rows.is_empty() {
        return Err(no_data());
    }
    Ok((
        SurveyImportReport {
            rows,
            errors,
            applied: false,
            file_sha256: file_sha256.to_owned(),
        },
        good,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `true`: check every row and answer the report without writing anything.
    #[serde(default)]
    dry_run: bool,
}

/// Imports the survey results (xlsx or CSV bytes): with `dry_run=true` only the report;
/// otherwise every row as a survey entry, or none (422 naming the rows) if any row is wrong.
#[utoipa::path(post, path = "/api/v1/office/scoring/{year}/surveys/import", tag = "scoring",
    params(("year" = i32, Path, description = "the campaign's year"), ImportQuery),
    request_body(description = "the spreadsheet's bytes, at most 5 MB",
        content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
    responses((status = 200, body = SurveyImportReport), (status = 401), (status = 404),
        (status = 409, description = "the year is closed"), (status = 413),
        (status = 422, description = "not the template, or rows with errors; nothing was written")))]
async fn import(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(year): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<SurveyImportReport>, ApiError> {
    let year = parse_year(&year)?;
    let mut tx = state.db.begin_write().await?;
    let campaign = campaigns::store::lock_open(&mut tx, year).await?;
    if body.is_empty() {
        return Err(InputRefusal::SheetUnreadable {
            problem: SheetProblem::Empty,
        }
        .into());
    }
    let file_sha256 = sha256_hex(&body);
    let sheet = tokio::task::spawn_blocking(move || sheet::read(&body))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading a sheet: {e}")))??;
    let inputs = store::load_inputs(&mut tx, campaign.id).await?;
    let settings = inputs.settings();
    let units = compute::ranked_units(&mut tx, year).await?;
    let (mut report, good) = plan(&sheet, &settings, &units, &file_sha256)?;
    // The same figures as entered: no new revision (a pre-filled template sent back as is).
    let good: Vec<Accepted> = good
        .into_iter()
        .filter(|(unit, counts, _)| {
            let same = inputs.survey(unit.id).is_some_and(|s| &s.counts == counts);
            if same {
                for r in report.rows.iter_mut() {
                    if r.unit.as_ref().is_some_and(|u| u.id == unit.id) {
                        r.unchanged = true;
                    }
                }
            }
            !same
        })
        .collect();
    if q.dry_run {
        return Ok(Json(report));
    }
    if !report.errors.is_empty() {
        return Err(InputRefusal::RowErrors {
            count: report.errors.len(),
            lines: report.errors.iter().map(|e| e.line).take(10).collect(),
        }
        .into());
    }
    let short = &file_sha256[..12];
    for (unit, counts, note) in &good {
        let note = if note.is_empty() {
            format!("导入 {short}")
        } else {
            format!("{note}（导入 {short}）")
        };
        let note: String = note.chars().take(500).collect();
        store::add_survey(
            &mut tx,
            office.user.id,
            campaign.id,
            year,
            unit.id,
            counts,
            &note,
            "import",
        )
        .await?;
    }
    tx.commit().await?;
    report.applied = true;
    Ok(Json(report))
}
