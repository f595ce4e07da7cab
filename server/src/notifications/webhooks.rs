//! Outbound webhooks: the office registers endpoints (a URL and a secret; deactivated, never
//! deleted), and `audit::append` puts one delivery per active endpoint in the outbox, in the
//! same transaction, for each event that `audit::fanout` lets out. The worker posts due
//! deliveries, each body signed `X-Chafang-Signature: sha256=<hex HMAC-SHA256 of the body>`,
//! retrying with exponential backoff until the endpoint answers 2xx or the attempts run out.
//! Endpoints are served side by side, each stopping at its first failure in a tick, so a dead
//! endpoint delays only itself.
//!
//! A body carries only what its audience may see (see `audit::fanout`): for a case, what the
//! unit's view carries (its random id, its unit, its state and the date as the unit is shown
//! it); for a public act, its kind, the record's id and the day. Never the actor, the event's
//! payload, its chain sequence number or its exact time; each body has a random `id` that
//! stays the same across retries, for the receiver to drop a repeat.
//!
//! Where a webhook may go is `outbound`'s business: never inward, checked at registration and
//! at every delivery after DNS resolution.

use super::outbound::{self, AllowList, GuardedResolver, Refused};
use crate::audit;
use crate::audit::fanout::Outward;
use crate::auth::extract::OfficeUser;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{
    DeliveryFailure, DeliveryStatus, NewWebhook, WebhookDelivery, WebhookView,
};
use chafang_domain::event::{EventKind, WebhookCreated, WebhookDeactivated};
use chafang_domain::followup::{seen_period, CaseState, SeenPeriod};
use chafang_domain::quota::day_cst;
use chafang_domain::refusal::WebhookRefusal;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
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
/// Deliveries tried per endpoint and tick.
const BATCH: i64 = 50;
/// How long one attempt may take, and how long of it connecting.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

use crate::error::internal;

/// The body for a public act: its kind, the record's id (if it has one) and the day (China
/// time) it happened.
pub fn public_body(
    id: Uuid,
    kind: EventKind,
    subject: Option<&str>,
    at_ms: i64,
) -> serde_json::Value {
    let mut body = serde_json::json!({
        "id": id,
        "kind": kind.name(),
        "day": day_cst(at_ms).to_string(),
    });
    if let Some(subject) = subject {
        body["subject"] = subject.into();
    }
    body
}

/// The body for a case the unit sees: exactly the fields of the unit's view it names.
pub fn case_body(
    id: Uuid,
    kind: EventKind,
    case: &str,
    unit: &str,
    state: CaseState,
    seen_in: SeenPeriod,
) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "kind": kind.name(),
        "case": case,
        "unit": unit,
        "state": state.as_str(),
        "seen_in": seen_in,
        // The first day of `seen_in`, for receivers older than it.
        "seen_on": seen_in.first_day().to_string(),
    })
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

/// The case as the unit's view shows it, if the unit sees it now.
async fn released_case(
    conn: &mut AnyConnection,
    kind: EventKind,
    case: &str,
    id: Uuid,
) -> Result<Option<serde_json::Value>, ApiError> {
    let Ok(case_id) = case.parse() else {
        return Ok(None);
    };
    Ok(crate::findings::store::load(conn, case_id)
        .await?
        .filter(|c| c.state.is_released())
        .map(|c| {
            let unit = c.unit_id.to_string();
            case_body(id, kind, case, &unit, c.state, seen_period(c.seen_on))
        }))
}

/// Puts a body into the outbox of every active endpoint, once per delivery number.
async fn to_outbox(
    conn: &mut AnyConnection,
    seq: i64,
    kind: &str,
    body: &serde_json::Value,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (endpoint_id, seq, kind, payload, attempts, next_attempt_at, created_at) \
         SELECT id, CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS TEXT), 0, CAST($4 AS BIGINT), CAST($4 AS BIGINT) \
         FROM webhook_endpoints WHERE active = 1 ON CONFLICT DO NOTHING",
    )
    .bind(seq)
    .bind(kind)
    .bind(body.to_string())
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts an event into the outbox of every active endpoint, in the appending transaction, if
/// `outward` lets anything of it out.
pub async fn enqueue(
    conn: &mut AnyConnection,
    seq: i64,
    at_ms: i64,
    kind: EventKind,
    outward: Outward,
    subject: Option<&str>,
) -> Result<(), ApiError> {
    let id = Uuid::new_v4();
    let body = match (outward, subject) {
        (Outward::Nothing, _) | (Outward::ReleasedCase, None) => return Ok(()),
        (Outward::Public, _) => public_body(id, kind, subject, at_ms),
        (Outward::ReleasedCase, Some(case)) => match released_case(conn, kind, case, id).await? {
            Some(body) => body,
            None => return Ok(()),
        },
    };
    Ok(to_outbox(conn, seq, kind.name(), &body, at_ms).await?)
}

