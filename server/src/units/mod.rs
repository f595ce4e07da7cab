//! The unit directory: departments, industries, the service centre, and their stations and
//! windows. Office staff and monitors see all of it (monitors need it offline to pick the unit
//! they visit); a unit user sees only the own unit and what hangs under it.
//!
//! Each unit's record also holds its contacts (head, liaison, leading group's office), which
//! the office reads and edits and the unit reads for its own subtree. Units are never deleted;
//! every creation and change goes on the audit chain with its old and new values, and a
//! renamed unit keeps its id and so its findings. `import.rs` brings in the spreadsheets the
//! units send (dry run first, then all rows or none) and exports the directory in the same
//! template; `plan.rs` works out what an import does, row by row; `sheet.rs` reads and writes
//! the files.

pub mod import;
pub mod merge;
mod plan;
pub mod sheet;

use crate::audit;
use crate::auth::extract::{CurrentUser, OfficeUser, UnitScope};
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{SheetColumn, UnitEdit, UnitRecord, UnitView};
use chafang_domain::criteria::CriteriaSetKind;
use chafang_domain::event::{UnitChanged, UnitCreated, UnitVia};
use chafang_domain::refusal::DirectoryRefusal;
use chafang_domain::unit::{
    check_text, check_unit_name, GeoPoint, RecordError, UnitContacts, UnitKind, ADDRESS_MAX_CHARS,
};
use chafang_domain::{Role, UnitId, UserId};
use serde_json::{json, Map, Value};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units))
        .routes(routes!(get_unit))
        .routes(routes!(office_units))
        .routes(routes!(office_unit, edit_unit))
        .routes(routes!(unit_directory))
        .routes(routes!(merge::merge_unit))
        .merge(import::router())
}

/// What creating a unit needs.
pub struct NewUnit {
    pub parent: Option<UnitId>,
    pub name: String,
    pub kind: UnitKind,
    pub address: String,
    pub position: Option<GeoPoint>,
}

/// Inserts a unit and its audit event. The tree's shape (top-level kinds have no parent) is a
/// check constraint; a duplicate name under one parent is a unique violation.
pub async fn insert(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    unit: NewUnit,
) -> Result<UnitId, ApiError> {
    create(
        conn,
        actor,
        unit,
        &UnitContacts::default(),
        UnitVia::default(),
    )
    .await
}

/// Inserts a unit with its contacts; `context` is added to the audit event (an import names
/// its file there).
pub async fn create(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    unit: NewUnit,
    contacts: &UnitContacts,
    context: UnitVia,
) -> Result<UnitId, ApiError> {
    let name = unit.name.trim();
    if name.is_empty() {
        return Err(DirectoryRefusal::Record(RecordError::MissingName).into());
    }
    if unit.kind.is_top_level() != unit.parent.is_none() {
        return Err(DirectoryRefusal::Parent {
            kind: unit.kind,
            top_level: unit.kind.is_top_level(),
        }
        .into());
    }
    let contacts = contacts.trimmed();
    let id = UnitId::new();
    sqlx::query(
        "INSERT INTO units (id, parent_id, name, kind, address, lat, lon, head_name, head_phone, \
         liaison_name, liaison_phone, leading_office, created_at) \
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $14 = 1 THEN $6 END, CASE WHEN $14 = 1 THEN $7 END, \
         $8, $9, $10, $11, $12, $13)",
    )
    .bind(id.to_string())
    .bind(unit.parent.map(|p| p.to_string()))
    .bind(name)
    .bind(unit.kind.as_str())
    .bind(unit.address.trim())
    // Bound as numbers with a flag, never as a NULL double (see `visits::insert`).
    .bind(unit.position.map_or(0.0, |p| p.lat))
    .bind(unit.position.map_or(0.0, |p| p.lon))
    .bind(&contacts.head_name)
    .bind(&contacts.head_phone)
    .bind(&contacts.liaison_name)
    .bind(&contacts.liaison_phone)
    .bind(&contacts.leading_office)
    .bind(now_ms())
    .bind(i64::from(unit.position.is_some()))
    .execute(&mut *conn)
    .await?;
    let payload = UnitCreated {
        parent_id: unit.parent.map(|p| p.to_string()),
        name: name.to_owned(),
        kind: unit.kind.as_str().to_owned(),
        address: unit.address.trim().to_owned(),
        position: unit.position,
        contacts: (!contacts.is_empty()).then(|| contacts.clone()),
        via: context,
    };
    audit::record(conn, actor, id, payload).await?;
    Ok(id)
}

