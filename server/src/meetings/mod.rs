//! Report meetings (述职评议). The office schedules a meeting of a key unit (by 31 October,
//! with the raters expected of each kind), issues ballot codes, answered once as an A4 PDF of
//! cut-out slips (`slips`), watches the count and closes the meeting; raters cast one ballot
//! per code without an account (`ballot`). The rules are `chafang_domain::meeting`'s.
//!
//! What is kept: a code only as its SHA-256 with its kind and whether it was used; a ballot only
//! as its content with its meeting and kind, under a random id, with no time, address or
//! device. Every ballot's content goes on the chain (`meeting.ballot_cast`, its hash added as
//! for cases), so `audit verify` finds a ballot edited or added behind the server's back
//! (`audit::content`), and the year's closed meetings feed the survey part of the scoring from
//! the chain alone (`scoring_source`).

pub mod ballot;
pub mod slips;

use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::clock::now_ms;
use crate::error::{internal, ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{
    IssueBallotCodes, KindCount, KindResult, MeetingResults, MeetingView, MeetingWeight,
    ScheduleMeeting, UnitRef,
};
use chafang_domain::criteria::{default_criteria, Criterion};
use chafang_domain::event::{
    EventKind, MeetingClosed, MeetingCodesIssued, MeetingScheduled, MeetingWeightSet,
};
use chafang_domain::meeting::{
    self, check_schedule, RaterKind, ScheduleError, BALLOT_CODE_ALPHABET, BALLOT_CODE_LEN,
    MAX_PLACE_CHARS, MAX_RATERS, MIN_MONITORS, MIN_RECIPIENTS,
};
use chafang_domain::refusal::MeetingRefusal;
use chafang_domain::scoring::{MeetingSource, ScoringSettings};
use chafang_domain::UnitId;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, schedule))
        .routes(routes!(view))
        .routes(routes!(issue_codes))
        .routes(routes!(close))
        .routes(routes!(weight, set_weight))
        .routes(routes!(ballot::open))
        .routes(routes!(ballot::cast))
}

/// A fresh code of a kind, normalised: its tag, then 11 characters drawn uniformly from the
/// alphabet by the OS's random source (≈ 54 bits).
pub fn new_code(kind: RaterKind) -> String {
    let mut rng = rand::rngs::OsRng;
    std::iter::once(char::from(kind.tag()))
        .chain((1..BALLOT_CODE_LEN).map(|_| {
            char::from(BALLOT_CODE_ALPHABET[rng.gen_range(0..BALLOT_CODE_ALPHABET.len())])
        }))
        .collect()
}

