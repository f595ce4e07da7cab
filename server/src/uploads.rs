//! Resumable uploads: partial bodies kept in a bounded staging area under the data directory,
//! so that a photo (and later audio or video) sent over a weak link resumes from the bytes the
//! server already holds instead of starting again.
//!
//! The protocol is tus 1.0's core, addressed by content: the upload's URL is the object's own
//! (`/api/v1/photos/{sha256}`), so it needs no creation step. `HEAD` answers `Upload-Offset`
//! (the bytes held; `Upload-Length` too once known); `PATCH` with `Upload-Offset` (which must
//! equal the bytes held, else 409 `offset_mismatch` with the right offset; 0 always starts
//! again) and `Upload-Length` appends its body. While bytes are missing a `PATCH` answers 204
//! with the new `Upload-Offset`; the one that completes the upload answers with the route's
//! receipt, after the bytes were checked against their SHA-256 and stored as a whole upload
//! would have been. A body that stalls for `http::UPLOAD_IDLE` is cut with 408 and what came
//! is kept.
//!
//! Bounds: each upload declares its length, checked against the route's maximum; all partial
//! uploads together hold at most [`STAGING_TOTAL`] bytes (declared), beyond which a new upload
//! is refused with 429 `staging_full`; a partial upload untouched for [`STAGING_EXPIRY`] is
//! removed. Each upload is keyed by what it uploads *and* who uploads it, so no account
//! completes another's bytes.
//!
//! Several processes: nothing is kept in one process. The upload's state is a row of
//! `upload_staging` and its bytes are parts in the blob store (`uploads/<key>/…`), one per
//! `PATCH` body, listed in `upload_parts`. A part counts only through a conditional `UPDATE`
//! of the bytes held (`held` from the part's start to its end, same generation), in the
//! transaction that lists it; so two parts of one upload sent at once, to one process or to
//! two, cannot both count, and the loser's bytes are removed and its sender told the offset.
//! (The total bound is checked when an upload starts; two starting at the same instant on two
//! processes may pass it together by one upload's length.)

use crate::db::Db;
use crate::error::ApiError;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue};
use chafang_domain::refusal::upload::UploadHeader;
use chafang_domain::refusal::UploadRefusal;
use futures::StreamExt;
use object_store::path::Path as BlobPath;
use sqlx::Row;
use std::time::Duration;

/// The protocol version every answer names (`Tus-Resumable`).
pub const TUS_VERSION: &str = "1.0.0";
/// All partial uploads together, by their declared lengths.
pub const STAGING_TOTAL: u64 = 1024 * 1024 * 1024;
/// A partial upload untouched this long is removed.
pub const STAGING_EXPIRY: Duration = Duration::from_secs(72 * 3600);
/// What a client refused for a full staging area is told to wait.
const RETRY_AFTER_SECONDS: u64 = 600;
/// The blob store's prefix for partial uploads.
pub const PREFIX: &str = "uploads";

/// The staging area: rows of `upload_staging` and `upload_parts`, parts in the blob store.
#[derive(Debug)]
pub struct Staging {
    db: Db,
    blobs: crate::blobs::Blobs,
    total: u64,
    expiry: Duration,
}

/// Where an upload stands after a `PATCH`.
pub enum Progress {
    /// Bytes are still missing; this many are held.
    Partial(u64),
    /// Every byte is held: here they are (the staged copy stays until [`Staging::discard`]).
    Complete(Vec<u8>),
}

/// One upload's turn. Kept for the callers' shape: two `PATCH`es of one upload may now run at
/// once (in one process or two); the database decides which counts (see the module's comment).
pub struct Turn(());

fn int(n: u64) -> Result<i64, ApiError> {
    i64::try_from(n).map_err(crate::error::internal)
}

fn uint(n: i64) -> Result<u64, ApiError> {
    u64::try_from(n).map_err(crate::error::internal)
}

fn store(e: object_store::Error) -> ApiError {
    ApiError::Internal(e.into())
}

