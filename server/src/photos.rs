//! Photos: bytes addressed by their SHA-256, uploaded one by one after the visit that lists
//! them, in one `PUT` or resumably (`HEAD` and `PATCH` on the same path, see `uploads`). Each is verified against its hash, inspected from its header before anything is
//! decoded (format, dimensions), decoded with allocation limits on the blocking pool (at most
//! two at a time, so memory stays bounded), and stored three times in the blob store: the bytes
//! as uploaded, a display copy and a thumbnail, both re-encoded and so free of any metadata.

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::uploads;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::event::PhotoReceived;
use chafang_domain::refusal::input::{ImageProblem, InputRefusal};
use chafang_domain::refusal::upload::{UploadHeader, UploadRefusal};
use chafang_domain::visit::{
    is_sha256_hex, sha256_hex, PhotoReceipt, VisitReceipt, MAX_PHOTO_BYTES,
};
use chafang_domain::Role;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use object_store::path::Path as BlobPath;
use object_store::PutPayload;
use sqlx::{AnyConnection, Row};
use std::io::Cursor;
use std::sync::OnceLock;
use tokio::sync::Semaphore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest side of a decodable photo; a phone's 50-megapixel sensor is under 9000.
pub const MAX_SIDE: u32 = 10_000;
/// Decoded pixels allowed per photo (40 MP is 160 MB as RGBA).
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most a photo's decoded pixels may take: width × height × the bytes of a pixel in its
/// own colour type and bit depth (3 for an 8-bit RGB JPEG, 4 for RGBA, 6 for a 16-bit RGB
/// PNG, 8 for 16-bit RGBA). 40 MP of 8-bit RGBA still fits; a 6000×6000 16-bit RGB PNG
/// (216 MB) does not.
pub const MAX_DECODED_BYTES: u64 = 160 * 1024 * 1024;
/// The display copy's longest side, the same bound the phone shrinks to.
pub const DISPLAY_SIDE: u32 = 1600;
pub const THUMB_SIDE: u32 = 320;

pub fn router() -> OpenApiRouter<AppState> {
    // The bodies are read by the handlers themselves, within `MAX_PHOTO_BYTES`.
    OpenApiRouter::new().routes(routes!(upload_photo, upload_offset, append_photo))
}

/// The blob keys of a photo.
pub fn original_key(sha256: &str) -> BlobPath {
    BlobPath::from(format!("photos/original/{sha256}"))
}
pub fn display_key(sha256: &str) -> BlobPath {
    BlobPath::from(format!("photos/display/{sha256}.jpg"))
}
pub fn thumb_key(sha256: &str) -> BlobPath {
    BlobPath::from(format!("photos/thumb/{sha256}.jpg"))
}

/// A photo checked and re-encoded.
#[derive(Debug)]
pub struct Processed {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    pub display_jpeg: Vec<u8>,
    pub thumb_jpeg: Vec<u8>,
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    img.to_rgb8()
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(out)
}

fn refused(problem: ImageProblem) -> ApiError {
    InputRefusal::Image { problem }.into()
}

fn unreadable(e: impl std::fmt::Display) -> ApiError {
    tracing::debug!("an unreadable photo: {e}");
    refused(ImageProblem::Unreadable)
}

