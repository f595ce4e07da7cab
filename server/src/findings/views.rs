//! Building each role's view of a case from the stored rows. The unit's view is built only
//! from the fields `UnitCase` has, so nothing about the reporter can slip into it.

use super::store::{internal, parse_day, CaseRecord};
use crate::clock::today_cst;
use crate::error::ApiError;
use crate::units;
use chafang_domain::api::{
    paths, AnswerView, CaseComplaint, CasePhoto, CitedCommitment, DueView, HistoryEntry,
    OfficeCase, OfficeCaseRow, PhotoLink, ReportedFinding, TimelineEntry, UnitCase, UnitRef,
    Verdict,
};
use chafang_domain::event::EventKind;
use chafang_domain::followup::{self, seen_period, Actor, AnswerKind, Milestone};
use chafang_domain::quota::day_cst;
use chafang_domain::visit::VisitMode;
use chafang_domain::{AnswerId, CaseId, UnitId};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Unit names by id, for the views.
pub struct UnitNames(HashMap<UnitId, String>);

impl UnitNames {
    pub async fn load(conn: &mut AnyConnection) -> Result<UnitNames, ApiError> {
        Ok(UnitNames::of(&units::list_all(conn).await?))
    }

    /// The names of a directory already read (a `UnitScope`'s).
    pub fn of(directory: &[chafang_domain::api::UnitView]) -> UnitNames {
        UnitNames(directory.iter().map(|u| (u.id, u.name.clone())).collect())
    }

    pub fn unit_ref(&self, id: UnitId) -> UnitRef {
        UnitRef {
            id,
            name: self.0.get(&id).cloned().unwrap_or_default(),
        }
    }
}

pub fn due(case: &CaseRecord) -> Option<DueView> {
    let today = today_cst();
    case.deadlines
        .current(case.state)
        .map(|(kind, due)| DueView {
            kind,
            due,
            overdue: today > due,
        })
}

/// Whether the unit acknowledged after the deadline.
pub fn late(case: &CaseRecord) -> bool {
    matches!((case.acknowledged_on, case.deadlines.ack_due), (Some(on), Some(due)) if on > due)
}

/// Display names of each case's reporters, for the office's lists.
pub async fn reporter_names(
    conn: &mut AnyConnection,
) -> Result<HashMap<CaseId, Vec<String>>, ApiError> {
    let rows = sqlx::query(
        "SELECT DISTINCT cf.case_id, u.display_name FROM case_findings cf JOIN findings f ON f.id = cf.finding_id \
         JOIN visits v ON v.id = f.visit_id JOIN users u ON u.id = v.monitor_id ORDER BY cf.case_id, u.display_name",
    )
    .fetch_all(&mut *conn)
    .await?;
    names_by_case(&rows)
}

/// Display names of the reporters of the given cases only: a short list (the dashboard's) need
/// not read every case's reporters.
pub async fn reporter_names_of(
    conn: &mut AnyConnection,
    cases: &[CaseId],
) -> Result<HashMap<CaseId, Vec<String>>, ApiError> {
    if cases.is_empty() {
        return Ok(HashMap::new());
    }
    let marks: Vec<String> = (1..=cases.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT DISTINCT cf.case_id, u.display_name FROM case_findings cf JOIN findings f ON f.id = cf.finding_id \
         JOIN visits v ON v.id = f.visit_id JOIN users u ON u.id = v.monitor_id \
         WHERE cf.case_id IN ({}) ORDER BY cf.case_id, u.display_name",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for id in cases {
        q = q.bind(id.to_string());
    }
    names_by_case(&q.fetch_all(&mut *conn).await?)
}

fn names_by_case(rows: &[sqlx::any::AnyRow]) -> Result<HashMap<CaseId, Vec<String>>, ApiError> {
    let mut out: HashMap<CaseId, Vec<String>> = HashMap::new();
    for r in rows {
        let case: CaseId = r
            .try_get::<String, _>("case_id")?
            .parse()
            .map_err(internal)?;
        out.entry(case)
            .or_default()
            .push(r.try_get("display_name")?);
    }
    Ok(out)
}

pub fn office_row(case: &CaseRecord, names: &UnitNames, reporters: Vec<String>) -> OfficeCaseRow {
    OfficeCaseRow {
        id: case.id,
        state: case.state,
        unit: names.unit_ref(case.unit_id),
        criterion: case.criterion.clone(),
        severity: case.severity,
        text: case.unit_text.clone(),
        covert: case.covert,
        reporters,
        seen_on: case.seen_on,
        received_at_ms: case.received_at,
        released_on: case.released_on,
        number: case.number,
        due: due(case),
        acknowledged_late: late(case),
        rating: case.rating,
        lookback_requested: case.lookback_requested,
    }
}

