//! Where cases come from: every finding of a newly stored visit opens one in the office inbox.
//! A correction supersedes the cases of the visit it replaces while they are still unreleased
//! (released ones stay with the unit; the office sees the correction in their history), and a
//! look-back visit is linked to the case it follows up. A finding that cites a public
//! commitment (践诺守信) has the citation checked and stored with it.

use super::store::{self, day_text, severity_str, take_step, CaseRecord, Taken, COLUMNS};
use super::tally::{self, Place};
use crate::audit;
use crate::db::WriteTx;
use crate::error::{internal, ApiError};
use crate::units;
use chafang_domain::event::{
    CaseLookbackVisited, CaseOpened, CaseSuperseded, CaseVisitCorrected, StepPayload,
};
use chafang_domain::followup::{Actor, CaseState};
use chafang_domain::quota::day_cst;
use chafang_domain::refusal::visit::CitationProblem;
use chafang_domain::refusal::VisitRefusal;
use chafang_domain::visit::{CitationError, CommitmentOnRecord, VisitMode, VisitUpload};
use chafang_domain::{CaseId, UnitId, UserId, VisitId};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use uuid::Uuid;

/// Checks the commitments a visit's findings cite (`VisitUpload::check_citations`: each
/// exists, is the visited unit's or a unit's above it, and was not withdrawn before the visit
/// began); otherwise `VisitRefusal::Citation` naming the finding, which the monitor puts right
/// by editing the finding.
pub async fn check_citations(conn: &mut AnyConnection, v: &VisitUpload) -> Result<(), ApiError> {
    let cited: Vec<Uuid> = v.findings.iter().filter_map(|f| f.commitment_id).collect();
    if cited.is_empty() {
        return Ok(());
    }
    let mut records = HashMap::new();
    for id in cited {
        let row = sqlx::query("SELECT unit_id, withdrawn_at FROM commitments WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(r) = row {
            let unit: UnitId = r
                .try_get::<String, _>("unit_id")?
                .parse()
                .map_err(internal)?;
            let withdrawn_at_ms: Option<i64> = r.try_get("withdrawn_at")?;
            records.insert(
                id,
                CommitmentOnRecord {
                    unit,
                    withdrawn_at_ms,
                },
            );
        }
    }
    let parents: HashMap<UnitId, Option<UnitId>> = units::list_all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.parent_id))
        .collect();
    v.check_citations(
        |id| records.get(&id).copied(),
        |u| parents.get(&u).copied().flatten(),
    )
    .map_err(|e| {
        let (finding, problem) = match e {
            CitationError::Unknown(f) => (f, CitationProblem::Unknown),
            CitationError::OtherUnit(f) => (f, CitationProblem::OtherUnit),
            CitationError::WithdrawnBefore(f) => (f, CitationProblem::WithdrawnBefore),
        };
        VisitRefusal::Citation { finding, problem }.into()
    })
}

/// Opens a case per finding of a visit just inserted.
pub async fn open_cases(
    conn: &mut WriteTx,
    monitor: UserId,
    v: &VisitUpload,
    received_at: i64,
) -> Result<(), ApiError> {
    // In the storing transaction: a refused citation rolls the whole visit back.
    check_citations(conn, v).await?;
    let seen_on = day_text(day_cst(v.started_at_device_ms));
    for f in &v.findings {
        if let Some(commitment) = f.commitment_id {
            sqlx::query(
                "INSERT INTO finding_commitments (finding_id, commitment_id) VALUES ($1, $2)",
            )
            .bind(f.id.to_string())
            .bind(commitment.to_string())
            .execute(&mut *conn)
            .await?;
        }
        let id = CaseId::random();
        sqlx::query(
            "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, seen_on, received_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $8)",
        )
        .bind(id.to_string())
        .bind(v.unit_id.to_string())
        .bind(&f.criterion)
        .bind(severity_str(f.severity))
        .bind(f.description.trim())
        .bind(i64::from(v.mode == VisitMode::Covert))
        .bind(&seen_on)
        .bind(received_at)
        .execute(&mut *conn)
        .await?;
        let place = Place {
            state: CaseState::Submitted,
            unit: v.unit_id,
            criterion: f.criterion.clone(),
            month: seen_on[..7].to_owned(),
            due: None,
        };
        tally::moved(conn, None, &place).await?;
        sqlx::query("INSERT INTO case_findings (finding_id, case_id) VALUES ($1, $2)")
            .bind(f.id.to_string())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
        for (i, p) in f.photos.iter().enumerate() {
            sqlx::query(
                "INSERT INTO case_photos (case_id, sha256, position, chosen) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id.to_string())
            .bind(&p.sha256)
            .bind(i as i64)
            .execute(&mut *conn)
            .await?;
        }
        let payload = CaseOpened {
            finding_id: f.id,
            visit_id: v.id,
            unit_id: v.unit_id,
        };
        audit::record(conn, Some(monitor), id, payload).await?;
    }
    if let Some(old) = v.supersedes {
        supersede(conn, old, v.id).await?;
    }
    if let Some(case) = v.lookback_for {
        sqlx::query("INSERT INTO lookbacks (visit_id, case_id) VALUES ($1, $2)")
            .bind(v.id.to_string())
            .bind(case.to_string())
            .execute(&mut *conn)
            .await?;
        // The request is done: neither the monitor nor the office is shown it as asked any
        // more (the visit is on the case's history). Written before the event, whose content
        // hash holds it.
        sqlx::query("UPDATE cases SET lookback_requested = 0 WHERE id = $1")
            .bind(case.to_string())
            .execute(&mut *conn)
            .await?;
        let payload = CaseLookbackVisited { visit_id: v.id };
        audit::record(conn, Some(monitor), case, payload).await?;
    }
    Ok(())
}

/// The cases of a visit's findings.
async fn cases_of_visit(
    conn: &mut AnyConnection,
    visit: VisitId,
) -> Result<Vec<CaseRecord>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases WHERE id IN (SELECT cf.case_id FROM case_findings cf \
         JOIN findings f ON f.id = cf.finding_id WHERE f.visit_id = $1)"
    );
    let rows = sqlx::query(&sql)
        .bind(visit.to_string())
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(store::from_row).collect()
}

async fn supersede(conn: &mut WriteTx, old: VisitId, new: VisitId) -> Result<(), ApiError> {
    for case in cases_of_visit(conn, old).await? {
        if case.state == CaseState::Submitted {
            take_step(
                conn,
                &case,
                Taken {
                    actor: Actor::System,
                    answer: None,
                    by: None,
                },
                vec![],
                StepPayload::Supersede(CaseSuperseded { corrected_by: new }),
            )
            .await?;
        } else {
            let payload = CaseVisitCorrected { corrected_by: new };
            audit::record(conn, None, case.id, payload).await?;
        }
    }
    Ok(())
}

/// Whether a monitor reported a finding of a case (a look-back must follow up one's own).
pub async fn reported_by(
    conn: &mut AnyConnection,
    case: CaseId,
    monitor: UserId,
) -> Result<bool, ApiError> {
    Ok(store::reporters(conn, case).await?.contains(&monitor))
}
