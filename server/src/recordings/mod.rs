//! Recordings (实地录音录像): audio and short video a monitor records at a visit. The visit
//! lists each by SHA-256, length, media type and duration (`visit::RecordingRef`); the bytes
//! follow resumably on the recording's own URL (`HEAD` + `PATCH` with `Upload-Offset`, the
//! staging area of `uploads`), are checked against their hash on arrival, sniffed (WebM /
//! Matroska, MP4 / M4A, Ogg; anything else refused) and stored twice in the blob store: as sent,
//! and the copy served, its container metadata stripped (`container`). Each arrival is a
//! `recording.received` event with the hash, length and type.
//!
//! A recording carries the monitor's voice, so it never goes to a unit: only the office plays
//! it (`GET` with `Range`), and may attach a transcript (text) or a still frame (an image,
//! through the photo pipeline) to the finding for the unit. No route a unit reaches reads
//! these tables, but `case_transcripts.text`.

pub mod container;
pub mod samples;

use crate::audit;
use crate::auth::extract::{CurrentUser, OfficeUser};
use crate::db::WriteTx;
use crate::error::{internal, ApiError, ApiJson};
use crate::photos;
use crate::state::AppState;
use crate::uploads;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{paths, OfficeRecording, TranscriptUpload, MAX_TRANSCRIPT};
use chafang_domain::event::{RecordingReceived, RecordingStillAttached, RecordingTranscribed};
use chafang_domain::refusal::upload::{UploadHeader, UploadRefusal};
use chafang_domain::refusal::RecordingRefusal;
use chafang_domain::visit::{
    is_sha256_hex, sha256_hex, PhotoReceipt, VisitUpload, MAX_PHOTO_BYTES, MAX_RECORDING_BYTES,
};
use chafang_domain::{CaseId, Role, VisitId};
use container::Container;
use object_store::path::Path as BlobPath;
use object_store::PutPayload;
use sqlx::{AnyConnection, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(recording_offset, append_recording))
        .routes(routes!(play))
        .routes(routes!(case_recordings))
        .routes(routes!(add_transcript))
        .routes(routes!(add_still))
}

/// The blob keys of a recording: as sent, and as served (metadata stripped).
pub fn original_key(sha256: &str) -> BlobPath {
    BlobPath::from(format!("recordings/original/{sha256}"))
}
pub fn served_key(sha256: &str) -> BlobPath {
    BlobPath::from(format!("recordings/served/{sha256}"))
}

/// Lists a new visit's recordings (in the visit's transaction).
pub async fn insert_listed(conn: &mut WriteTx, v: &VisitUpload) -> Result<(), ApiError> {
    for (i, r) in v.recordings.iter().enumerate() {
        sqlx::query(
            "INSERT INTO visit_recordings (visit_id, position, sha256, bytes, media_type, duration_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(v.id.to_string())
        .bind(i as i64)
        .bind(&r.sha256)
        .bind(i64::try_from(r.bytes).map_err(internal)?)
        .bind(&r.media_type)
        .bind(i64::try_from(r.duration_ms).map_err(internal)?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Which of a visit's recordings have arrived, in the visit's order (for its receipt).
pub async fn receipts(
    conn: &mut AnyConnection,
    visit: VisitId,
) -> Result<Vec<PhotoReceipt>, ApiError> {
    let rows = sqlx::query(
        "SELECT vr.sha256, CASE WHEN r.sha256 IS NULL THEN 0 ELSE 1 END AS arrived \
         FROM visit_recordings vr LEFT JOIN recordings r ON r.sha256 = vr.sha256 \
         WHERE vr.visit_id = $1 ORDER BY vr.position",
    )
    .bind(visit.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PhotoReceipt {
                sha256: r.try_get("sha256")?,
                arrived: r.try_get::<i64, _>("arrived")? == 1,
            })
        })
        .collect()
}

/// A receipt's recordings checked against the store: one whose blobs are gone is sent again.
pub async fn check_receipts(
    blobs: &crate::blobs::Blobs,
    recordings: &mut [PhotoReceipt],
) -> Result<(), ApiError> {
    for r in recordings {
        if r.arrived {
            r.arrived = stored_whole(blobs, &r.sha256).await?;
        }
    }
    Ok(())
}

/// The transcripts attached to a finding, oldest first (the unit's view carries them).
pub async fn transcripts_of(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Vec<String>, ApiError> {
    let rows =
        sqlx::query("SELECT text FROM case_transcripts WHERE case_id = $1 ORDER BY added_at, id")
            .bind(case.to_string())
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("text"))
        .collect::<Result<_, _>>()?)
}

async fn stored_whole(blobs: &crate::blobs::Blobs, sha256: &str) -> Result<bool, ApiError> {
    use crate::blobs::{exists, holds};
    Ok(holds(blobs, &original_key(sha256), sha256).await?
        && exists(blobs, &served_key(sha256)).await?)
}

/// Whether a recording's bytes have arrived (its row) and the store holds them.
async fn arrived(state: &AppState, sha256: &str) -> Result<Option<u64>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let row = sqlx::query("SELECT bytes FROM recordings WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await?;
    drop(conn);
    let Some(row) = row else { return Ok(None) };
    if !stored_whole(&state.blobs, sha256).await? {
        return Ok(None);
    }
    Ok(Some(
        u64::try_from(row.try_get::<i64, _>("bytes")?).map_err(internal)?,
    ))
}

/// How a monitor's visit listed a recording: its media type and duration. `None` when none
/// of the monitor's visits lists it.
async fn listed_by(
    state: &AppState,
    sha256: &str,
    monitor: &str,
) -> Result<Option<(String, u64)>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let row = sqlx::query(
        "SELECT vr.media_type, vr.duration_ms FROM visit_recordings vr \
         JOIN visits v ON v.id = vr.visit_id WHERE vr.sha256 = $1 AND v.monitor_id = $2 \
         ORDER BY v.received_at LIMIT 1",
    )
    .bind(sha256)
    .bind(monitor)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("media_type")?,
            u64::try_from(r.try_get::<i64, _>("duration_ms")?).map_err(internal)?,
        ))
    })
    .transpose()
}