/// What is stored of a normalised code.
pub fn code_hash(normalised: &str) -> String {
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// A meeting id from a path: anything else is not found.
fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// A meeting's row.
pub struct Meeting {
    pub id: Uuid,
    pub unit: UnitRef,
    pub year: i32,
    pub held_on: String,
    pub place: String,
    pub expected: [u32; 2],
    pub levels: Vec<String>,
    pub criteria: Vec<Criterion>,
    pub closed: bool,
}

const SELECT_MEETING: &str =
    "SELECT m.id, m.unit_id, u.name AS unit_name, m.year, m.held_on, m.place, \
     m.expected_recipients, m.expected_monitors, m.levels, m.criteria, m.closed \
     FROM meetings m JOIN units u ON u.id = m.unit_id";

fn meeting_of(r: &sqlx::any::AnyRow) -> Result<Meeting, ApiError> {
    let num = |c: &str| -> Result<u32, ApiError> {
        u32::try_from(r.try_get::<i64, _>(c)?).map_err(internal)
    };
    Ok(Meeting {
        id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
        unit: UnitRef {
            id: r
                .try_get::<String, _>("unit_id")?
                .parse()
                .map_err(internal)?,
            name: r.try_get("unit_name")?,
        },
        year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(internal)?,
        held_on: r.try_get("held_on")?,
        place: r.try_get("place")?,
        expected: [num("expected_recipients")?, num("expected_monitors")?],
        levels: serde_json::from_str(&r.try_get::<String, _>("levels")?).map_err(internal)?,
        criteria: serde_json::from_str(&r.try_get::<String, _>("criteria")?).map_err(internal)?,
        closed: r.try_get::<i64, _>("closed")? != 0,
    })
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Meeting>, ApiError> {
    let row = sqlx::query(&format!("{SELECT_MEETING} WHERE m.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(meeting_of).transpose()
}

/// Codes issued and ballots cast, by kind (recipients first).
async fn counts(conn: &mut AnyConnection, m: &Meeting) -> Result<Vec<KindCount>, ApiError> {
    let mut out = Vec::new();
    for (i, kind) in RaterKind::ALL.into_iter().enumerate() {
        let r = sqlx::query(
            "SELECT COUNT(*) AS issued, COALESCE(SUM(used), 0) AS used FROM meeting_codes \
             WHERE meeting_id = $1 AND kind = $2",
        )
        .bind(m.id.to_string())
        .bind(kind.as_str())
        .fetch_one(&mut *conn)
        .await?;
        let cast: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM meeting_ballots WHERE meeting_id = $1 AND kind = $2",
        )
        .bind(m.id.to_string())
        .bind(kind.as_str())
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
        let _: i64 = r.try_get("used")?;
        out.push(KindCount {
            kind,
            expected: m.expected[i],
            issued: u32::try_from(r.try_get::<i64, _>("issued")?).unwrap_or(u32::MAX),
            cast: u32::try_from(cast).unwrap_or(u32::MAX),
        });
    }
    Ok(out)
}

/// A meeting's ballots as `(kind, level, comment)`, in no meaningful order.
async fn ballots(
    conn: &mut AnyConnection,
    meeting: Uuid,
) -> Result<Vec<(RaterKind, u32, String)>, ApiError> {
    let rows =
        sqlx::query("SELECT kind, level, comment FROM meeting_ballots WHERE meeting_id = $1")
            .bind(meeting.to_string())
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            let kind = RaterKind::parse(&r.try_get::<String, _>("kind")?)
                .ok_or_else(|| internal("a ballot of an unknown kind"))?;
            let level = u32::try_from(r.try_get::<i64, _>("level")?).map_err(internal)?;
            Ok((kind, level, r.try_get("comment")?))
        })
        .collect()
}

/// The result by kind from the ballots: counts and shares only from the threshold on.
pub fn results_of(levels: usize, ballots: &[(RaterKind, u32, String)]) -> MeetingResults {
    let pairs: Vec<(RaterKind, u32)> = ballots.iter().map(|(k, l, _)| (*k, *l)).collect();
    let by_kind = meeting::tally(levels, &pairs)
        .into_iter()
        .map(|(kind, counts)| {
            let shares = meeting::shares_permille(&counts);
            KindResult {
                kind,
                ballots: counts.iter().sum(),
                counts: shares.as_ref().map(|_| counts.clone()),
                shares_permille: shares,
            }
        })
        .collect();
    let mut comments: Vec<String> = if ballots.len() >= meeting::MIN_BALLOTS_SHOWN as usize {
        ballots
            .iter()
            .map(|(_, _, c)| c.clone())
            .filter(|c| !c.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    comments.sort();
    MeetingResults { by_kind, comments }
}

async fn view_of(conn: &mut AnyConnection, m: Meeting) -> Result<MeetingView, ApiError> {
    let count = counts(conn, &m).await?;
    let results = if m.closed {
        Some(results_of(m.levels.len(), &ballots(conn, m.id).await?))
    } else {
        None
    };
    Ok(MeetingView {
        id: m.id,
        unit: m.unit,
        year: m.year,
        held_on: m.held_on,
        place: m.place,
        closed: m.closed,
        levels: m.levels,
        criteria: m.criteria,
        count,
        results,
    })
}

/// The meetings, latest day first, with their counts.
#[utoipa::path(get, operation_id = "listMeetings", path = "/api/v1/office/meetings", tag = "meetings",
    responses((status = 200, body = Vec<MeetingView>), (status = 401), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    OfficeUser(_office): OfficeUser,
) -> Result<Json<Vec<MeetingView>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = sqlx::query(&format!("{SELECT_MEETING} ORDER BY m.held_on DESC, m.id"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(view_of(&mut conn, meeting_of(r)?).await?);
    }
    Ok(Json(out))
}

/// The satisfaction levels and criteria a meeting of `unit` in `year` is rated on: the year's
/// scoring settings and campaign criteria (the unit kind's set), else the defaults.
async fn form_of(
    conn: &mut AnyConnection,
    unit: UnitId,
    year: i32,
) -> Result<(Vec<String>, Vec<Criterion>), ApiError> {
    let campaign = crate::campaigns::store::find(conn, year).await?;
    let settings = match &campaign {
        Some(c) => crate::scoring::store::load_inputs(conn, c.id)
            .await?
            .settings(),
        None => ScoringSettings::default(),
    };
    let record = crate::units::record(conn, unit).await?;
    let criteria = match record.unit.kind.criteria_set() {
        Some(set) => match &campaign {
            Some(c) => c.plan.criteria_of(set).to_vec(),
            None => default_criteria(set),
        },
        None => Vec::new(),
    };
    Ok((
        settings.satisfaction.into_iter().map(|l| l.name).collect(),
        criteria,
    ))
}

/// Schedule a report meeting of a key unit of the day's year.
#[utoipa::path(post, operation_id = "scheduleMeeting", path = "/api/v1/office/meetings", tag = "meetings",
    request_body = ScheduleMeeting,
    responses((status = 201, body = MeetingView), (status = 401), (status = 404),
              (status = 422, body = chafang_domain::api::ErrorBody)))]
async fn schedule(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<ScheduleMeeting>,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let held_on =
        time::Date::parse(req.held_on.trim(), &day).map_err(|_| MeetingRefusal::BadDay)?;
    check_schedule(
        held_on,
        &req.place,
        req.expected_recipients,
        req.expected_monitors,
    )
    .map_err(|e| match e {
        ScheduleError::AfterOctober => MeetingRefusal::AfterOctober {
            last_day: format!("{}-10-31", held_on.year()),
        },
        ScheduleError::TooFewRecipients => MeetingRefusal::TooFewRecipients {
            min: MIN_RECIPIENTS,
        },
        ScheduleError::TooFewMonitors => MeetingRefusal::TooFewMonitors { min: MIN_MONITORS },
        ScheduleError::TooManyRaters => MeetingRefusal::TooManyRaters { max: MAX_RATERS },
        ScheduleError::Place => MeetingRefusal::Place {
            max: MAX_PLACE_CHARS,
        },
    })?;
    let year = held_on.year();
    let mut tx = state.db.begin_write().await?;
    let key = crate::scoring::compute::ranked_units(&mut tx, year).await?;
    if !key.iter().any(|u| u.id == req.unit_id) {
        return Err(MeetingRefusal::NotKeyUnit.into());
    }
    let (levels, criteria) = form_of(&mut tx, req.unit_id, year).await?;
    let id = Uuid::new_v4();
    let held = held_on.to_string();
    let place = req.place.trim().to_owned();
    sqlx::query(
        "INSERT INTO meetings (id, unit_id, year, held_on, place, expected_recipients, \
         expected_monitors, levels, criteria, closed, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11)",
    )
    .bind(id.to_string())
    .bind(req.unit_id.to_string())
    .bind(i64::from(year))
    .bind(&held)
    .bind(&place)
    .bind(i64::from(req.expected_recipients))
    .bind(i64::from(req.expected_monitors))
    .bind(serde_json::to_string(&levels).map_err(internal)?)
    .bind(serde_json::to_string(&criteria).map_err(internal)?)
    .bind(me.user.id.to_string())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(me.user.id),
        id,
        MeetingScheduled {
            unit_id: req.unit_id,
            year,
            held_on: held,
            place,
            expected_recipients: req.expected_recipients,
            expected_monitors: req.expected_monitors,
            levels,
            criteria: criteria.iter().map(|c| c.code.clone()).collect(),
        },
    )
    .await?;
    let m = find(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    let view = view_of(&mut tx, m).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One meeting with its live count (the office polls it) and, once closed, its result.
#[utoipa::path(get, operation_id = "getMeeting", path = "/api/v1/office/meetings/{id}", tag = "meetings",
    params(("id" = String, Path, description = "the meeting")),
    responses((status = 200, body = MeetingView), (status = 401), (status = 404)))]
