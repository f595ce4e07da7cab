//! Authentication and role as extractors. `CurrentUser` answers 401 without a live session;
//! the role extractors answer 404 to any other role, so nothing outside a user's scope even
//! admits to existing.

use crate::auth::session;
use crate::error::ApiError;
use crate::state::AppState;
use crate::users;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chafang_domain::api::UserView;
use chafang_domain::{Role, UnitId};

/// The signed-in user and the hash of the session token they came with.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: UserView,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let token = session::token_from(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let mut conn = state.db.pool.acquire().await?;
        let id = session::user_of(&mut conn, &token)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let stored = users::find_by_id(&mut conn, id)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let current = CurrentUser {
            user: stored.view,
            token_hash: session::token_hash(&token),
        };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

async fn with_role(
    parts: &mut Parts,
    state: &AppState,
    role: Role,
) -> Result<CurrentUser, ApiError> {
    let current = CurrentUser::from_request_parts(parts, state).await?;
    if current.user.role == role {
        Ok(current)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Office staff only.
#[derive(Debug, Clone)]
pub struct OfficeUser(pub CurrentUser);

impl FromRequestParts<AppState> for OfficeUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        with_role(parts, state, Role::Office).await.map(OfficeUser)
    }
}

/// Monitors only.
#[derive(Debug, Clone)]
pub struct MonitorUser(pub CurrentUser);

impl FromRequestParts<AppState> for MonitorUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        with_role(parts, state, Role::Monitor)
            .await
            .map(MonitorUser)
    }
}

/// Unit users only, with the unit they are bound to.
#[derive(Debug, Clone)]
pub struct UnitUser {
    pub current: CurrentUser,
    pub unit_id: UnitId,
}

impl FromRequestParts<AppState> for UnitUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let current = with_role(parts, state, Role::Unit).await?;
        let unit_id = current
            .user
            .unit
            .as_ref()
            .map(|u| u.id)
            .ok_or(ApiError::NotFound)?;
        Ok(UnitUser { current, unit_id })
    }
}

/// A unit user with the scope every unit-facing route answers within: their unit's subtree as
/// `chafang_domain::unit::subtree` defines it (children, and units merged in), read from the
/// directory as it is now. Anything outside it is 404, as if it did not exist.
#[derive(Debug, Clone)]
pub struct UnitScope {
    pub user: UnitUser,
    /// Every unit of the directory, for names of units outside the scope that a record cites
    /// (a commitment of a unit above), never for access.
    pub directory: Vec<chafang_domain::api::UnitView>,
    ids: std::collections::HashSet<UnitId>,
}

impl UnitScope {
    /// The scope of `user` in a directory.
    pub fn of(user: UnitUser, directory: Vec<chafang_domain::api::UnitView>) -> UnitScope {
        let ids = crate::units::subtree_ids(&directory, user.unit_id);
        UnitScope {
            user,
            directory,
            ids,
        }
    }

    /// The units of the scope, in the directory's order (parents before children).
    pub fn units(&self) -> impl Iterator<Item = &chafang_domain::api::UnitView> {
        self.directory.iter().filter(|u| self.ids.contains(&u.id))
    }

    /// Whether a unit is in the scope.
    pub fn contains(&self, unit: UnitId) -> bool {
        self.ids.contains(&unit)
    }

    /// The ids of the scope's units.
    pub fn ids(&self) -> &std::collections::HashSet<UnitId> {
        &self.ids
    }
}

impl FromRequestParts<AppState> for UnitScope {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = UnitUser::from_request_parts(parts, state).await?;
        let mut conn = state.db.pool.acquire().await?;
        let directory = crate::units::list_all(&mut conn).await?;
        Ok(UnitScope::of(user, directory))
    }
}
