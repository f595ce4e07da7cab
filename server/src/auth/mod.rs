//! Signing in and out. Login is rate-limited per account and per client address, verifies the
//! argon2id hash off the async workers, starts a server-side session and sets its cookie.

pub mod enrol;
pub mod extract;
pub mod handin;
pub mod origin;
pub mod password;
pub mod ratelimit;
pub mod session;

use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::users;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{LoginRequest, Me, UserView};
use extract::CurrentUser;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .merge(enrol::router())
        .merge(handin::router())
}

fn me_of(user: UserView) -> Me {
    Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        unit: user.unit,
        position: user.position,
    }
}

/// Sign in with user name and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 401, body = chafang_domain::api::ErrorBody),
              (status = 429, body = chafang_domain::api::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let address = peer.ip().to_string();
    let account = req.username.trim().to_ascii_lowercase();
    if account.is_empty() || req.password.is_empty() {
        return Err(ApiError::BadRequest(
            "user name and password are required".into(),
        ));
    }
    if !state.login_limiter.allowed(&account, &address) {
        return Err(ApiError::RateLimited);
    }
    let stored = {
        let mut conn = state.db.pool.acquire().await?;
        users::find_by_username(&mut conn, &account).await?
    };
    let stored = stored.filter(|u| u.view.active);
    let phc = stored.as_ref().map_or_else(
        || password::decoy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let password = req.password;
    let matches = tokio::task::spawn_blocking(move || password::verify(&password, &phc))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let Some(user) = stored.filter(|_| matches) else {
        state.login_limiter.failed(&account, &address);
        return Err(ApiError::InvalidCredentials);
    };
    state.login_limiter.succeeded(&account);
    let mut tx = state.db.begin_write().await?;
    let token = session::start(&mut tx, user.view.id).await?;
    tx.commit().await?;
    let cookie = session::set_cookie(&token, state.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Json(me_of(user.view))).into_response())
}

/// Sign out: revokes the session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AppState>, current: CurrentUser) -> Result<Response, ApiError> {
    let mut tx = state.db.begin_write().await?;
    session::revoke(&mut tx, &current.token_hash, current.user.id).await?;
    tx.commit().await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            session::clear_cookie(state.secure_cookies),
        )],
    )
        .into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Me), (status = 401)))]
async fn me(current: CurrentUser) -> Json<Me> {
    Json(me_of(current.user))
}
