//! Enrolling a phone. The office issues a one-time code for a monitor, shown as text and as a
//! QR code of a link to the PWA's enrolment page (`<origin>/enrol?code=XXXX-XXXX`); on the new
//! phone the monitor redeems it with a new password and is signed in. It is also how a
//! forgotten password is reset.
//!
//! A code is 8 characters from a 31-letter alphabet (just under 40 bits from the OS's random
//! source). Only its SHA-256 is stored, as for session tokens, and neither the code nor its
//! hash goes into the audit chain. A code works once, expires (24 hours unless the office
//! chooses 1–72), and issuing another for the same account revokes it. Redeeming revokes every
//! other session of the account, so a lost phone stops working. Wrong, used, revoked and
//! expired codes get the same answer, and failures are rate-limited per client address in a
//! bucket of the login limiter of their own.

use super::extract::OfficeUser;
use super::{me_of, password, session};
use crate::audit;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::users;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{
    display_enrol_code, normalise_enrol_code, paths, EnrolRequest, Enrolment, IssueEnrolment,
    ENROL_CODE_ALPHABET, ENROL_CODE_LEN, ENROL_CODE_PARAM, ENROL_DEFAULT_HOURS, ENROL_MAX_HOURS,
    ENROL_MIN_HOURS,
};
use chafang_domain::event::{EnrolmentIssued, EnrolmentUsed};
use chafang_domain::refusal::EnrolRefusal;
use chafang_domain::{Role, UserId};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
        .routes(routes!(enrol))
}

const HOUR_MS: i64 = 3600 * 1000;

/// A fresh code, normalised (8 characters, no dash), drawn uniformly from the alphabet.
fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..ENROL_CODE_LEN)
        .map(|_| char::from(ENROL_CODE_ALPHABET[rng.gen_range(0..ENROL_CODE_ALPHABET.len())]))
        .collect()
}

/// What is stored of a normalised code.
fn code_hash(normalised: &str) -> String {
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// The limiter bucket of enrolment attempts from an address. User names cannot contain `:`,
/// so this never meets an account's login bucket.
fn bucket(address: &str) -> String {
    format!("enrol:{address}")
}

/// The origin the office's browser is on: its `Origin` header (the cross-origin layer has
/// already checked that it names this server), else the scheme we serve and the `Host` header
/// (or, on HTTP/2, the request's authority). Only the origin of what was sent is kept, so no
/// path, user name or other text of a header can reach the link.
pub(crate) fn public_origin(headers: &HeaderMap, uri: &Uri, secure: bool) -> Option<String> {
    let web = |u: url::Url| matches!(u.scheme(), "http" | "https").then_some(u);
    let from_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|o| url::Url::parse(o).ok())
        .and_then(web);
    let from_host = || {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| uri.authority().map(|a| a.to_string()))?;
        let scheme = if secure { "https" } else { "http" };
        url::Url::parse(&format!("{scheme}://{host}"))
            .ok()
            .and_then(web)
    };
    let url = from_origin.or_else(from_host)?;
    url.host()?;
    Some(url.origin().ascii_serialization())
}

/// The link a code's QR code carries: the PWA's enrolment page with the code.
fn enrol_url(origin: &str, shown_code: &str) -> Result<String, ApiError> {
    let mut url = url::Url::parse(origin)
        .and_then(|u| u.join(paths::ENROL_PAGE))
        .map_err(|e| ApiError::Internal(e.into()))?;
    url.query_pairs_mut()
        .append_pair(ENROL_CODE_PARAM, shown_code);
    Ok(url.into())
}

/// A QR code of `text` as an inline SVG document (the XML prologue removed, so it can be put
/// straight into a page).
fn qr_svg(text: &str) -> Result<String, ApiError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("making a QR code: {e}")))?;
    let document = code.render::<svg::Color>().min_dimensions(240, 240).build();
    Ok(match document.find("<svg") {
        Some(start) => document[start..].to_owned(),
        None => document,
    })
}

/// Issue a one-time code for a monitor to enrol a phone with (or reset a forgotten password).
/// Revokes the monitor's earlier unused codes. Only for active monitor accounts: any other
/// account, or none, is 404. The body may be left out for the default validity of 24 hours.
#[utoipa::path(post, operation_id = "issueEnrolment", path = "/api/v1/office/users/{id}/enrolment", tag = "office",
    params(("id" = String, Path, description = "the monitor's account id")),
    request_body(content = IssueEnrolment, description = "optional; 24 hours when left out"),
    responses((status = 200, body = Enrolment), (status = 401), (status = 404, description = "not office staff, or no active monitor of this id"),
              (status = 422, body = chafang_domain::api::ErrorBody, description = "validity outside 1–72 hours")))]
