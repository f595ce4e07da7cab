//! The repeat-offence ladder (一次查实诫勉谈话、两次通报批评、三次交流换岗): the office verifies
//! (查实) a released finding against a responsible person of its unit, the ladder counts each
//! person's verified problems inside the rule's window (`chafang_domain::ladder`), and the
//! office records that the step called for was taken, with the 问责通知 the documents issue
//! in the same transaction. The unit head reads its own subtree's people.
//!
//! Every row is written once: a rule is a new revision, a corrected verification a new
//! revision of the finding's; every write is an event whose subject is the person (or the
//! rule's revision), carrying the record's content hash (`audit::content`), so an edit behind
//! the server's back is found by `audit verify`. Nothing here leaves by webhook: it names the
//! unit's staff.

mod store;

use crate::auth::extract::{OfficeUser, UnitScope};
use crate::clock::{now_ms, today_cst};
use crate::error::{ApiError, ApiJson};
use crate::findings::store as cases;
use crate::state::AppState;
use crate::units;
use crate::{audit, documents};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{
    paths, LadderPerson, LadderView, PersonLadder, PersonPick, TakeLadderStep, Verification,
    VerifyFinding,
};
use chafang_domain::event::{LadderRuleSet, LadderStepTaken, LadderVerified};
use chafang_domain::ladder::{LadderRule, MAX_TEXT};
use chafang_domain::refusal::LadderRefusal;
use chafang_domain::{CaseId, UnitId};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_ladder))
        .routes(routes!(set_rule))
        .routes(routes!(office_people))
        .routes(routes!(verification, verify))
        .routes(routes!(take_step))
        .routes(routes!(unit_ladder))
}

fn check_note(note: &str) -> Result<String, ApiError> {
    let note = note.trim();
    if note.chars().count() > MAX_TEXT {
        return Err(LadderRefusal::Note { max: MAX_TEXT }.into());
    }
    Ok(note.to_owned())
}

/// Every person on the ladder with their standing today, pending first.
#[utoipa::path(get, path = "/api/v1/office/ladder", tag = "ladder",
    responses((status = 200, body = LadderView), (status = 401), (status = 404)))]
pub async fn office_ladder(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<LadderView>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all = units::list_all(&mut conn).await?;
    Ok(Json(
        store::view(&mut conn, &all, |_| true, paths::OFFICE_DOCUMENTS).await?,
    ))
}

/// The ladder of the unit user's unit and the units under it.
#[utoipa::path(get, path = "/api/v1/unit/ladder", tag = "ladder",
    responses((status = 200, body = LadderView), (status = 401), (status = 404)))]
pub async fn unit_ladder(
    State(state): State<AppState>,
    scope: UnitScope,
) -> Result<Json<LadderView>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        store::view(
            &mut conn,
            &scope.directory,
            |u| scope.contains(u),
            paths::UNIT_DOCUMENTS,
        )
        .await?,
    ))
}

/// Sets the ladder's rule: a new revision, on the chain whole.
#[utoipa::path(put, path = "/api/v1/office/ladder/rule", tag = "ladder",
    request_body = LadderRule,
    responses((status = 200, body = LadderView), (status = 401), (status = 404), (status = 422)))]
pub async fn set_rule(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    ApiJson(rule): ApiJson<LadderRule>,
) -> Result<Json<LadderView>, ApiError> {
    rule.check().map_err(LadderRefusal::Rule)?;
    let mut tx = state.db.begin_write().await?;
    let revision = store::latest_rule_revision(&mut tx).await? + 1;
    let id = Uuid::new_v4();
    let text = serde_json::to_string(&rule).map_err(crate::error::internal)?;
    sqlx::query(
        "INSERT INTO ladder_rules (id, revision, rule, set_at, set_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(revision)
    .bind(&text)
    .bind(now_ms())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(me.user.id),
        id,
        LadderRuleSet {
            revision,
            rule: rule.clone(),
        },
    )
    .await?;
    let all = units::list_all(&mut tx).await?;
    let view = store::view(&mut tx, &all, |_| true, paths::OFFICE_DOCUMENTS).await?;
    tx.commit().await?;
    Ok(Json(view))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PeopleQuery {
    /// The unit whose people (its subtree's) are listed; every person without it.
    unit: Option<UnitId>,
}

/// The people recorded under a unit and the units below it (every person without `unit`),
/// for the office's picker.
#[utoipa::path(get, path = "/api/v1/office/ladder/people", tag = "ladder", params(PeopleQuery),
    responses((status = 200, body = Vec<LadderPerson>), (status = 401), (status = 404)))]
