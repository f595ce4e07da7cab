//! Photos: bytes addressed by their SHA-256, uploaded one by one after the visit that lists
//! them. Each is verified against its hash, inspected from its header before anything is
//! decoded (format, dimensions), decoded with allocation limits on the blocking pool (at most
//! two at a time, so memory stays bounded), and stored three times in the blob store: the bytes
//! as uploaded, a display copy and a thumbnail, both re-encoded and so free of any metadata.

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::Json;
use chafang_domain::event::PhotoReceived;
use chafang_domain::refusal::input::{ImageProblem, InputRefusal};
use chafang_domain::visit::{is_sha256_hex, sha256_hex, PhotoReceipt, MAX_PHOTO_BYTES};
use chafang_domain::Role;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use object_store::path::Path as BlobPath;
use object_store::PutPayload;
use sqlx::AnyConnection;
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
    OpenApiRouter::new()
        .routes(routes!(upload_photo))
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES as usize))
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

/// Whether a photo's bytes have arrived.
pub async fn has_arrived(conn: &mut AnyConnection, sha256: &str) -> Result<bool, ApiError> {
    Ok(sqlx::query("SELECT 1 AS one FROM photos WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
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

/// Upload a photo's bytes (JPEG, PNG or WebP) under its SHA-256, after the visit (monitors) or
/// answer (units) listing it.
/// Repeating an upload is harmless.
#[utoipa::path(put, path = "/api/v1/photos/{sha256}", tag = "visits",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the bytes")),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = PhotoReceipt), (status = 404, description = "no visit or answer of yours lists this photo"),
              (status = 413), (status = 415), (status = 422, description = "bytes do not match the hash, or not a readable photo")))]
async fn upload_photo(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(sha256): Path<String>,
    body: Bytes,
) -> Result<Json<PhotoReceipt>, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::NotFound);
    }
    {
        let mut conn = state.db.pool.acquire().await?;
        let user = me.user.id.to_string();
        let listed = match me.user.role {
            Role::Monitor => listed_by(&mut conn, &sha256, &user).await?,
            Role::Unit => crate::findings::unit::lists_photo(&mut conn, &sha256, &user).await?,
            Role::Office => false,
        };
        if !listed {
            return Err(ApiError::NotFound);
        }
        if has_arrived(&mut conn, &sha256).await? {
            return Ok(Json(PhotoReceipt {
                sha256,
                arrived: true,
            }));
        }
    }
    if sha256_hex(&body) != sha256 {
        return Err(ApiError::Unprocessable(
            "the bytes do not match their SHA-256; send the photo again".into(),
        ));
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
    let mut tx = state.db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO photos (sha256, received_at, uploaded_by, bytes, format, width, height) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha256)
    .bind(now_ms())
    .bind(me.user.id.to_string())
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
    .await?
    .rows_affected()
        == 1;
    if inserted {
        let payload = PhotoReceived {
            bytes: body.len() as u64,
            width: processed.width,
            height: processed.height,
        };
        audit::record(&mut tx, Some(me.user.id), &sha256, payload).await?;
    }
    tx.commit().await?;
    Ok(Json(PhotoReceipt {
        sha256,
        arrived: true,
    }))
}
