//! The ladder's rows: the rule in force, the people, the verifications (the highest revision
//! of a finding's is current) and the steps taken, and the view built from them.

use crate::audit;
use crate::clock::{now_ms, today_cst};
use crate::db::WriteTx;
use crate::documents::content::LadderProblem;
use crate::error::{internal, ApiError};
use crate::findings::store::parse_day;
use chafang_domain::api::{
    paths, LadderPerson, LadderView, PersonLadder, StepTaken, UnitRef, UnitView, Verification,
    VerifiedProblem,
};
use chafang_domain::criteria::default_criteria;
use chafang_domain::event::LadderPersonAdded;
use chafang_domain::followup::FindingNumber;
use chafang_domain::ladder::{check_person, standing, LadderRule, LadderStep};
use chafang_domain::refusal::LadderRefusal;
use chafang_domain::unit::UnitKind;
use chafang_domain::{CaseId, UnitId, UserId};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

/// The highest revision of the rule, 0 when none was set.
pub async fn latest_rule_revision(conn: &mut AnyConnection) -> Result<i64, ApiError> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(revision), 0) AS r FROM ladder_rules")
            .fetch_one(&mut *conn)
            .await?
            .try_get("r")?,
    )
}

/// The rule in force: the latest revision, else the default.
pub async fn rule(conn: &mut AnyConnection) -> Result<LadderRule, ApiError> {
    let row = sqlx::query("SELECT rule FROM ladder_rules ORDER BY revision DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => serde_json::from_str(&r.try_get::<String, _>("rule")?).map_err(internal),
        None => Ok(LadderRule::default()),
    }
}

/// The kind of a unit's top-level unit.
pub fn top_kind(all: &[UnitView], unit: UnitId) -> Option<UnitKind> {
    let by_id: HashMap<UnitId, &UnitView> = all.iter().map(|u| (u.id, u)).collect();
    let mut at = by_id.get(&unit)?;
    for _ in 0..all.len() {
        match at.parent_id.and_then(|p| by_id.get(&p)) {
            Some(parent) => at = parent,
            None => return Some(at.kind),
        }
    }
    None
}

fn person_of(
    row: &sqlx::any::AnyRow,
    names: &HashMap<UnitId, String>,
) -> Result<LadderPerson, ApiError> {
    let unit: UnitId = row
        .try_get::<String, _>("unit_id")?
        .parse()
        .map_err(internal)?;
    Ok(LadderPerson {
        id: row.try_get::<String, _>("id")?.parse().map_err(internal)?,
        unit: UnitRef {
            id: unit,
            name: names.get(&unit).cloned().unwrap_or_default(),
        },
        name: row.try_get("name")?,
        staff_no: row.try_get("staff_no")?,
        post: row.try_get("post")?,
    })
}

fn names(all: &[UnitView]) -> HashMap<UnitId, String> {
    all.iter().map(|u| (u.id, u.name.clone())).collect()
}

/// The people of the units `keep` passes, by unit, name and staff number.
pub async fn people(
    conn: &mut AnyConnection,
    all: &[UnitView],
    keep: impl Fn(UnitId) -> bool,
) -> Result<Vec<LadderPerson>, ApiError> {
    let names = names(all);
    let rows = sqlx::query(
        "SELECT id, unit_id, name, staff_no, post FROM ladder_people \
         ORDER BY unit_id, name, staff_no, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let p = person_of(r, &names)?;
        if keep(p.unit.id) {
            out.push(p);
        }
    }
    Ok(out)
}

