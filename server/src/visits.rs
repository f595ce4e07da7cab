//! Visits as monitors submit them. Upload is idempotent by construction: the visit's id is
//! the primary key and `(device_id, device_seq)` is unique, so the same visit sent ten times at
//! once is one row; the same id with other content is a 409 and the original stays as it was.
//! A repeat is answered from the stored row before any check, so a visit once stored is never
//! refused afterwards; a new one is checked against the rules of the day and year it was
//! recorded, and what the monitor cannot fix is stored and flagged (`attention`).
//! A monitor sees only their own visits; the office sees all; units never reach this module.

use crate::attention;
use crate::audit;
use crate::auth::extract::{CurrentUser, MonitorUser};
use crate::auth::handin::HandIn;
use crate::campaigns;
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::{ApiError, ApiJson};
use crate::findings;
use crate::photos;
use crate::quotas;
use crate::roster;
use crate::state::AppState;
use crate::units;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chafang_domain::api::AttentionReason;
use chafang_domain::criteria::default_criteria;
use chafang_domain::event::VisitSubmitted;
use chafang_domain::quota::day_cst;
use chafang_domain::refusal::VisitRefusal;
use chafang_domain::visit::{PhotoReceipt, Position, VisitReceipt, VisitUpload};
use chafang_domain::{Role, UserId, VisitId};
use sqlx::{AnyConnection, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit_visit))
        .routes(routes!(visit_receipt))
}

use crate::error::internal;