/// What of a unit can change: everything but its id, its parent and when it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct Fields {
    pub name: String,
    pub kind: UnitKind,
    pub address: String,
    pub position: Option<GeoPoint>,
    pub contacts: UnitContacts,
}

impl Fields {
    pub fn of(record: &UnitRecord) -> Fields {
        Fields {
            name: record.unit.name.clone(),
            kind: record.unit.kind,
            address: record.unit.address.clone(),
            position: record.unit.position,
            contacts: record.contacts.clone(),
        }
    }
}

/// Two positions closer than this many degrees (about a millimetre) are the same one: a
/// spreadsheet program may round the last digits of a number it passed through.
const SAME_POSITION_DEGREES: f64 = 1e-8;

/// Whether two optional positions are the same, within rounding.
pub fn same_position(a: Option<GeoPoint>, b: Option<GeoPoint>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            (a.lat - b.lat).abs() < SAME_POSITION_DEGREES
                && (a.lon - b.lon).abs() < SAME_POSITION_DEGREES
        }
        _ => false,
    }
}

/// Each changed field's old and new value, as the audit chain keeps them (wire names, a
/// position as `{lat, lon}` or null).
pub fn changes(old: &Fields, new: &Fields) -> Map<String, Value> {
    let mut out = Map::new();
    let mut text = |field: &str, a: &str, b: &str| {
        if a != b {
            out.insert(field.to_owned(), json!({ "old": a, "new": b }));
        }
    };
    text("name", &old.name, &new.name);
    text("kind", old.kind.as_str(), new.kind.as_str());
    text("address", &old.address, &new.address);
    let (a, b) = (&old.contacts, &new.contacts);
    text("head_name", &a.head_name, &b.head_name);
    text("head_phone", &a.head_phone, &b.head_phone);
    text("liaison_name", &a.liaison_name, &b.liaison_name);
    text("liaison_phone", &a.liaison_phone, &b.liaison_phone);
    text("leading_office", &a.leading_office, &b.leading_office);
    if !same_position(old.position, new.position) {
        out.insert(
            "position".to_owned(),
            json!({ "old": old.position, "new": new.position }),
        );
    }
    out
}

/// Writes a unit's new fields and one audit event listing each changed field's old and new
/// value (with `context` beside them); a change of nothing writes nothing. Returns whether
/// anything changed. The parent never changes here, so neither does the tree.
pub async fn update(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    id: UnitId,
    old: &Fields,
    new: &Fields,
    context: UnitVia,
) -> Result<bool, ApiError> {
    let changed = changes(old, new);
    if changed.is_empty() {
        return Ok(false);
    }
    // A position within rounding of the old one is kept as it was.
    let position = if same_position(old.position, new.position) {
        old.position
    } else {
        new.position
    };
    let c = &new.contacts;
    sqlx::query(
        "UPDATE units SET name = $1, kind = $2, address = $3, \
         lat = CASE WHEN $13 = 1 THEN $4 END, lon = CASE WHEN $13 = 1 THEN $5 END, \
         head_name = $6, head_phone = $7, liaison_name = $8, liaison_phone = $9, \
         leading_office = $10, updated_at = $11 WHERE id = $12",
    )
    .bind(&new.name)
    .bind(new.kind.as_str())
    .bind(&new.address)
    // Bound as numbers with a flag, never as a NULL double (see `visits::insert`).
    .bind(position.map_or(0.0, |p| p.lat))
    .bind(position.map_or(0.0, |p| p.lon))
    .bind(&c.head_name)
    .bind(&c.head_phone)
    .bind(&c.liaison_name)
    .bind(&c.liaison_phone)
    .bind(&c.leading_office)
    .bind(now_ms())
    .bind(id.to_string())
    .bind(i64::from(position.is_some()))
    .execute(&mut *conn)
    .await?;
    if position != old.position {
        // The map's running count: the cases drawn at the unit's position move with it.
        crate::map::tally::unit_moved(conn, id).await?;
    }
    let payload = UnitChanged {
        changes: changed,
        via: context,
    };
    audit::record(conn, actor, id, payload).await?;
    Ok(true)
}