async fn issue(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Option<Json<IssueEnrolment>>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body?.map(|Json(r)| r).unwrap_or_default();
    let hours = req.valid_hours.unwrap_or(ENROL_DEFAULT_HOURS);
    if !(ENROL_MIN_HOURS..=ENROL_MAX_HOURS).contains(&hours) {
        return Err(EnrolRefusal::ValidHours {
            min: ENROL_MIN_HOURS,
            max: ENROL_MAX_HOURS,
        }
        .into());
    }
    let user: UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    let origin = public_origin(&headers, &uri, state.secure_cookies).ok_or(EnrolRefusal::NoHost)?;
    let code = new_code();
    let shown = display_enrol_code(&code);
    let url = enrol_url(&origin, &shown)?;
    let qr_svg = qr_svg(&url)?;

    let mut tx = state.db.begin_write().await?;
    users::find_by_id(&mut tx, user)
        .await?
        .filter(|u| u.view.active && u.view.role == Role::Monitor)
        .ok_or(ApiError::NotFound)?;
    let now = now_ms();
    let expires_at = now + i64::from(hours) * HOUR_MS;
    let revoked = revoke_open(&mut tx, user, now).await?;
    let enrolment = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO enrolment_codes (id, code_hash, user_id, issued_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&enrolment)
    .bind(code_hash(&code))
    .bind(user.to_string())
    .bind(office.user.id.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(office.user.id),
        user,
        EnrolmentIssued {
            enrolment: enrolment.clone(),
            expires_at,
            revoked,
        },
    )
    .await?;
    tx.commit().await?;
    let enrolment = Enrolment {
        code: shown,
        expires_at_ms: expires_at,
        url,
        qr_svg,
    };
    // The answer carries the code: no cache along the way may keep it.
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(enrolment)).into_response())
}

/// Revokes an account's codes that are neither used nor revoked (expired ones too) and
/// returns their ids.
async fn revoke_open(
    conn: &mut AnyConnection,
    user: UserId,
    now: i64,
) -> Result<Vec<String>, ApiError> {
    let ids: Vec<String> = sqlx::query(
        "SELECT id FROM enrolment_codes WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL \
         ORDER BY created_at",
    )
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()?;
    if !ids.is_empty() {
        sqlx::query(
            "UPDATE enrolment_codes SET revoked_at = $1 \
             WHERE user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(ids)
}

/// The open code with this hash: not used, not revoked, not expired, of an active monitor.
/// `None` also when, against all odds, two open codes share the hash.
async fn find_open(
    conn: &mut AnyConnection,
    hash: &str,
    now: i64,
) -> Result<Option<(String, UserId)>, ApiError> {
    let rows = sqlx::query(
        "SELECT e.id, e.user_id FROM enrolment_codes e JOIN users u ON u.id = e.user_id \
         WHERE e.code_hash = $1 AND e.used_at IS NULL AND e.revoked_at IS NULL \
         AND e.expires_at > $2 AND u.active = 1 AND u.role = 'monitor'",
    )
    .bind(hash)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let [row] = rows.as_slice() else {
        return Ok(None);
    };
    let user: String = row.try_get("user_id")?;
    let user = user.parse().map_err(|e: uuid::Error| {
        ApiError::Internal(anyhow::Error::new(e).context("a malformed user id in enrolment_codes"))
    })?;
    Ok(Some((row.try_get("id")?, user)))
}

/// Redeem a one-time code on a phone: sets the account's password, ends its other sessions
/// and signs this phone in (the session cookie and the same body as login). Wrong, used,
/// revoked and expired codes all get the same 401 `invalid_credentials`; too many from one
/// address get 429.
#[utoipa::path(post, path = "/api/v1/auth/enrol", tag = "auth", request_body = EnrolRequest,
    responses((status = 200, body = chafang_domain::api::Me),
              (status = 400, body = chafang_domain::api::ErrorBody, description = "no code or no password"),
              (status = 401, body = chafang_domain::api::ErrorBody, description = "the code is not valid (wrong, used, revoked or expired)"),
              (status = 422, body = chafang_domain::api::ErrorBody, description = "the password is too weak; the code is not spent"),
              (status = 429, body = chafang_domain::api::ErrorBody)))]