/// The receipt of a stored visit: first receipt time, content hash, and which photos arrived
/// (by the rows; what a phone is answered goes through `photos::checked_receipt`).
pub async fn receipt(
    conn: &mut AnyConnection,
    id: VisitId,
) -> Result<Option<(UserId, VisitReceipt)>, ApiError> {
    let Some(row) =
        sqlx::query("SELECT monitor_id, received_at, content_sha256 FROM visits WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    let monitor: UserId = row
        .try_get::<String, _>("monitor_id")?
        .parse()
        .map_err(internal)?;
    let photos = sqlx::query(
        "SELECT vp.sha256, CASE WHEN p.sha256 IS NULL THEN 0 ELSE 1 END AS arrived FROM visit_photos vp \
         LEFT JOIN photos p ON p.sha256 = vp.sha256 JOIN findings f ON f.id = vp.finding_id \
         WHERE vp.visit_id = $1 ORDER BY f.position, vp.position",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let photos = photos
        .iter()
        .map(|r| {
            Ok(PhotoReceipt {
                sha256: r.try_get("sha256")?,
                arrived: r.try_get::<i64, _>("arrived")? == 1,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let recordings = crate::recordings::receipts(conn, id).await?;
    Ok(Some((
        monitor,
        VisitReceipt {
            visit_id: id,
            received_at_ms: row.try_get("received_at")?,
            content_sha256: row.try_get("content_sha256")?,
            complete: photos.iter().all(|p| p.arrived) && recordings.iter().all(|r| r.arrived),
            photos,
            recordings,
        },
    )))
}

/// The criteria codes that applied to a unit in a year (that year's campaign's copy, or the
/// defaults when no campaign was opened for it).
pub(crate) async fn criteria_codes(
    conn: &mut AnyConnection,
    unit: &chafang_domain::api::UnitView,
    year: i32,
) -> Result<Vec<String>, ApiError> {
    let set = unit.criteria_set;
    Ok(match campaigns::find_by_year(conn, year).await? {
        Some(c) => c
            .criteria
            .into_iter()
            .filter(|s| s.kind == set)
            .flat_map(|s| s.criteria)
            .map(|c| c.code)
            .collect(),
        None => default_criteria(set).into_iter().map(|c| c.code).collect(),
    })
}

/// The visit that already corrects `old`, if any.
async fn correction_of(
    conn: &mut AnyConnection,
    old: VisitId,
) -> Result<Option<VisitId>, ApiError> {
    let row = sqlx::query("SELECT id FROM visits WHERE supersedes = $1")
        .bind(old.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| r.try_get::<String, _>("id")?.parse().map_err(internal))
        .transpose()
}

/// The answer to a visit whose id is already stored: its receipt when it is the same content
/// from the same monitor (a repeat: the phone lost the response), its photos checked against
/// the store (`photos::checked_receipt`), otherwise `IdTaken`.
async fn answer_repeat(
    conn: &mut AnyConnection,
    state: &AppState,
    stored: (UserId, VisitReceipt),
    monitor: UserId,
    hash: &str,
    created: bool,
) -> Result<(StatusCode, Json<VisitReceipt>), ApiError> {
    match stored {
        (owner, r) if owner == monitor && r.content_sha256 == hash => {
            let r = photos::checked_receipt(conn, &state.blobs, owner, r).await?;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(r)))
        }
        _ => Err(VisitRefusal::IdTaken.into()),
    }
}

/// Why a new visit needs the office's attention, by the rules in force when and where it was
/// recorded: the criteria of the year it began in (`codes`), the unit as the directory has it,
/// and the monitor's terms and team on that day.
async fn attention_reasons(
    conn: &mut AnyConnection,
    monitor: UserId,
    visit: &VisitUpload,
    unit: &chafang_domain::api::UnitView,
    all_units: &[chafang_domain::api::UnitView],
    codes: &[String],
    day: time::Date,
) -> Result<Vec<AttentionReason>, ApiError> {
    let mut reasons = Vec::new();
    for (i, f) in visit.findings.iter().enumerate() {
        if !codes.contains(&f.criterion) {
            reasons.push(AttentionReason::CriterionNotInYear {
                finding: i + 1,
                criterion: f.criterion.clone(),
                year: day.year(),
            });
        }
    }
    if let Some(into) = unit.merged_into {
        reasons.push(AttentionReason::UnitMerged { into });
    }
    reasons.extend(roster::attention_on(conn, monitor, all_units, unit.id, day).await?);
    Ok(reasons)
}

/// Inserts a new visit with its findings and photo list; `false` when a visit with this id or
/// device sequence number is already there (the caller then compares).
async fn insert(
    conn: &mut WriteTx,
    monitor: UserId,
    v: &VisitUpload,
    body: &str,
    hash: &str,
    distance_m: Option<f64>,
) -> Result<bool, ApiError> {
    let (lat, lon, accuracy, missing) = match v.position {
        Position::Fix(f) => (Some(f.lat), Some(f.lon), Some(f.accuracy_m), None),
        Position::Missing { reason } => (
            None,
            None,
            None,
            Some(
                serde_json::to_value(reason)
                    .map_err(internal)?
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ),
        ),
    };
    let mode = serde_json::to_value(v.mode).map_err(internal)?;
    let received_at = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO visits (id, monitor_id, device_id, device_seq, supersedes, unit_id, mode, started_at_device, \
         ended_at_device, received_at, lat, lon, accuracy_m, position_missing, distance_m, no_problem_found, body, content_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $19 = 1 THEN $11 END, CASE WHEN $19 = 1 THEN $12 END, \
         CASE WHEN $19 = 1 THEN $13 END, $14, CASE WHEN $20 = 1 THEN $15 END, $16, $17, $18) ON CONFLICT DO NOTHING",
    )
    .bind(v.id.to_string())
    .bind(monitor.to_string())
    .bind(v.device_id.to_string())
    .bind(i64::try_from(v.device_seq).map_err(|_| VisitRefusal::SequenceOutOfRange { device_seq: v.device_seq })?)
    .bind(v.supersedes.map(|s| s.to_string()))
    .bind(v.unit_id.to_string())
    .bind(mode.as_str().unwrap_or_default())
    .bind(v.started_at_device_ms)
    .bind(v.ended_at_device_ms)
    .bind(received_at)
    // The optional numbers are bound as numbers with a flag, never as NULL: sqlx's `Any` driver
    // sends a NULL double to PostgreSQL typed as a single-precision one, and a statement first
    // prepared so on a connection then refuses every later visit with a position there.
    .bind(lat.unwrap_or(0.0))
    .bind(lon.unwrap_or(0.0))
    .bind(accuracy.unwrap_or(0.0))
    .bind(missing)
    .bind(distance_m.unwrap_or(0.0))
    .bind(i64::from(v.no_problem_found))
    .bind(body)
    .bind(hash)
    .bind(i64::from(lat.is_some() && lon.is_some() && accuracy.is_some()))
    .bind(i64::from(distance_m.is_some()))
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !inserted {
        return Ok(false);
    }
    quotas::tally::count_new_visit(
        conn,
        monitor,
        mode.as_str().unwrap_or_default(),
        v.started_at_device_ms,
        received_at,
        v.supersedes,
    )
    .await?;
    for (i, f) in v.findings.iter().enumerate() {
        let severity = serde_json::to_value(f.severity).map_err(internal)?;
        sqlx::query(
            "INSERT INTO findings (id, visit_id, position, criterion, description, severity, suggestion) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(f.id.to_string())
        .bind(v.id.to_string())
        .bind(i as i64)
        .bind(&f.criterion)
        .bind(f.description.trim())
        .bind(severity.as_str().unwrap_or_default())
        .bind(f.suggestion.trim())
        .execute(&mut *conn)
        .await?;
        if let Some(seen) = f
            .responsible
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            sqlx::query("INSERT INTO finding_responsible (finding_id, seen) VALUES ($1, $2)")
                .bind(f.id.to_string())
                .bind(seen)
                .execute(&mut *conn)
                .await?;
        }
        for (j, p) in f.photos.iter().enumerate() {
            sqlx::query("INSERT INTO visit_photos (id, visit_id, finding_id, position, sha256, bytes) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(p.id.to_string())
                .bind(v.id.to_string())
                .bind(f.id.to_string())
                .bind(j as i64)
                .bind(&p.sha256)
                .bind(p.bytes as i64)
                .execute(&mut *conn)
                .await?;
        }
    }
    crate::recordings::insert_listed(conn, v).await?;
    let payload = VisitSubmitted {
        content_sha256: hash.to_owned(),
        unit_id: v.unit_id,
        supersedes: v.supersedes,
        device_seq: v.device_seq,
    };
    audit::record(conn, Some(monitor), v.id, payload).await?;
    findings::intake::open_cases(conn, monitor, v, received_at).await?;
    // The map's running count: this visit, its cases, and the visit it corrects.
    crate::map::tally::visit_stored(conn, v.id, v.supersedes).await?;
    Ok(true)
}

/// Submit a visit (idempotent). 201 with a receipt the first time, 200 with the same receipt
/// for a repeat (before any check: a stored visit is never refused afterwards), 409 when the id
/// or the device sequence number is taken by other content or the visit it corrects already
/// has a correction, 422 for what the monitor can put right on the phone. A visit that breaks a
/// rule the monitor cannot fix is stored and flagged for the office (`attention`).
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", request_body = VisitUpload,
    responses((status = 201, body = VisitReceipt), (status = 200, body = VisitReceipt, description = "a repeat"),
              (status = 409, body = chafang_domain::api::ErrorBody), (status = 422, body = chafang_domain::api::ErrorBody)))]
async fn submit_visit(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
    hand_in: Option<Extension<HandIn>>,
    ApiJson(visit): ApiJson<VisitUpload>,
) -> Result<(StatusCode, Json<VisitReceipt>), ApiError> {
    let monitor = me.user.id;
    let hash = visit.content_sha256();
    let mut conn = state.db.pool.acquire().await?;
    // A repeat of a stored visit gets its receipt first, whatever has changed since.
    if let Some(stored) = receipt(&mut conn, visit.id).await? {
        return answer_repeat(&mut conn, &state, stored, monitor, &hash, false).await;
    }
    if let Some(Extension(h)) = &hand_in {
        h.admits(&visit)?;
    }
    if i64::try_from(visit.device_seq).is_err() {
        return Err(VisitRefusal::SequenceOutOfRange {
            device_seq: visit.device_seq,
        }
        .into());
    }
    let all_units = units::list_all(&mut conn).await?;
    let unit = all_units
        .iter()
        .find(|u| u.id == visit.unit_id)
        .cloned()
        .ok_or(VisitRefusal::UnknownUnit {
            unit: visit.unit_id,
        })?;
    // The rules of the day and year it was recorded in (the device's start, China time).
    let day = day_cst(visit.started_at_device_ms);
    let codes = criteria_codes(&mut conn, &unit, day.year()).await?;
    // The visit's shape; its criteria are judged against the year below, never refused.
    let named: Vec<String> = visit.findings.iter().map(|f| f.criterion.clone()).collect();
    visit.check(&named).map_err(VisitRefusal::Invalid)?;
    let reasons =
        attention_reasons(&mut conn, monitor, &visit, &unit, &all_units, &codes, day).await?;
    if let Some(old) = visit.supersedes {
        match receipt(&mut conn, old).await? {
            Some((owner, _)) if owner == monitor => {}
            _ => return Err(VisitRefusal::CorrectsUnknown { visit: old }.into()),
        }
        if let Some(existing) = correction_of(&mut conn, old).await? {
            return Err(VisitRefusal::AlreadyCorrected { existing }.into());
        }
    }
    if let Some(case) = visit.lookback_for {
        if !findings::intake::reported_by(&mut conn, case, monitor).await? {
            return Err(VisitRefusal::LookbackNotYours { case }.into());
        }
    }
    drop(conn);
    let body = serde_json::to_string(&visit).map_err(internal)?;
    let distance_m = match (visit.position, unit.position) {
        (Position::Fix(f), Some(at)) => Some(
            chafang_domain::unit::GeoPoint {
                lat: f.lat,
                lon: f.lon,
            }
            .distance_m(at),
        ),
        _ => None,
    };
    let mut tx = state.db.begin_write().await?;
    let created = insert(&mut tx, monitor, &visit, &body, &hash, distance_m).await?;
    if created && !reasons.is_empty() {
        attention::flag(&mut tx, monitor, visit.id, &reasons).await?;
    }
    let stored = receipt(&mut tx, visit.id).await?;
    // Not inserted and not under this id: which uniqueness it met decides the answer.
    let clash = match (&stored, visit.supersedes) {
        (None, Some(old)) => correction_of(&mut tx, old).await?,
        _ => None,
    };
    tx.commit().await?;
    // Photos are checked against the store after the commit, outside the write lock.
    let mut conn = state.db.pool.acquire().await?;
    match (stored, clash) {
        (Some(stored), _) => {
            answer_repeat(&mut conn, &state, stored, monitor, &hash, created).await
        }
        (None, Some(existing)) => Err(VisitRefusal::AlreadyCorrected { existing }.into()),
        (None, None) => Err(VisitRefusal::SequenceTaken {
            device_seq: visit.device_seq,
        }
        .into()),
    }
}

/// A visit's receipt: for the monitor who made it, and for the office.
#[utoipa::path(get, path = "/api/v1/visits/{id}/receipt", tag = "visits", params(("id" = String, Path, description = "visit id")),
    responses((status = 200, body = VisitReceipt), (status = 404)))]
async fn visit_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<VisitReceipt>, ApiError> {
    let id: VisitId = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    match receipt(&mut conn, id).await? {
        Some((owner, r))
            if user.user.role == Role::Office
                || (user.user.role == Role::Monitor && owner == user.user.id) =>
        {
            Ok(Json(
                photos::checked_receipt(&mut conn, &state.blobs, owner, r).await?,
            ))
        }
        _ => Err(ApiError::NotFound),
    }
}
