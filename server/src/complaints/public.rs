//! The public routes (no account): a proof-of-work challenge, the units one may complain
//! about, filing a complaint, its photos by the receipt's upload capability, and its progress
//! by receipt code. Each is bounded: body size, limits per address (and per unit) in the
//! database, and typed refusals the page words.

use super::limits::{self, address_key, hit};
use super::store::{self, Taken};
use crate::audit;
use crate::auth::client::ClientAddr;
use crate::clock::{now_ms, today_cst};
use crate::error::ApiError;
use crate::photos::{display_key, original_key, process, thumb_key};
use crate::state::AppState;
use crate::uploads;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::Json;
use chafang_domain::api::{
    ComplaintChallenge, ComplaintPhotoTaken, ComplaintProgress, ComplaintReceipt, NewComplaint,
    PublicUnit,
};
use chafang_domain::complaint::{
    self as rules, check, optional, pow_ok, receipt_code, tidy_code, ComplaintFields,
    CHALLENGE_TTL_MS, MAX_BODY_BYTES, MAX_PHOTOS, MAX_PHOTO_BYTES, POW_BITS,
};
use chafang_domain::event::ComplaintPhotoAdded;
use chafang_domain::refusal::{ComplaintRefusal, Refusal};
use chafang_domain::visit::sha256_hex;
use object_store::PutPayload;
use rand::RngCore;
use sqlx::Row;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// How long after filing the page may still send the complaint's photos.
pub const UPLOAD_OPEN_MS: i64 = 60 * 60 * 1000;

fn no_store() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A fresh proof-of-work challenge, single use, valid for half an hour.
#[utoipa::path(post, operation_id = "complaintChallenge", path = "/api/v1/public/complaints/challenge", tag = "complaints",
    responses((status = 200, body = ComplaintChallenge), (status = 429, description = "too many from this address (`too_many_from_address`)")))]
pub async fn challenge(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
) -> Result<(HeaderMap, Json<ComplaintChallenge>), ApiError> {
    let mut tx = state.db.begin_write().await?;
    if !hit(
        &mut tx,
        &address_key("challenge", addr),
        limits::CHALLENGES_PER_ADDRESS,
    )
    .await?
    {
        return Err(ComplaintRefusal::TooManyFromAddress.into());
    }
    let now = now_ms();
    sqlx::query("DELETE FROM complaint_challenges WHERE issued_at < $1")
        .bind(now - CHALLENGE_TTL_MS)
        .execute(&mut *tx)
        .await?;
    let id = random_hex(16);
    sqlx::query("INSERT INTO complaint_challenges (id, issued_at, used) VALUES ($1, $2, 0)")
        .bind(&id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((
        no_store(),
        Json(ComplaintChallenge {
            challenge: id,
            bits: POW_BITS,
        }),
    ))
}

/// The units one may complain about: names only, the public part of the directory (units
/// merged into another are left out).
#[utoipa::path(get, operation_id = "publicUnits", path = "/api/v1/public/units", tag = "complaints",
    responses((status = 200, body = Vec<PublicUnit>)))]
pub async fn units(State(state): State<AppState>) -> Result<Json<Vec<PublicUnit>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let mut out: Vec<PublicUnit> = crate::units::list_all(&mut conn)
        .await?
        .into_iter()
        .filter(|u| u.merged_into.is_none())
        .map(|u| PublicUnit {
            key: rules::unit_key(u.id),
            name: u.name,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(out))
}