/// Makes directory writers wait for each other on PostgreSQL: the audit head row, which every
/// writer bumps anyway, is locked first, so that what a writer read in its transaction is
/// still the directory when it writes (SQLite's writers are queued by `begin_write`).
pub async fn lock_directory(conn: &mut AnyConnection) -> Result<(), ApiError> {
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

use crate::error::internal;

fn record_of(row: &AnyRow) -> Result<UnitRecord, ApiError> {
    let lat: Option<f64> = row.try_get("lat")?;
    let lon: Option<f64> = row.try_get("lon")?;
    let kind: String = row.try_get("kind")?;
    Ok(UnitRecord {
        unit: UnitView {
            id: row.try_get::<String, _>("id")?.parse().map_err(internal)?,
            parent_id: row
                .try_get::<Option<String>, _>("parent_id")?
                .map(|p| p.parse())
                .transpose()
                .map_err(internal)?,
            name: row.try_get("name")?,
            kind: kind.parse().map_err(internal)?,
            address: row.try_get("address")?,
            position: lat.zip(lon).map(|(lat, lon)| GeoPoint { lat, lon }),
            criteria_set: CriteriaSetKind::Department,
            merged_into: row
                .try_get::<Option<String>, _>("merged_into")?
                .map(|p| p.parse())
                .transpose()
                .map_err(internal)?,
        },
        contacts: UnitContacts {
            head_name: row.try_get("head_name")?,
            head_phone: row.try_get("head_phone")?,
            liaison_name: row.try_get("liaison_name")?,
            liaison_phone: row.try_get("liaison_phone")?,
            leading_office: row.try_get("leading_office")?,
        },
    })
}

/// The whole directory with contacts, in creation order, each with the criteria set of its
/// root.
pub async fn list_records(conn: &mut AnyConnection) -> Result<Vec<UnitRecord>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, parent_id, name, kind, address, lat, lon, head_name, head_phone, \
         liaison_name, liaison_phone, leading_office, merged_into FROM units \
         ORDER BY created_at, name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut records = rows.iter().map(record_of).collect::<Result<Vec<_>, _>>()?;
    // Each unit is appraised on its root's criteria set.
    let parent: HashMap<UnitId, (Option<UnitId>, UnitKind)> = records
        .iter()
        .map(|r| (r.unit.id, (r.unit.parent_id, r.unit.kind)))
        .collect();
    for r in &mut records {
        let (mut at, mut kind) = (r.unit.parent_id, r.unit.kind);
        let mut steps = 0;
        while let Some(p) = at {
            (at, kind) = parent
                .get(&p)
                .copied()
                .ok_or_else(|| internal("dangling parent"))?;
            steps += 1;
            if steps > parent.len() {
                return Err(internal("the directory has a cycle"));
            }
        }
        r.unit.criteria_set = kind
            .criteria_set()
            .ok_or_else(|| internal("root is not a top-level kind"))?;
    }
    Ok(records)
}

/// The whole directory, parents before children, each with the criteria set of its root.
pub async fn list_all(conn: &mut AnyConnection) -> Result<Vec<UnitView>, ApiError> {
    Ok(list_records(conn)
        .await?
        .into_iter()
        .map(|r| r.unit)
        .collect())
}

/// One unit's record; 404 when there is none.
pub async fn record(conn: &mut AnyConnection, id: UnitId) -> Result<UnitRecord, ApiError> {
    list_records(conn)
        .await?
        .into_iter()
        .find(|r| r.unit.id == id)
        .ok_or(ApiError::NotFound)
}

