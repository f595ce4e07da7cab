//! The office's side of the loop: the inbox, one case in detail, the review steps (edit,
//! re-route, merge, reject, reopen), release to units, and the verdict on answers.

use super::store::{self, take_step, CaseRecord, Col, Taken};
use super::views::{self, UnitNames};
use crate::auth::extract::OfficeUser;
use crate::clock::today_cst;
use crate::db::WriteTx;
use crate::error::{internal, ApiError, ApiJson};
use crate::state::AppState;
use crate::units;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::Json;
use chafang_domain::api::{
    Cursor, OfficeCase, OfficeCaseRow, OfficeStep, PageAsk, ReleaseRequest, ReleaseResult,
    UrgeRequest, UrgeResult, NEXT_CURSOR_HEADER,
};
use chafang_domain::event::{
    CaseAccepted, CaseEdited, CaseLookbackRequested, CaseMerged, CaseMergedIn, CaseRejected,
    CaseReleased, CaseReopened, CaseRerouted, CaseReturned, CaseUrged, StepPayload,
};
use chafang_domain::followup::{
    add_working_days, Actor, CaseState, DEFAULT_ANSWER_DAYS, MAX_ANSWER_TEXT, MAX_DEADLINE_DAYS,
};
use chafang_domain::refusal::case::CaseText;
use chafang_domain::refusal::{CaseRefusal, QueryRefusal};
use chafang_domain::{CaseId, UserId};
use serde::Deserialize;
use sqlx::AnyConnection;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only cases in this state (e.g. `submitted` for the inbox).
    state: Option<String>,
    /// One page of at most this many rows (1..=500), newest receipt first; without it, every
    /// row at once (the list as it was before paging).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// The `x-next-cursor` the previous page returned: the page after it.
    before: Option<String>,
}

/// The office's findings, newest receipt first, optionally in one state. With `limit`, one
/// page keyset-paged by `(received_at, id)`: the state filter and the reporters' names are read
/// for that page only, and the header `x-next-cursor` says where the next page starts.
#[utoipa::path(get, operation_id = "officeFindings", path = "/api/v1/office/findings", tag = "findings", params(ListQuery),
    responses((status = 200, body = Vec<OfficeCaseRow>, headers(("x-next-cursor" = String,
        description = "with limit=: the cursor of the next page (pass it as before=); absent on the last page"))),
    (status = 400, description = "an unknown state, a bad limit or cursor"), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<ListQuery>,
) -> Result<(HeaderMap, Json<Vec<OfficeCaseRow>>), ApiError> {
    let wanted = q
        .state
        .map(|s| CaseState::parse(&s).ok_or(QueryRefusal::UnknownState { state: s }))
        .transpose()?;
    let page = PageAsk::parse(q.limit.as_deref(), q.before.as_deref())?;
    let mut conn = state.db.pool.acquire().await?;
    let names = UnitNames::load(&mut conn).await?;
    let Some(page) = page else {
        let mut reporters = views::reporter_names(&mut conn).await?;
        let mut rows: Vec<OfficeCaseRow> = store::load_all(&mut conn)
            .await?
            .iter()
            .filter(|c| wanted.is_none_or(|w| c.state == w))
            .map(|c| views::office_row(c, &names, reporters.remove(&c.id).unwrap_or_default()))
            .collect();
        rows.reverse();
        return Ok((HeaderMap::new(), Json(rows)));
    };
    // One row past the page tells whether another page follows. Row values `(a, b) < ($1, $2)`
    // run on both engines and seek the `(state,) received_at, id` index (migration 023).
    let mut sql = format!("SELECT {} FROM cases WHERE 1 = 1", store::COLUMNS);
    let mut n = 0;
    let mut mark = || {
        n += 1;
        format!("${n}")
    };
    if wanted.is_some() {
        sql += &format!(" AND state = {}", mark());
    }
    if page.before.is_some() {
        sql += &format!(" AND (received_at, id) < ({}, {})", mark(), mark());
    }
    sql += &format!(" ORDER BY received_at DESC, id DESC LIMIT {}", mark());
    let mut query = sqlx::query(&sql);
    if let Some(w) = wanted {
        query = query.bind(w.as_str());
    }
    if let Some(c) = &page.before {
        query = query.bind(c.received_at).bind(c.id.clone());
    }
    let found = query
        .bind(i64::from(page.limit) + 1)
        .fetch_all(&mut *conn)
        .await?;
    // A malformed row breaks its own line, not the office's page.
    let more = found.len() > page.limit as usize;
    let mut cases = store::readable(&found);
    cases.truncate(page.limit as usize);
    let ids: Vec<CaseId> = cases.iter().map(|c| c.id).collect();
    let mut reporters = views::reporter_names_of(&mut conn, &ids).await?;
    let rows = cases
        .iter()
        .map(|c| views::office_row(c, &names, reporters.remove(&c.id).unwrap_or_default()))
        .collect();
    let mut headers = HeaderMap::new();
    if let Some(last) = cases.last().filter(|_| more) {
        let next = Cursor::new(last.received_at, last.id).text();
        headers.insert(
            NEXT_CURSOR_HEADER,
            HeaderValue::from_str(&next).map_err(internal)?,
        );
    }
    Ok((headers, Json(rows)))
}

