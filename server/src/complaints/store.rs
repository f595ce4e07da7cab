//! Complaint rows: taking one in (the complaint, the case it opens, their events), reading
//! them back, and the steps the complainant is shown.

use crate::audit;
use crate::db::WriteTx;
use crate::error::{internal, ApiError};
use crate::findings::store::{self as cases, day_text, parse_day};
use crate::findings::tally::{self, Place};
use chafang_domain::api::{ProgressEntry, ProgressStep};
use chafang_domain::complaint::contact_sha256;
use chafang_domain::event::{
    CaseComplaintOpened, CaseComplaintPhoto, ComplaintReceived, EventKind,
};
use chafang_domain::followup::CaseState;
use chafang_domain::quota::day_cst;
use chafang_domain::{CaseId, UnitId};
use sqlx::{AnyConnection, Row};
use time::Date;

// The criterion a complaint's case is filed under until the office chooses one.
use chafang_domain::complaint::INTAKE_CRITERION as CRITERION;

/// Give the case a complaint opened one of its photos, as a visit's finding has its own: the
/// photo goes to the unit once the case is released unless the office holds it back. A photo
/// that arrives after the office took the case out of its inbox (released, rejected, merged)
/// is kept for the office and held back: nothing reaches a unit unreviewed, and a released
/// finding does not change under the unit. The case's
/// event is written after the row, as the chain's content check needs.
pub async fn photo_to_case(
    tx: &mut WriteTx,
    complaint: &str,
    sha256: &str,
) -> Result<(), ApiError> {
    let case: CaseId = sqlx::query("SELECT case_id FROM complaint_cases WHERE complaint_id = $1")
        .bind(complaint)
        .fetch_one(&mut **tx)
        .await?
        .try_get::<String, _>("case_id")?
        .parse()
        .map_err(internal)?;
    let reviewing = cases::load(tx, case)
        .await?
        .is_some_and(|c| c.state == CaseState::Submitted);
    let position: i64 = sqlx::query(
        "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) AS next FROM case_photos WHERE case_id = $1",
    )
    .bind(case.to_string())
    .fetch_one(&mut **tx)
    .await?
    .try_get("next")?;
    let added = sqlx::query(
        "INSERT INTO case_photos (case_id, sha256, position, chosen) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (case_id, sha256) DO NOTHING",
    )
    .bind(case.to_string())
    .bind(sha256)
    .bind(position)
    .bind(i64::from(reviewing))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if added {
        let payload = CaseComplaintPhoto {
            complaint_id: complaint.to_owned(),
            sha256: sha256.to_owned(),
            position: u32::try_from(position).map_err(internal)?,
        };
        audit::record(tx, None, case, payload).await?;
    }
    Ok(())
}

/// A complaint as taken in.
pub struct Taken {
    pub id: String,
    pub receipt: String,
    pub upload: String,
    pub upload_until: i64,
    pub unit: UnitId,
    pub text: String,
    pub happened_on: Date,
    pub contact: Option<String>,
    pub window: Option<String>,
    pub received_at: i64,
}

/// Stores a complaint, opens its case in the office's inbox and records both on the chain.
pub async fn insert(tx: &mut WriteTx, c: &Taken) -> Result<CaseId, ApiError> {
    sqlx::query(
        "INSERT INTO complaints (id, receipt, unit_id, text, happened_on, contact, window_seen, \
         received_at, upload_token, upload_until, spam) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
    )
    .bind(&c.id)
    .bind(&c.receipt)
    .bind(c.unit.to_string())
    .bind(&c.text)
    .bind(day_text(c.happened_on))
    .bind(&c.contact)
    .bind(&c.window)
    .bind(c.received_at)
    .bind(&c.upload)
    .bind(c.upload_until)
    .execute(&mut *tx)
    .await?;
    let case = CaseId::random();
    let seen_on = day_text(c.happened_on);
    sqlx::query(
        "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, seen_on, received_at, updated_at) \
         VALUES ($1, $2, $3, 'minor', $4, 'submitted', 0, $5, $6, $6)",
    )
    .bind(case.to_string())
    .bind(c.unit.to_string())
    .bind(CRITERION)
    .bind(&c.text)
    .bind(&seen_on)
    .bind(c.received_at)
    .execute(&mut *tx)
    .await?;
    let place = Place {
        state: CaseState::Submitted,
        unit: c.unit,
        criterion: CRITERION.to_owned(),
        month: seen_on[..7].to_owned(),
        due: None,
    };
    tally::moved(tx, None, &place).await?;
    sqlx::query("INSERT INTO complaint_cases (complaint_id, case_id) VALUES ($1, $2)")
        .bind(&c.id)
        .bind(case.to_string())
        .execute(&mut *tx)
        .await?;
    let payload = ComplaintReceived {
        case_id: case,
        unit_id: c.unit,
        text: c.text.clone(),
        happened_on: seen_on,
        window: c.window.clone(),
        contact_sha256: c.contact.as_deref().map(contact_sha256),
    };
    audit::record(tx, None, &c.id, payload).await?;
    let opened = CaseComplaintOpened {
        complaint_id: c.id.clone(),
        unit_id: c.unit,
    };
    audit::record(tx, None, case, opened).await?;
    Ok(case)
}