async fn view(
    State(state): State<AppState>,
    OfficeUser(_office): OfficeUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let mut conn = state.db.pool.acquire().await?;
    let m = find(&mut conn, id).await?.ok_or(ApiError::NotFound)?;
    let v = view_of(&mut conn, m).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(v)).into_response())
}

/// Issue fresh codes (one per expected rater when the body asks for none) and answer them as an
/// A4 PDF of cut-out slips: the only time the codes exist outside the raters' hands.
#[utoipa::path(post, operation_id = "issueBallotCodes", path = "/api/v1/office/meetings/{id}/codes", tag = "meetings",
    params(("id" = String, Path, description = "the meeting")),
    request_body(content = IssueBallotCodes, description = "optional; one per expected rater when left out"),
    responses((status = 200, content_type = "application/pdf", description = "the slips"), (status = 401), (status = 404),
              (status = 409, body = chafang_domain::api::ErrorBody, description = "the meeting is closed"),
              (status = 422, body = chafang_domain::api::ErrorBody)))]
async fn issue_codes(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let req = issue_request(&headers, &body)?;
    let origin = crate::auth::enrol::public_origin(&headers, &uri, state.secure_cookies)
        .ok_or(MeetingRefusal::NoHost)?;
    if req.recipients > MAX_RATERS || req.monitors > MAX_RATERS {
        return Err(MeetingRefusal::TooManyRaters { max: MAX_RATERS }.into());
    }
    let fonts = slips::fonts(&state).await?;
    let mut tx = state.db.begin_write().await?;
    let m = find(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    if m.closed {
        return Err(MeetingRefusal::Closed.into());
    }
    let wanted = if req.recipients == 0 && req.monitors == 0 {
        m.expected
    } else {
        [req.recipients, req.monitors]
    };
    let mut codes = Vec::new();
    for (kind, n) in RaterKind::ALL.into_iter().zip(wanted) {
        for _ in 0..n {
            let code = new_code(kind);
            sqlx::query(
                "INSERT INTO meeting_codes (code_hash, meeting_id, kind, used) VALUES ($1, $2, $3, 0)",
            )
            .bind(code_hash(&code))
            .bind(id.to_string())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
            codes.push((kind, code));
        }
    }
    audit::record(
        &mut tx,
        Some(me.user.id),
        id,
        MeetingCodesIssued {
            recipients: wanted[0],
            monitors: wanted[1],
        },
    )
    .await?;
    let slip = slips::Slips {
        unit: m.unit.name.clone(),
        held_on: m.held_on.clone(),
        origin,
        codes,
    };
    let pdf = tokio::task::spawn_blocking(move || slips::render(&slip, &fonts))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(internal)?;
    tx.commit().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ballots-{}.pdf\"", m.held_on),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// The body of an issue: JSON, or a plain HTML form's fields (the office's page posts a form,
/// so the browser saves the PDF it answers), or nothing.
fn issue_request(headers: &HeaderMap, body: &[u8]) -> Result<IssueBallotCodes, ApiError> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if body.is_empty() {
        return Ok(IssueBallotCodes::default());
    }
    if kind.starts_with("application/x-www-form-urlencoded") {
        let mut req = IssueBallotCodes::default();
        for (k, v) in url::form_urlencoded::parse(body) {
            let n = if v.trim().is_empty() {
                0
            } else {
                v.trim().parse().map_err(|_| {
                    ApiError::Refused(chafang_domain::refusal::Refusal::MalformedBody)
                })?
            };
            match k.as_ref() {
                "recipients" => req.recipients = n,
                "monitors" => req.monitors = n,
                _ => {}
            }
        }
        return Ok(req);
    }
    if !kind.starts_with("application/json") {
        return Err(ApiError::Refused(chafang_domain::refusal::Refusal::NotJson));
    }
    serde_json::from_slice(body)
        .map_err(|_| ApiError::Refused(chafang_domain::refusal::Refusal::MalformedBody))
}

