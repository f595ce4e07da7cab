//! The public routes' limits, counted in the database (`complaint_hits`) so that every server
//! process counts the same: at most so many acts under one key (an address's, a unit's) in the
//! last hour. Rows older than the hour are swept as new ones come. The count and the insert
//! are one write transaction (SQLite's one writer serialises them; on PostgreSQL requests in
//! flight at the same instant may each pass, so a burst can exceed a limit by the number of
//! requests racing, never by more).

use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::ApiError;
use sqlx::Row;
use uuid::Uuid;

pub const WINDOW_MS: i64 = 60 * 60 * 1000;
/// Complaints from one address (IPv6: one /64) an hour.
pub const PER_ADDRESS: i64 = 5;
/// Complaints about one unit an hour, from everywhere: a flood aimed at one unit stops here.
pub const PER_UNIT: i64 = 30;
/// Challenges one address may fetch an hour.
pub const CHALLENGES_PER_ADDRESS: i64 = 60;
/// Progress lookups and photo uploads from one address an hour.
pub const LOOKUPS_PER_ADDRESS: i64 = 120;

/// Counts one act under `key` if fewer than `max` were counted in the last hour; `false` if the
/// limit is reached (nothing counted).
pub async fn hit(tx: &mut WriteTx, key: &str, max: i64) -> Result<bool, ApiError> {
    let now = now_ms();
    sqlx::query("DELETE FROM complaint_hits WHERE at < $1")
        .bind(now - WINDOW_MS)
        .execute(&mut *tx)
        .await?;
    let n: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM complaint_hits WHERE key = $1 AND at >= $2")
            .bind(key)
            .bind(now - WINDOW_MS)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
    if n >= max {
        return Ok(false);
    }
    sqlx::query("INSERT INTO complaint_hits (id, key, at) VALUES ($1, $2, $3)")
        .bind(Uuid::new_v4().to_string())
        .bind(key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(true)
}

pub fn address_key(kind: &str, address: std::net::IpAddr) -> String {
    format!("{kind}:{}", crate::auth::client::key_of(address))
}
