//! The content on the chain. An event about a record that holds content (a case with its
//! findings, wording, deadlines, chosen photos, answers and cited commitments; a public
//! commitment with its revisions; a register item with its revisions) carries the SHA-256 of
//! the record's canonical content as it stands once the change is made (`content_sha256` in
//! the payload, added by `audit::append`, so inside the event's hash). `check` recomputes it
//! from today's tables and names every record that differs from its last event: an edit made
//! behind the server's back. A change must therefore be written before its event is appended.
//!
//! The canonical content is the rows of a fixed list of queries, every column cast to text,
//! as a JSON array; a record whose latest event carries no content hash (written before this
//! existed) is not judged. A case's number with its unit is checked against its release
//! event, which records it (`renumbered`): a number is never changed.

use crate::error::ApiError;
use chafang_domain::event::EventKind;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// The kinds of record whose content is on the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Record {
    /// A case with everything of it a unit or the office reads.
    Case,
    Commitment,
    RegisterItem,
    /// A revision of the repeat-offence ladder's rule.
    LadderRule,
    /// A person on the ladder with the problems verified against them and the steps taken.
    LadderPerson,
    /// A complaint from the public (its contact too: an edit of it is found like any other).
    Complaint,
    /// A report meeting's ballot (`meetings`): a ballot with no event of its own was added
    /// behind the server's back.
    Ballot,
    /// A revision of a year's working calendar (`work_calendar`).
    Calendar,
}

impl Record {
    pub const ALL: [Record; 8] = [
        Record::Case,
        Record::Commitment,
        Record::RegisterItem,
        Record::LadderRule,
        Record::LadderPerson,
        Record::Complaint,
        Record::Ballot,
        Record::Calendar,
    ];

    /// The table whose ids the record's events name as their subject.
    fn table(self) -> &'static str {
        match self {
            Record::Case => "cases",
            Record::Commitment => "commitments",
            Record::RegisterItem => "register_items",
            Record::LadderRule => "ladder_rules",
            Record::LadderPerson => "ladder_people",
            Record::Complaint => "complaints",
            Record::Ballot => "meeting_ballots",
            Record::Calendar => "work_calendars",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Record::Case => "case",
            Record::Commitment => "commitment",
            Record::RegisterItem => "register item",
            Record::LadderRule => "ladder rule",
            Record::LadderPerson => "ladder person",
            Record::Complaint => "complaint",
            Record::Ballot => "ballot",
            Record::Calendar => "working calendar",
        }
    }

    /// The queries whose rows are the content, each taking the record's id as `$1`, every
    /// column cast to text and the rows in a fixed order.
    fn queries(self) -> &'static [&'static str] {
        match self {
            Record::Case => &[
                "SELECT unit_id, criterion, severity, unit_text, state, CAST(covert AS TEXT), \
                 seen_on, merged_into, reject_reason, released_on, ack_due, \
                 CAST(answer_days AS TEXT), acknowledged_on, answer_due, committed_by, rating, \
                 CAST(lookback_requested AS TEXT), closed_on FROM cases WHERE id = $1",
                "SELECT f.id, f.criterion, f.description, f.severity, f.suggestion \
                 FROM case_findings cf JOIN findings f ON f.id = cf.finding_id \
                 WHERE cf.case_id = $1 ORDER BY f.id",
                "SELECT sha256, CAST(position AS TEXT), CAST(chosen AS TEXT) FROM case_photos \
                 WHERE case_id = $1 ORDER BY sha256",
                "SELECT id, kind, text, committed_by, milestones, body, verdict, verdict_reason \
                 FROM answers WHERE case_id = $1 ORDER BY id",
                "SELECT ap.answer_id, CAST(ap.position AS TEXT), ap.sha256 FROM answer_photos ap \
                 JOIN answers a ON a.id = ap.answer_id WHERE a.case_id = $1 \
                 ORDER BY ap.answer_id, ap.position",
                "SELECT fc.finding_id, fc.commitment_id FROM finding_commitments fc \
                 JOIN case_findings cf ON cf.finding_id = fc.finding_id \
                 WHERE cf.case_id = $1 ORDER BY fc.finding_id",
            ],
            Record::Commitment => &[
                "SELECT unit_id, CAST(withdrawn_at AS TEXT), withdrawn_by, withdrawn_reason \
                 FROM commitments WHERE id = $1",
                "SELECT CAST(seq AS TEXT), name, CAST(legal_days AS TEXT), \
                 CAST(promised_days AS TEXT), fees, complaint_channels \
                 FROM commitment_revisions WHERE commitment_id = $1 ORDER BY seq",
            ],
            Record::RegisterItem => &[
                "SELECT unit_id, CAST(year AS TEXT), body FROM register_items WHERE id = $1",
                "SELECT id, CAST(seq AS TEXT), description, source, answer_kind, answer_text, \
                 committed_by, milestones, completion, reason, body FROM register_revisions \
                 WHERE item_id = $1 ORDER BY seq",
            ],
            Record::LadderRule => &["SELECT CAST(revision AS TEXT), rule, set_by \
                 FROM ladder_rules WHERE id = $1"],
            Record::LadderPerson => &[
                "SELECT unit_id, name, staff_no, post FROM ladder_people WHERE id = $1",
                "SELECT case_id, CAST(revision AS TEXT), verified_on, note, recorded_by \
                 FROM ladder_verifications WHERE person_id = $1 ORDER BY case_id, revision",
                "SELECT id, step, CAST(count_at AS TEXT), taken_on, note, document_id, \
                 recorded_by FROM ladder_steps WHERE person_id = $1 ORDER BY id",
            ],
            Record::Complaint => &[
                "SELECT receipt, unit_id, text, happened_on, contact, window_seen, \
                 CAST(received_at AS TEXT), upload_token, CAST(upload_until AS TEXT), \
                 CAST(spam AS TEXT), spam_reason FROM complaints WHERE id = $1",
                "SELECT case_id FROM complaint_cases WHERE complaint_id = $1",
                "SELECT CAST(position AS TEXT), sha256, CAST(bytes AS TEXT), format, \
                 CAST(width AS TEXT), CAST(height AS TEXT) FROM complaint_photos \
                 WHERE complaint_id = $1 ORDER BY position",
            ],
            Record::Ballot => &[
                "SELECT meeting_id, kind, CAST(level AS TEXT), criteria, comment \
                 FROM meeting_ballots WHERE id = $1",
            ],
            Record::Calendar => &["SELECT CAST(year AS TEXT), CAST(revision AS TEXT), days, \
                 text, set_by FROM work_calendars WHERE id = $1"],
        }
    }
}