pub async fn office_people(
    State(state): State<AppState>,
    _office: OfficeUser,
    Query(q): Query<PeopleQuery>,
) -> Result<Json<Vec<LadderPerson>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all = units::list_all(&mut conn).await?;
    let under = q.unit.map(|u| units::subtree_ids(&all, u));
    Ok(Json(
        store::people(&mut conn, &all, |u| {
            under.as_ref().is_none_or(|s| s.contains(&u))
        })
        .await?,
    ))
}

fn case_id(id: &str) -> Result<CaseId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// A finding's current verification; null when it has none.
#[utoipa::path(get, path = "/api/v1/office/cases/{id}/verification", tag = "ladder",
    params(("id" = String, Path, description = "case id")),
    responses((status = 200, body = Option<Verification>), (status = 401), (status = 404)))]
pub async fn verification(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<Option<Verification>>, ApiError> {
    let id = case_id(&id)?;
    let mut conn = state.db.pool.acquire().await?;
    cases::load(&mut conn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let all = units::list_all(&mut conn).await?;
    Ok(Json(
        store::current_verification(&mut conn, &all, id).await?,
    ))
}

/// Verifies (查实) a released finding against a person of its unit (or a unit under it),
/// recorded or new. Made again with another person or note, a correction: a new revision.
#[utoipa::path(post, path = "/api/v1/office/cases/{id}/verification", tag = "ladder",
    params(("id" = String, Path, description = "case id")),
    request_body = VerifyFinding,
    responses((status = 200, body = Verification), (status = 401), (status = 404),
        (status = 409), (status = 422)))]
pub async fn verify(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<VerifyFinding>,
) -> Result<Json<Verification>, ApiError> {
    let id = case_id(&id)?;
    let note = check_note(&req.note)?;
    let mut tx = state.db.begin_write().await?;
    // Lock the case's row, so a verification and a step on it are taken one after the other.
    let locked = sqlx::query("UPDATE cases SET state = state WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    let case = cases::load(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    if !case.state.is_released() {
        return Err(LadderRefusal::NotReleased.into());
    }
    let all = units::list_all(&mut tx).await?;
    let rule = store::rule(&mut tx).await?;
    let applies = store::top_kind(&all, case.unit_id).is_some_and(|k| rule.applies_to(k));
    if !applies {
        return Err(LadderRefusal::NotApplicable.into());
    }
    let under = units::subtree_ids(&all, case.unit_id);
    let person = match req.person {
        PersonPick::Existing { id } => {
            let p = store::person(&mut tx, &all, id)
                .await?
                .ok_or(LadderRefusal::NoSuchPerson)?;
            if !under.contains(&p.unit.id) {
                return Err(LadderRefusal::OtherUnit.into());
            }
            p
        }
        PersonPick::New {
            unit_id,
            name,
            staff_no,
            post,
        } => {
            if !under.contains(&unit_id) {
                return Err(LadderRefusal::OtherUnit.into());
            }
            store::find_or_add_person(&mut tx, &all, me.user.id, unit_id, &name, &staff_no, &post)
                .await?
        }
    };
    let current = store::current_verification(&mut tx, &all, id).await?;
    if let Some(c) = &current {
        if c.person.id == person.id && c.note == note {
            // The same verification again (a second tap): nothing changes.
            tx.commit().await?;
            return Ok(Json(current.expect("checked")));
        }
    }
    let revision = current.as_ref().map_or(0, |c| i64::from(c.revision)) + 1;
    let today = today_cst();
    sqlx::query(
        "INSERT INTO ladder_verifications (case_id, revision, person_id, verified_on, note, \
         recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(revision)
    .bind(person.id.to_string())
    .bind(cases::day_text(today))
    .bind(&note)
    .bind(now_ms())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?;
    let previous_person = current
        .as_ref()
        .filter(|c| c.person.id != person.id)
        .map(|c| c.person.id.to_string());
    audit::record(
        &mut tx,
        Some(me.user.id),
        person.id,
        LadderVerified {
            case: id,
            verified_on: cases::day_text(today),
            note: note.clone(),
            revision,
            previous_person,
        },
    )
    .await?;
    let out = store::current_verification(&mut tx, &all, id)
        .await?
        .ok_or_else(|| crate::error::internal("a verification just written is missing"))?;
    tx.commit().await?;
    Ok(Json(out))
}

/// Records that the step the ladder calls for a person was taken, and issues the 问责通知
/// for it to the person's unit in the same transaction. Only the step called for, while
/// pending (409 otherwise, naming the step called for).
#[utoipa::path(post, path = "/api/v1/office/ladder/people/{id}/steps", tag = "ladder",
    params(("id" = String, Path, description = "person id")),
    request_body = TakeLadderStep,
    responses((status = 201, body = PersonLadder), (status = 401), (status = 404),
        (status = 409), (status = 422)))]