/// Close the meeting: its codes stop working and its result shows.
#[utoipa::path(post, operation_id = "closeMeeting", path = "/api/v1/office/meetings/{id}/close", tag = "meetings",
    params(("id" = String, Path, description = "the meeting")),
    responses((status = 200, body = MeetingView), (status = 401), (status = 404),
              (status = 409, body = chafang_domain::api::ErrorBody, description = "closed already")))]
async fn close(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<MeetingView>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query("UPDATE meetings SET closed = 1 WHERE id = $1 AND closed = 0")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done != 1 {
        return Err(match find(&mut tx, id).await? {
            Some(_) => MeetingRefusal::Closed.into(),
            None => ApiError::NotFound,
        });
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM meeting_ballots WHERE meeting_id = $1")
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    audit::record(
        &mut tx,
        Some(me.user.id),
        id,
        MeetingClosed {
            ballots: u32::try_from(n).unwrap_or(u32::MAX),
        },
    )
    .await?;
    let m = find(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    let v = view_of(&mut tx, m).await?;
    tx.commit().await?;
    Ok(Json(v))
}

/// The per cent of the year's satisfaction figure taken from its closed meetings, as last set
/// (0 until the office sets one).
#[utoipa::path(get, operation_id = "meetingWeight", path = "/api/v1/office/meetings/weight/{year}", tag = "meetings",
    params(("year" = i32, Path, description = "the campaign year")),
    responses((status = 200, body = MeetingWeight), (status = 401), (status = 404)))]
async fn weight(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(year): Path<i32>,
) -> Result<Json<MeetingWeight>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let weight_pct = scoring_source(&mut conn, year, None).await?.0;
    Ok(Json(MeetingWeight { weight_pct }))
}