/// Who asks for photo links: each role has its own routes.
#[derive(Clone, Copy)]
pub enum Viewer {
    Office,
    Unit,
    /// The reporting monitor sees the answers with their evidence photos.
    Reporter,
}

/// The answers and completion reports of a case, oldest first.
pub async fn answers(
    conn: &mut AnyConnection,
    case: CaseId,
    viewer: Viewer,
) -> Result<Vec<AnswerView>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, kind, text, committed_by, milestones, submitted_on, verdict, verdict_reason \
         FROM answers WHERE case_id = $1 ORDER BY submitted_at, id",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: AnswerId = r.try_get::<String, _>("id")?.parse().map_err(internal)?;
        let kind = r
            .try_get::<Option<String>, _>("kind")?
            .map(|k| AnswerKind::parse(&k).ok_or_else(|| internal(format!("answer kind {k}"))))
            .transpose()?;
        let milestones: Vec<Milestone> =
            serde_json::from_str(&r.try_get::<String, _>("milestones")?).map_err(internal)?;
        let verdict = match r.try_get::<Option<String>, _>("verdict")?.as_deref() {
            Some("accepted") => Some(Verdict::Accepted),
            Some("returned") => Some(Verdict::Returned),
            Some(other) => return Err(internal(format!("verdict {other}"))),
            None => None,
        };
        let shas: Vec<String> = sqlx::query(
            "SELECT ap.sha256 FROM answer_photos ap JOIN answers a ON a.id = ap.answer_id \
             JOIN photo_uploads pu ON pu.sha256 = ap.sha256 AND pu.uploaded_by = a.submitted_by \
             WHERE ap.answer_id = $1 ORDER BY ap.position",
        )
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("sha256"))
        .collect::<Result<_, _>>()?;
        let photos = match viewer {
            Viewer::Office => shas.iter().map(|s| office_link(s)).collect(),
            Viewer::Unit => (0..shas.len())
                .map(|n| PhotoLink {
                    thumb: paths::unit_answer_photo(id, n, "thumb"),
                    display: paths::unit_answer_photo(id, n, "display"),
                })
                .collect(),
            Viewer::Reporter => (0..shas.len())
                .map(|n| PhotoLink {
                    thumb: paths::monitor_answer_photo(id, n, "thumb"),
                    display: paths::monitor_answer_photo(id, n, "display"),
                })
                .collect(),
        };
        out.push(AnswerView {
            id,
            kind,
            text: r.try_get("text")?,
            committed_by: r
                .try_get::<Option<String>, _>("committed_by")?
                .as_deref()
                .map(parse_day)
                .transpose()?,
            milestones,
            photos,
            submitted_on: parse_day(&r.try_get::<String, _>("submitted_on")?)?,
            verdict,
            verdict_reason: r.try_get("verdict_reason")?,
        });
    }
    Ok(out)
}

/// The answer the office is judging now: the latest without a verdict.
pub async fn pending_answer(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Option<(AnswerId, Option<AnswerKind>, Option<String>)>, ApiError> {
    let row = sqlx::query(
        "SELECT id, kind, committed_by FROM answers WHERE case_id = $1 AND verdict IS NULL \
         ORDER BY submitted_at DESC, id DESC LIMIT 1",
    )
    .bind(case.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get::<String, _>("id")?.parse().map_err(internal)?,
            r.try_get::<Option<String>, _>("kind")?
                .and_then(|k| AnswerKind::parse(&k)),
            r.try_get("committed_by")?,
        ))
    })
    .transpose()
}

/// The kind of the answer the state machine needs for a verdict.
pub async fn judged_kind(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Option<AnswerKind>, ApiError> {
    Ok(pending_answer(conn, case).await?.and_then(|a| a.1))
}

fn office_link(sha: &str) -> PhotoLink {
    PhotoLink {
        thumb: paths::office_photo(sha, "thumb"),
        display: paths::office_photo(sha, "display"),
    }
}

/// The photos of a case that have arrived and go out to the unit, in order.
pub async fn chosen_photos(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Vec<String>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT cp.sha256 FROM case_photos cp \
         WHERE cp.case_id = $1 AND cp.chosen = 1 AND {} ORDER BY cp.position, cp.sha256",
        crate::photos::arrived_sql("cp.sha256")
    ))
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("sha256"))
        .collect::<Result<_, _>>()?)
}