/// Inspects and decodes photo bytes with limits, then makes the display copy and thumbnail.
/// Not JPEG, PNG or WebP → 415; too large or broken → 422. CPU-bound: call it off the async
/// workers. Memory is bounded by the header alone: the decoded size (width × height × bytes
/// per pixel of the photo's own colour type) is checked before a byte is decoded, and the
/// decoder's allocation limit is that size plus a margin.
pub fn process(bytes: &[u8]) -> Result<Processed, ApiError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(unreadable)?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        _ => return Err(refused(ImageProblem::NotAPhotoFormat)),
    };
    // A JPEG ends with its end-of-image marker; the decoder would quietly fill a cut-off one
    // with grey, and a half-received photo is not evidence.
    if format == ImageFormat::Jpeg {
        let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        if !bytes[..end].ends_with(&[0xFF, 0xD9]) {
            return Err(refused(ImageProblem::CutOff));
        }
    }
    // The header alone first: a 60000×60000 image, or a 16-bit one whose pixels take more
    // than the bound, is refused before a byte is decoded.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES + 64 * 1024 * 1024);
    reader.limits(limits.clone());
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        // The limits refuse a side over MAX_SIDE while reading the header.
        Err(image::ImageError::Limits(_)) => {
            let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
                .into_dimensions()
                .unwrap_or((u32::MAX, u32::MAX));
            return Err(too_large(width, height, 4));
        }
        Err(e) => return Err(unreadable(e)),
    };
    let (width, height) = decoder.dimensions();
    let bytes_per_pixel = decoder.color_type().bytes_per_pixel();
    let decoded = u64::from(width) * u64::from(height) * u64::from(bytes_per_pixel);
    if width == 0
        || height == 0
        || width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoded > MAX_DECODED_BYTES
    {
        return Err(too_large(width, height, bytes_per_pixel));
    }
    // What the decoder may allocate: the pixels and a margin for its own buffers.
    limits.max_alloc = Some(decoded + 64 * 1024 * 1024);
    decoder.set_limits(limits).map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    // Eight bits an RGB channel from here on: a 16-bit or float photo is not resized in its
    // own depth (the resize works in floats of the source's channels), and the copies are JPEG.
    let mut img = match img {
        DynamicImage::ImageRgb8(_) => img,
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    img.apply_orientation(orientation);
    let display = if img.width().max(img.height()) > DISPLAY_SIDE {
        img.resize(
            DISPLAY_SIDE,
            DISPLAY_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img.clone()
    };
    let thumb = display.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(Processed {
        format,
        width,
        height,
        display_jpeg: jpeg(&display, 85)?,
        thumb_jpeg: jpeg(&thumb, 75)?,
    })
}

fn too_large(width: u32, height: u32, bytes_per_pixel: u8) -> ApiError {
    InputRefusal::ImageTooLarge {
        width,
        height,
        bytes_per_pixel: u16::from(bytes_per_pixel),
        max_side: MAX_SIDE,
        max_decoded_bytes: MAX_DECODED_BYTES,
    }
    .into()
}

/// At most two photos decode at once: each may take a few hundred megabytes.
fn decoding() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(2))
}

/// The SQL condition that the photo whose hash is in column `col` has arrived: from an account
/// (`photos`) or with a complaint from the public (`complaint_photos`, which names no account).
/// Both are processed by [`process`] and stored under the same blob keys.
pub fn arrived_sql(col: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM photos ap WHERE ap.sha256 = {col}) \
         OR EXISTS (SELECT 1 FROM complaint_photos aq WHERE aq.sha256 = {col}))"
    )
}

/// Whether a photo's bytes have arrived (a row, whoever sent them; the office's view). What an
/// account is told about its own upload is [`arrived_for`].
pub async fn has_arrived(conn: &mut AnyConnection, sha256: &str) -> Result<bool, ApiError> {
    Ok(
        sqlx::query(&format!("SELECT 1 AS one WHERE {}", arrived_sql("$1")))
            .bind(sha256)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    )
}

/// Whether a photo has arrived *for `account`*: that account sent its bytes, and the blob store
/// holds them now — the original with the right SHA-256, read back, and both re-encoded
/// copies. Only then may an upload or a receipt answer `arrived: true`; otherwise the bytes
/// are taken again, which repairs a blob lost or damaged after it was acknowledged. A visit's
/// receipt calls this with the visit's monitor for each photo it lists ([`checked_receipt`]).
pub async fn arrived_for(
    conn: &mut AnyConnection,
    blobs: &crate::blobs::Blobs,
    sha256: &str,
    account: &str,
) -> Result<bool, ApiError> {
    let sent =
        sqlx::query("SELECT 1 AS one FROM photo_uploads WHERE sha256 = $1 AND uploaded_by = $2")
            .bind(sha256)
            .bind(account)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    if !sent {
        return Ok(false);
    }
    stored_whole(blobs, sha256).await
}

/// A visit's receipt as a phone may trust it: a photo it lists counts as arrived only when it
/// has arrived for the visit's monitor ([`arrived_for`]: sent by that account, and held by the
/// store with the right hash). The row `visits::receipt` reads says only that the bytes came
/// once; with a blob lost after its acknowledgement the phone is told to send it again.
pub async fn checked_receipt(
    conn: &mut AnyConnection,
    blobs: &crate::blobs::Blobs,
    monitor: chafang_domain::UserId,
    mut receipt: VisitReceipt,
) -> Result<VisitReceipt, ApiError> {
    let monitor = monitor.to_string();
    for photo in &mut receipt.photos {
        // Without a row nothing has arrived; with one, the store is asked.
        if photo.arrived {
            photo.arrived = arrived_for(conn, blobs, &photo.sha256, &monitor).await?;
        }
    }
    crate::recordings::check_receipts(blobs, &mut receipt.recordings).await?;
    receipt.complete =
        receipt.photos.iter().all(|p| p.arrived) && receipt.recordings.iter().all(|r| r.arrived);
    Ok(receipt)
}