/// The kind of the scheduled announcement of the audit chain's head.
pub const HEAD_KIND: &str = chafang_domain::event::HEAD_ANNOUNCED;

/// Puts a scheduled head of the audit chain (`<seq>:<hash>`) into the outbox of every active
/// endpoint, once per head: a copy kept outside that `chafang audit verify --against` can
/// check the database against later. Its deliveries are numbered by the head's sequence number
/// negated, beside the events' own. Only scheduled heads go out (at start and hourly): a head
/// sent per event would date and count intake.
pub async fn announce_head(
    conn: &mut AnyConnection,
    head: &audit::Head,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let body = serde_json::json!({
        "id": Uuid::new_v4(),
        "kind": HEAD_KIND,
        "head": head.to_string(),
    });
    to_outbox(conn, -head.seq, HEAD_KIND, &body, at_ms).await
}

/// The wait before the attempt after `attempts` failed ones.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    FIRST_BACKOFF_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_BACKOFF_MS)
}

/// An active endpoint.
struct Endpoint {
    id: String,
    url: String,
    secret: String,
}

/// A delivery due now.
struct Due {
    seq: i64,
    payload: String,
    attempts: i64,
    next_attempt_at: i64,
}

async fn endpoints(db: &Db) -> Result<Vec<Endpoint>, ApiError> {
    let mut conn = db.pool.acquire().await?;
    let rows =
        sqlx::query("SELECT id, url, secret FROM webhook_endpoints WHERE active = 1 ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(Endpoint {
                id: r.try_get("id")?,
                url: r.try_get("url")?,
                secret: r.try_get("secret")?,
            })
        })
        .collect()
}

async fn due(db: &Db, endpoint: &str, now: i64) -> Result<Vec<Due>, ApiError> {
    let mut conn = db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT seq, payload, attempts, next_attempt_at FROM webhook_deliveries \
         WHERE endpoint_id = $1 AND next_attempt_at IS NOT NULL AND next_attempt_at <= $2 \
         ORDER BY next_attempt_at, seq LIMIT $3",
    )
    .bind(endpoint)
    .bind(now)
    .bind(BATCH)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Due {
                seq: r.try_get("seq")?,
                payload: r.try_get("payload")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
            })
        })
        .collect()
}

/// Claims a delivery for one attempt: false when another worker got it first.
async fn claim(db: &Db, endpoint: &str, d: &Due, now: i64) -> Result<bool, ApiError> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = $1 \
         WHERE endpoint_id = $2 AND seq = $3 AND next_attempt_at = $4",
    )
    .bind(now + CLAIM_MS)
    .bind(endpoint)
    .bind(d.seq)
    .bind(d.next_attempt_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n == 1)
}

/// What one attempt came to: the status class if the endpoint answered, and why it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outcome {
    class: Option<u16>,
    failure: Option<DeliveryFailure>,
}

async fn attempt(client: &Client, e: &Endpoint, d: &Due) -> Outcome {
    // A URL that no longer parses cannot be sent to; one written as an inward address is not.
    let inward =
        url::Url::parse(&e.url).map_or(true, |u| outbound::inward_literal(&u, &client.allow));
    if inward {
        return Outcome {
            class: None,
            failure: Some(DeliveryFailure::InwardAddress),
        };
    }
    let res = client
        .http
        .post(&e.url)
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature(&e.secret, d.payload.as_bytes()))
        .body(d.payload.clone())
        .send()
        .await;
    match res {
        Ok(res) => {
            let class = Some(res.status().as_u16() / 100 * 100);
            let failure = (!res.status().is_success()).then_some(DeliveryFailure::Answered);
            Outcome { class, failure }
        }
        Err(_) => Outcome {
            class: None,
            failure: Some(DeliveryFailure::NoAnswer),
        },
    }
}