impl Staging {
    pub fn new(db: Db, blobs: crate::blobs::Blobs) -> Staging {
        Staging::with_bounds(db, blobs, STAGING_TOTAL, STAGING_EXPIRY)
    }

    pub fn with_bounds(
        db: Db,
        blobs: crate::blobs::Blobs,
        total: u64,
        expiry: Duration,
    ) -> Staging {
        Staging {
            db,
            blobs,
            total,
            expiry,
        }
    }

    fn oldest_fresh(&self) -> i64 {
        crate::clock::now_ms()
            .saturating_sub(i64::try_from(self.expiry.as_millis()).unwrap_or(i64::MAX))
    }

    /// The upload's turn (see [`Turn`]).
    pub async fn turn(&self, _key: &str) -> Turn {
        Turn(())
    }

    /// The generation, bytes held and declared length of a partial upload under way.
    async fn row(&self, key: &str) -> Result<Option<(String, u64, u64)>, ApiError> {
        let row = sqlx::query(
            "SELECT generation, held, length FROM upload_staging \
             WHERE key = $1 AND touched_at > $2",
        )
        .bind(key)
        .bind(self.oldest_fresh())
        .fetch_optional(&self.db.pool)
        .await?;
        row.map(|r| {
            Ok((
                r.try_get("generation")?,
                uint(r.try_get("held")?)?,
                uint(r.try_get("length")?)?,
            ))
        })
        .transpose()
    }

    /// The bytes held and the declared length of a partial upload, if one is under way.
    pub async fn state(&self, key: &str) -> Result<Option<(u64, u64)>, ApiError> {
        Ok(self.row(key).await?.map(|(_, held, length)| (held, length)))
    }

    /// What a `HEAD` answers for an upload not yet complete: the bytes staged under `key` and
    /// its declared length, or offset 0 when none is under way.
    pub async fn held_headers(&self, key: &str) -> Result<HeaderMap, ApiError> {
        Ok(match self.state(key).await? {
            Some((offset, length)) => tus_headers(offset, Some(length)),
            None => tus_headers(0, None),
        })
    }

    /// Appends `body` at `offset` to the upload `key` of `length` bytes (at most `max`).
    /// Offset 0 (re)starts the upload.
    pub async fn append(
        &self,
        _turn: &Turn,
        key: &str,
        offset: u64,
        length: u64,
        max: u64,
        body: Body,
    ) -> Result<Progress, ApiError> {
        if length > max {
            return Err(UploadRefusal::TooLarge { max_bytes: max }.into());
        }
        let generation = if offset == 0 {
            let held = self.sweep(key).await?;
            if held.saturating_add(length) > self.total {
                return Err(UploadRefusal::StagingFull {
                    retry_after_seconds: RETRY_AFTER_SECONDS,
                }
                .into());
            }
            let generation = uuid::Uuid::new_v4().simple().to_string();
            let old = self.parts(key, None).await?;
            let mut tx = self.db.begin_write().await?;
            sqlx::query(
                "INSERT INTO upload_staging (key, generation, length, held, touched_at) \
                 VALUES ($1, $2, $3, 0, $4) \
                 ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, \
                     length = excluded.length, held = 0, touched_at = excluded.touched_at",
            )
            .bind(key)
            .bind(&generation)
            .bind(int(length)?)
            .bind(crate::clock::now_ms())
            .execute(&mut tx)
            .await?;
            sqlx::query("DELETE FROM upload_parts WHERE key = $1 AND generation <> $2")
                .bind(key)
                .bind(&generation)
                .execute(&mut tx)
                .await?;
            tx.commit().await?;
            self.remove_objects(&old).await;
            generation
        } else {
            match self.row(key).await? {
                Some((_, _, declared)) if declared != length => {
                    return Err(UploadRefusal::LengthMismatch { length: declared }.into());
                }
                Some((generation, held, _)) if held == offset => generation,
                Some((_, held, _)) => {
                    return Err(UploadRefusal::OffsetMismatch { expected: held }.into())
                }
                None => return Err(UploadRefusal::OffsetMismatch { expected: 0 }.into()),
            }
        };
        // The body, up to the declared length; what arrived is kept, whether or not the body
        // ended well.
        let mut bytes = Vec::new();
        let mut stream = body.into_data_stream();
        let mut cut = None;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => {
                    let room = usize::try_from(length - offset).unwrap_or(usize::MAX) - bytes.len();
                    if chunk.len() > room {
                        bytes.extend_from_slice(&chunk[..room]);
                        cut = Some(UploadRefusal::TooLarge { max_bytes: length }.into());
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Err(e) => {
                    cut = Some(body_error(e));
                    break;
                }
            }
        }
        let held = if bytes.is_empty() {
            offset
        } else {
            self.add_part(key, &generation, offset, bytes).await?
        };
        if let Some(e) = cut {
            return Err(e);
        }
        if held < length {
            return Ok(Progress::Partial(held));
        }
        let whole = self.read_whole(key, &generation).await?;
        if whole.len() as u64 != length {
            // Changed behind our back: start again.
            self.discard(key).await;
            return Err(UploadRefusal::OffsetMismatch { expected: 0 }.into());
        }
        Ok(Progress::Complete(whole))
    }