/// One person.
pub async fn person(
    conn: &mut AnyConnection,
    all: &[UnitView],
    id: Uuid,
) -> Result<Option<LadderPerson>, ApiError> {
    let row =
        sqlx::query("SELECT id, unit_id, name, staff_no, post FROM ladder_people WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.as_ref().map(|r| person_of(r, &names(all))).transpose()
}

/// The person of `unit` with this staff number (or, without one, this name), else a new
/// record, added with its event.
pub async fn find_or_add_person(
    tx: &mut WriteTx,
    all: &[UnitView],
    by: UserId,
    unit: UnitId,
    name: &str,
    staff_no: &str,
    post: &str,
) -> Result<LadderPerson, ApiError> {
    check_person(name, staff_no, post).map_err(LadderRefusal::Person)?;
    let (name, staff_no, post) = (name.trim(), staff_no.trim(), post.trim());
    let existing = if staff_no.is_empty() {
        sqlx::query(
            "SELECT id FROM ladder_people WHERE unit_id = $1 AND staff_no = '' AND name = $2 \
             ORDER BY id LIMIT 1",
        )
        .bind(unit.to_string())
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "SELECT id FROM ladder_people WHERE unit_id = $1 AND staff_no = $2 ORDER BY id LIMIT 1",
        )
        .bind(unit.to_string())
        .bind(staff_no)
        .fetch_optional(&mut **tx)
        .await?
    };
    if let Some(r) = existing {
        let id: Uuid = r.try_get::<String, _>("id")?.parse().map_err(internal)?;
        return person(tx, all, id)
            .await?
            .ok_or_else(|| internal("a person just found is missing"));
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO ladder_people (id, unit_id, name, staff_no, post, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(unit.to_string())
    .bind(name)
    .bind(staff_no)
    .bind(post)
    .bind(now_ms())
    .bind(by.to_string())
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Some(by),
        id,
        LadderPersonAdded {
            unit_id: unit,
            name: name.to_owned(),
            staff_no: staff_no.to_owned(),
            post: post.to_owned(),
        },
    )
    .await?;
    person(tx, all, id)
        .await?
        .ok_or_else(|| internal("a person just added is missing"))
}

/// A finding's verification as stored, current or not.
struct Verified {
    case: CaseId,
    person: Uuid,
    verified_on: Date,
    criterion: String,
    unit: UnitId,
    number: Option<FindingNumber>,
}

/// The current verification of every finding (its highest revision).
async fn current_all(conn: &mut AnyConnection) -> Result<Vec<Verified>, ApiError> {
    let rows = sqlx::query(
        "SELECT v.case_id, v.person_id, v.verified_on, c.criterion, \
         c.unit_id, c.number_year, c.number_seq FROM ladder_verifications v \
         JOIN cases c ON c.id = v.case_id ORDER BY v.case_id, v.revision",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut latest: HashMap<CaseId, Verified> = HashMap::new();
    for r in &rows {
        let number = match (
            r.try_get::<Option<i64>, _>("number_year")?,
            r.try_get::<Option<i64>, _>("number_seq")?,
        ) {
            (Some(y), Some(s)) => Some(FindingNumber {
                year: i32::try_from(y).map_err(internal)?,
                seq: u32::try_from(s).map_err(internal)?,
            }),
            _ => None,
        };
        let v = Verified {
            case: r
                .try_get::<String, _>("case_id")?
                .parse()
                .map_err(internal)?,
            person: r
                .try_get::<String, _>("person_id")?
                .parse()
                .map_err(internal)?,
            verified_on: parse_day(&r.try_get::<String, _>("verified_on")?)?,
            criterion: r.try_get("criterion")?,
            unit: r
                .try_get::<String, _>("unit_id")?
                .parse()
                .map_err(internal)?,
            number,
        };
        latest.insert(v.case, v);
    }
    let mut out: Vec<Verified> = latest.into_values().collect();
    out.sort_by_key(|v| (v.verified_on, v.case.0));
    Ok(out)
}

/// A finding's current verification.
pub async fn current_verification(
    conn: &mut AnyConnection,
    all: &[UnitView],
    case: CaseId,
) -> Result<Option<Verification>, ApiError> {
    let row = sqlx::query(
        "SELECT revision, person_id, verified_on, note FROM ladder_verifications \
         WHERE case_id = $1 ORDER BY revision DESC LIMIT 1",
    )
    .bind(case.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let person_id: Uuid = r
        .try_get::<String, _>("person_id")?
        .parse()
        .map_err(internal)?;
    let person = person(conn, all, person_id)
        .await?
        .ok_or_else(|| internal("a verification's person is missing"))?;
    Ok(Some(Verification {
        case,
        person,
        verified_on: parse_day(&r.try_get::<String, _>("verified_on")?)?,
        note: r.try_get("note")?,
        revision: u32::try_from(r.try_get::<i64, _>("revision")?).map_err(internal)?,
    }))
}

fn criterion_name(all: &[UnitView], unit: UnitId, code: &str) -> String {
    all.iter()
        .find(|u| u.id == unit)
        .and_then(|u| {
            default_criteria(u.criteria_set)
                .into_iter()
                .find(|c| c.code == code)
        })
        .map(|c| c.name_zh)
        .unwrap_or_else(|| code.to_owned())
}

/// The ladder of the people of the units `keep` passes, with their standing today: pending
/// first, then by count, then by unit and name. `documents` is the base the documents are
/// downloaded from (the office's or the unit's).
pub async fn view(
    conn: &mut AnyConnection,
    all: &[UnitView],
    keep: impl Fn(UnitId) -> bool,
    documents: &str,
) -> Result<LadderView, ApiError> {
    let rule = rule(conn).await?;
    let today = today_cst();
    let window_start = rule.window_start(today);
    let people = people(conn, all, keep).await?;
    let verified = current_all(conn).await?;
    let steps = sqlx::query(
        "SELECT s.id, s.person_id, s.step, s.count_at, s.taken_on, s.note, s.document_id, \
         d.number FROM ladder_steps s LEFT JOIN documents d ON d.id = s.document_id \
         ORDER BY s.taken_on, s.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut taken: HashMap<Uuid, Vec<StepTaken>> = HashMap::new();
    for r in &steps {
        let person: Uuid = r
            .try_get::<String, _>("person_id")?
            .parse()
            .map_err(internal)?;
        let document: Option<String> = r.try_get("document_id")?;
        let document_download = document
            .as_deref()
            .and_then(|d| d.parse::<Uuid>().ok())
            .map(|d| paths::document_pdf(documents, d));
        taken.entry(person).or_default().push(StepTaken {
            id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
            step: LadderStep::parse(&r.try_get::<String, _>("step")?)
                .ok_or_else(|| internal("a stored ladder step is unknown"))?,
            taken_on: parse_day(&r.try_get::<String, _>("taken_on")?)?,
            count: u32::try_from(r.try_get::<i64, _>("count_at")?).map_err(internal)?,
            note: r.try_get("note")?,
            document_number: r.try_get("number")?,
            document_download,
        });
    }
    let mut out = Vec::new();
    for person in people {
        let problems: Vec<VerifiedProblem> = verified
            .iter()
            .filter(|v| v.person == person.id)
            .map(|v| VerifiedProblem {
                case: v.case,
                number: v.number.map(|n| n.to_string()),
                criterion: criterion_name(all, v.unit, &v.criterion),
                verified_on: v.verified_on,
                counted: v.verified_on >= window_start && v.verified_on <= today,
            })
            .collect();
        let steps = taken.remove(&person.id).unwrap_or_default();
        let days: Vec<Date> = problems.iter().map(|p| p.verified_on).collect();
        let done: Vec<(LadderStep, Date)> = steps.iter().map(|s| (s.step, s.taken_on)).collect();
        let standing = standing(&rule, today, &days, &done);
        out.push(PersonLadder {
            person,
            standing,
            problems,
            steps,
        });
    }
    out.sort_by_key(|p| (!p.standing.pending, std::cmp::Reverse(p.standing.count)));
    Ok(LadderView {
        rule,
        today,
        window_start,
        people: out,
    })
}

/// The counted problems of a person as a 问责通知 lists them.
pub async fn document_problems(
    conn: &mut AnyConnection,
    p: &PersonLadder,
) -> Result<Vec<LadderProblem>, ApiError> {
    let verified = current_all(conn).await?;
    Ok(p.problems
        .iter()
        .filter(|x| x.counted)
        .map(|x| LadderProblem {
            number: verified
                .iter()
                .find(|v| v.case == x.case)
                .and_then(|v| v.number),
            criterion_name: x.criterion.clone(),
            verified_on: x.verified_on,
        })
        .collect())
}
