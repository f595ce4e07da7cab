//! Outbound webhooks: the office registers endpoints (a URL and a secret; deactivated, never
//! deleted), every event appended to the audit chain puts one delivery per active endpoint in
//! the outbox in the same transaction, and the worker posts due deliveries, each body signed
//! `X-Chafang-Signature: sha256=<hex HMAC-SHA256 of the body>`, retrying with exponential
//! backoff until the endpoint answers 2xx or the attempts run out.
//!
//! A body is minimal so that a gateway which texts units can never carry a reporter's identity:
//! `{seq, kind}`, plus the subject for a case (a random id) or a unit, plus the day for events
//! that are neither a case's nor a visit's. Never the actor, never the event's payload.

use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{DeliveryStatus, NewWebhook, WebhookDelivery, WebhookView};
use chafang_domain::quota::day_cst;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{AnyConnection, Row};
use std::time::Duration;
use uuid::Uuid;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Chafang-Signature";
/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 10;
/// The first retry waits this long; each further one twice as long, up to `MAX_BACKOFF_MS`.
pub const FIRST_BACKOFF_MS: i64 = 60_000;
pub const MAX_BACKOFF_MS: i64 = 6 * 60 * 60 * 1000;
/// A delivery claimed by a worker is not tried by another for this long.
const CLAIM_MS: i64 = 5 * 60 * 1000;
/// Deliveries tried per tick.
const BATCH: i64 = 50;
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

use crate::error::internal;

/// The body sent for an event: see the module's documentation for what it may carry.
pub fn body(seq: i64, at_ms: i64, kind: &str, subject: Option<&str>) -> serde_json::Value {
    let family = kind.split('.').next().unwrap_or("");
    let mut out = serde_json::json!({"seq": seq, "kind": kind});
    match family {
        "visit" | "photo" => {}
        "case" => {
            out["subject"] = subject.into();
        }
        "unit" => {
            out["subject"] = subject.into();
            out["at_day"] = day_cst(at_ms).to_string().into();
        }
        _ => {
            out["at_day"] = day_cst(at_ms).to_string().into();
        }
    }
    out
}

/// The signature header's value for a body.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Puts an event into the outbox of every active endpoint, in the appending transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    seq: i64,
    at_ms: i64,
    kind: &str,
    subject: Option<&str>,
) -> Result<(), sqlx::Error> {
    let payload = body(seq, at_ms, kind, subject).to_string();
    sqlx::query(
        "INSERT INTO webhook_deliveries (endpoint_id, seq, kind, payload, attempts, next_attempt_at, created_at) \
         SELECT id, CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS TEXT), 0, CAST($4 AS BIGINT), CAST($4 AS BIGINT) \
         FROM webhook_endpoints WHERE active = 1",
    )
    .bind(seq)
    .bind(kind)
    .bind(payload)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The wait before the attempt after `attempts` failed ones.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    FIRST_BACKOFF_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_BACKOFF_MS)
}

/// A delivery due now.
struct Due {
    endpoint: String,
    seq: i64,
    payload: String,
    attempts: i64,
    next_attempt_at: i64,
    url: String,
    secret: String,
}

async fn due(db: &Db, now: i64) -> Result<Vec<Due>, ApiError> {
    let mut conn = db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT d.endpoint_id, d.seq, d.payload, d.attempts, d.next_attempt_at, e.url, e.secret \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= $1 AND e.active = 1 \
         ORDER BY d.next_attempt_at, d.seq LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Due {
                endpoint: r.try_get("endpoint_id")?,
                seq: r.try_get("seq")?,
                payload: r.try_get("payload")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
                url: r.try_get("url")?,
                secret: r.try_get("secret")?,
            })
        })
        .collect()
}

/// Claims a delivery for one attempt: false when another worker got it first.
async fn claim(db: &Db, d: &Due, now: i64) -> Result<bool, ApiError> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = $1 \
         WHERE endpoint_id = $2 AND seq = $3 AND next_attempt_at = $4",
    )
    .bind(now + CLAIM_MS)
    .bind(&d.endpoint)
    .bind(d.seq)
    .bind(d.next_attempt_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n == 1)
}

