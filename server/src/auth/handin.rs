//! Handing in after the service ended. When the office ends a monitor's service the account
//! closes and the normal sign-in is refused, but the visits the phone recorded during the term
//! must still arrive (nothing a phone recorded is lost). A hand-in sign-in takes the user name,
//! the password and the phone's device id; it succeeds only for a monitor whose account is
//! closed, from a phone the server has seen that monitor use, and gives a session of its own
//! (its own cookie and table) that reaches exactly two things: `POST /api/v1/visits` for that
//! phone's visits begun by the last day of the term, and `PUT /api/v1/photos/{sha256}` for the
//! photos those visits list, and the resumable upload of the recordings they list (`HEAD` and
//! `PATCH /api/v1/recordings/{sha256}`). Every other route sees no session at all.

use crate::attention;
use crate::audit;
use crate::auth::client::ClientAddr;
use crate::auth::extract::CurrentUser;
use crate::auth::session;
use crate::clock::{now_ms, today_cst};
use crate::error::{ApiError, ApiJson};
use crate::roster;
use crate::state::AppState;
use crate::users;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{HandInRequest, HandInView};
use chafang_domain::event::HandInStarted;
use chafang_domain::quota::day_cst;
use chafang_domain::refusal::VisitRefusal;
use chafang_domain::visit::VisitUpload;
use chafang_domain::{DeviceId, Role, UserId};
use rand::RngCore;
use sqlx::{AnyConnection, Row};
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The hand-in session's cookie, apart from the normal session's.
pub const COOKIE: &str = "chafang_handin";
/// Seven days: long enough to find a signal and upload a phone's backlog of photos.
pub const LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(hand_in))
}

/// What a hand-in session admits: the visits of one phone, begun by the term's last day.
#[derive(Clone, Debug)]
pub struct HandIn {
    pub user: UserId,
    pub device: DeviceId,
    pub last_day: Date,
}

impl HandIn {
    /// Whether this session may hand in a visit.
    pub fn admits(&self, v: &VisitUpload) -> Result<(), VisitRefusal> {
        if v.device_id != self.device {
            return Err(VisitRefusal::HandInOtherDevice);
        }
        if day_cst(v.started_at_device_ms) > self.last_day {
            return Err(VisitRefusal::HandInAfterTerm {
                last_day: self.last_day.to_string(),
            });
        }
        Ok(())
    }
}

/// Sign in to hand in a phone's visits after the service ended. 401 for a wrong name or
/// password (counted like a sign-in), 409 when the account is still open (the normal sign-in is
/// the way), 422 from a phone the server never saw this monitor use.
#[utoipa::path(post, path = "/api/v1/auth/hand-in", tag = "auth", request_body = HandInRequest,
    responses((status = 200, body = HandInView), (status = 401, body = chafang_domain::api::ErrorBody),
              (status = 409, body = chafang_domain::api::ErrorBody), (status = 422, body = chafang_domain::api::ErrorBody),
              (status = 429, body = chafang_domain::api::ErrorBody)))]
async fn hand_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<HandInRequest>,
) -> Result<Response, ApiError> {
    // The same counted, bounded check as a sign-in, for monitors whose service may have ended.
    let user = match super::verified(&state, client, &req.username, req.password, |u| {
        u.view.role == Role::Monitor
    })
    .await
    {
        Ok(user) => user,
        Err(refusal) => return Ok(refusal),
    };
    if user.view.active {
        return Err(VisitRefusal::HandInNotNeeded.into());
    }
    let id = user.view.id;
    let mut tx = state.db.begin_write().await?;
    if !attention::known_device(&mut tx, id, req.device_id).await? {
        return Err(VisitRefusal::HandInUnknownDevice.into());
    }
    // An account the roster holds no term for closed some other way: up to today.
    let last_day = roster::last_day_served(&mut tx, id)
        .await?
        .unwrap_or_else(today_cst);
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO handin_sessions (token_hash, user_id, device_id, last_day, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(session::token_hash(&token))
    .bind(id.to_string())
    .bind(req.device_id.to_string())
    .bind(last_day.to_string())
    .bind(now)
    .bind(now + LIFETIME_MS)
    .execute(&mut *tx)
    .await?;
    let payload = HandInStarted {
        device_id: req.device_id,
        last_day: last_day.to_string(),
    };
    audit::record(&mut tx, Some(id), id, payload).await?;
    tx.commit().await?;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        LIFETIME_MS / 1000
    ))
    .map_err(|e| ApiError::Internal(e.into()))?;
    let view = HandInView {
        user_id: id,
        display_name: user.view.display_name,
        device_id: req.device_id,
        last_day: last_day.to_string(),
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(view)).into_response())
}

