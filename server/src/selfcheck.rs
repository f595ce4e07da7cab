//! The self-inspection register (自查自纠登记表): unit users record, item by item, the problems
//! they found themselves, where each came from and the same four-way rectification answer as a
//! finding (`chafang_domain::selfcheck::check_item`). An item is made on the client with its
//! own id: a repeat with the same content is harmless, other content under a used id is 409.
//! A correction is a new revision, never an edit, and every change is an audit event in the
//! same transaction. A unit files either items or an explicit "nothing found"; the office sees
//! every register and which top-level units have filed nothing, against the deadline of the
//! current campaign's self-inspection stage.

use crate::audit;
use crate::auth::extract::{OfficeUser, UnitScope, UnitUser};
use crate::campaigns;
use crate::clock::{now_ms, today_cst};
use crate::error::{ApiError, ApiJson};
use crate::findings::store::{day_text, parse_day};
use crate::state::AppState;
use crate::units;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{
    FilingStatus, NothingFoundUpload, OfficeRegister, RegisterAnswer, RegisterItem,
    RegisterItemUpload, RegisterQuery, RegisterRevision, RegisterRevisionUpload, UnitRef,
    UnitRegister, UnitView,
};
use chafang_domain::campaign::{default_stages, Stage, StageKind};
use chafang_domain::event::{RegisterItemCreated, RegisterItemRevised, RegisterNothingFound};
use chafang_domain::followup::AnswerKind;
use chafang_domain::refusal::RegisterRefusal;
use chafang_domain::selfcheck::{check_correction, check_item, filed_late, ProblemSource};
use chafang_domain::UnitId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(unit_register, create_item))
        .routes(routes!(revise_item))
        .routes(routes!(nothing_found))
        .routes(routes!(office_register))
}

use crate::error::internal;

fn refused(e: chafang_domain::selfcheck::RegisterError) -> ApiError {
    RegisterRefusal::Invalid(e).into()
}

fn body_of<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(internal)
}

/// The register's deadline for a year: the last day of the self-inspection stage of that
/// year's campaign, or of the source calendar when the office has not opened the year.
async fn deadline(conn: &mut AnyConnection, year: i32) -> Result<Date, ApiError> {
    let stages: Vec<Stage> = match campaigns::find_by_year(conn, year).await? {
        Some(c) => c.stages,
        None => default_stages(year),
    };
    stages
        .iter()
        .find(|s| s.kind == StageKind::SelfInspection)
        .map(|s| s.ends_on)
        .ok_or_else(|| internal("a calendar without a self-inspection stage"))
}

fn unit_ref(names: &HashMap<UnitId, String>, id: UnitId) -> UnitRef {
    UnitRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    }
}

fn names_of(all: &[UnitView]) -> HashMap<UnitId, String> {
    all.iter().map(|u| (u.id, u.name.clone())).collect()
}

fn revision_of(row: &AnyRow) -> Result<RegisterRevision, ApiError> {
    let source: String = row.try_get("source")?;
    let kind: String = row.try_get("answer_kind")?;
    let committed: Option<String> = row.try_get("committed_by")?;
    let milestones: String = row.try_get("milestones")?;
    Ok(RegisterRevision {
        seq: u32::try_from(row.try_get::<i64, _>("seq")?).map_err(internal)?,
        description: row.try_get("description")?,
        source: ProblemSource::parse(&source).ok_or_else(|| internal("unknown source"))?,
        answer: RegisterAnswer {
            kind: AnswerKind::parse(&kind).ok_or_else(|| internal("unknown answer kind"))?,
            text: row.try_get("answer_text")?,
            committed_by: committed.as_deref().map(parse_day).transpose()?,
            milestones: serde_json::from_str(&milestones).map_err(internal)?,
        },
        completion: row.try_get("completion")?,
        reason: row.try_get("reason")?,
        recorded_at_ms: row.try_get("created_at")?,
    })
}

/// The year's items whose unit passes `keep`, oldest first, each with its history (also what
/// the register's spreadsheet lists).
pub async fn load_items(
    conn: &mut AnyConnection,
    year: i32,
    names: &HashMap<UnitId, String>,
    keep: impl Fn(UnitId) -> bool,
) -> Result<Vec<RegisterItem>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, unit_id FROM register_items WHERE year = $1 ORDER BY created_at, id",
    )
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let unit: UnitId = row
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?;
        if !keep(unit) {
            continue;
        }
        let id: String = row.try_get("id")?;
        out.push(item_with_history(conn, &id, unit, year, names).await?);
    }
    Ok(out)
}