/// The checks every upload route shares: a well-formed hash that one of this monitor's visits
/// lists, else 404 (for every other account too). Answers how it was listed and the length
/// held when the bytes have arrived.
async fn standing(
    state: &AppState,
    me: &CurrentUser,
    sha256: &str,
) -> Result<((String, u64), Option<u64>), ApiError> {
    if !is_sha256_hex(sha256) || me.user.role != Role::Monitor {
        return Err(ApiError::NotFound);
    }
    let listed = listed_by(state, sha256, &me.user.id.to_string())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((listed, arrived(state, sha256).await?))
}

/// Checks complete bytes against their hash, sniffs and strips them, stores both copies and
/// records the arrival.
async fn take(
    state: &AppState,
    me: &CurrentUser,
    sha256: &str,
    (media_type, duration_ms): (String, u64),
    body: Vec<u8>,
) -> Result<PhotoReceipt, ApiError> {
    if sha256_hex(&body) != sha256 {
        return Err(UploadRefusal::HashMismatch.into());
    }
    let container = container::sniff(&body).ok_or(RecordingRefusal::NotARecording)?;
    let original = Bytes::from(body);
    let copy = original.clone();
    let served = tokio::task::spawn_blocking(move || {
        let mut served = copy.to_vec();
        container::strip(container, &mut served).map(|()| served)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(|container::Damaged| ApiError::from(RecordingRefusal::Damaged))?;
    let served_sha256 = sha256_hex(&served);
    let put = |key: BlobPath, bytes: Bytes| async move {
        state
            .blobs
            .put(&key, PutPayload::from(bytes))
            .await
            .map_err(|e| ApiError::Internal(e.into()))
    };
    put(original_key(sha256), original.clone()).await?;
    put(served_key(sha256), Bytes::from(served)).await?;
    let mut tx = state.db.begin_write().await?;
    let first = sqlx::query(
        "INSERT INTO recordings (sha256, received_at, uploaded_by, bytes, container, served_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(crate::clock::now_ms())
    .bind(me.user.id.to_string())
    .bind(original.len() as i64)
    .bind(container.as_str())
    .bind(&served_sha256)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if first {
        let payload = RecordingReceived {
            bytes: original.len() as u64,
            container: container.as_str().to_owned(),
            media_type,
            duration_ms,
            served_sha256,
        };
        audit::record(&mut tx, Some(me.user.id), sha256, payload).await?;
    } else {
        tracing::warn!(
            sha256,
            "a recording's stored blobs were missing and were taken again"
        );
    }
    tx.commit().await?;
    Ok(PhotoReceipt {
        sha256: sha256.to_owned(),
        arrived: true,
    })
}

fn staging_key(sha256: &str, me: &CurrentUser) -> String {
    format!("recording-{sha256}-{}", me.user.id)
}

/// How much of a recording the server holds (tus 1.0 core): `Upload-Offset`, and
/// `Upload-Length` once known. A recording that has arrived answers its whole length.
#[utoipa::path(head, path = "/api/v1/recordings/{sha256}", tag = "visits",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the bytes")),
    responses((status = 200, description = "`Upload-Offset`: the bytes held"), (status = 404, description = "no visit of yours lists this recording")))]
async fn recording_offset(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(sha256): Path<String>,
) -> Result<(StatusCode, HeaderMap), ApiError> {
    if let (_, Some(bytes)) = standing(&state, &me, &sha256).await? {
        return Ok((StatusCode::OK, uploads::tus_headers(bytes, Some(bytes))));
    }
    let held = state
        .uploads
        .held_headers(&staging_key(&sha256, &me))
        .await?;
    Ok((StatusCode::OK, held))
}

/// Appends to a recording's resumable upload (tus 1.0 core): `Upload-Offset` must be the bytes
/// the server holds (0 starts again), `Upload-Length` the recording's whole length (at most
/// `MAX_RECORDING_BYTES`). 204 with the new `Upload-Offset` while bytes are missing; once all
/// are held they are checked against the hash, sniffed and stripped, and the answer is the
/// receipt.
#[utoipa::path(patch, path = "/api/v1/recordings/{sha256}", tag = "visits",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the bytes"),
           ("Upload-Offset" = u64, Header, description = "the bytes already held"),
           ("Upload-Length" = u64, Header, description = "the recording's whole length")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 200, body = PhotoReceipt, description = "complete"),
              (status = 204, description = "held so far: `Upload-Offset`"),
              (status = 404, description = "no visit of yours lists this recording"),
              (status = 408, description = "the body stalled (`stalled`); what came is kept"),
              (status = 409, description = "`offset_mismatch` (with the offset held) or `length_mismatch`"),
              (status = 413, description = "`too_large`"), (status = 415, description = "not WebM, MP4 or Ogg"),
              (status = 422, description = "`hash_mismatch`, or a damaged container"),
              (status = 429, description = "`staging_full`")))]
