//! The unit directory: departments, industries, the service centre, and their stations and
//! windows. Office staff and monitors see all of it (monitors need it offline to pick the unit
//! they visit); a unit user sees only the own unit and what hangs under it.

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::UnitView;
use chafang_domain::criteria::CriteriaSetKind;
use chafang_domain::unit::{GeoPoint, UnitKind};
use chafang_domain::{Role, UnitId, UserId};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units))
        .routes(routes!(get_unit))
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
    conn: &mut AnyConnection,
    actor: Option<UserId>,
    unit: NewUnit,
) -> Result<UnitId, ApiError> {
    let name = unit.name.trim();
    if name.is_empty() {
        return Err(ApiError::Unprocessable("a unit needs a name".into()));
    }
    if unit.kind.is_top_level() != unit.parent.is_none() {
        return Err(ApiError::Unprocessable(format!(
            "a {} {} a parent unit",
            unit.kind,
            if unit.kind.is_top_level() {
                "cannot have"
            } else {
                "needs"
            }
        )));
    }
    let id = UnitId::new();
    sqlx::query(
        "INSERT INTO units (id, parent_id, name, kind, address, lat, lon, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(unit.parent.map(|p| p.to_string()))
    .bind(name)
    .bind(unit.kind.as_str())
    .bind(unit.address.trim())
    .bind(unit.position.map(|p| p.lat))
    .bind(unit.position.map(|p| p.lon))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        "unit.created",
        id,
        serde_json::json!({
            "parent_id": unit.parent.map(|p| p.to_string()),
            "name": name,
            "kind": unit.kind.as_str(),
            "address": unit.address.trim(),
            "position": unit.position,
        }),
    )
    .await?;
    Ok(id)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("malformed unit row: {e}"))
}

/// The whole directory, parents before children, each with the criteria set of its root.
pub async fn list_all(conn: &mut AnyConnection) -> Result<Vec<UnitView>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, parent_id, name, kind, address, lat, lon FROM units ORDER BY created_at, name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut units = Vec::with_capacity(rows.len());
    for row in &rows {
        let lat: Option<f64> = row.try_get("lat")?;
        let lon: Option<f64> = row.try_get("lon")?;
        let kind: String = row.try_get("kind")?;
        units.push(UnitView {
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
        });
    }
    // Each unit is appraised on its root's criteria set.
    let parent: HashMap<UnitId, (Option<UnitId>, UnitKind)> = units
        .iter()
        .map(|u| (u.id, (u.parent_id, u.kind)))
        .collect();
    for u in &mut units {
        let (mut at, mut kind) = (u.parent_id, u.kind);
        while let Some(p) = at {
            (at, kind) = parent
                .get(&p)
                .copied()
                .ok_or_else(|| internal("dangling parent"))?;
        }
        u.criteria_set = kind
            .criteria_set()
            .ok_or_else(|| internal("root is not a top-level kind"))?;
    }
    Ok(units)
}

/// A unit and everything under it.
pub fn subtree(all: Vec<UnitView>, root: UnitId) -> Vec<UnitView> {
    let mut inside = std::collections::HashSet::from([root]);
    // Parents come before children in `list_all`'s order, but a re-parented unit may not:
    // repeat until nothing new joins.
    loop {
        let before = inside.len();
        for u in &all {
            if u.parent_id.is_some_and(|p| inside.contains(&p)) {
                inside.insert(u.id);
            }
        }
        if inside.len() == before {
            break;
        }
    }
    all.into_iter().filter(|u| inside.contains(&u.id)).collect()
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