/// File a complaint. The fields are checked first, then the proof of work (the challenge is
/// used up), then the limits per address and per unit. Answers the receipt code and the
/// capability to send up to `max_photos` photos.
#[utoipa::path(post, operation_id = "fileComplaint", path = "/api/v1/public/complaints", tag = "complaints", request_body = NewComplaint,
    responses((status = 200, body = ComplaintReceipt), (status = 404, description = "no such unit (`unknown_unit`)"),
        (status = 413, description = "body over 16 KB"), (status = 422, description = "a field out of bounds, or a bad proof of work (`bad_proof`)"),
        (status = 429, description = "too many from this address or about this unit")))]
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> Result<(HeaderMap, Json<ComplaintReceipt>), ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let c: NewComplaint =
        serde_json::from_slice(&body).map_err(|_| ApiError::Refused(Refusal::MalformedBody))?;
    let contact = optional(c.contact.as_deref());
    let window = optional(c.window.as_deref());
    check(
        &ComplaintFields {
            text: &c.text,
            happened_on: c.happened_on,
            contact: contact.as_deref(),
            window: window.as_deref(),
        },
        today_cst(),
    )
    .map_err(ComplaintRefusal::from)?;
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    // The proof first: a flood without it costs one failed lookup a request.
    if !pow_ok(&c.challenge, c.nonce, POW_BITS) {
        return Err(ComplaintRefusal::BadProof.into());
    }
    let used = sqlx::query(
        "UPDATE complaint_challenges SET used = 1 WHERE id = $1 AND used = 0 AND issued_at >= $2",
    )
    .bind(&c.challenge)
    .bind(now - CHALLENGE_TTL_MS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if used != 1 {
        return Err(ComplaintRefusal::BadProof.into());
    }
    let Some(unit) = crate::units::list_all(&mut tx)
        .await?
        .into_iter()
        .filter(|u| u.merged_into.is_none())
        .map(|u| u.id)
        .find(|id| rules::unit_key(*id) == c.unit)
    else {
        tx.commit().await?;
        return Err(ComplaintRefusal::UnknownUnit.into());
    };
    if !hit(
        &mut tx,
        &address_key("complaint", addr),
        limits::PER_ADDRESS,
    )
    .await?
    {
        tx.commit().await?;
        return Err(ComplaintRefusal::TooManyFromAddress.into());
    }
    if !hit(&mut tx, &format!("unit:{unit}"), limits::PER_UNIT).await? {
        tx.commit().await?;
        return Err(ComplaintRefusal::TooManyForUnit.into());
    }
    let mut random = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let taken = Taken {
        id: uuid::Uuid::new_v4().to_string(),
        receipt: receipt_code(random),
        upload: random_hex(24),
        upload_until: now + UPLOAD_OPEN_MS,
        unit,
        text: c.text.trim().to_owned(),
        happened_on: c.happened_on,
        contact,
        window,
        received_at: now,
    };
    store::insert(&mut tx, &taken).await?;
    tx.commit().await?;
    Ok((
        no_store(),
        Json(ComplaintReceipt {
            receipt: rules::display_code(&taken.receipt),
            upload: taken.upload,
            max_photos: MAX_PHOTOS,
            max_photo_bytes: MAX_PHOTO_BYTES,
        }),
    ))
}

/// At most one public photo decodes at a time: the public must not crowd out the monitors.
fn decoding() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(1))
}

/// Send one photo (JPEG, PNG or WebP, at most 8 MB) of a complaint just filed, with the
/// receipt's `upload` capability, within an hour of filing; at most 4. The photo goes through
/// the photo pipeline (decoded within limits, re-encoded without metadata). The same bytes
/// twice count once.
#[utoipa::path(put, operation_id = "complaintPhoto", path = "/api/v1/public/complaints/photos/{upload}", tag = "complaints",
    params(("upload" = String, Path, description = "the receipt's upload capability")),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = ComplaintPhotoTaken), (status = 404, description = "unknown or closed (`upload_closed`)"),
        (status = 413, description = "over 8 MB"), (status = 422, description = "too many photos, or not a photo"),
        (status = 429, description = "too many from this address")))]
