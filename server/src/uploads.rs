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

use crate::error::ApiError;
use axum::body::Body;
use chafang_domain::refusal::UploadRefusal;
use futures::StreamExt;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;

/// The protocol version every answer names (`Tus-Resumable`).
pub const TUS_VERSION: &str = "1.0.0";
/// All partial uploads together, by their declared lengths.
pub const STAGING_TOTAL: u64 = 1024 * 1024 * 1024;
/// A partial upload untouched this long is removed.
pub const STAGING_EXPIRY: Duration = Duration::from_secs(72 * 3600);
/// What a client refused for a full staging area is told to wait.
const RETRY_AFTER_SECONDS: u64 = 600;

/// The staging area: `<data_dir>/uploads`, one `<key>.part` (the bytes so far) and one
/// `<key>.len` (the declared length) per partial upload.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    total: u64,
    expiry: Duration,
    locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

/// Where an upload stands after a `PATCH`.
pub enum Progress {
    /// Bytes are still missing; this many are held.
    Partial(u64),
    /// Every byte is held: here they are (the staged copy stays until [`Staging::discard`]).
    Complete(Vec<u8>),
}

/// One upload's exclusive turn: a second `PATCH` of the same upload waits for the first.
pub struct Turn {
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Staging {
    pub fn new(data_dir: &Path) -> std::io::Result<Staging> {
        Staging::with_bounds(data_dir, STAGING_TOTAL, STAGING_EXPIRY)
    }

    pub fn with_bounds(data_dir: &Path, total: u64, expiry: Duration) -> std::io::Result<Staging> {
        let dir = data_dir.join("uploads");
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            total,
            expiry,
            locks: Mutex::new(HashMap::new()),
        })
    }

    fn part(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.part"))
    }

    fn len(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.len"))
    }

    /// Waits for the upload's turn.
    pub async fn turn(&self, key: &str) -> Turn {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.retain(|_, l| l.strong_count() > 0);
            match locks.get(key).and_then(Weak::upgrade) {
                Some(l) => l,
                None => {
                    let l = Arc::new(tokio::sync::Mutex::new(()));
                    locks.insert(key.to_owned(), Arc::downgrade(&l));
                    l
                }
            }
        };
        Turn {
            _guard: lock.lock_owned().await,
        }
    }

    /// The bytes held and the declared length of a partial upload, if one is under way.
    pub async fn state(&self, key: &str) -> Result<Option<(u64, u64)>, ApiError> {
        let length = match tokio::fs::read_to_string(self.len(key)).await {
            Ok(text) => match text.trim().parse::<u64>() {
                Ok(n) => n,
                Err(_) => return Ok(None),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        match tokio::fs::metadata(self.part(key)).await {
            Ok(m) if fresh(&m, self.expiry) => Ok(Some((m.len(), length))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    /// Appends `body` at `offset` to the upload `key` of `length` bytes (at most `max`).
    /// Offset 0 (re)starts the upload. Call it during the upload's [`Turn`].
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
        let mut file = if offset == 0 {
            let held = self.sweep(key).await?;
            if held.saturating_add(length) > self.total {
                return Err(UploadRefusal::StagingFull {
                    retry_after_seconds: RETRY_AFTER_SECONDS,
                }
                .into());
            }
            tokio::fs::write(self.len(key), length.to_string())
                .await
                .map_err(io)?;
            tokio::fs::File::create(self.part(key)).await.map_err(io)?
        } else {
            match self.state(key).await? {
                Some((held, declared)) if declared != length => {
                    let _ = held;
                    return Err(UploadRefusal::LengthMismatch { length: declared }.into());
                }
                Some((held, _)) if held == offset => tokio::fs::OpenOptions::new()
                    .append(true)
                    .open(self.part(key))
                    .await
                    .map_err(io)?,
                Some((held, _)) => {
                    return Err(UploadRefusal::OffsetMismatch { expected: held }.into())
                }
                None => return Err(UploadRefusal::OffsetMismatch { expected: 0 }.into()),
            }
        };
        let mut held = offset;
        let mut stream = body.into_data_stream();
        let mut cut = None;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => {
                    let room = length - held;
                    if chunk.len() as u64 > room {
                        file.write_all(&chunk[..room as usize]).await.map_err(io)?;
                        file.flush().await.map_err(io)?;
                        return Err(UploadRefusal::TooLarge { max_bytes: length }.into());
                    }
                    file.write_all(&chunk).await.map_err(io)?;
                    held += chunk.len() as u64;
                }
                Err(e) => {
                    cut = Some(body_error(e));
                    break;
                }
            }
        }
        // What arrived is kept, whether or not the body ended well.
        file.flush().await.map_err(io)?;
        drop(file);
        if let Some(e) = cut {
            return Err(e);
        }
        if held < length {
            return Ok(Progress::Partial(held));
        }
        let bytes = tokio::fs::read(self.part(key)).await.map_err(io)?;
        if bytes.len() as u64 != length {
            // Changed behind our back: start again.
            self.discard(key).await;
            return Err(UploadRefusal::OffsetMismatch { expected: 0 }.into());
        }
        Ok(Progress::Complete(bytes))
    }

    /// Removes an upload's staged bytes (done, or refused for their hash).
    pub async fn discard(&self, key: &str) {
        let _ = tokio::fs::remove_file(self.part(key)).await;
        let _ = tokio::fs::remove_file(self.len(key)).await;
    }

    /// Removes expired partial uploads (and leftovers without a length) and returns the
    /// declared lengths of the others, `key`'s own excepted.
    async fn sweep(&self, key: &str) -> Result<u64, ApiError> {
        let dir = self.dir.clone();
        let expiry = self.expiry;
        let own = format!("{key}.len");
        tokio::task::spawn_blocking(move || {
            let mut held = 0u64;
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some(stem) = name.strip_suffix(".len") else {
                    if let Some(stem) = name.strip_suffix(".part") {
                        if !dir.join(format!("{stem}.len")).exists() {
                            let _ = std::fs::remove_file(entry.path());
                        }
                    }
                    continue;
                };
                let part = dir.join(format!("{stem}.part"));
                let live = std::fs::metadata(&part).is_ok_and(|m| fresh(&m, expiry));
                if !live {
                    let _ = std::fs::remove_file(&part);
                    let _ = std::fs::remove_file(entry.path());
                    continue;
                }
                if name != own {
                    held += std::fs::read_to_string(entry.path())
                        .ok()
                        .and_then(|t| t.trim().parse::<u64>().ok())
                        .unwrap_or(0);
                }
            }
            Ok::<_, std::io::Error>(held)
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(io)
    }
}

fn fresh(m: &std::fs::Metadata, expiry: Duration) -> bool {
    m.modified()
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_none_or(|age| age < expiry)
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::Internal(e.into())
}

/// A request body that failed: the idle timeout's error is a typed refusal (408), anything
/// else a body cut off (the client is usually gone by then).
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
