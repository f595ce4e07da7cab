//! The reporting monitor's side: what became of each of their findings, and their rating of
//! the result before the office closes it.

use super::store::{self, take_step, Col, Taken};
use super::views::{self, UnitNames, Viewer};
use crate::auth::extract::MonitorUser;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{MyFinding, RatingRequest};
use chafang_domain::event::{CaseRated, StepPayload};
use chafang_domain::followup::{self, Actor, Step};
use chafang_domain::{CaseId, FindingId, UserId, VisitId};
use sqlx::{AnyConnection, Row};

async fn my_findings(
    conn: &mut AnyConnection,
    me: UserId,
    only: Option<CaseId>,
) -> Result<Vec<MyFinding>, ApiError> {
    let rows = sqlx::query(
        "SELECT f.id, f.visit_id, f.description, cf.case_id FROM findings f \
         JOIN visits v ON v.id = f.visit_id JOIN case_findings cf ON cf.finding_id = f.id \
         WHERE v.monitor_id = $1 ORDER BY v.received_at DESC, f.position",
    )
    .bind(me.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let names = UnitNames::load(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let case_id: CaseId = r
            .try_get::<String, _>("case_id")?
            .parse()
            .map_err(store::internal)?;
        if only.is_some_and(|o| o != case_id) {
            continue;
        }
        let case = store::load(conn, case_id)
            .await?
            .ok_or_else(|| store::internal("a finding's case is missing"))?;
        let finding_id: FindingId = r
            .try_get::<String, _>("id")?
            .parse()
            .map_err(store::internal)?;
        let visit_id: VisitId = r
            .try_get::<String, _>("visit_id")?
            .parse()
            .map_err(store::internal)?;
        out.push(MyFinding {
            case_id,
            finding_id,
            visit_id,
            unit: names.unit_ref(case.unit_id),
            criterion: case.criterion.clone(),
            description: r.try_get("description")?,
            state: case.state,
            reject_reason: case.reject_reason.clone(),
            timeline: views::timeline(conn, case_id).await?,
            answers: views::answers(conn, case_id, Viewer::Reporter).await?,
            rating: case.rating,
            may_rate: followup::next(case.state, Step::Rate, Actor::Reporter, None).is_ok(),
            lookback_requested: case.lookback_requested,
        });
    }
    Ok(out)
}

/// The monitor's own findings and what became of each, newest first.
#[utoipa::path(get, operation_id = "monitorFindings", path = "/api/v1/monitor/findings", tag = "findings",
    responses((status = 200, body = Vec<MyFinding>), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
) -> Result<Json<Vec<MyFinding>>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(my_findings(&mut conn, me.user.id, None).await?))
}

/// Rate the result of one's own finding (满意 / 基本满意 / 不满意) before it is closed.
#[utoipa::path(post, path = "/api/v1/monitor/findings/{id}/rating", tag = "findings",
    params(("id" = String, Path, description = "case id")), request_body = RatingRequest,
    responses((status = 200, body = MyFinding), (status = 401), (status = 404), (status = 409)))]
pub async fn rate(
    State(state): State<AppState>,
    MonitorUser(me): MonitorUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RatingRequest>,
) -> Result<Json<MyFinding>, ApiError> {
    let id: CaseId = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let case = store::load(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    if !store::reporters(&mut tx, id).await?.contains(&me.user.id) {
        return Err(ApiError::NotFound);
    }
    let payload = StepPayload::Rate(CaseRated { rating: req.rating });
    let sets = vec![("rating", Col::text(req.rating.as_str()))];
    take_step(
        &mut tx,
        &case,
        Taken {
            actor: Actor::Reporter,
            answer: None,
            by: Some(me.user.id),
        },
        sets,
        payload,
    )
    .await?;
    let view = my_findings(&mut tx, me.user.id, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(view))
}