pub async fn photo(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(upload): Path<String>,
    body: Body,
) -> Result<Json<ComplaintPhotoTaken>, ApiError> {
    let complaint = {
        let mut conn = state.db.pool.acquire().await?;
        let row =
            sqlx::query("SELECT id FROM complaints WHERE upload_token = $1 AND upload_until >= $2")
                .bind(&upload)
                .bind(now_ms())
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some(r) => r.try_get::<String, _>("id")?,
            None => return Err(ComplaintRefusal::UploadClosed.into()),
        }
    };
    {
        let mut tx = state.db.begin_write().await?;
        let ok = hit(
            &mut tx,
            &address_key("lookup", addr),
            limits::LOOKUPS_PER_ADDRESS,
        )
        .await?;
        tx.commit().await?;
        if !ok {
            return Err(ComplaintRefusal::TooManyFromAddress.into());
        }
    }
    {
        let mut conn = state.db.pool.acquire().await?;
        if photo_count(&mut conn, &complaint).await? >= i64::from(MAX_PHOTOS) {
            return Err(ComplaintRefusal::TooManyPhotos { max: MAX_PHOTOS }.into());
        }
    }
    let bytes = match uploads::read_whole(body, MAX_PHOTO_BYTES).await {
        Ok(b) => b,
        Err(ApiError::Refused(Refusal::Upload(
            chafang_domain::refusal::UploadRefusal::TooLarge { .. },
        ))) => {
            return Err(ComplaintRefusal::PhotoTooLarge {
                max_bytes: MAX_PHOTO_BYTES,
            }
            .into())
        }
        Err(e) => return Err(e),
    };
    let sha256 = sha256_hex(&bytes);
    let processed = {
        let _permit = decoding()
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        let b = bytes.clone();
        tokio::task::spawn_blocking(move || process(&b))
            .await
            .map_err(|e| ApiError::Internal(e.into()))??
    };
    let blobs = &state.blobs;
    let put = |key: object_store::path::Path, b: Vec<u8>| async move {
        blobs
            .put(&key, PutPayload::from(b))
            .await
            .map_err(|e| ApiError::Internal(e.into()))
    };
    put(original_key(&sha256), bytes.to_vec()).await?;
    put(display_key(&sha256), processed.display_jpeg).await?;
    put(thumb_key(&sha256), processed.thumb_jpeg).await?;
    let mut tx = state.db.begin_write().await?;
    let n = photo_count(&mut tx, &complaint).await?;
    let known = sqlx::query(
        "SELECT 1 AS one FROM complaint_photos WHERE complaint_id = $1 AND sha256 = $2",
    )
    .bind(&complaint)
    .bind(&sha256)
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    if known {
        return Ok(Json(ComplaintPhotoTaken { photos: n as u32 }));
    }
    if n >= i64::from(MAX_PHOTOS) {
        return Err(ComplaintRefusal::TooManyPhotos { max: MAX_PHOTOS }.into());
    }
    sqlx::query(
        "INSERT INTO complaint_photos (complaint_id, position, sha256, bytes, format, width, height, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&complaint)
    .bind(n)
    .bind(&sha256)
    .bind(bytes.len() as i64)
    .bind(processed.format.extensions_str().first().copied().unwrap_or("unknown"))
    .bind(i64::from(processed.width))
    .bind(i64::from(processed.height))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let payload = ComplaintPhotoAdded {
        sha256: sha256.clone(),
        bytes: bytes.len() as u64,
        width: processed.width,
        height: processed.height,
    };
    audit::record(&mut tx, None, &complaint, payload).await?;
    store::photo_to_case(&mut tx, &complaint, &sha256).await?;
    tx.commit().await?;
    Ok(Json(ComplaintPhotoTaken {
        photos: n as u32 + 1,
    }))
}

async fn photo_count(conn: &mut sqlx::AnyConnection, complaint: &str) -> Result<i64, ApiError> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM complaint_photos WHERE complaint_id = $1")
            .bind(complaint)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?,
    )
}

/// The progress of a complaint by its receipt code (typed as the person likes: case, spaces
/// and dashes do not matter): the unit and the steps taken, each with its day. An unknown
/// code is 404; lookups are limited per address.
#[utoipa::path(get, operation_id = "complaintProgress", path = "/api/v1/public/complaints/progress/{receipt}", tag = "complaints",
    params(("receipt" = String, Path, description = "the receipt code")),
    responses((status = 200, body = ComplaintProgress), (status = 404), (status = 429)))]
pub async fn progress(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(receipt): Path<String>,
) -> Result<(HeaderMap, Json<ComplaintProgress>), ApiError> {
    {
        let mut tx = state.db.begin_write().await?;
        let ok = hit(
            &mut tx,
            &address_key("lookup", addr),
            limits::LOOKUPS_PER_ADDRESS,
        )
        .await?;
        tx.commit().await?;
        if !ok {
            return Err(ComplaintRefusal::TooManyFromAddress.into());
        }
    }
    let code = tidy_code(&receipt).ok_or(ApiError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let (_, case, unit, received_at, spam) = store::by_receipt(&mut conn, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let names = crate::findings::views::UnitNames::load(&mut conn).await?;
    let steps = store::progress(&mut conn, received_at, case, spam).await?;
    Ok((
        no_store(),
        Json(ComplaintProgress {
            unit: names.unit_ref(unit).name,
            steps,
        }),
    ))
}