/// A unit and everything under it.
pub fn subtree(all: Vec<UnitView>, root: UnitId) -> Vec<UnitView> {
    let inside = subtree_ids(&all, root);
    all.into_iter().filter(|u| inside.contains(&u.id)).collect()
}

/// The ids of a unit and everything under it, including the units merged into it (and what
/// hangs under those): the surviving unit answers for their findings.
pub fn subtree_ids(all: &[UnitView], root: UnitId) -> HashSet<UnitId> {
    chafang_domain::unit::subtree(&chafang_domain::unit::Node::all(all), root)
}

/// The units a user may see.
async fn visible_to(
    conn: &mut AnyConnection,
    user: &CurrentUser,
) -> Result<Vec<UnitView>, ApiError> {
    let all = list_all(conn).await?;
    Ok(match (user.user.role, &user.user.unit) {
        (Role::Unit, Some(own)) => subtree(all, own.id),
        (Role::Unit, None) => Vec::new(),
        (Role::Office | Role::Monitor, _) => all,
    })
}

/// The unit directory as the caller may see it.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", responses((status = 200, body = Vec<UnitView>), (status = 401)))]
async fn list_units(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<UnitView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(visible_to(&mut conn, &user).await?))
}

/// One unit; 404 when it does not exist or lies outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = String, Path, description = "unit id")),
    responses((status = 200, body = UnitView), (status = 401), (status = 404)))]
async fn get_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<UnitView>, ApiError> {
    let id: UnitId = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    visible_to(&mut conn, &user)
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .map(Json)
        .ok_or(ApiError::NotFound)
}

fn unit_id(s: &str) -> Result<UnitId, ApiError> {
    s.parse().map_err(|_| ApiError::NotFound)
}

/// The whole directory with every unit's contacts, parents before children.
#[utoipa::path(get, path = "/api/v1/office/units", tag = "office",
    responses((status = 200, body = Vec<UnitRecord>), (status = 401), (status = 404, description = "not office staff")))]
async fn office_units(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<UnitRecord>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(list_records(&mut conn).await?))
}

/// One unit's record with its contacts.
#[utoipa::path(get, path = "/api/v1/office/units/{id}", tag = "office",
    params(("id" = String, Path, description = "unit id")),
    responses((status = 200, body = UnitRecord), (status = 401), (status = 404)))]
async fn office_unit(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<UnitRecord>, ApiError> {
    let id = unit_id(&id)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(record(&mut conn, id).await?))
}

/// A text field of an edit, trimmed and checked.
fn edited_text(
    old: &str,
    new: Option<&String>,
    check: impl Fn(&str) -> Result<(), chafang_domain::unit::RecordError>,
) -> Result<String, ApiError> {
    match new {
        None => Ok(old.to_owned()),
        Some(v) => {
            let v = v.trim();
            check(v).map_err(DirectoryRefusal::from)?;
            Ok(v.to_owned())
        }
    }
}