async fn settle(db: &Db, endpoint: &str, d: &Due, now: i64, o: Outcome) -> Result<bool, ApiError> {
    let attempts = d.attempts + 1;
    let delivered = o.failure.is_none();
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
    .bind(o.class.map(i64::from))
    .bind(o.failure.map(DeliveryFailure::code))
    .bind(delivered_at)
    .bind(failed_at)
    .bind(endpoint)
    .bind(d.seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(delivered)
}

/// One endpoint's part of a tick: its due deliveries in order, until the first that fails
/// (the rest would only wait on the same dead endpoint). Returns how many were delivered.
async fn deliver_to(db: &Db, client: &Client, e: &Endpoint, now: i64) -> Result<u32, ApiError> {
    let mut delivered = 0;
    for d in due(db, &e.id, now).await? {
        if !claim(db, &e.id, &d, now).await? {
            continue;
        }
        let outcome = attempt(client, e, &d).await;
        if !settle(db, &e.id, &d, now, outcome).await? {
            break;
        }
        delivered += 1;
    }
    Ok(delivered)
}

/// One tick of the worker: every active endpoint at once, each trying its deliveries due at
/// `now`. Returns how many were delivered. Tests call it with a `now` of their choosing to skip
/// the backoff.
pub async fn deliver_due(db: &Db, client: &Client, now: i64) -> Result<u32, ApiError> {
    let endpoints = endpoints(db).await?;
    let results =
        futures::future::join_all(endpoints.iter().map(|e| deliver_to(db, client, e, now))).await;
    let mut delivered = 0;
    for r in results {
        delivered += r?;
    }
    Ok(delivered)
}

/// The worker's HTTP client: no proxy from the environment, no redirects, a resolver that
/// never yields an inward address, and the allow-list for addresses written in URLs.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    allow: AllowList,
}

/// Builds the worker's client.
pub fn client(allow: &AllowList) -> Result<Client, reqwest::Error> {
    let http = reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver {
            allow: allow.clone(),
        }))
        .build()?;
    Ok(Client {
        http,
        allow: allow.clone(),
    })
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
#[utoipa::path(get, operation_id = "listWebhooks", path = "/api/v1/office/webhooks", tag = "notifications",
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

async fn check(req: &NewWebhook, allow: &AllowList) -> Result<(String, String), ApiError> {
    let url = url::Url::parse(req.url.trim()).map_err(|_| WebhookRefusal::NotUrl)?;
    match outbound::check_url(&url, allow).await {
        Ok(()) => {}
        Err(Refused::NotHttp) => return Err(WebhookRefusal::NotHttp.into()),
        Err(Refused::Inward) => return Err(WebhookRefusal::Inward.into()),
        Err(Refused::Unresolvable) => return Err(WebhookRefusal::Unresolvable.into()),
    }
    let secret = req.secret.trim();
    let chars = secret.chars().count();
    if !(16..=200).contains(&chars) {
        return Err(WebhookRefusal::SecretLength { min: 16, max: 200 }.into());
    }
    Ok((url.to_string(), secret.to_owned()))
}

/// Registers an endpoint: every event from now on is delivered to it.
#[utoipa::path(post, operation_id = "createWebhook", path = "/api/v1/office/webhooks", tag = "notifications", request_body = NewWebhook,
    responses((status = 201, body = WebhookView), (status = 401), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    let (url, secret) = check(&req, &state.webhook_allow).await?;
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
        id,
        WebhookCreated { url: url.clone() },
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
        audit::record(&mut tx, Some(me.user.id), id, WebhookDeactivated {}).await?;
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
        // Rows written before classes were stored hold the exact status: shown as its class.
        last_status_class: r
            .try_get::<Option<i64>, _>("last_status")?
            .map(|s| u16::try_from(s / 100 * 100).map_err(internal))
            .transpose()?,
        last_failure: r
            .try_get::<Option<String>, _>("last_error")?
            .map(|code| DeliveryFailure::from_code(&code)),
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
    fn bodies_carry_no_actor_no_sequence_and_no_time() {
        let id = Uuid::new_v4();
        let day = time::macros::date!(2026 - 11 - 19);
        let case = case_body(
            id,
            EventKind::CaseReleased,
            "c",
            "u",
            CaseState::Released,
            seen_period(day),
        );
        assert_eq!(
            case,
            serde_json::json!({"id": id, "kind": "case.released", "case": "c", "unit": "u",
                "state": "released", "seen_on": "2026-11-16",
                "seen_in": {"year": 2026, "month": 11, "half": "second"}})
        );
        let unit = public_body(id, EventKind::UnitCreated, Some("u"), 1_796_000_000_000);
        assert_eq!(unit.as_object().unwrap().len(), 4);
        for body in [case, unit] {
            for field in ["seq", "at", "actor", "payload"] {
                assert!(body.get(field).is_none(), "{body}");
            }
        }
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