async fn enrol(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> Result<Response, ApiError> {
    if req.code.trim().is_empty() || req.password.is_empty() {
        return Err(EnrolRefusal::CodeAndPassword.into());
    }
    // A weak password is refused before the code is looked at, so it neither spends the code
    // nor counts as a wrong guess.
    password::check_strength(&req.password).map_err(|_| EnrolRefusal::WeakPassword {
        min_chars: 8,
        max_bytes: 256,
    })?;
    let address = peer.ip().to_string();
    let bucket = bucket(&address);
    let limiter = &state.login_limiter;
    if !limiter.allowed(&bucket, &address).await? {
        return Err(ApiError::RateLimited);
    }
    let refused = || {
        let (bucket, address) = (&bucket, &address);
        async move {
            match limiter.failed(bucket, address).await {
                Ok(()) => ApiError::InvalidCredentials,
                Err(e) => e,
            }
        }
    };
    let Some(code) = normalise_enrol_code(&req.code) else {
        return Err(refused().await);
    };
    let hash = code_hash(&code);
    let found = {
        let mut conn = state.db.pool.acquire().await?;
        find_open(&mut conn, &hash, now_ms()).await?
    };
    let Some((enrolment, user)) = found else {
        return Err(refused().await);
    };
    // Hashing is slow: done before the write transaction, not inside it.
    let phc = users::hash_password(req.password).await?;

    let mut tx = state.db.begin_write().await?;
    let now = now_ms();
    // Guarded by the state it was found in: of two phones redeeming the same code at once,
    // one wins and the other is refused like any spent code.
    let spent = sqlx::query(
        "UPDATE enrolment_codes SET used_at = $1 \
         WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&enrolment)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    let updated = spent
        && sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE id = $2 AND active = 1 AND role = 'monitor'",
        )
        .bind(&phc)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
    if !updated {
        // Dropping the transaction rolls it back (and frees the writer for the count).
        drop(tx);
        return Err(refused().await);
    }
    let sessions_revoked = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    audit::record(
        &mut tx,
        Some(user),
        user,
        EnrolmentUsed {
            enrolment: enrolment.clone(),
            password_set: true,
            sessions_revoked,
        },
    )
    .await?;
    let token = session::start(&mut tx, user).await?;
    let stored = users::find_by_id(&mut tx, user)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an enrolled account vanished")))?;
    tx.commit().await?;
    // Forgiving is best effort: the enrolment has committed either way.
    if let Err(e) = limiter.succeeded(&bucket).await {
        tracing::warn!("sign-in limits: {e:?}");
    }
    // A monitor who locked the account by guessing the old password may sign in again.
    if let Err(e) = limiter.succeeded(&stored.view.username).await {
        tracing::warn!("sign-in limits: {e:?}");
    }
    let cookie = session::set_cookie(&token, state.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Json(me_of(stored.view))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn fresh_codes_are_well_formed_and_differ() {
        let a = new_code();
        assert_eq!(normalise_enrol_code(&a).as_deref(), Some(a.as_str()));
        let many: std::collections::HashSet<String> = (0..1000).map(|_| new_code()).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn the_link_uses_the_browser_origin_or_the_host() {
        let uri: Uri = "/api/v1/office/users/x/enrolment".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            HeaderValue::from_static("chafang.example:8443"),
        );
        assert_eq!(
            public_origin(&h, &uri, true).as_deref(),
            Some("https://chafang.example:8443")
        );
        assert_eq!(
            public_origin(&h, &uri, false).as_deref(),
            Some("http://chafang.example:8443")
        );
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://chafang.example:8443"),
        );
        assert_eq!(
            public_origin(&h, &uri, false).as_deref(),
            Some("https://chafang.example:8443")
        );
        let mut odd = HeaderMap::new();
        odd.insert(header::HOST, HeaderValue::from_static("a.example/evil?x=1"));
        assert_eq!(
            public_origin(&odd, &uri, false).as_deref(),
            Some("http://a.example")
        );
        assert_eq!(public_origin(&HeaderMap::new(), &uri, false), None);
        assert_eq!(
            enrol_url("https://a.example", "ABCD-EFGH").unwrap(),
            "https://a.example/enrol?code=ABCD-EFGH"
        );
    }

    #[test]
    fn the_qr_code_is_an_inline_svg() {
        let svg = qr_svg("https://a.example/enrol?code=ABCD-EFGH").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("ABCD"));
    }
}