pub fn parse_case(id: &str) -> Result<CaseId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

async fn found(conn: &mut AnyConnection, id: &str) -> Result<CaseRecord, ApiError> {
    store::load(conn, parse_case(id)?)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One finding with everything the office may know: reporters, originals, photos, answers,
/// history, and the steps it may take now.
#[utoipa::path(get, operation_id = "officeFinding", path = "/api/v1/office/findings/{id}", tag = "findings",
    params(("id" = String, Path, description = "case id")),
    responses((status = 200, body = OfficeCase), (status = 401), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<OfficeCase>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let case = found(&mut conn, &id).await?;
    Ok(Json(views::office_case(&mut conn, &case).await?))
}

fn words(field: CaseText, s: &str) -> Result<String, CaseRefusal> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CaseRefusal::EmptyText { field });
    }
    if s.chars().count() > MAX_ANSWER_TEXT {
        return Err(CaseRefusal::TextTooLong {
            field,
            max: MAX_ANSWER_TEXT,
        });
    }
    Ok(s.to_owned())
}

/// A criterion the office files a finding under: one of its unit's set for the year it was
/// seen (that year's campaign's copy, or the defaults).
async fn filed_under(
    conn: &mut sqlx::AnyConnection,
    case: &CaseRecord,
    code: String,
) -> Result<String, ApiError> {
    let unit = units::list_all(&mut *conn)
        .await?
        .into_iter()
        .find(|u| u.id == case.unit_id)
        .ok_or(ApiError::NotFound)?;
    let codes = crate::visits::criteria_codes(conn, &unit, case.seen_on.year()).await?;
    if codes.contains(&code) {
        Ok(code)
    } else {
        Err(CaseRefusal::UnknownCriterion.into())
    }
}