async fn item_with_history(
    conn: &mut AnyConnection,
    id: &str,
    unit: UnitId,
    year: i32,
    names: &HashMap<UnitId, String>,
) -> Result<RegisterItem, ApiError> {
    let rows = sqlx::query(
        "SELECT seq, description, source, answer_kind, answer_text, committed_by, milestones, \
         completion, reason, created_at FROM register_revisions WHERE item_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let history = rows
        .iter()
        .map(revision_of)
        .collect::<Result<Vec<_>, _>>()?;
    let current = history
        .last()
        .cloned()
        .ok_or_else(|| internal("an item without revisions"))?;
    Ok(RegisterItem {
        id: id.parse().map_err(internal)?,
        unit: unit_ref(names, unit),
        year,
        current,
        history,
    })
}

/// The unit of a stored item, if the item exists.
async fn item_unit(
    conn: &mut AnyConnection,
    id: Uuid,
) -> Result<Option<(UnitId, i32, String)>, ApiError> {
    let Some(row) = sqlx::query("SELECT unit_id, year, body FROM register_items WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let unit = row
        .try_get::<String, _>("unit_id")?
        .parse()
        .map_err(internal)?;
    let year = i32::try_from(row.try_get::<i64, _>("year")?).map_err(internal)?;
    Ok(Some((unit, year, row.try_get("body")?)))
}

/// The unit user's scope (from its extractor), with every unit's name.
fn scope_of(scope: &UnitScope) -> (HashSet<UnitId>, HashMap<UnitId, String>) {
    (scope.ids().clone(), names_of(&scope.directory))
}

/// A revision's content as the database keeps it.
struct Content<'a> {
    id: Uuid,
    item: Uuid,
    seq: i64,
    description: &'a str,
    source: ProblemSource,
    answer: &'a RegisterAnswer,
    completion: Option<&'a str>,
    reason: Option<&'a str>,
    body: String,
}

async fn insert_revision(
    conn: &mut AnyConnection,
    me: &UnitUser,
    c: Content<'_>,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO register_revisions (id, item_id, seq, description, source, answer_kind, \
         answer_text, committed_by, milestones, completion, reason, created_at, created_by, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(c.id.to_string())
    .bind(c.item.to_string())
    .bind(c.seq)
    .bind(c.description.trim())
    .bind(c.source.as_str())
    .bind(c.answer.kind.as_str())
    .bind(c.answer.text.trim())
    .bind(c.answer.committed_by.map(day_text))
    .bind(body_of(&c.answer.milestones)?)
    .bind(c.completion.map(str::trim))
    .bind(c.reason.map(str::trim))
    .bind(now_ms())
    .bind(me.current.user.id.to_string())
    .bind(c.body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn check_content(description: &str, answer: &RegisterAnswer) -> Result<(), ApiError> {
    check_item(
        description,
        answer.kind,
        &answer.text,
        answer.committed_by,
        &answer.milestones,
        today_cst(),
    )
    .map(|_| ())
    .map_err(refused)
}

/// The signed-in unit's register of this year: the items of its subtree with their history.
#[utoipa::path(get, path = "/api/v1/unit/register", tag = "register",
    responses((status = 200, body = UnitRegister), (status = 401), (status = 404)))]
pub async fn unit_register(
    State(state): State<AppState>,
    unit: UnitScope,
) -> Result<Json<UnitRegister>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(register_of(&mut conn, &unit).await?))
}

async fn register_of(conn: &mut AnyConnection, unit: &UnitScope) -> Result<UnitRegister, ApiError> {
    let me = &unit.user;
    let year = today_cst().year();
    let (scope, names) = scope_of(unit);
    let items = load_items(conn, year, &names, |u| scope.contains(&u)).await?;
    let nothing_found =
        sqlx::query("SELECT 1 AS one FROM register_nil_filings WHERE unit_id = $1 AND year = $2")
            .bind(me.unit_id.to_string())
            .bind(i64::from(year))
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    Ok(UnitRegister {
        year,
        deadline: deadline(conn, year).await?,
        items,
        nothing_found,
    })
}