/// A complaint's id, case and unit by its receipt code.
pub async fn by_receipt(
    conn: &mut AnyConnection,
    receipt: &str,
) -> Result<Option<(String, CaseId, UnitId, i64, bool)>, ApiError> {
    let row = sqlx::query(
        "SELECT c.id, cc.case_id, c.unit_id, c.received_at, c.spam FROM complaints c \
         JOIN complaint_cases cc ON cc.complaint_id = c.id WHERE c.receipt = $1",
    )
    .bind(receipt)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get::<String, _>("case_id")?
                .parse()
                .map_err(internal)?,
            r.try_get::<String, _>("unit_id")?
                .parse()
                .map_err(internal)?,
            r.try_get("received_at")?,
            r.try_get::<i64, _>("spam")? == 1,
        ))
    })
    .transpose()
}

/// The steps a complaint went through, as its complainant is shown them: each the first day
/// it was taken (days only), from the case's own events; a case merged into another follows
/// that one. No note, reason or answer text is read.
pub async fn progress(
    conn: &mut AnyConnection,
    received_at: i64,
    case: CaseId,
    spam: bool,
) -> Result<Vec<ProgressEntry>, ApiError> {
    let mut steps = vec![ProgressEntry {
        step: ProgressStep::Received,
        on: day_cst(received_at),
    }];
    let mut subject = case;
    // A merge chain is short; bounded all the same.
    for _ in 0..8 {
        let Some(record) = cases::load(conn, subject).await? else {
            break;
        };
        match record.merged_into {
            Some(next) => subject = next,
            None => break,
        }
    }
    let mut events: Vec<(i64, String)> = Vec::new();
    for id in [case, subject] {
        let rows = sqlx::query("SELECT at, kind FROM audit_events WHERE subject = $1 ORDER BY seq")
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            events.push((r.try_get("at")?, r.try_get("kind")?));
        }
        if subject == case {
            break;
        }
    }
    events.sort_by_key(|e| e.0);
    let mut push = |step: ProgressStep, at: i64| {
        if !steps.iter().any(|s| s.step == step) {
            steps.push(ProgressEntry {
                step,
                on: day_cst(at),
            });
        }
    };
    for (at, kind) in &events {
        let Some(kind) = EventKind::parse(kind) else {
            continue;
        };
        match kind {
            EventKind::CaseEdited | EventKind::CaseRerouted | EventKind::CaseMerged => {
                push(ProgressStep::UnderReview, *at)
            }
            EventKind::CaseReleased => push(ProgressStep::SentToUnit, *at),
            EventKind::CaseAcknowledged => push(ProgressStep::Acknowledged, *at),
            EventKind::CaseAnswered | EventKind::CaseCompletionReported => {
                push(ProgressStep::Answered, *at)
            }
            EventKind::CaseAccepted => {}
            EventKind::CaseRejected => push(ProgressStep::NotTakenUp, *at),
            _ => {}
        }
    }
    let last = cases::load(conn, subject).await?;
    if let Some(c) = &last {
        if c.state == CaseState::Closed {
            let on = match sqlx::query("SELECT closed_on FROM cases WHERE id = $1")
                .bind(subject.to_string())
                .fetch_one(&mut *conn)
                .await?
                .try_get::<Option<String>, _>("closed_on")?
            {
                Some(d) => parse_day(&d)?,
                None => steps.last().map_or(day_cst(received_at), |s| s.on),
            };
            steps.push(ProgressEntry {
                step: ProgressStep::Closed,
                on,
            });
        }
        // Reopened after a rejection: the "not taken up" no longer stands.
        if c.state != CaseState::Rejected && !spam {
            steps.retain(|s| s.step != ProgressStep::NotTakenUp);
        }
    }
    // The office's inbox takes a complaint in at once: under review from the day it came.
    if !steps.iter().any(|s| s.step == ProgressStep::UnderReview) {
        let on = steps[0].on;
        steps.insert(
            1,
            ProgressEntry {
                step: ProgressStep::UnderReview,
                on,
            },
        );
    }
    Ok(steps)
}
