//! Accounts: office staff, monitors and unit users. Store functions take a connection (the
//! handler owns the transaction); the office's account list is served here too.

use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::auth::password;
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::{store_refusal, ApiError};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chafang_domain::api::{UnitRef, UserView};
use chafang_domain::event::UserCreated;
use chafang_domain::refusal::{StoreRefusal, UserRefusal};
use chafang_domain::role::UnitPosition;
use chafang_domain::{Role, UnitId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_users))
}

/// A user name as accepted at the edge: 3–64 characters of ASCII letters, digits, `.`, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, UserRefusal> {
        let s = s.trim();
        let ok_len = (3..=64).contains(&s.len());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok_len && ok_chars {
            Ok(Username(s.to_ascii_lowercase()))
        } else {
            Err(UserRefusal::BadUsername { min: 3, max: 64 })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What creating an account needs.
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<(UnitId, UnitPosition)>,
    /// An argon2id PHC string.
    pub password_hash: String,
}

/// Inserts an account and its audit event. A taken user name is a unique violation (409).
pub async fn insert(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    user: NewUser,
) -> Result<UserId, ApiError> {
    if user.display_name.trim().is_empty() {
        return Err(UserRefusal::NoDisplayName.into());
    }
    if (user.role == Role::Unit) != user.unit.is_some() {
        return Err(UserRefusal::UnitMismatch.into());
    }
    let id = UserId::new();
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, unit_id, unit_position, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)",
    )
    .bind(id.to_string())
    .bind(user.username.as_str())
    .bind(user.display_name.trim())
    .bind(user.role.as_str())
    .bind(user.unit.map(|(u, _)| u.to_string()))
    .bind(user.unit.map(|(_, p)| p.as_str()))
    .bind(&user.password_hash)
    .bind(now_ms())
    .execute(&mut *conn)
    .await
    .map_err(|e| match store_refusal(&e) {
        Some(StoreRefusal::Duplicate) => UserRefusal::UsernameTaken {
            username: user.username.as_str().to_owned(),
        }
        .into(),
        _ => ApiError::from(e),
    })?;
    audit::record(
        conn,
        actor,
        id,
        UserCreated {
            username: user.username.as_str().to_owned(),
            display_name: user.display_name.trim().to_owned(),
            role: user.role.as_str().to_owned(),
            unit_id: user.unit.map(|(u, _)| u.to_string()),
            unit_position: user.unit.map(|(_, p)| p.as_str().to_owned()),
        },
    )
    .await?;
    Ok(id)
}

/// An account as stored, with its unit's name.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub view: UserView,
    pub password_hash: String,
}

const SELECT_USER: &str = "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.unit_position, \
     u.password_hash, u.active, n.name AS unit_name FROM users u LEFT JOIN units n ON n.id = u.unit_id";

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("malformed id {s:?} in the database")))
}

fn stored_user(row: &AnyRow) -> Result<StoredUser, ApiError> {
    let unit = match row.try_get::<Option<String>, _>("unit_id")? {
        Some(id) => Some(UnitRef {
            id: parse_id(&id)?,
            name: row
                .try_get::<Option<String>, _>("unit_name")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let role: String = row.try_get("role")?;
    let position = row
        .try_get::<Option<String>, _>("unit_position")?
        .map(|p| p.parse::<UnitPosition>())
        .transpose()
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(StoredUser {
        view: UserView {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            username: row.try_get("username")?,
            display_name: row.try_get("display_name")?,
            role: role
                .parse()
                .map_err(|e: chafang_domain::role::UnknownRole| ApiError::Internal(e.into()))?,
            unit,
            position,
            active: row.try_get::<i64, _>("active")? == 1,
        },
        password_hash: row.try_get("password_hash")?,
    })
}

/// Finds an account by user name (case-insensitive: names are stored lower-case).
pub async fn find_by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<StoredUser>, ApiError> {
    let row = sqlx::query(&format!("{SELECT_USER} WHERE u.username = $1"))
        .bind(username.trim().to_ascii_lowercase())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(stored_user).transpose()
}

/// Finds an account by id.
pub async fn find_by_id(
    conn: &mut AnyConnection,
    id: UserId,
) -> Result<Option<StoredUser>, ApiError> {
    let row = sqlx::query(&format!("{SELECT_USER} WHERE u.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(stored_user).transpose()
}

/// Every account, office first, then monitors, then unit users, by name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<UserView>, ApiError> {
    let rows = sqlx::query(&format!(
        "{SELECT_USER} ORDER BY CASE u.role WHEN 'office' THEN 0 WHEN 'monitor' THEN 1 ELSE 2 END, u.username"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| stored_user(r).map(|u| u.view))
        .collect()
}

/// Hashes a password on the blocking pool.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)
}

/// All accounts (office only).
#[utoipa::path(get, path = "/api/v1/office/users", tag = "office",
    responses((status = 200, body = Vec<UserView>), (status = 401), (status = 404, description = "not office staff")))]
async fn list_users(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(list(&mut conn).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_parsed_at_the_edge() {
        assert_eq!(Username::parse(" Office ").unwrap().as_str(), "office");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("监督员").is_err());
        assert!(Username::parse("a b c").is_err());
        assert!(Username::parse(&"x".repeat(65)).is_err());
        assert!(Username::parse("monitor-01.b_c").is_ok());
    }
}