/// Take one step on a finding: review (edit, re-route, merge, reject, reopen), verdict
/// (accept, return) or a look-back request. 409 when the step is not possible now.
#[utoipa::path(post, operation_id = "officeFindingStep", path = "/api/v1/office/findings/{id}/steps", tag = "findings",
    params(("id" = String, Path, description = "case id")), request_body = OfficeStep,
    responses((status = 200, body = OfficeCase), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn step(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
    ApiJson(step): ApiJson<OfficeStep>,
) -> Result<Json<OfficeCase>, ApiError> {
    let mut tx = state.db.begin_write().await?;
    let case = found(&mut tx, &id).await?;
    match step {
        OfficeStep::Edit {
            text,
            photos,
            criterion,
        } => {
            let text = words(CaseText::Wording, &text)?;
            let criterion = match criterion {
                Some(c) if c != case.criterion => Some(filed_under(&mut tx, &case, c).await?),
                _ => None,
            };
            let known: Vec<String> = case_photo_hashes(&mut tx, case.id).await?;
            if let Some(bad) = photos.iter().find(|p| !known.contains(p)) {
                tracing::debug!(photo = %bad, "not one of the finding's photos");
                return Err(CaseRefusal::PhotoNotOfCase.into());
            }
            let payload = StepPayload::Edit(CaseEdited {
                old_text: case.unit_text.clone(),
                text: text.clone(),
                photos: photos.clone(),
                criterion: criterion.clone(),
            });
            // The photos chosen first, so that the step's event records them.
            for sha in &known {
                sqlx::query(
                    "UPDATE case_photos SET chosen = $1 WHERE case_id = $2 AND sha256 = $3",
                )
                .bind(i64::from(photos.contains(sha)))
                .bind(case.id.to_string())
                .bind(sha)
                .execute(&mut *tx)
                .await?;
            }
            let mut sets = vec![("unit_text", Col::text(text))];
            if let Some(c) = criterion {
                sets.push(("criterion", Col::text(c)));
            }
            take_step(&mut tx, &case, Taken::office(me.user.id), sets, payload).await?;
        }
        OfficeStep::Reroute { unit_id } => {
            if !units::list_all(&mut tx)
                .await?
                .iter()
                .any(|u| u.id == unit_id)
            {
                return Err(CaseRefusal::NoSuchUnit.into());
            }
            let payload = StepPayload::Reroute(CaseRerouted {
                from_unit: case.unit_id,
                unit_id,
            });
            take_step(
                &mut tx,
                &case,
                Taken::office(me.user.id),
                vec![("unit_id", Col::text(unit_id.to_string()))],
                payload,
            )
            .await?;
        }
        OfficeStep::Merge { into } => merge(&mut tx, &case, into, me.user.id).await?,
        OfficeStep::Reject { reason } => {
            let reason = words(CaseText::Reason, &reason)?;
            let payload = StepPayload::Reject(CaseRejected {
                reason: reason.clone(),
            });
            let sets = vec![("reject_reason", Col::text(reason))];
            take_step(&mut tx, &case, Taken::office(me.user.id), sets, payload).await?;
        }
        OfficeStep::Reopen { reason } => {
            let reason = words(CaseText::Reason, &reason)?;
            let payload = StepPayload::Reopen(CaseReopened { reason });
            let sets = vec![("reject_reason", Col::Text(None))];
            take_step(&mut tx, &case, Taken::office(me.user.id), sets, payload).await?;
        }
        OfficeStep::Accept { note } => accept(&mut tx, &case, note, me.user.id).await?,
        OfficeStep::Return { reason } => {
            let reason = words(CaseText::Reason, &reason)?;
            give_back(&mut tx, &case, reason, me.user.id).await?;
        }
        OfficeStep::RequestLookBack { note } => {
            let note = words(CaseText::Note, &note)?;
            let payload = StepPayload::RequestLookBack(CaseLookbackRequested { note });
            let sets = vec![("lookback_requested", Col::Int(Some(1)))];
            take_step(&mut tx, &case, Taken::office(me.user.id), sets, payload).await?;
        }
    }
    let after = store::load(&mut tx, case.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = views::office_case(&mut tx, &after).await?;
    tx.commit().await?;
    Ok(Json(view))
}

async fn case_photo_hashes(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Vec<String>, ApiError> {
    use sqlx::Row;
    let rows = sqlx::query("SELECT sha256 FROM case_photos WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("sha256"))
        .collect::<Result<_, _>>()?)
}

/// Folds `case` into `into`: its reports and photos move over (photos held back if the target
/// is already with the unit), and it stays on record as merged.
async fn merge(
    conn: &mut WriteTx,
    case: &CaseRecord,
    into: CaseId,
    by: UserId,
) -> Result<(), ApiError> {
    let target = store::load(conn, into)
        .await?
        .ok_or(CaseRefusal::NoMergeTarget)?;
    if target.id == case.id || !target.state.is_open() {
        return Err(CaseRefusal::MergeTargetClosed.into());
    }
    // Refused rather than held back: a case the unit sees that changes when an unreleased
    // report joins it (a cited commitment, a count, its last change) would tell the unit that
    // someone reported again, and when. Release this finding on its own, or reject it.
    if target.state.is_released() {
        return Err(CaseRefusal::MergeTargetReleased.into());
    }
    let payload = StepPayload::Merge(CaseMerged { into });
    // The reports move first, so that the step's event records the case without them.
    sqlx::query("UPDATE case_findings SET case_id = $1 WHERE case_id = $2")
        .bind(into.to_string())
        .bind(case.id.to_string())
        .execute(&mut *conn)
        .await?;
    take_step(
        conn,
        case,
        Taken::office(by),
        vec![("merged_into", Col::text(into.to_string()))],
        payload,
    )
    .await?;
    // A covert report's photos never go out with another finding by default: choosing them is
    // a deliberate edit. An unreleased target becomes covert itself, so that releasing it
    // needs `release_covert` and shows the unit only the week.
    let chosen = i64::from(!target.state.is_released() && !case.covert);
    if case.covert && !target.covert && !target.state.is_released() {
        sqlx::query("UPDATE cases SET covert = 1 WHERE id = $1")
            .bind(into.to_string())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO case_photos (case_id, sha256, position, chosen) \
         SELECT $1, sha256, position + 1000, $2 FROM case_photos WHERE case_id = $3 ON CONFLICT DO NOTHING",
    )
    .bind(into.to_string())
    .bind(chosen)
    .bind(case.id.to_string())
    .execute(&mut *conn)
    .await?;
    let merged_in = CaseMergedIn {
        from: case.id,
        covert: case.covert || target.covert,
    };
    crate::audit::record(conn, Some(by), into, merged_in).await?;
    Ok(())
}

/// Accepts the answer under judgement: a deadline or plan moves on to rectification with the
/// committed date as its deadline; anything else closes the finding (销号).
async fn accept(
    conn: &mut WriteTx,
    case: &CaseRecord,
    note: Option<String>,
    by: UserId,
) -> Result<(), ApiError> {
    let (answer, kind, committed_by) = views::pending_answer(conn, case.id)
        .await?
        .ok_or(CaseRefusal::NothingToJudge)?;
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let mut sets = vec![];
    if matches!(case.state, CaseState::Answered) && kind.is_some_and(|k| k.leaves_work()) {
        sets.push(("committed_by", Col::Text(committed_by)));
    } else {
        sets.push(("closed_on", Col::day(today_cst())));
    }
    let payload = StepPayload::Accept(CaseAccepted {
        answer_id: answer,
        note: note.clone(),
    });
    // The verdict first, so that the step's event records it.
    verdict(conn, answer, "accepted", note).await?;
    take_step(
        conn,
        case,
        Taken {
            actor: Actor::Office,
            answer: kind,
            by: Some(by),
        },
        sets,
        payload,
    )
    .await?;
    Ok(())
}

/// Returns the answer under judgement with a reason: the unit answers again (with a fresh
/// answer deadline) or goes on rectifying.
async fn give_back(
    conn: &mut WriteTx,
    case: &CaseRecord,
    reason: String,
    by: UserId,
) -> Result<(), ApiError> {
    let (answer, kind, _) = views::pending_answer(conn, case.id)
        .await?
        .ok_or(CaseRefusal::NothingToJudge)?;
    let mut sets = vec![];
    if case.state == CaseState::Answered {
        let days = case.answer_days.unwrap_or(DEFAULT_ANSWER_DAYS);
        let cal = crate::work_calendar::load(conn).await?;
        sets.push((
            "answer_due",
            Col::day(add_working_days(&cal, today_cst(), days)),
        ));
    }
    let payload = StepPayload::Return(CaseReturned {
        answer_id: answer,
        reason: reason.clone(),
    });
    verdict(conn, answer, "returned", Some(reason)).await?;
    take_step(
        conn,
        case,
        Taken {
            actor: Actor::Office,
            answer: kind,
            by: Some(by),
        },
        sets,
        payload,
    )
    .await?;
    Ok(())
}

async fn verdict(
    conn: &mut AnyConnection,
    answer: chafang_domain::AnswerId,
    verdict: &str,
    reason: Option<String>,
) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE answers SET verdict = $1, verdict_reason = $2, verdict_at = $3 WHERE id = $4 AND verdict IS NULL",
    )
    .bind(verdict)
    .bind(reason)
    .bind(crate::clock::now_ms())
    .bind(answer.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn days(d: Option<u32>, default: u32) -> Result<u32, CaseRefusal> {
    let d = d.unwrap_or(default);
    if d == 0 || d > MAX_DEADLINE_DAYS {
        return Err(CaseRefusal::DeadlineDays {
            max: MAX_DEADLINE_DAYS,
        });
    }
    Ok(d)
}

/// Release findings to their units, all or none. Covert visits' findings go only with
/// `release_covert` set; each needs to be in the inbox.
#[utoipa::path(post, path = "/api/v1/office/releases", tag = "findings", request_body = ReleaseRequest,
    responses((status = 200, body = ReleaseResult), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn release(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<ReleaseRequest>,
) -> Result<Json<ReleaseResult>, ApiError> {
    // What the request leaves out, the year's campaign sets (the source's 5 and 10 without one).
    let defaults = crate::campaigns::current_deadlines(&state.db).await?;
    let ack_days = days(req.ack_days, defaults.ack_days)?;
    let answer_days = days(req.answer_days, defaults.answer_days)?;
    if req.cases.is_empty() || req.cases.len() > 500 {
        return Err(CaseRefusal::ReleaseCount { max: 500 }.into());
    }
    let today = today_cst();
    let mut tx = state.db.begin_write().await?;
    // Counted in the year's calendar, read in the transaction that writes the deadlines.
    let ack_due = add_working_days(&crate::work_calendar::load(&mut tx).await?, today, ack_days);
    let mut released: Vec<CaseId> = Vec::with_capacity(req.cases.len());
    // In the order of the cases' random ids, so that the chain, the inboxes, the webhooks and
    // the numbers each finding gets with its unit see a batch in an order unrelated to when its
    // findings arrived.
    let mut ids = req.cases.clone();
    ids.sort_unstable_by_key(|c| c.0);
    for id in &ids {
        if released.contains(id) {
            continue;
        }
        let case = store::load(&mut tx, *id)
            .await?
            .ok_or(CaseRefusal::NoSuchFinding { case: *id })?;
        if case.covert && !req.release_covert {
            return Err(CaseRefusal::CovertNeedsConsent { case: *id }.into());
        }
        if case.criterion == chafang_domain::complaint::INTAKE_CRITERION {
            return Err(CaseRefusal::CriterionNeeded { case: *id }.into());
        }
        // The next number of the unit in the year of release: release order only. A case
        // numbered once keeps its number (none is released twice today).
        let number = match case.number {
            Some(n) => n,
            None => store::next_number(&mut tx, case.unit_id, today.year()).await?,
        };
        let payload = StepPayload::Release(CaseReleased {
            ack_due: ack_due.to_string(),
            answer_days,
            covert: case.covert,
            number: Some(number),
        });
        let sets = vec![
            ("released_on", Col::day(today)),
            ("ack_due", Col::day(ack_due)),
            ("answer_days", Col::Int(Some(i64::from(answer_days)))),
            ("number_year", Col::Int(Some(i64::from(number.year)))),
            ("number_seq", Col::Int(Some(i64::from(number.seq)))),
        ];
        take_step(&mut tx, &case, Taken::office(me.user.id), sets, payload).await?;
        released.push(*id);
    }
    tx.commit().await?;
    Ok(Json(ReleaseResult { released }))
}

/// The longest note a reminder may carry, in characters.
pub const MAX_URGE_NOTE: usize = 500;

/// Press the units of findings they have (催办): each gets an event on the chain and a notice
/// in its unit's inbox (and the units' above, as deadline notices go), and the webhook says it
/// as it says the loop's steps. Only a finding waiting for its unit (to acknowledge, answer or
/// finish) may be urged; one urged already today is left out, so a second click changes
/// nothing. In the order of the cases' random ids, like a release.
#[utoipa::path(post, operation_id = "urgeFindings", path = "/api/v1/office/urges", tag = "findings", request_body = UrgeRequest,
    responses((status = 200, body = UrgeResult), (status = 401), (status = 404), (status = 422)))]
pub async fn urge(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(req): ApiJson<UrgeRequest>,
) -> Result<Json<UrgeResult>, ApiError> {
    if req.cases.is_empty() || req.cases.len() > 500 {
        return Err(CaseRefusal::ReleaseCount { max: 500 }.into());
    }
    let note = match req.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) if n.chars().count() > MAX_URGE_NOTE => {
            return Err(CaseRefusal::TextTooLong {
                field: CaseText::Note,
                max: MAX_URGE_NOTE,
            }
            .into())
        }
        Some(n) => Some(n.to_owned()),
    };
    let today = today_cst();
    let mut tx = state.db.begin_write().await?;
    let names = UnitNames::load(&mut tx).await?;
    let audience = crate::notifications::inbox::UnitAudience::load(&mut tx).await?;
    let mut ids = req.cases.clone();
    ids.sort_unstable_by_key(|c| c.0);
    ids.dedup();
    let mut urged = Vec::with_capacity(ids.len());
    for id in ids {
        let case = store::load(&mut tx, id)
            .await?
            .ok_or(CaseRefusal::NoSuchFinding { case: id })?;
        let Some((_, due)) = case.deadlines.current(case.state) else {
            return Err(CaseRefusal::NothingToUrge { case: id }.into());
        };
        if urged_on(&mut tx, id).await? == Some(today) {
            continue;
        }
        let payload = CaseUrged {
            note: note.clone(),
            due: Some(due.to_string()),
        };
        crate::audit::record(&mut tx, Some(me.user.id), id, payload).await?;
        let mut params = crate::notifications::inbox::unit_params_of(&case, &names)
            .ok_or_else(|| internal("a case with a deadline but no release day"))?;
        if let Some(n) = &note {
            params["message"] = serde_json::Value::String(n.clone());
        }
        let notice = crate::notifications::inbox::Note {
            kind: chafang_domain::api::NotificationKind::Urged,
            subject: Some(id.to_string()),
            params,
            dedup: Some(format!("urge:{id}:{today}")),
        };
        crate::notifications::inbox::notify(&mut tx, &audience.of(case.unit_id), &notice).await?;
        urged.push(id);
    }
    tx.commit().await?;
    Ok(Json(UrgeResult { urged }))
}

/// The day (China time) the finding was last urged, if ever.
async fn urged_on(conn: &mut AnyConnection, case: CaseId) -> Result<Option<time::Date>, ApiError> {
    let at: Option<i64> = sqlx::query(
        "SELECT at FROM audit_events WHERE subject = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1",
    )
    .bind(case.to_string())
    .bind(chafang_domain::event::EventKind::CaseUrged.name())
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| sqlx::Row::try_get(&r, "at"))
    .transpose()?;
    Ok(at.map(chafang_domain::quota::day_cst))
}