/// What one attempt came to: the status if the endpoint answered, or why not.
async fn attempt(client: &reqwest::Client, d: &Due) -> (Option<u16>, Option<String>) {
    let res = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature(&d.secret, d.payload.as_bytes()))
        .header("X-Chafang-Seq", d.seq.to_string())
        .body(d.payload.clone())
        .send()
        .await;
    match res {
        Ok(res) if res.status().is_success() => (Some(res.status().as_u16()), None),
        Ok(res) => (
            Some(res.status().as_u16()),
            Some(format!("answered {}", res.status())),
        ),
        // The error's text may name the URL, which the office knows anyway.
        Err(e) => (None, Some(e.to_string().chars().take(300).collect())),
    }
}

async fn settle(
    db: &Db,
    d: &Due,
    now: i64,
    status: Option<u16>,
    error: Option<String>,
) -> Result<bool, ApiError> {
    let attempts = d.attempts + 1;
    let delivered = error.is_none();
    let (next, delivered_at, failed_at) = if delivered {
        (None, Some(now), None)
    } else if attempts >= MAX_ATTEMPTS {
        (None, None, Some(now))
    } else {
        (Some(now + backoff_ms(attempts)), None, None)
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = $1, next_attempt_at = $2, last_status = $3, \
         last_error = $4, delivered_at = $5, failed_at = $6 WHERE endpoint_id = $7 AND seq = $8",
    )
    .bind(attempts)
    .bind(next)
    .bind(status.map(i64::from))
    .bind(error)
    .bind(delivered_at)
    .bind(failed_at)
    .bind(&d.endpoint)
    .bind(d.seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(delivered)
}

/// One tick of the worker: tries every delivery due at `now` once. Returns how many were
/// delivered. Tests call it with a `now` of their choosing to skip the backoff.
pub async fn deliver_due(db: &Db, client: &reqwest::Client, now: i64) -> Result<u32, ApiError> {
    let mut delivered = 0;
    for d in due(db, now).await? {
        if !claim(db, &d, now).await? {
            continue;
        }
        let (status, error) = attempt(client, &d).await;
        if settle(db, &d, now, status, error).await? {
            delivered += 1;
        }
    }
    Ok(delivered)
}

/// The worker's HTTP client.
pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

fn view_of(r: &sqlx::any::AnyRow) -> Result<WebhookView, ApiError> {
    Ok(WebhookView {
        id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
        url: r.try_get("url")?,
        active: r.try_get::<i64, _>("active")? == 1,
        created_at_ms: r.try_get("created_at")?,
    })
}

async fn load(conn: &mut AnyConnection, id: Uuid) -> Result<Option<WebhookView>, ApiError> {
    let row =
        sqlx::query("SELECT id, url, active, created_at FROM webhook_endpoints WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.as_ref().map(view_of).transpose()
}

/// The webhook endpoints, oldest first (secrets are never shown).
#[utoipa::path(get, path = "/api/v1/office/webhooks", tag = "notifications",
    responses((status = 200, body = Vec<WebhookView>), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, url, active, created_at FROM webhook_endpoints ORDER BY created_at, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Json(rows.iter().map(view_of).collect::<Result<_, _>>()?))
}

fn check(req: &NewWebhook) -> Result<(String, String), ApiError> {
    let url = url::Url::parse(req.url.trim())
        .map_err(|_| ApiError::Unprocessable("the URL is not a URL".into()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ApiError::Unprocessable(
            "the URL must be http or https with a host".into(),
        ));
    }
    let secret = req.secret.trim();
    let chars = secret.chars().count();
    if !(16..=200).contains(&chars) {
        return Err(ApiError::Unprocessable(
            "the secret must have 16 to 200 characters".into(),
        ));
    }
    Ok((url.to_string(), secret.to_owned()))
}

/// Registers an endpoint: every event from now on is delivered to it.
#[utoipa::path(post, path = "/api/v1/office/webhooks", tag = "notifications", request_body = NewWebhook,
    responses((status = 201, body = WebhookView), (status = 401), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    let (url, secret) = check(&req)?;
    let id = Uuid::new_v4();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, url, secret, active, created_at, created_by) \
         VALUES ($1, $2, $3, 1, $4, $5)",
    )
    .bind(id.to_string())
    .bind(&url)
    .bind(secret)
    .bind(now_ms())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(me.user.id),
        "webhook.created",
        id,
        serde_json::json!({"url": url}),
    )
    .await?;
    let view = load(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Deactivates an endpoint: nothing more is sent to it, and its record stays.
#[utoipa::path(post, path = "/api/v1/office/webhooks/{id}/deactivate", tag = "notifications",
    params(("id" = String, Path, description = "endpoint id")),
    responses((status = 200, body = WebhookView), (status = 401), (status = 404)))]