impl Record {
    /// Queries whose rows join the content only when there are any, so that the content of a
    /// record recorded before they existed keeps its hash: a case's transcripts and the window
    /// or staff number its monitors noted (issue 18).
    fn optional_queries(self) -> &'static [&'static str] {
        match self {
            Record::Case => &[
                "SELECT id, recording_sha256, text FROM case_transcripts \
                 WHERE case_id = $1 ORDER BY id",
                "SELECT fr.finding_id, fr.seen FROM finding_responsible fr \
                 JOIN case_findings cf ON cf.finding_id = fr.finding_id \
                 WHERE cf.case_id = $1 ORDER BY fr.finding_id",
            ],
            Record::Commitment
            | Record::RegisterItem
            | Record::LadderRule
            | Record::LadderPerson
            | Record::Complaint
            | Record::Ballot
            | Record::Calendar => &[],
        }
    }
}

/// The SHA-256 (lowercase hex) of a record's canonical content as the tables hold it now.
pub async fn sha256(
    conn: &mut AnyConnection,
    record: Record,
    id: &str,
) -> Result<String, sqlx::Error> {
    let mut parts: Vec<Vec<Vec<Option<String>>>> = Vec::new();
    let optional = record.optional_queries();
    for q in record.queries().iter().chain(optional) {
        let rows = sqlx::query(q).bind(id).fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let cols = (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(cols);
        }
        if !(out.is_empty() && optional.contains(q)) {
            parts.push(out);
        }
    }
    let canonical = serde_json::to_vec(&parts).unwrap_or_default();
    Ok(hex::encode(Sha256::digest(&canonical)))
}

/// A record whose content differs from what its last event recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub record: Record,
    pub id: String,
    /// The event whose recorded content no longer matches.
    pub seq: i64,
}

/// Every record whose content differs from its latest event's `content_sha256`, in table
/// order. Records read one at a time, so memory stays small on a large district.
pub async fn check(conn: &mut AnyConnection) -> Result<Vec<Changed>, ApiError> {
    let mut changed = Vec::new();
    for record in Record::ALL {
        let ids: Vec<String> =
            sqlx::query(&format!("SELECT id FROM {} ORDER BY id", record.table()))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()?;
        for id in ids {
            let Some(last) = sqlx::query(
                "SELECT seq, payload FROM audit_events WHERE subject = $1 ORDER BY seq DESC LIMIT 1",
            )
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?
            else {
                // A ballot exists only with its event: one without was added behind our back.
                if record == Record::Ballot {
                    changed.push(Changed { record, id, seq: 0 });
                }
                continue;
            };
            let payload: String = last.try_get("payload")?;
            let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
            let Some(recorded) = payload.get("content_sha256").and_then(|v| v.as_str()) else {
                continue;
            };
            if sha256(conn, record, &id).await? != recorded {
                changed.push(Changed {
                    record,
                    id,
                    seq: last.try_get("seq")?,
                });
            }
        }
    }
    for c in renumbered(conn).await? {
        if !changed.iter().any(|d| d.record == c.record && d.id == c.id) {
            changed.push(c);
        }
    }
    Ok(changed)
}

/// The cases whose number differs from the one their release event gave (a release recorded
/// before numbering carries none and is not judged): a number is never changed.
async fn renumbered(conn: &mut AnyConnection) -> Result<Vec<Changed>, ApiError> {
    let rows = sqlx::query(
        "SELECT e.seq, e.subject, e.payload, c.number_year, c.number_seq FROM audit_events e \
         LEFT JOIN cases c ON c.id = e.subject WHERE e.kind = $1 ORDER BY e.seq",
    )
    .bind(EventKind::CaseReleased.name())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let payload: String = r.try_get("payload")?;
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
        let Some(given) = payload.get("number").filter(|n| !n.is_null()) else {
            continue;
        };
        let stored = (
            r.try_get::<Option<i64>, _>("number_year")?,
            r.try_get::<Option<i64>, _>("number_seq")?,
        );
        let recorded = (
            given.get("year").and_then(serde_json::Value::as_i64),
            given.get("seq").and_then(serde_json::Value::as_i64),
        );
        if stored != recorded || recorded.0.is_none() || recorded.1.is_none() {
            out.push(Changed {
                record: Record::Case,
                id: r
                    .try_get::<Option<String>, _>("subject")?
                    .unwrap_or_default(),
                seq: r.try_get("seq")?,
            });
        }
    }
    Ok(out)
}