/// Whether the blob store holds a photo's original (hash checked) and its two copies.
async fn stored_whole(blobs: &crate::blobs::Blobs, sha256: &str) -> Result<bool, ApiError> {
    use crate::blobs::{exists, holds};
    let whole = holds(blobs, &original_key(sha256), sha256).await?
        && exists(blobs, &display_key(sha256)).await?
        && exists(blobs, &thumb_key(sha256)).await?;
    Ok(whole)
}

/// Whether a monitor's own visits list a photo.
async fn listed_by(
    conn: &mut AnyConnection,
    sha256: &str,
    monitor: &str,
) -> Result<bool, ApiError> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM visit_photos vp JOIN visits v ON v.id = vp.visit_id WHERE vp.sha256 = $1 AND v.monitor_id = $2",
    )
    .bind(sha256)
    .bind(monitor)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// Where an account's upload of a photo stands, after the checks every upload route shares:
/// the hash is well-formed and one of the account's visits (monitors) or answers (units) lists
/// it, else 404.
async fn standing(state: &AppState, me: &CurrentUser, sha256: &str) -> Result<bool, ApiError> {
    if !is_sha256_hex(sha256) {
        return Err(ApiError::NotFound);
    }
    let mut conn = state.db.pool.acquire().await?;
    let user = me.user.id.to_string();
    let listed = match me.user.role {
        Role::Monitor => listed_by(&mut conn, sha256, &user).await?,
        Role::Unit => crate::findings::unit::lists_photo(&mut conn, sha256, &user).await?,
        Role::Office => false,
    };
    if !listed {
        return Err(ApiError::NotFound);
    }
    arrived_for(&mut conn, &state.blobs, sha256, &user).await
}

/// Checks complete bytes against their hash, decodes them, stores the three blobs (durably,
/// see `blobs`) and then records that this account sent them. The first account's upload
/// makes the `photos` row; each account's first upload is a `photo.received` event. Bytes
/// taken again because a blob was lost or damaged change no row and record no event.
async fn take(
    state: &AppState,
    me: &CurrentUser,
    sha256: String,
    body: Bytes,
) -> Result<PhotoReceipt, ApiError> {
    if sha256_hex(&body) != sha256 {
        return Err(UploadRefusal::HashMismatch.into());
    }
    let processed = {
        let _permit = decoding()
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        let bytes = body.clone();
        tokio::task::spawn_blocking(move || process(&bytes))
            .await
            .map_err(|e| ApiError::Internal(e.into()))??
    };
    let blobs = &state.blobs;
    let put = |key: BlobPath, bytes: Vec<u8>| async move {
        blobs
            .put(&key, PutPayload::from(bytes))
            .await
            .map_err(|e| ApiError::Internal(e.into()))
    };
    put(original_key(&sha256), body.to_vec()).await?;
    put(display_key(&sha256), processed.display_jpeg).await?;
    put(thumb_key(&sha256), processed.thumb_jpeg).await?;
    let now = now_ms();
    let user = me.user.id.to_string();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO photos (sha256, received_at, uploaded_by, bytes, format, width, height) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha256)
    .bind(now)
    .bind(&user)
    .bind(body.len() as i64)
    .bind(
        processed
            .format
            .extensions_str()
            .first()
            .copied()
            .unwrap_or("unknown"),
    )
    .bind(i64::from(processed.width))
    .bind(i64::from(processed.height))
    .execute(&mut *tx)
    .await?;
    let first_from_account = sqlx::query(
        "INSERT INTO photo_uploads (sha256, uploaded_by, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (sha256, uploaded_by) DO NOTHING",
    )
    .bind(&sha256)
    .bind(&user)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if first_from_account {
        let payload = PhotoReceived {
            bytes: body.len() as u64,
            width: processed.width,
            height: processed.height,
        };
        audit::record(&mut tx, Some(me.user.id), &sha256, payload).await?;
    } else {
        tracing::warn!(
            sha256,
            "a photo's stored blobs were missing or damaged and were taken again"
        );
    }
    tx.commit().await?;
    Ok(PhotoReceipt {
        sha256,
        arrived: true,
    })
}

/// The key of an account's resumable upload of a photo in the staging area.
fn staging_key(sha256: &str, me: &CurrentUser) -> String {
    format!("photo-{sha256}-{}", me.user.id)
}

/// Upload a photo's bytes (JPEG, PNG or WebP) under its SHA-256 in one body, after the visit
/// (monitors) or answer (units) listing it. Repeating an upload is harmless. `arrived: true`
/// comes back at once only when this account sent these bytes before and the store still holds
/// them (hash checked); otherwise the bytes are taken. Over a weak link prefer the resumable
/// `HEAD` / `PATCH` on the same path.
#[utoipa::path(put, path = "/api/v1/photos/{sha256}", tag = "visits",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the bytes")),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = PhotoReceipt), (status = 404, description = "no visit or answer of yours lists this photo"),
              (status = 408, description = "the body stalled (`stalled`)"),
              (status = 413, description = "`too_large`"), (status = 415), (status = 422, description = "`hash_mismatch`, or not a readable photo")))]