/// A case's history from the audit chain, with actors by display name.
pub async fn history(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Vec<(i64, Option<String>, String, serde_json::Value)>, ApiError> {
    let rows = sqlx::query(
        "SELECT e.at, u.display_name, e.kind, e.payload FROM audit_events e \
         LEFT JOIN users u ON u.id = e.actor WHERE e.subject = $1 ORDER BY e.seq",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let payload: String = r.try_get("payload")?;
            Ok((
                r.try_get("at")?,
                r.try_get("display_name")?,
                r.try_get("kind")?,
                serde_json::from_str(&payload).map_err(internal)?,
            ))
        })
        .collect()
}

/// A commitment a finding cites, as it reads now (its latest revision). Public information,
/// the same for every role.
async fn cited_commitment(
    conn: &mut AnyConnection,
    id: &str,
    names: &UnitNames,
) -> Result<CitedCommitment, ApiError> {
    let r = sqlx::query(
        "SELECT c.id, c.unit_id, c.withdrawn_at, r.name, r.legal_days, r.promised_days \
         FROM commitments c JOIN commitment_revisions r ON r.commitment_id = c.id \
         WHERE c.id = $1 ORDER BY r.seq DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| internal(format!("a cited commitment {id} without a revision")))?;
    let days = |column: &str| crate::db::u32_column(&r, column);
    let unit: UnitId = r
        .try_get::<String, _>("unit_id")?
        .parse()
        .map_err(internal)?;
    Ok(CitedCommitment {
        id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
        unit: names.unit_ref(unit),
        name: r.try_get("name")?,
        legal_days: days("legal_days")?,
        promised_days: days("promised_days")?,
        withdrawn: r.try_get::<Option<i64>, _>("withdrawn_at")?.is_some(),
    })
}

/// The commitments the findings of a case cite, each once, in the order they were cited.
async fn case_commitments(
    conn: &mut AnyConnection,
    case: CaseId,
    names: &UnitNames,
) -> Result<Vec<CitedCommitment>, ApiError> {
    let rows = sqlx::query(
        "SELECT fc.commitment_id FROM case_findings cf \
         JOIN finding_commitments fc ON fc.finding_id = cf.finding_id \
         JOIN findings f ON f.id = cf.finding_id JOIN visits v ON v.id = f.visit_id \
         WHERE cf.case_id = $1 ORDER BY v.received_at, f.position",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut ids: Vec<String> = Vec::new();
    for r in &rows {
        let id: String = r.try_get("commitment_id")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(cited_commitment(conn, &id, names).await?);
    }
    Ok(out)
}

/// The words a step carried: a reason, a note, or the unit's wording.
fn note_of(payload: &serde_json::Value) -> Option<String> {
    ["reason", "note"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub async fn office_case(
    conn: &mut AnyConnection,
    case: &CaseRecord,
) -> Result<OfficeCase, ApiError> {
    let names = UnitNames::load(conn).await?;
    let rows = sqlx::query(
        "SELECT f.id, f.visit_id, f.criterion, f.severity, f.description, f.suggestion, u.display_name, \
         v.unit_id, v.mode, v.started_at_device, v.received_at, v.distance_m, fc.commitment_id, \
         fr.seen AS responsible \
         FROM case_findings cf JOIN findings f ON f.id = cf.finding_id JOIN visits v ON v.id = f.visit_id \
         JOIN users u ON u.id = v.monitor_id LEFT JOIN finding_commitments fc ON fc.finding_id = f.id \
         LEFT JOIN finding_responsible fr ON fr.finding_id = f.id \
         WHERE cf.case_id = $1 ORDER BY v.received_at, f.position",
    )
    .bind(case.id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut reports = Vec::with_capacity(rows.len());
    for r in &rows {
        let unit: UnitId = r
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?;
        let mode: String = r.try_get("mode")?;
        let severity: String = r.try_get("severity")?;
        let commitment = match r.try_get::<Option<String>, _>("commitment_id")? {
            Some(id) => Some(cited_commitment(conn, &id, &names).await?),
            None => None,
        };
        reports.push(ReportedFinding {
            finding_id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
            visit_id: r
                .try_get::<String, _>("visit_id")?
                .parse()
                .map_err(internal)?,
            monitor: r.try_get("display_name")?,
            unit: names.unit_ref(unit),
            mode: if mode == "covert" {
                VisitMode::Covert
            } else {
                VisitMode::Open
            },
            started_at_device_ms: r.try_get("started_at_device")?,
            received_at_ms: r.try_get("received_at")?,
            criterion: r.try_get("criterion")?,
            severity: serde_json::from_value(serde_json::Value::String(severity))
                .map_err(internal)?,
            description: r.try_get("description")?,
            suggestion: r.try_get("suggestion")?,
            distance_m: r.try_get("distance_m")?,
            commitment,
            responsible: r.try_get("responsible")?,
        });
    }
    let mut reporters: Vec<String> = reports.iter().map(|r| r.monitor.clone()).collect();
    reporters.sort();
    reporters.dedup();
    let photo_rows = sqlx::query(&format!(
        "SELECT cp.sha256, cp.chosen, CASE WHEN {} THEN 1 ELSE 0 END AS arrived \
         FROM case_photos cp WHERE cp.case_id = $1 ORDER BY cp.position, cp.sha256",
        crate::photos::arrived_sql("cp.sha256")
    ))
    .bind(case.id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let photos = photo_rows
        .iter()
        .map(|r| {
            let sha256: String = r.try_get("sha256")?;
            Ok(CasePhoto {
                link: office_link(&sha256),
                sha256,
                chosen: r.try_get::<i64, _>("chosen")? == 1,
                arrived: r.try_get::<i64, _>("arrived")? == 1,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let history = history(conn, case.id)
        .await?
        .into_iter()
        .map(|(at_ms, by, kind, payload)| HistoryEntry {
            at_ms,
            by,
            note: note_of(&payload),
            kind,
        })
        .collect();
    let judged = judged_kind(conn, case.id).await?;
    Ok(OfficeCase {
        row: office_row(case, &names, reporters),
        reports,
        photos,
        answers: answers(conn, case.id, Viewer::Office).await?,
        history,
        merged_into: case.merged_into,
        reject_reason: case.reject_reason.clone(),
        offered: followup::offered(case.state, Actor::Office, judged),
        complaint: complaint_of(conn, case.id).await?,
    })
}

/// The complaint a case stands for, if it came from one (the office's view only).
async fn complaint_of(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Option<CaseComplaint>, ApiError> {
    let row = sqlx::query(
        "SELECT c.receipt, c.text, c.happened_on, c.window_seen, c.contact, c.received_at, c.spam \
         FROM complaint_cases cc JOIN complaints c ON c.id = cc.complaint_id WHERE cc.case_id = $1",
    )
    .bind(case.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(CaseComplaint {
        receipt: chafang_domain::complaint::display_code(&r.try_get::<String, _>("receipt")?),
        text: r.try_get("text")?,
        happened_on: parse_day(&r.try_get::<String, _>("happened_on")?)?,
        window: r.try_get("window_seen")?,
        contact: r.try_get("contact")?,
        received_at_ms: r.try_get("received_at")?,
        spam: r.try_get::<i64, _>("spam")? == 1,
    }))
}

pub async fn unit_case(
    conn: &mut AnyConnection,
    case: &CaseRecord,
    names: &UnitNames,
) -> Result<UnitCase, ApiError> {
    let released_on = case
        .released_on
        .ok_or_else(|| internal("a released case without a release day"))?;
    let number = case
        .number
        .ok_or_else(|| internal("a released case without a number"))?;
    let photos = (0..chosen_photos(conn, case.id).await?.len())
        .map(|n| PhotoLink {
            thumb: paths::unit_case_photo(case.id, n, "thumb"),
            display: paths::unit_case_photo(case.id, n, "display"),
        })
        .collect();
    Ok(UnitCase {
        id: case.id,
        unit: names.unit_ref(case.unit_id),
        state: case.state,
        criterion: case.criterion.clone(),
        severity: case.severity,
        text: case.unit_text.clone(),
        seen_in: seen_period(case.seen_on),
        seen_on: seen_period(case.seen_on).first_day(),
        released_on,
        number,
        acknowledged_on: case.acknowledged_on,
        due: due(case),
        acknowledged_late: late(case),
        photos,
        answers: answers(conn, case.id, Viewer::Unit).await?,
        offered: followup::offered(case.state, Actor::Unit, None),
        commitments: case_commitments(conn, case.id, names).await?,
        transcripts: crate::recordings::transcripts_of(conn, case.id).await?,
    })
}

/// The reporter's timeline: each step's day, kind and words. Office-internal steps (the
/// wording edits) are left out.
pub async fn timeline(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<Vec<TimelineEntry>, ApiError> {
    Ok(history(conn, case)
        .await?
        .into_iter()
        .filter(|(_, _, kind, _)| EventKind::parse(kind) != Some(EventKind::CaseEdited))
        .map(|(at, _, kind, payload)| TimelineEntry {
            on: day_cst(at),
            note: note_of(&payload),
            kind,
        })
        .collect())
}