pub async fn take_step(
    State(state): State<AppState>,
    OfficeUser(me): OfficeUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TakeLadderStep>,
) -> Result<(StatusCode, Json<PersonLadder>), ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let note = check_note(&req.note)?;
    let prepared = documents::prepare(&state).await?;
    let mut tx = state.db.begin_write().await?;
    let locked = sqlx::query("UPDATE ladder_people SET name = name WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    let all = units::list_all(&mut tx).await?;
    let today = today_cst();
    let before = store::view(&mut tx, &all, |_| true, paths::OFFICE_DOCUMENTS)
        .await?
        .people
        .into_iter()
        .find(|p| p.person.id == id)
        .ok_or(ApiError::NotFound)?;
    let standing = &before.standing;
    if !(standing.pending && standing.called_for == Some(req.step)) {
        return Err(LadderRefusal::NotCalledFor {
            called_for: standing.called_for.filter(|_| standing.pending),
        }
        .into());
    }
    let problems = store::document_problems(&mut tx, &before).await?;
    let unit_name = before.person.unit.name.clone();
    let person = before.person.clone();
    let step = req.step;
    let doc_note = note.clone();
    let document = documents::issue_in(
        &mut tx,
        &state,
        prepared,
        chafang_domain::api::DocumentKind::Accountability,
        Some(person.unit.id),
        me.user.id,
        |issuer, number, today| {
            documents::content::accountability(
                issuer, number, today, &unit_name, &person, step, &problems, &doc_note,
            )
        },
    )
    .await?;
    let step_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO ladder_steps (id, person_id, step, count_at, taken_on, note, document_id, \
         recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(step_id.to_string())
    .bind(id.to_string())
    .bind(step.as_str())
    .bind(i64::from(standing.count))
    .bind(cases::day_text(today))
    .bind(&note)
    .bind(document.id.to_string())
    .bind(now_ms())
    .bind(me.user.id.to_string())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(me.user.id),
        id,
        LadderStepTaken {
            step_id: step_id.to_string(),
            step,
            count: standing.count,
            taken_on: cases::day_text(today),
            note,
            document: Some(document.id.to_string()),
        },
    )
    .await?;
    let after = store::view(&mut tx, &all, |_| true, paths::OFFICE_DOCUMENTS)
        .await?
        .people
        .into_iter()
        .find(|p| p.person.id == id)
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    documents::after_issue(&state).await;
    Ok((StatusCode::CREATED, Json(after)))
}