async fn upload_photo(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PhotoReceipt>, ApiError> {
    if standing(&state, &me, &sha256).await? {
        return Ok(Json(PhotoReceipt {
            sha256,
            arrived: true,
        }));
    }
    if uploads::header_number(&headers, "content-length").is_some_and(|n| n > MAX_PHOTO_BYTES) {
        return Err(UploadRefusal::TooLarge {
            max_bytes: MAX_PHOTO_BYTES,
        }
        .into());
    }
    let body = uploads::read_whole(body, MAX_PHOTO_BYTES).await?;
    Ok(Json(take(&state, &me, sha256, body).await?))
}

/// How much of a resumable photo upload the server holds (tus 1.0 core): `Upload-Offset`, and
/// `Upload-Length` once known. A photo that has arrived for this account answers its whole
/// length as held; the `PATCH` at that offset then answers the receipt.
#[utoipa::path(head, path = "/api/v1/photos/{sha256}", tag = "visits",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the bytes")),
    responses((status = 200, description = "`Upload-Offset`: the bytes held"), (status = 404, description = "no visit or answer of yours lists this photo")))]
async fn upload_offset(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(sha256): Path<String>,
) -> Result<(StatusCode, HeaderMap), ApiError> {
    if standing(&state, &me, &sha256).await? {
        let mut conn = state.db.pool.acquire().await?;
        let bytes: i64 = sqlx::query("SELECT bytes FROM photos WHERE sha256 = $1")
            .bind(&sha256)
            .fetch_one(&mut *conn)
            .await?
            .try_get("bytes")?;
        let bytes = u64::try_from(bytes).map_err(crate::error::internal)?;
        return Ok((StatusCode::OK, uploads::tus_headers(bytes, Some(bytes))));
    }
    let held = state
        .uploads
        .held_headers(&staging_key(&sha256, &me))
        .await?;
    Ok((StatusCode::OK, held))
}

/// Appends to a resumable photo upload (tus 1.0 core): `Upload-Offset` must be the bytes the
/// server holds (0 starts again), `Upload-Length` the photo's whole length. 204 with the new
/// `Upload-Offset` while bytes are missing; once all are held they are checked against the
/// hash and taken as a whole upload is, and the answer is the receipt.
#[utoipa::path(patch, path = "/api/v1/photos/{sha256}", tag = "visits",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the bytes"),
           ("Upload-Offset" = u64, Header, description = "the bytes already held"),
           ("Upload-Length" = u64, Header, description = "the photo's whole length")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 200, body = PhotoReceipt, description = "complete"),
              (status = 204, description = "held so far: `Upload-Offset`"),
              (status = 404, description = "no visit or answer of yours lists this photo"),
              (status = 408, description = "the body stalled (`stalled`); what came is kept"),
              (status = 409, description = "`offset_mismatch` (with the offset held) or `length_mismatch`"),
              (status = 413, description = "`too_large`"), (status = 415), (status = 422, description = "`hash_mismatch`, or not a readable photo"),
              (status = 429, description = "`staging_full`")))]
async fn append_photo(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let offset = uploads::upload_number(&headers, UploadHeader::UploadOffset)?;
    let length = uploads::upload_number(&headers, UploadHeader::UploadLength)?;
    if standing(&state, &me, &sha256).await? {
        let receipt = PhotoReceipt {
            sha256,
            arrived: true,
        };
        return Ok((uploads::tus_headers(length, Some(length)), Json(receipt)).into_response());
    }
    let key = staging_key(&sha256, &me);
    let turn = state.uploads.turn(&key).await;
    let progress = state
        .uploads
        .append(&turn, &key, offset, length, MAX_PHOTO_BYTES, body)
        .await?;
    match progress {
        uploads::Progress::Partial(held) => Ok((
            StatusCode::NO_CONTENT,
            uploads::tus_headers(held, Some(length)),
        )
            .into_response()),
        uploads::Progress::Complete(bytes) => {
            let taken = take(&state, &me, sha256, Bytes::from(bytes)).await;
            // Bytes refused (not the photo, not readable) are never resumed: the next try
            // starts again. After a failure of the server's own they stay, and the next
            // `PATCH` at the whole length takes them.
            if !matches!(taken, Err(ApiError::Internal(_))) {
                state.uploads.discard(&key).await;
            }
            let receipt = taken?;
            Ok((uploads::tus_headers(length, Some(length)), Json(receipt)).into_response())
        }
    }
}
