//! The public ballot: no account. A rater opens a code (`open`: the unit's name, the kind, the
//! levels and criteria) and casts its one ballot (`cast`). Unknown, used, expired (the meeting's
//! day is over) and closed get typed refusals. Nothing of the rater is kept: no address, user
//! agent or device id, no time; the ballot has a random id and its code only a `used` flag, so
//! the two cannot be joined. Unknown codes count against the address in the database (the
//! sign-in limiter's tables, under a bucket of their own and the address's SHA-256, never the
//! address), so codes cannot be walked from one address, whichever process answers.

use super::{code_hash, find, Meeting};
use crate::audit;
use crate::auth::client::{key_of, ClientAddr};
use crate::auth::ratelimit::{Limits, LoginLimiter};
use crate::clock::today_cst;
use crate::error::{internal, ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{BallotAccepted, BallotCode, BallotForm, CastBallot};
use chafang_domain::event::MeetingBallotCast;
use chafang_domain::meeting::{normalise_ballot_code, BallotError, RaterKind, MAX_COMMENT_CHARS};
use chafang_domain::refusal::MeetingRefusal;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::time::Duration;
use uuid::Uuid;

/// Wrong codes allowed per address in the window: a hall's raters behind one network address
/// mistype now and then; a guesser gets nowhere near 2^54 codes.
pub const LIMITS: Limits = Limits {
    per_account_address: 30,
    per_address: 30,
    per_account: usize::MAX,
    spacing: Duration::from_secs(0),
    window: Duration::from_secs(15 * 60),
};
const BUCKET: &str = "ballot";

/// What the limiter counts an address by: the SHA-256 of its key (its /64 for IPv6), so the
/// address itself is never written.
fn address_of(ClientAddr(ip): ClientAddr) -> String {
    format!(
        "h{}",
        &hex::encode(Sha256::digest(key_of(ip).as_bytes()))[..32]
    )
}

/// The meeting and kind of an open code; typed refusals for the rest. A code that does not
/// exist counts against the address. No pool connection is held while the limiter takes its
/// own, so a hall of raters at once cannot drain the pool.
async fn look_up(
    state: &AppState,
    client: ClientAddr,
    typed: &str,
) -> Result<(Meeting, RaterKind, String), ApiError> {
    let limiter = LoginLimiter::with_limits(state.db.clone(), LIMITS);
    let address = address_of(client);
    if !limiter.allowed(BUCKET, &address).await? {
        return Err(ApiError::RateLimited);
    }
    let wrong = || async {
        match limiter.failed(BUCKET, &address).await {
            Ok(()) => ApiError::from(MeetingRefusal::UnknownCode),
            Err(e) => e,
        }
    };
    let Some(code) = normalise_ballot_code(typed) else {
        return Err(wrong().await);
    };
    let hash = code_hash(&code);
    let mut conn = state.db.pool.acquire().await?;
    let found =
        sqlx::query("SELECT meeting_id, kind, used FROM meeting_codes WHERE code_hash = $1")
            .bind(&hash)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = found else {
        drop(conn);
        return Err(wrong().await);
    };
    let meeting: Uuid = row
        .try_get::<String, _>("meeting_id")?
        .parse()
        .map_err(internal)?;
    let kind = RaterKind::parse(&row.try_get::<String, _>("kind")?)
        .ok_or_else(|| internal("a code of an unknown kind"))?;
    let m = find(&mut conn, meeting).await?.ok_or(ApiError::NotFound)?;
    drop(conn);
    if m.closed {
        return Err(MeetingRefusal::Closed.into());
    }
    if row.try_get::<i64, _>("used")? != 0 {
        return Err(MeetingRefusal::UsedCode.into());
    }
    if today_cst().to_string() > m.held_on {
        return Err(MeetingRefusal::ExpiredCode.into());
    }
    Ok((m, kind, hash))
}

/// Open a ballot code: what the ballot asks. Public; no account.
#[utoipa::path(post, operation_id = "openBallot", path = "/api/v1/ballot/open", tag = "ballot",
    request_body = BallotCode,
    responses((status = 200, body = BallotForm),
              (status = 404, body = chafang_domain::api::ErrorBody, description = "no such code"),
              (status = 409, body = chafang_domain::api::ErrorBody, description = "used, expired, or the meeting is closed"),
              (status = 429, body = chafang_domain::api::ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<BallotCode>,
) -> Result<Response, ApiError> {
    let (m, kind, _) = look_up(&state, client, &req.code).await?;
    let form = BallotForm {
        unit_name: m.unit.name,
        kind,
        held_on: m.held_on,
        levels: m.levels,
        criteria: m.criteria,
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(form)).into_response())
}

/// Cast the code's one ballot. Public; no account. No edit afterwards.
#[utoipa::path(post, operation_id = "castBallot", path = "/api/v1/ballot/cast", tag = "ballot",
    request_body = CastBallot,
    responses((status = 200, body = BallotAccepted),
              (status = 404, body = chafang_domain::api::ErrorBody, description = "no such code"),
              (status = 409, body = chafang_domain::api::ErrorBody, description = "used, expired, or the meeting is closed"),
              (status = 422, body = chafang_domain::api::ErrorBody, description = "a rating that is not the meeting's, or a long comment"),
              (status = 429, body = chafang_domain::api::ErrorBody)))]
pub async fn cast(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<CastBallot>,
) -> Result<Json<BallotAccepted>, ApiError> {
    let (m, kind, hash) = look_up(&state, client, &req.code).await?;
    let codes: Vec<String> = m.criteria.iter().map(|c| c.code.clone()).collect();
    let ballot = req
        .ballot
        .checked(m.levels.len(), &codes)
        .map_err(|e| match e {
            BallotError::Level => MeetingRefusal::Level,
            BallotError::Criterion => MeetingRefusal::Criterion,
            BallotError::Comment => MeetingRefusal::Comment {
                max: MAX_COMMENT_CHARS,
            },
        })?;
    let mut tx = state.db.begin_write().await?;
    // Guarded by the state it was found in: of two phones casting one code at once, one wins;
    // a meeting closed meanwhile takes none.
    let spent = sqlx::query(
        "UPDATE meeting_codes SET used = 1 WHERE code_hash = $1 AND used = 0 \
         AND meeting_id IN (SELECT id FROM meetings WHERE closed = 0)",
    )
    .bind(&hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if spent != 1 {
        drop(tx);
        let mut conn = state.db.pool.acquire().await?;
        let closed = find(&mut conn, m.id).await?.is_none_or(|m| m.closed);
        return Err(if closed {
            MeetingRefusal::Closed
        } else {
            MeetingRefusal::UsedCode
        }
        .into());
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO meeting_ballots (id, meeting_id, kind, level, criteria, comment) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(m.id.to_string())
    .bind(kind.as_str())
    .bind(i64::from(ballot.level))
    .bind(serde_json::to_string(&ballot.criteria).map_err(internal)?)
    .bind(&ballot.comment)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        None,
        id,
        MeetingBallotCast {
            meeting_id: m.id,
            kind,
            ballot,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(BallotAccepted { accepted: true }))
}