/// The hand-in token in a request's cookies, if any.
fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The live hand-in session of a token.
async fn session_of(conn: &mut AnyConnection, token: &str) -> Result<Option<HandIn>, ApiError> {
    let row = sqlx::query(
        "SELECT user_id, device_id, last_day FROM handin_sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(session::token_hash(token))
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let bad = |e: String| ApiError::Internal(anyhow::anyhow!("malformed hand-in session: {e}"));
    let last_day: String = r.try_get("last_day")?;
    Ok(Some(HandIn {
        user: r
            .try_get::<String, _>("user_id")?
            .parse()
            .map_err(|e: uuid::Error| bad(e.to_string()))?,
        device: r
            .try_get::<String, _>("device_id")?
            .parse()
            .map_err(|e: uuid::Error| bad(e.to_string()))?,
        last_day: Date::parse(
            &last_day,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|e| bad(e.to_string()))?,
    }))
}

/// The photo a `PUT /api/v1/photos/{sha256}` addresses, if the request is one.
fn photo_put(method: &Method, path: &str) -> Option<String> {
    let sha = path.strip_prefix("/api/v1/photos/")?;
    (method == Method::PUT && !sha.is_empty() && !sha.contains('/')).then(|| sha.to_owned())
}

/// The recording a resumable upload (`HEAD` or `PATCH /api/v1/recordings/{sha256}`)
/// addresses, if the request is one.
fn recording_upload(method: &Method, path: &str) -> Option<String> {
    let sha = path.strip_prefix("/api/v1/recordings/")?;
    ((method == Method::HEAD || method == Method::PATCH) && !sha.is_empty() && !sha.contains('/'))
        .then(|| sha.to_owned())
}

/// Whether a visit of this hand-in's monitor and phone lists a recording.
async fn lists_recording(
    conn: &mut AnyConnection,
    h: &HandIn,
    sha: &str,
) -> Result<bool, ApiError> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM visit_recordings vr JOIN visits v ON v.id = vr.visit_id \
         WHERE vr.sha256 = $1 AND v.monitor_id = $2 AND v.device_id = $3",
    )
    .bind(sha)
    .bind(h.user.to_string())
    .bind(h.device.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Whether a visit of this hand-in's monitor and phone lists a photo.
async fn lists_photo(conn: &mut AnyConnection, h: &HandIn, sha: &str) -> Result<bool, ApiError> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM visit_photos vp JOIN visits v ON v.id = vp.visit_id \
         WHERE vp.sha256 = $1 AND v.monitor_id = $2 AND v.device_id = $3",
    )
    .bind(sha)
    .bind(h.user.to_string())
    .bind(h.device.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// The layer that lets a hand-in session through to its two routes: on `POST /api/v1/visits`
/// and on a photo PUT of a photo its phone's visits list, with no normal session present, it
/// puts the monitor in the request as the signed-in user and the `HandIn` limits beside it.
/// Anywhere else the hand-in cookie is ignored, so every other route answers 401.
pub async fn admit(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(token) = token_from(req.headers()) else {
        return next.run(req).await;
    };
    let visit_post = req.method() == Method::POST && req.uri().path() == "/api/v1/visits";
    let photo = photo_put(req.method(), req.uri().path());
    let recording = recording_upload(req.method(), req.uri().path());
    if !visit_post && photo.is_none() && recording.is_none() {
        return next.run(req).await;
    }
    let admitted = admitted(&state, req.headers(), &token, photo.as_deref()).await;
    let admitted = match (admitted, recording) {
        (Ok(Some(got)), Some(sha)) => match state.db.pool.acquire().await {
            Ok(mut conn) => match lists_recording(&mut conn, &got.1, &sha).await {
                Ok(true) => Ok(Some(got)),
                Ok(false) => Ok(None),
                Err(e) => Err(e),
            },
            Err(e) => Err(e.into()),
        },
        (other, _) => other,
    };
    match admitted {
        Ok(Some((current, h))) => {
            req.extensions_mut().insert(current);
            req.extensions_mut().insert(h);
            next.run(req).await
        }
        Ok(None) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn admitted(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    photo: Option<&str>,
) -> Result<Option<(CurrentUser, HandIn)>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    // A live normal session goes first: the hand-in never stands in for a signed-in user.
    if let Some(normal) = session::token_from(headers) {
        if session::user_of(&mut conn, &normal).await?.is_some() {
            return Ok(None);
        }
    }
    let Some(h) = session_of(&mut conn, token).await? else {
        return Ok(None);
    };
    if let Some(sha) = photo {
        if !lists_photo(&mut conn, &h, sha).await? {
            return Ok(None);
        }
    }
    let Some(user) = users::find_by_id(&mut conn, h.user).await? else {
        return Ok(None);
    };
    if user.view.role != Role::Monitor || user.view.active {
        return Ok(None);
    }
    let current = CurrentUser {
        user: user.view,
        token_hash: session::token_hash(token),
    };
    Ok(Some((current, h)))
}