async fn append_recording(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let offset = uploads::upload_number(&headers, UploadHeader::UploadOffset)?;
    let length = uploads::upload_number(&headers, UploadHeader::UploadLength)?;
    let (listed, arrived) = standing(&state, &me, &sha256).await?;
    if arrived.is_some() {
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
        .append(&turn, &key, offset, length, MAX_RECORDING_BYTES, body)
        .await?;
    match progress {
        uploads::Progress::Partial(held) => Ok((
            StatusCode::NO_CONTENT,
            uploads::tus_headers(held, Some(length)),
        )
            .into_response()),
        uploads::Progress::Complete(bytes) => {
            let taken = take(&state, &me, &sha256, listed, bytes).await;
            if !matches!(taken, Err(ApiError::Internal(_))) {
                state.uploads.discard(&key).await;
            }
            let receipt = taken?;
            Ok((uploads::tus_headers(length, Some(length)), Json(receipt)).into_response())
        }
    }
}

/// A single byte range of `len` bytes (`bytes=a-b`, `bytes=a-`, `bytes=-n`); `Err` when it
/// cannot be satisfied, `Ok(None)` for no (or an unreadable) `Range`.
fn byte_range(headers: &HeaderMap, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        // Several ranges: answer the whole (allowed by RFC 9110).
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len.saturating_sub(1))
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            b.parse::<u64>().map_err(|_| ())?.min(len.saturating_sub(1))
        };
        (start, end)
    };
    if len == 0 || start >= len || end < start {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// Play a recording (the office only): the copy with its container metadata stripped, whole
/// or by `Range` for the player's seeking. 404 for every other role.
#[utoipa::path(get, path = "/api/v1/office/recordings/{sha256}", tag = "findings",
    params(("sha256" = String, Path, description = "the recording's SHA-256")),
    responses((status = 200, description = "the whole recording"), (status = 206, description = "the range asked for"),
              (status = 401), (status = 404), (status = 416)))]