/// The fields an edit leads to, each checked.
fn edited(old: &Fields, edit: &UnitEdit) -> Result<Fields, ApiError> {
    use chafang_domain::unit::{
        check_phone, tidy_phone, LEADING_OFFICE_MAX_CHARS, PERSON_NAME_MAX_CHARS,
    };
    let person = |field| move |v: &str| check_text(field, v, PERSON_NAME_MAX_CHARS);
    let phone = |field| move |v: &str| check_phone(field, v);
    let c = &old.contacts;
    Ok(Fields {
        name: edited_text(&old.name, edit.name.as_ref(), check_unit_name)?,
        kind: old.kind,
        address: edited_text(&old.address, edit.address.as_ref(), |v| {
            check_text(SheetColumn::Address, v, ADDRESS_MAX_CHARS)
        })?,
        position: match (edit.position, edit.clear_position) {
            (Some(p), _) => {
                Some(GeoPoint::new(p.lat, p.lon).map_err(|_| DirectoryRefusal::BadPosition)?)
            }
            (None, true) => None,
            (None, false) => old.position,
        },
        contacts: UnitContacts {
            head_name: edited_text(
                &c.head_name,
                edit.head_name.as_ref(),
                person(SheetColumn::HeadName),
            )?,
            head_phone: edited_text(
                &c.head_phone,
                edit.head_phone.as_deref().map(tidy_phone).as_ref(),
                phone(SheetColumn::HeadPhone),
            )?,
            liaison_name: edited_text(
                &c.liaison_name,
                edit.liaison_name.as_ref(),
                person(SheetColumn::LiaisonName),
            )?,
            liaison_phone: edited_text(
                &c.liaison_phone,
                edit.liaison_phone.as_deref().map(tidy_phone).as_ref(),
                phone(SheetColumn::LiaisonPhone),
            )?,
            leading_office: edited_text(&c.leading_office, edit.leading_office.as_ref(), |v| {
                check_text(SheetColumn::LeadingOffice, v, LEADING_OFFICE_MAX_CHARS)
            })?,
        },
    })
}

/// Changes a unit's name, address, position or contacts; each change goes on the audit chain
/// with its old and new value. A renamed unit keeps its id and its findings.
#[utoipa::path(patch, path = "/api/v1/office/units/{id}", tag = "office", request_body = UnitEdit,
    params(("id" = String, Path, description = "unit id")),
    responses((status = 200, body = UnitRecord), (status = 401), (status = 404),
        (status = 409, description = "another unit under the same parent has the new name"),
        (status = 422, description = "a field breaks a rule")))]
async fn edit_unit(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<UnitEdit>,
) -> Result<Json<UnitRecord>, ApiError> {
    let id = unit_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    lock_directory(&mut tx).await?;
    let all = list_records(&mut tx).await?;
    let old = all
        .iter()
        .find(|r| r.unit.id == id)
        .ok_or(ApiError::NotFound)?;
    let new = edited(&Fields::of(old), &edit)?;
    let taken = all.iter().any(|r| {
        r.unit.id != id && r.unit.parent_id == old.unit.parent_id && r.unit.name == new.name
    });
    if taken {
        return Err(DirectoryRefusal::NameTaken { name: new.name }.into());
    }
    let context = UnitVia {
        via: Some("edit".to_owned()),
        file_sha256: None,
    };
    update(
        &mut tx,
        Some(office.user.id),
        id,
        &Fields::of(old),
        &new,
        context,
    )
    .await?;
    let after = record(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(after))
}

/// The unit's own record and those of the units under it, with their contacts.
#[utoipa::path(get, path = "/api/v1/unit/directory", tag = "unit",
    responses((status = 200, body = Vec<UnitRecord>), (status = 401), (status = 404, description = "not a unit user")))]
async fn unit_directory(
    State(state): State<AppState>,
    scope: UnitScope,
) -> Result<Json<Vec<UnitRecord>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all = list_records(&mut conn).await?;
    Ok(Json(
        all.into_iter()
            .filter(|r| scope.contains(r.unit.id))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(parent: Option<UnitId>, kind: UnitKind) -> UnitView {
        UnitView {
            id: UnitId::new(),
            parent_id: parent,
            name: String::new(),
            kind,
            address: String::new(),
            position: None,
            criteria_set: CriteriaSetKind::Department,
            merged_into: None,
        }
    }

    #[test]
    fn subtree_holds_the_root_and_its_descendants_only() {
        let a = unit(None, UnitKind::Department);
        let a1 = unit(Some(a.id), UnitKind::Station);
        let a11 = unit(Some(a1.id), UnitKind::Window);
        let b = unit(None, UnitKind::Industry);
        let b1 = unit(Some(b.id), UnitKind::School);
        // Child listed before its parent.
        let all = vec![a11.clone(), a.clone(), a1.clone(), b.clone(), b1];
        let ids: Vec<_> = subtree(all, a.id).into_iter().map(|u| u.id).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.contains(&a.id) && ids.contains(&a1.id) && ids.contains(&a11.id));
    }
}