pub async fn deactivate(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<WebhookView>, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let before = load(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    if before.active {
        sqlx::query("UPDATE webhook_endpoints SET active = 0 WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            Some(me.user.id),
            "webhook.deactivated",
            id,
            serde_json::json!({}),
        )
        .await?;
    }
    let view = load(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(view))
}

fn delivery_of(r: &sqlx::any::AnyRow) -> Result<WebhookDelivery, ApiError> {
    let delivered_at: Option<i64> = r.try_get("delivered_at")?;
    let failed_at: Option<i64> = r.try_get("failed_at")?;
    let status = match (delivered_at, failed_at) {
        (Some(_), _) => DeliveryStatus::Delivered,
        (None, Some(_)) => DeliveryStatus::Failed,
        (None, None) => DeliveryStatus::Pending,
    };
    Ok(WebhookDelivery {
        endpoint: r
            .try_get::<String, _>("endpoint_id")?
            .parse()
            .map_err(internal)?,
        seq: r.try_get("seq")?,
        kind: r.try_get("kind")?,
        status,
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).map_err(internal)?,
        last_status: r
            .try_get::<Option<i64>, _>("last_status")?
            .map(|s| u16::try_from(s).map_err(internal))
            .transpose()?,
        last_error: r.try_get("last_error")?,
        next_attempt_at_ms: r.try_get("next_attempt_at")?,
        delivered_at_ms: delivered_at,
    })
}

/// The latest 200 deliveries, newest event first, with their status and attempts.
#[utoipa::path(get, path = "/api/v1/office/webhooks/deliveries", tag = "notifications",
    responses((status = 200, body = Vec<WebhookDelivery>), (status = 401), (status = 404)))]
pub async fn deliveries(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<Vec<WebhookDelivery>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT endpoint_id, seq, kind, attempts, last_status, last_error, next_attempt_at, \
         delivered_at, failed_at FROM webhook_deliveries ORDER BY seq DESC, endpoint_id LIMIT 200",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Json(
        rows.iter().map(delivery_of).collect::<Result<_, _>>()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_no_actor_and_visits_nothing_but_kind_and_seq() {
        let visit = body(7, 0, "visit.submitted", Some("a visit id"));
        assert_eq!(
            visit,
            serde_json::json!({"seq": 7, "kind": "visit.submitted"})
        );
        let case = body(8, 0, "case.released", Some("a case id"));
        assert_eq!(
            case,
            serde_json::json!({"seq": 8, "kind": "case.released", "subject": "a case id"})
        );
        let user = body(9, 0, "user.created", Some("a user id"));
        assert!(user.get("subject").is_none() && user.get("at_day").is_some());
    }

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(2), 120_000);
        assert_eq!(backoff_ms(4), 480_000);
        assert_eq!(backoff_ms(9), 256 * 60_000);
        assert_eq!(backoff_ms(10), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(50), MAX_BACKOFF_MS);
    }

    #[test]
    fn signatures_are_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
