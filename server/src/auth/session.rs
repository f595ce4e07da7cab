//! Server-side sessions. The browser holds a random token in an HttpOnly, SameSite=Strict
//! cookie (Secure over TLS); the database holds only its SHA-256, with an expiry and a
//! revocation time. Ending a session, or an account, takes effect on the next request.

use crate::audit::{self, Event};
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue};
use chafang_domain::event::{SessionEnded, SessionStarted};
use chafang_domain::UserId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

pub const COOKIE: &str = "chafang_session";
/// Thirty days: monitors work offline for long stretches and must not lose their outbox to a
/// short session; the outbox survives an expired session in any case.
pub const LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session and returns its token.
pub async fn start(conn: &mut WriteTx, user: UserId) -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = now_ms();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user.to_string())
        .bind(now)
        .bind(now + LIFETIME_MS)
        .execute(&mut *conn)
        .await?;
    audit::append(
        conn,
        Event {
            actor: Some(user.to_string()),
            subject: Some(user.to_string()),
            payload: SessionStarted {}.into(),
        },
    )
    .await?;
    Ok(token)
}

/// Revokes one session. Returns whether a live session was revoked.
pub async fn revoke(conn: &mut WriteTx, token_hash: &str, user: UserId) -> Result<bool, ApiError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(token_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0;
    if done {
        audit::append(
            conn,
            Event {
                actor: Some(user.to_string()),
                subject: Some(user.to_string()),
                payload: SessionEnded {}.into(),
            },
        )
        .await?;
    }
    Ok(done)
}

/// The user id of a live session (not expired, not revoked, account active).
pub async fn user_of(conn: &mut AnyConnection, token: &str) -> Result<Option<UserId>, ApiError> {
    let row = sqlx::query(
        "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => {
            let id: String = r.try_get("user_id")?;
            Ok(Some(
                id.parse()
                    .map_err(|e: uuid::Error| ApiError::Internal(e.into()))?,
            ))
        }
        None => Ok(None),
    }
}

/// The session token in a request's cookies, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
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

/// The `Set-Cookie` value that stores a token.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        LIFETIME_MS / 1000
    );
    HeaderValue::from_str(&value).expect("cookie is ASCII")
}

/// The `Set-Cookie` value that clears the token.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    ))
    .expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_read_from_among_other_cookies_and_checked() {
        let token = "a".repeat(64);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("lang=zh; {COOKIE}={token}; x=y")).unwrap(),
        );
        assert_eq!(token_from(&h), Some(token));
        let mut bad = HeaderMap::new();
        bad.insert(
            header::COOKIE,
            HeaderValue::from_static("chafang_session=../../etc"),
        );
        assert_eq!(token_from(&bad), None);
    }

    #[test]
    fn cookie_is_http_only_strict_and_secure_over_tls() {
        let c = set_cookie("t", true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie("t", false).to_str().unwrap().contains("Secure"));
    }
}
