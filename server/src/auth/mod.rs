//! Signing in and out. A login is counted against its limits before its password is checked
//! (`ratelimit`), by the client's address (`client`, behind a trusted proxy the one it names);
//! the argon2id hash is checked off the async workers, a bounded number at once
//! (`password::check`); a right password starts a server-side session and sets its cookie.

pub mod client;
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
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{LoginRequest, Me, UserView};
use chafang_domain::refusal::SignInRefusal;
use client::ClientAddr;
use extract::CurrentUser;
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

/// A refused sign-in, with `Retry-After` when waiting puts it right.
pub fn refused(r: SignInRefusal) -> Response {
    let after = r.retry_after_s();
    let mut res = ApiError::from(r).into_response();
    if let Some(s) = after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    res
}

/// The account a user name and password sign in as, among those `may` lets in, or the answer
/// that refuses it (missing fields, too many attempts, busy, wrong name or password). The
/// attempt is counted before anything is looked up or hashed (`ratelimit`), and the hash is
/// checked through `password::check`'s bounded gate; an unknown name is checked against a decoy
/// so that it costs the same. Every way in with a password goes through here.
pub(crate) async fn verified(
    state: &AppState,
    client: std::net::IpAddr,
    username: &str,
    given: String,
    may: impl Fn(&users::StoredUser) -> bool,
) -> Result<users::StoredUser, Response> {
    let account = username.trim().to_ascii_lowercase();
    if account.is_empty() || given.is_empty() {
        return Err(refused(SignInRefusal::MissingCredentials));
    }
    let limiter = &state.login_limiter;
    let attempt = match limiter.admit(&account, client).await {
        Ok(attempt) => attempt,
        Err(ratelimit::NotAdmitted::Refused(r)) => return Err(refused(r)),
        Err(ratelimit::NotAdmitted::Failed(e)) => return Err(e.into_response()),
    };
    let stored = async {
        let mut conn = state.db.pool.acquire().await?;
        users::find_by_username(&mut conn, &account).await
    }
    .await;
    let stored = match stored {
        Ok(s) => s.filter(|u| may(u)),
        Err(e) => {
            let _ = limiter.withdraw(attempt).await;
            return Err(e.into_response());
        }
    };
    let phc = stored.as_ref().map_or_else(
        || password::decoy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let matches = match password::check(given, phc).await {
        Ok(m) => m,
        Err(password::Busy) => {
            if let Err(e) = limiter.withdraw(attempt).await {
                return Err(e.into_response());
            }
            return Err(refused(SignInRefusal::Busy { retry_after_s: 1 }));
        }
    };
    // A wrong password stays counted.
    let Some(user) = stored.filter(|_| matches) else {
        return Err(ApiError::InvalidCredentials.into_response());
    };
    if let Err(e) = limiter.passed(attempt).await {
        return Err(e.into_response());
    }
    Ok(user)
}

/// Sign in with user name and password; sets the session cookie. Too many attempts, or a
/// server busy checking passwords, are 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 400, body = chafang_domain::api::ErrorBody),
              (status = 401, body = chafang_domain::api::ErrorBody),
              (status = 429, body = chafang_domain::api::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let user = match verified(&state, client, &req.username, req.password, |u| {
        u.view.active
    })
    .await
    {
        Ok(user) => user,
        Err(refusal) => return Ok(refusal),
    };
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