    /// Stores `bytes` as the part at `offset` and counts it if the upload still holds exactly
    /// `offset` bytes of this generation; answers the bytes held after it, or refuses with
    /// the offset held when another part got in first.
    async fn add_part(
        &self,
        key: &str,
        generation: &str,
        offset: u64,
        bytes: Vec<u8>,
    ) -> Result<u64, ApiError> {
        let size = bytes.len() as u64;
        // The upload's key is named by its hash, cut to 128 bits: S3 keys allow 1 024 bytes,
        // but stores that keep an object as a file (s3s-fs, some gateways) name files after
        // the whole key, and a path component has 255 bytes at most.
        let object = format!(
            "{PREFIX}/{}/{generation}/{offset}-{}",
            &chafang_domain::visit::sha256_hex(key.as_bytes())[..32],
            uuid::Uuid::new_v4().simple()
        );
        let path = BlobPath::from(object.as_str());
        self.blobs
            .put(&path, object_store::PutPayload::from(bytes))
            .await
            .map_err(store)?;
        let end = offset + size;
        let mut tx = self.db.begin_write().await?;
        let counted = sqlx::query(
            "UPDATE upload_staging SET held = $1, touched_at = $2 \
             WHERE key = $3 AND generation = $4 AND held = $5",
        )
        .bind(int(end)?)
        .bind(crate::clock::now_ms())
        .bind(key)
        .bind(generation)
        .bind(int(offset)?)
        .execute(&mut tx)
        .await?
        .rows_affected()
            == 1;
        if counted {
            sqlx::query(
                "INSERT INTO upload_parts (key, generation, start_at, size, object) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(key)
            .bind(generation)
            .bind(int(offset)?)
            .bind(int(size)?)
            .bind(&object)
            .execute(&mut tx)
            .await?;
            tx.commit().await?;
            return Ok(end);
        }
        drop(tx);
        let _ = self.blobs.delete(&path).await;
        let expected = self.state(key).await?.map_or(0, |(held, _)| held);
        Err(UploadRefusal::OffsetMismatch { expected }.into())
    }

    /// The objects of an upload's parts (of one generation, or all).
    async fn parts(&self, key: &str, generation: Option<&str>) -> Result<Vec<String>, ApiError> {
        let rows = sqlx::query(
            "SELECT object, generation FROM upload_parts WHERE key = $1 ORDER BY start_at",
        )
        .bind(key)
        .fetch_all(&self.db.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let g: String = r.try_get("generation")?;
            if generation.is_none_or(|want| want == g) {
                out.push(r.try_get("object")?);
            }
        }
        Ok(out)
    }

    async fn read_whole(&self, key: &str, generation: &str) -> Result<Vec<u8>, ApiError> {
        let mut whole = Vec::new();
        for object in self.parts(key, Some(generation)).await? {
            let got = self
                .blobs
                .get(&BlobPath::from(object.as_str()))
                .await
                .map_err(store)?;
            whole.extend_from_slice(&got.bytes().await.map_err(store)?);
        }
        Ok(whole)
    }

    async fn remove_objects(&self, objects: &[String]) {
        for object in objects {
            let _ = self.blobs.delete(&BlobPath::from(object.as_str())).await;
        }
    }

    /// Removes an upload's staged bytes (done, or refused for their hash).
    pub async fn discard(&self, key: &str) {
        if let Err(e) = self.remove(key).await {
            tracing::warn!("discarding a staged upload: {e:?}");
        }
    }

    async fn remove(&self, key: &str) -> Result<(), ApiError> {
        let objects = self.parts(key, None).await?;
        let mut tx = self.db.begin_write().await?;
        sqlx::query("DELETE FROM upload_parts WHERE key = $1")
            .bind(key)
            .execute(&mut tx)
            .await?;
        sqlx::query("DELETE FROM upload_staging WHERE key = $1")
            .bind(key)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        self.remove_objects(&objects).await;
        Ok(())
    }

    /// Removes expired partial uploads and returns the declared lengths of the others,
    /// `key`'s own excepted.
    async fn sweep(&self, key: &str) -> Result<u64, ApiError> {
        let expired: Vec<String> =
            sqlx::query("SELECT key FROM upload_staging WHERE touched_at <= $1")
                .bind(self.oldest_fresh())
                .fetch_all(&self.db.pool)
                .await?
                .iter()
                .map(|r| r.try_get("key"))
                .collect::<Result<_, _>>()?;
        for old in expired {
            self.remove(&old).await?;
        }
        let held: i64 = sqlx::query(
            "SELECT CAST(COALESCE(SUM(length), 0) AS BIGINT) AS held FROM upload_staging \
             WHERE key <> $1 AND touched_at > $2",
        )
        .bind(key)
        .bind(self.oldest_fresh())
        .fetch_one(&self.db.pool)
        .await?
        .try_get("held")?;
        uint(held)
    }
}

/// A request body that failed: the idle timeout's error is a typed refusal (408), anything
/// else a body cut off (the client is usually gone by then).
/// The tus headers of an answer: the protocol's version, the bytes held and, once known, the
/// whole length; never cached.
pub fn tus_headers(offset: u64, length: Option<u64>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    h.insert("upload-offset", HeaderValue::from(offset));
    if let Some(length) = length {
        h.insert("upload-length", HeaderValue::from(length));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h
}

/// A numeric header, if present and a number.
pub fn header_number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// A resumable upload's numeric header; missing or malformed is 400.
pub fn upload_number(headers: &HeaderMap, header: UploadHeader) -> Result<u64, UploadRefusal> {
    header_number(headers, header.name()).ok_or(UploadRefusal::BadHeader { header })
}

pub fn body_error(e: axum::Error) -> ApiError {
    use std::error::Error;
    let mut source: Option<&(dyn Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if s.is::<tower_http::timeout::TimeoutError>() {
            return UploadRefusal::Stalled {
                idle_seconds: crate::http::UPLOAD_IDLE.as_secs(),
            }
            .into();
        }
        source = s.source();
    }
    UploadRefusal::CutOff.into()
}

/// Reads a whole body of at most `max` bytes (the photo route's plain `PUT`), with the same
/// typed refusals as a resumable upload.
pub async fn read_whole(body: Body, max: u64) -> Result<bytes::Bytes, ApiError> {
    let mut out = bytes::BytesMut::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(body_error)?;
        if (out.len() + chunk.len()) as u64 > max {
            return Err(UploadRefusal::TooLarge { max_bytes: max }.into());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}
