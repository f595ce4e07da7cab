//! The base map's tile source: none by default (a closed network draws points on a plain
//! background), or a URL template, the coordinate system of its tiles and its attribution.
//! One row (`map_settings`), updated in place with the old and new setting on the audit chain.

use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::clock::now_ms;
use crate::error::{internal, ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chafang_domain::api::{TileSettings, TileSource};
use chafang_domain::event::MapTilesSet;
use chafang_domain::geo::{check_tile_template, CoordSystem};
use chafang_domain::refusal::input::{InputRefusal, TextField};
use sqlx::{AnyConnection, Row};

/// The longest attribution kept.
const MAX_ATTRIBUTION: usize = 300;

/// The tile source as stored, or `None`.
pub async fn load(conn: &mut AnyConnection) -> Result<Option<TileSource>, ApiError> {
    let row = sqlx::query(
        "SELECT tile_url, tile_coords, tile_attribution FROM map_settings WHERE id = 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(url_template) = row.try_get::<Option<String>, _>("tile_url")? else {
        return Ok(None);
    };
    let coords: String = row.try_get("tile_coords")?;
    Ok(Some(TileSource {
        url_template,
        coords: CoordSystem::parse(&coords).ok_or_else(|| internal(format!("coords {coords}")))?,
        attribution: row.try_get("tile_attribution")?,
    }))
}

/// Tidies and checks a tile source the office sent.
fn check(source: Option<TileSource>) -> Result<Option<TileSource>, ApiError> {
    let Some(mut s) = source else { return Ok(None) };
    s.url_template = s.url_template.trim().to_owned();
    s.attribution = s.attribution.trim().to_owned();
    check_tile_template(&s.url_template)?;
    if s.attribution.chars().count() > MAX_ATTRIBUTION {
        return Err(InputRefusal::TextTooLong {
            field: TextField::TileAttribution,
            max: MAX_ATTRIBUTION,
        }
        .into());
    }
    Ok(Some(s))
}

/// The base map's tile source (`source: null` when there is none).
#[utoipa::path(get, path = "/api/v1/office/map/tiles", tag = "map",
    responses((status = 200, body = TileSettings), (status = 401), (status = 404)))]
pub async fn get_tiles(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<TileSettings>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(TileSettings {
        source: load(&mut conn).await?,
    }))
}

/// Sets or clears the tile source. A change goes on the audit chain with the old and the new
/// setting; sending what is already set changes nothing and records nothing.
#[utoipa::path(put, path = "/api/v1/office/map/tiles", tag = "map", request_body = TileSettings,
    responses((status = 200, body = TileSettings), (status = 401), (status = 404), (status = 422)))]
pub async fn put_tiles(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<TileSettings>,
) -> Result<Json<TileSettings>, ApiError> {
    let new = check(req.source)?;
    let mut tx = state.db.begin_write().await?;
    let old = load(&mut tx).await?;
    if old != new {
        sqlx::query(
            "UPDATE map_settings SET tile_url = $1, tile_coords = $2, tile_attribution = $3, \
             updated_at = $4, updated_by = $5 WHERE id = 1",
        )
        .bind(new.as_ref().map(|s| s.url_template.clone()))
        .bind(
            new.as_ref()
                .map_or(CoordSystem::Wgs84, |s| s.coords)
                .as_str(),
        )
        .bind(
            new.as_ref()
                .map(|s| s.attribution.clone())
                .unwrap_or_default(),
        )
        .bind(now_ms())
        .bind(me.user.id.to_string())
        .execute(&mut *tx)
        .await?;
        let payload = MapTilesSet {
            old,
            new: new.clone(),
        };
        audit::record(&mut tx, Some(me.user.id), "map_settings", payload).await?;
    }
    tx.commit().await?;
    Ok(Json(TileSettings { source: new }))
}