/// Records an item of the unit's register (its own unit's unless it names one of its
/// subtree). The same id with the same content again is a harmless repeat (200).
#[utoipa::path(post, path = "/api/v1/unit/register", tag = "register",
    request_body = RegisterItemUpload,
    responses((status = 201, body = RegisterItem), (status = 200, body = RegisterItem),
        (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn create_item(
    State(state): State<AppState>,
    unit_scope: UnitScope,
    ApiJson(up): ApiJson<RegisterItemUpload>,
) -> Result<(StatusCode, Json<RegisterItem>), ApiError> {
    let me = unit_scope.user.clone();
    let (scope, names) = scope_of(&unit_scope);
    let mut tx = state.db.begin_write().await?;
    let unit = up.unit_id.unwrap_or(me.unit_id);
    if !scope.contains(&unit) {
        return Err(ApiError::NotFound);
    }
    let body = body_of(&up)?;
    if let Some((stored_unit, year, stored)) = item_unit(&mut tx, up.id).await? {
        if stored != body || !scope.contains(&stored_unit) {
            return Err(RegisterRefusal::ItemIdTaken.into());
        }
        let item =
            item_with_history(&mut tx, &up.id.to_string(), stored_unit, year, &names).await?;
        return Ok((StatusCode::OK, Json(item)));
    }
    check_content(&up.description, &up.answer)?;
    let year = today_cst().year();
    sqlx::query(
        "INSERT INTO register_items (id, unit_id, year, created_at, created_on, created_by, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(up.id.to_string())
    .bind(unit.to_string())
    .bind(i64::from(year))
    .bind(now_ms())
    .bind(day_text(today_cst()))
    .bind(me.current.user.id.to_string())
    .bind(&body)
    .execute(&mut *tx)
    .await?;
    let content = Content {
        id: up.id,
        item: up.id,
        seq: 1,
        description: &up.description,
        source: up.source,
        answer: &up.answer,
        completion: None,
        reason: None,
        body,
    };
    insert_revision(&mut tx, &me, content).await?;
    let payload = RegisterItemCreated {
        unit_id: unit,
        year,
        source: up.source,
        answer: up.answer.kind,
    };
    audit::record(&mut tx, Some(me.current.user.id), up.id, payload).await?;
    let item = item_with_history(&mut tx, &up.id.to_string(), unit, year, &names).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Corrects an item: a new revision with the whole new content, its reason and, once the work
/// is done, the completion note. A repeat of the same revision id and content is harmless.
#[utoipa::path(post, path = "/api/v1/unit/register/{id}/revisions", tag = "register",
    params(("id" = String, Path, description = "register item id")),
    request_body = RegisterRevisionUpload,
    responses((status = 200, body = RegisterItem), (status = 401), (status = 404),
        (status = 409), (status = 422)))]
pub async fn revise_item(
    State(state): State<AppState>,
    unit_scope: UnitScope,
    Path(id): Path<String>,
    ApiJson(up): ApiJson<RegisterRevisionUpload>,
) -> Result<Json<RegisterItem>, ApiError> {
    let me = unit_scope.user.clone();
    let (scope, names) = scope_of(&unit_scope);
    let item: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let (unit, year, _) = item_unit(&mut tx, item)
        .await?
        .filter(|(u, _, _)| scope.contains(u))
        .ok_or(ApiError::NotFound)?;
    let body = body_of(&up)?;
    if !is_repeat(&mut tx, up.id, item, &body).await? {
        check_content(&up.description, &up.answer)?;
        check_correction(&up.reason, up.completion.as_deref()).map_err(refused)?;
        let seq: i64 = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM register_revisions WHERE item_id = $1",
        )
        .bind(item.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get("seq")?;
        let content = Content {
            id: up.id,
            item,
            seq: seq + 1,
            description: &up.description,
            source: up.source,
            answer: &up.answer,
            completion: up.completion.as_deref(),
            reason: Some(&up.reason),
            body,
        };
        insert_revision(&mut tx, &me, content).await?;
        let payload = RegisterItemRevised {
            revision: seq + 1,
            revision_id: up.id,
            source: up.source,
            answer: up.answer.kind,
            completed: up.completion.is_some(),
            reason: up.reason.trim().to_owned(),
        };
        audit::record(&mut tx, Some(me.current.user.id), item, payload).await?;
    }
    let view = item_with_history(&mut tx, &item.to_string(), unit, year, &names).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// A stored revision with this id: the same content on the same item is a repeat, anything
/// else a conflict.
async fn is_repeat(
    conn: &mut AnyConnection,
    id: Uuid,
    item: Uuid,
    body: &str,
) -> Result<bool, ApiError> {
    let Some(row) = sqlx::query("SELECT item_id, body FROM register_revisions WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(false);
    };
    let same_item = row.try_get::<String, _>("item_id")? == item.to_string();
    if same_item && row.try_get::<String, _>("body")? == body {
        Ok(true)
    } else {
        Err(RegisterRefusal::RevisionIdTaken.into())
    }
}

/// Files "nothing found" for the unit's own register this year. Filed once (a repeat is
/// harmless); refused with 409 when the register already has items.
#[utoipa::path(post, path = "/api/v1/unit/register/nothing-found", tag = "register",
    request_body = NothingFoundUpload,
    responses((status = 200, body = UnitRegister), (status = 401), (status = 404),
        (status = 409), (status = 422)))]
pub async fn nothing_found(
    State(state): State<AppState>,
    unit_scope: UnitScope,
    ApiJson(up): ApiJson<NothingFoundUpload>,
) -> Result<Json<UnitRegister>, ApiError> {
    let me = unit_scope.user.clone();
    if up.note.chars().count() > chafang_domain::selfcheck::MAX_TEXT {
        return Err(RegisterRefusal::NoteTooLong {
            max: chafang_domain::selfcheck::MAX_TEXT,
        }
        .into());
    }
    let mut tx = state.db.begin_write().await?;
    let before = register_of(&mut tx, &unit_scope).await?;
    if !before.items.is_empty() {
        return Err(RegisterRefusal::HasItems {
            items: before.items.len(),
        }
        .into());
    }
    if !before.nothing_found {
        let today = today_cst();
        sqlx::query(
            "INSERT INTO register_nil_filings (unit_id, year, note, filed_at, filed_on, filed_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(me.unit_id.to_string())
        .bind(i64::from(before.year))
        .bind(up.note.trim())
        .bind(now_ms())
        .bind(day_text(today))
        .bind(me.current.user.id.to_string())
        .execute(&mut *tx)
        .await?;
        let payload = RegisterNothingFound {
            year: before.year,
            note: up.note.trim().to_owned(),
        };
        audit::record(&mut tx, Some(me.current.user.id), me.unit_id, payload).await?;
    }
    let after = register_of(&mut tx, &unit_scope).await?;
    tx.commit().await?;
    Ok(Json(after))
}

/// The first day each unit filed this year (an item or "nothing found"), and its item count.
async fn filings_by_unit(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<(HashMap<UnitId, Date>, HashMap<UnitId, u32>, HashSet<UnitId>), ApiError> {
    let mut first: HashMap<UnitId, Date> = HashMap::new();
    let mut counts: HashMap<UnitId, u32> = HashMap::new();
    let mut nil = HashSet::new();
    let items = sqlx::query("SELECT unit_id, created_on FROM register_items WHERE year = $1")
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
    let nils = sqlx::query("SELECT unit_id, filed_on FROM register_nil_filings WHERE year = $1")
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
    for (rows, column, is_nil) in [(&items, "created_on", false), (&nils, "filed_on", true)] {
        for row in rows {
            let unit: UnitId = row
                .try_get::<String, _>("unit_id")?
                .parse()
                .map_err(internal)?;
            let day = parse_day(&row.try_get::<String, _>(column)?)?;
            let at = first.entry(unit).or_insert(day);
            *at = (*at).min(day);
            if is_nil {
                nil.insert(unit);
            } else {
                *counts.entry(unit).or_default() += 1;
            }
        }
    }
    Ok((first, counts, nil))
}

/// Where each top-level unit stands: its subtree's items and filings count for it.
async fn filing_statuses(
    conn: &mut AnyConnection,
    year: i32,
    deadline: Date,
    all: &[UnitView],
) -> Result<Vec<FilingStatus>, ApiError> {
    let (first, counts, nil) = filings_by_unit(conn, year).await?;
    let names = names_of(all);
    let mut out = Vec::new();
    // A merged unit files nothing of its own: its register counts for the unit that took it over.
    for top in all
        .iter()
        .filter(|u| u.parent_id.is_none() && u.merged_into.is_none())
    {
        let inside = units::subtree_ids(all, top.id);
        let filed_on = inside.iter().filter_map(|u| first.get(u)).min().copied();
        out.push(FilingStatus {
            unit: unit_ref(&names, top.id),
            items: inside.iter().filter_map(|u| counts.get(u)).sum(),
            nothing_found: inside.iter().any(|u| nil.contains(u)),
            filed_on,
            late: filed_on.is_some_and(|d| filed_late(d, deadline)),
        });
    }
    Ok(out)
}

/// Every unit's register this year (or one unit's subtree), where each top-level unit stands,
/// and which have filed nothing at all.
#[utoipa::path(get, path = "/api/v1/office/register", tag = "register", params(RegisterQuery),
    responses((status = 200, body = OfficeRegister), (status = 401), (status = 404)))]
pub async fn office_register(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<RegisterQuery>,
) -> Result<Json<OfficeRegister>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let year = today_cst().year();
    let deadline = deadline(&mut conn, year).await?;
    let all = units::list_all(&mut conn).await?;
    let names = names_of(&all);
    let wanted = q.unit.map(|u| units::subtree_ids(&all, u));
    let keep = |u: UnitId| wanted.as_ref().is_none_or(|w| w.contains(&u));
    let items = load_items(&mut conn, year, &names, keep).await?;
    let filings = filing_statuses(&mut conn, year, deadline, &all).await?;
    let not_filed = filings
        .iter()
        .filter(|f| f.filed_on.is_none())
        .map(|f| f.unit.clone())
        .collect();
    Ok(Json(OfficeRegister {
        year,
        deadline,
        items,
        filings,
        not_filed,
    }))
}