async fn play(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::NotFound);
    }
    let mut conn = state.db.pool.acquire().await?;
    let Some(row) = sqlx::query(
        "SELECT r.bytes, r.container, (SELECT vr.media_type FROM visit_recordings vr \
         WHERE vr.sha256 = r.sha256 ORDER BY vr.visit_id LIMIT 1) AS media_type \
         FROM recordings r WHERE r.sha256 = $1",
    )
    .bind(&sha256)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Err(ApiError::NotFound);
    };
    drop(conn);
    let len = u64::try_from(row.try_get::<i64, _>("bytes")?).map_err(internal)?;
    let container = Container::parse(&row.try_get::<String, _>("container")?)
        .ok_or_else(|| internal("an unknown container"))?;
    let media: Option<String> = row.try_get("media_type")?;
    let top = if media.is_some_and(|m| m.starts_with("video/")) {
        "video"
    } else {
        "audio"
    };
    let content_type = format!("{top}/{}", container.as_str());
    let key = served_key(&sha256);
    let range = byte_range(&headers, len);
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(internal)?,
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    let fetch = |r: std::ops::Range<u64>| async move {
        match state.blobs.get_range(&key, r).await {
            Ok(b) => Ok(b),
            Err(object_store::Error::NotFound { .. }) => Err(ApiError::NotFound),
            Err(e) => Err(ApiError::Internal(e.into())),
        }
    };
    match range {
        Err(()) => {
            h.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{len}")).map_err(internal)?,
            );
            Ok((StatusCode::RANGE_NOT_SATISFIABLE, h).into_response())
        }
        Ok(None) => {
            let bytes = fetch(0..len).await?;
            Ok((StatusCode::OK, h, bytes).into_response())
        }
        Ok(Some((start, end))) => {
            let bytes = fetch(start..end + 1).await?;
            h.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")).map_err(internal)?,
            );
            Ok((StatusCode::PARTIAL_CONTENT, h, bytes).into_response())
        }
    }
}

/// A case id from the path, of a case that exists, else 404.
async fn case_of(conn: &mut AnyConnection, id: &str) -> Result<CaseId, ApiError> {
    let case: CaseId = id.parse().map_err(|_| ApiError::NotFound)?;
    sqlx::query("SELECT 1 AS one FROM cases WHERE id = $1")
        .bind(case.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(case)
}

const OF_CASE: &str = "SELECT vr.visit_id, vr.sha256, vr.bytes, vr.media_type, vr.duration_ms, \
     CASE WHEN r.sha256 IS NULL THEN 0 ELSE 1 END AS arrived FROM visit_recordings vr \
     JOIN findings f ON f.visit_id = vr.visit_id JOIN case_findings cf ON cf.finding_id = f.id \
     LEFT JOIN recordings r ON r.sha256 = vr.sha256 WHERE cf.case_id = $1";

/// The recordings of the visits behind a finding, for the office's player, each with the
/// transcripts attached from it.
#[utoipa::path(get, path = "/api/v1/office/findings/{id}/recordings", tag = "findings",
    params(("id" = String, Path, description = "case id")),
    responses((status = 200, body = Vec<OfficeRecording>), (status = 401), (status = 404)))]
async fn case_recordings(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<OfficeRecording>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let case = case_of(&mut conn, &id).await?;
    let rows = sqlx::query(&format!("{OF_CASE} ORDER BY vr.visit_id, vr.position"))
        .bind(case.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let mut out: Vec<OfficeRecording> = Vec::new();
    for r in rows {
        let sha256: String = r.try_get("sha256")?;
        if out.iter().any(|o| o.sha256 == sha256) {
            continue;
        }
        let transcripts = sqlx::query(
            "SELECT text FROM case_transcripts WHERE case_id = $1 AND recording_sha256 = $2 \
             ORDER BY added_at, id",
        )
        .bind(case.to_string())
        .bind(&sha256)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|t| t.try_get("text"))
        .collect::<Result<_, _>>()?;
        out.push(OfficeRecording {
            visit_id: r
                .try_get::<String, _>("visit_id")?
                .parse()
                .map_err(internal)?,
            link: paths::office_recording(&sha256),
            bytes: u64::try_from(r.try_get::<i64, _>("bytes")?).map_err(internal)?,
            media_type: r.try_get("media_type")?,
            duration_ms: u64::try_from(r.try_get::<i64, _>("duration_ms")?).map_err(internal)?,
            arrived: r.try_get::<i64, _>("arrived")? == 1,
            sha256,
            transcripts,
        });
    }
    Ok(Json(out))
}

async fn of_case(conn: &mut WriteTx, case: CaseId, sha256: &str) -> Result<(), ApiError> {
    let found = sqlx::query(&format!("{OF_CASE} AND vr.sha256 = $2"))
        .bind(case.to_string())
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    if found {
        Ok(())
    } else {
        Err(RecordingRefusal::NotOfCase.into())
    }
}