/// Set the per cent of the year's satisfaction figure taken from its closed meetings (0–100).
/// Kept on the chain only, where the scoring reads it.
#[utoipa::path(put, operation_id = "setMeetingWeight", path = "/api/v1/office/meetings/weight/{year}", tag = "meetings",
    params(("year" = i32, Path, description = "the campaign year")),
    request_body = MeetingWeight,
    responses((status = 200, body = MeetingWeight), (status = 401), (status = 404),
              (status = 422, body = chafang_domain::api::ErrorBody)))]
async fn set_weight(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(year): Path<i32>,
    ApiJson(req): ApiJson<MeetingWeight>,
) -> Result<Json<MeetingWeight>, ApiError> {
    if req.weight_pct > 100 {
        return Err(MeetingRefusal::Weight.into());
    }
    let mut tx = state.db.begin_write().await?;
    let old = scoring_source(&mut tx, year, None).await?.0;
    audit::record(
        &mut tx,
        Some(me.user.id),
        format!("meetings:{year}"),
        MeetingWeightSet {
            year,
            old_pct: old,
            new_pct: req.weight_pct,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(req))
}

/// Per unit and number of levels, the ballots per level of its closed meetings.
pub type MeetingCounts = HashMap<(UnitId, usize), Vec<u32>>;

/// The year's meetings as the scoring reads them, from the chain alone (up to event `until`
/// when given): the weight last set, and per unit the ballots per level of its meetings closed
/// by then (both kinds together), kept apart by the number of levels they were rated on.
pub async fn scoring_source(
    conn: &mut AnyConnection,
    year: i32,
    until: Option<i64>,
) -> Result<(u32, MeetingCounts), ApiError> {
    let rows = sqlx::query(
        "SELECT seq, kind, subject, payload FROM audit_events \
         WHERE kind IN ($1, $2, $3, $4) AND seq <= $5 ORDER BY seq",
    )
    .bind(EventKind::MeetingScheduled.name())
    .bind(EventKind::MeetingBallotCast.name())
    .bind(EventKind::MeetingClosed.name())
    .bind(EventKind::MeetingWeightSet.name())
    .bind(until.unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    let mut weight = 0u32;
    // meeting → (unit, levels, closed, ballots' levels)
    let mut meetings: HashMap<String, (UnitId, usize, bool, Vec<u32>)> = HashMap::new();
    for r in &rows {
        let kind: String = r.try_get("kind")?;
        let subject: Option<String> = r.try_get("subject")?;
        let p: serde_json::Value =
            serde_json::from_str(&r.try_get::<String, _>("payload")?).map_err(internal)?;
        match EventKind::parse(&kind) {
            Some(EventKind::MeetingWeightSet) if p["year"].as_i64() == Some(i64::from(year)) => {
                weight = p["new_pct"]
                    .as_u64()
                    .and_then(|w| u32::try_from(w).ok())
                    .unwrap_or(0);
            }
            Some(EventKind::MeetingScheduled) if p["year"].as_i64() == Some(i64::from(year)) => {
                let unit: UnitId = p["unit_id"]
                    .as_str()
                    .unwrap_or_default()
                    .parse()
                    .map_err(internal)?;
                let n = p["levels"].as_array().map_or(0, Vec::len);
                meetings.insert(subject.unwrap_or_default(), (unit, n, false, Vec::new()));
            }
            Some(EventKind::MeetingBallotCast) => {
                if let Some(m) = p["meeting_id"].as_str().and_then(|id| meetings.get_mut(id)) {
                    if let Some(l) = p["ballot"]["level"].as_u64() {
                        m.3.push(u32::try_from(l).unwrap_or(u32::MAX));
                    }
                }
            }
            Some(EventKind::MeetingClosed) => {
                if let Some(m) = subject.as_deref().and_then(|id| meetings.get_mut(id)) {
                    m.2 = true;
                }
            }
            _ => {}
        }
    }
    let mut out: MeetingCounts = HashMap::new();
    for (unit, n, closed, cast) in meetings.into_values() {
        if !closed {
            continue;
        }
        let counts = out.entry((unit, n)).or_insert_with(|| vec![0; n]);
        for l in cast {
            if let Some(c) = usize::try_from(l).ok().and_then(|l| counts.get_mut(l)) {
                *c += 1;
            }
        }
    }
    Ok((weight, out))
}

/// One unit's meeting source for the scoring, rated on `levels` levels.
pub fn source_of(
    weight: u32,
    counts: &MeetingCounts,
    unit: UnitId,
    levels: usize,
) -> MeetingSource {
    MeetingSource {
        weight_pct: weight,
        counts: counts.get(&(unit, levels)).cloned().unwrap_or_default(),
    }
}