/// Attach a transcript of one of a finding's recordings, for the unit (it reads the text on
/// the finding; never the recording). Each is kept: a better one is another.
#[utoipa::path(post, path = "/api/v1/office/findings/{id}/transcripts", tag = "findings",
    params(("id" = String, Path, description = "case id")), request_body = TranscriptUpload,
    responses((status = 201, description = "attached"), (status = 401), (status = 404),
              (status = 422, description = "empty, too long, or not a recording of this finding")))]
async fn add_transcript(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
    ApiJson(t): ApiJson<TranscriptUpload>,
) -> Result<StatusCode, ApiError> {
    let text = t.text.trim().to_owned();
    if text.is_empty() {
        return Err(RecordingRefusal::EmptyTranscript.into());
    }
    if text.len() > 4 * MAX_TRANSCRIPT || text.chars().count() > MAX_TRANSCRIPT {
        return Err(RecordingRefusal::TranscriptTooLong {
            max: MAX_TRANSCRIPT,
        }
        .into());
    }
    let mut tx = state.db.begin_write().await?;
    let case = case_of(&mut tx, &id).await?;
    of_case(&mut tx, case, &t.recording_sha256).await?;
    let transcript_id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO case_transcripts (id, case_id, recording_sha256, text, added_at, added_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&transcript_id)
    .bind(case.to_string())
    .bind(&t.recording_sha256)
    .bind(&text)
    .bind(crate::clock::now_ms())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?;
    let payload = RecordingTranscribed {
        transcript_id,
        recording_sha256: t.recording_sha256,
        text,
    };
    audit::record(&mut tx, Some(me.user.id), case, payload).await?;
    tx.commit().await?;
    Ok(StatusCode::CREATED)
}

/// Which recording a still frame was taken from.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StillQuery {
    /// The recording's SHA-256.
    pub recording: String,
}

/// Attach a still frame taken from one of a finding's recordings (JPEG, PNG or WebP, made in
/// the browser), for the unit: it goes through the photo pipeline (decoded, re-encoded, so
/// free of metadata) and joins the finding's photos the unit sees.
#[utoipa::path(put, path = "/api/v1/office/findings/{id}/stills", tag = "findings",
    params(("id" = String, Path, description = "case id"), StillQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoReceipt), (status = 401), (status = 404), (status = 413), (status = 415),
              (status = 422, description = "not a readable image, or not a recording of this finding")))]
async fn add_still(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
    Query(StillQuery { recording }): Query<StillQuery>,
    body: Body,
) -> Result<(StatusCode, Json<PhotoReceipt>), ApiError> {
    {
        let mut tx = state.db.begin_write().await?;
        let case = case_of(&mut tx, &id).await?;
        of_case(&mut tx, case, &recording).await?;
    }
    let body = uploads::read_whole(body, MAX_PHOTO_BYTES).await?;
    let sha256 = sha256_hex(&body);
    let bytes = body.clone();
    let processed = tokio::task::spawn_blocking(move || photos::process(&bytes))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let blobs = &state.blobs;
    let put = |key: BlobPath, bytes: Vec<u8>| async move {
        blobs
            .put(&key, PutPayload::from(bytes))
            .await
            .map_err(|e| ApiError::Internal(e.into()))
    };
    put(photos::original_key(&sha256), body.to_vec()).await?;
    put(photos::display_key(&sha256), processed.display_jpeg).await?;
    put(photos::thumb_key(&sha256), processed.thumb_jpeg).await?;
    let now = crate::clock::now_ms();
    let user = me.user.id.to_string();
    let mut tx = state.db.begin_write().await?;
    let case = case_of(&mut tx, &id).await?;
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
    sqlx::query(
        "INSERT INTO photo_uploads (sha256, uploaded_by, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (sha256, uploaded_by) DO NOTHING",
    )
    .bind(&sha256)
    .bind(&user)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let position: i64 = sqlx::query(
        "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) AS next FROM case_photos WHERE case_id = $1",
    )
    .bind(case.to_string())
    .fetch_one(&mut *tx)
    .await?
    .try_get("next")?;
    let added = sqlx::query(
        "INSERT INTO case_photos (case_id, sha256, position, chosen) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (case_id, sha256) DO NOTHING",
    )
    .bind(case.to_string())
    .bind(&sha256)
    .bind(position)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if added {
        let payload = RecordingStillAttached {
            recording_sha256: recording,
            photo_sha256: sha256.clone(),
            bytes: body.len() as u64,
        };
        audit::record(&mut tx, Some(me.user.id), case, payload).await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(PhotoReceipt {
            sha256,
            arrived: true,
        }),
    ))
}
