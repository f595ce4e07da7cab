//! "The ranking is recomputed from the audit log and any difference from the published figures
//! is an alarm." The check reads only the `scoring.*` events of the chain to rebuild a year's
//! inputs (settings, every survey entry and inspection override with its revision), then:
//!
//! 1. compares them with the tables (`input` alarms: a row changed, added or removed behind
//!    the application's back);
//! 2. compares each stored publication and its rows with its event (`published` alarms);
//! 3. replays the inputs as they stood at the latest publication's event, recomputes the
//!    ranking with the findings tally and the earlier years' "last" flags that event and the
//!    earlier years' events carry, and compares it with the published figures (`recomputed`
//!    alarms).
//!
//! An alarm is raised once while it stands (`raise`): each distinct alarm (year, kind, unit,
//! problem) is recorded in `scoring_alarms` with a `scoring.alarm` event on the chain (which
//! puts it in the webhooks' outbox) and a notification to every office account, in one
//! transaction; a later check finding the same alarm raises nothing. A check that no longer
//! finds it clears it (`scoring.alarm_cleared`), so the same tampering done again is raised
//! again. The check runs when the office opens it,
//! after each publication, and at start and hourly for every year (`watch`, from the
//! notifications worker): tampering is found without anyone looking. Units are never told.
//!
//! The findings are counted from the cases when publishing and their tally goes on the chain
//! with the figures; the cases' own history is on the chain as their steps. The chain itself
//! is verified by `audit verify` and its checkpoints: an event edited in place is caught there.

use super::compute::{self, Context};
use super::store::{self, Inputs, OverrideRec, SurveyRec};
use crate::audit;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{internal, ApiError};
use crate::notifications::inbox::{self, Note};
use chafang_domain::api::NotificationKind;
use chafang_domain::api::{
    AlarmInput, AlarmProblem, FieldDiff, PublicationSummary, PublishedRow, ScoringAlarm,
    ScoringCheck, UnitRef,
};
use chafang_domain::event::{EventKind, RaisedAlarm, ScoringAlarmCleared};
use chafang_domain::scoring::InspectionTally;
use chafang_domain::UnitId;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap};

/// One `scoring.*` event of the year.
struct Ev {
    seq: i64,
    kind: Option<EventKind>,
    subject: Option<String>,
    payload: Value,
}

async fn events(conn: &mut AnyConnection, year: i32) -> Result<Vec<Ev>, ApiError> {
    let rows = sqlx::query(
        "SELECT seq, kind, subject, payload FROM audit_events WHERE kind IN ($1, $2, $3, $4) ORDER BY seq",
    )
    .bind(store::SETTINGS_CHANGED.name())
    .bind(store::SURVEY_ENTERED.name())
    .bind(store::INSPECTION_SET.name())
    .bind(store::PUBLISHED.name())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let payload: Value =
            serde_json::from_str(&r.try_get::<String, _>("payload")?).map_err(internal)?;
        if payload["year"].as_i64() != Some(i64::from(year)) {
            continue;
        }
        out.push(Ev {
            seq: r.try_get("seq")?,
            kind: EventKind::parse(&r.try_get::<String, _>("kind")?),
            subject: r.try_get("subject")?,
            payload,
        });
    }
    Ok(out)
}

fn unit_of(ev: &Ev) -> Result<UnitId, ApiError> {
    ev.subject
        .as_deref()
        .ok_or_else(|| internal("a scoring event without a subject"))?
        .parse()
        .map_err(internal)
}

/// The inputs the events before `until` (all when `None`) describe.
fn replay(evs: &[Ev], until: Option<i64>) -> Result<Inputs, ApiError> {
    let mut inputs = Inputs::default();
    for ev in evs.iter().filter(|e| until.is_none_or(|u| e.seq < u)) {
        match ev.kind {
            Some(store::SETTINGS_CHANGED) => {
                inputs.settings =
                    Some(serde_json::from_value(ev.payload["new"].clone()).map_err(internal)?);
            }
            Some(store::SURVEY_ENTERED) => {
                let rec: SurveyRec =
                    serde_json::from_value(ev.payload.clone()).map_err(internal)?;
                inputs.surveys.entry(unit_of(ev)?).or_default().push(rec);
            }
            Some(store::INSPECTION_SET) => {
                let rec: OverrideRec =
                    serde_json::from_value(ev.payload.clone()).map_err(internal)?;
                inputs.overrides.entry(unit_of(ev)?).or_default().push(rec);
            }
            _ => {}
        }
    }
    Ok(inputs)
}

/// The rows of a publication event, by unit.
fn event_rows(ev: &Ev) -> BTreeMap<String, Value> {
    ev.payload["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["unit_id"].as_str().unwrap_or_default().to_owned(),
                        r.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Who was last in a year by the log: its latest publication event's rows.
async fn last_by_log(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<BTreeMap<UnitId, bool>, ApiError> {
    let evs = events(conn, year).await?;
    let Some(ev) = evs.iter().rev().find(|e| e.kind == Some(store::PUBLISHED)) else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for (unit, row) in event_rows(ev) {
        out.insert(
            unit.parse().map_err(internal)?,
            row["last"].as_bool() == Some(true),
        );
    }
    Ok(out)
}

struct Alarms {
    list: Vec<ScoringAlarm>,
    names: HashMap<UnitId, String>,
}

impl Alarms {
    fn push(&mut self, kind: &str, unit: Option<UnitId>, problem: AlarmProblem) {
        self.list.push(ScoringAlarm {
            kind: kind.to_owned(),
            unit: unit.map(|id| UnitRef {
                id,
                name: self.names.get(&id).cloned().unwrap_or_default(),
            }),
            problem,
        });
    }
}

/// Compares per-unit revision lists of the tables and of the log.
fn compare_revisions<T: PartialEq + serde::Serialize>(
    alarms: &mut Alarms,
    input: AlarmInput,
    table: &BTreeMap<UnitId, Vec<T>>,
    log: &BTreeMap<UnitId, Vec<T>>,
) {
    let units: std::collections::BTreeSet<&UnitId> = table.keys().chain(log.keys()).collect();
    for unit in units {
        let t = table.get(unit).map(Vec::as_slice).unwrap_or_default();
        let l = log.get(unit).map(Vec::as_slice).unwrap_or_default();
        if t.len() != l.len() {
            alarms.push(
                "input",
                Some(*unit),
                AlarmProblem::RevisionCount {
                    input,
                    table: count(t.len()),
                    log: count(l.len()),
                },
            );
            continue;
        }
        for (i, (a, b)) in t.iter().zip(l).enumerate() {
            if a != b {
                alarms.push(
                    "input",
                    Some(*unit),
                    AlarmProblem::RevisionDiffers {
                        input,
                        entry: count(i + 1),
                        fields: field_diffs(
                            &serde_json::to_value(b).unwrap_or_default(),
                            &serde_json::to_value(a).unwrap_or_default(),
                        ),
                    },
                );
            }
        }
    }
}

/// Without the times the log does not carry.
fn untimed(inputs: &Inputs) -> Inputs {
    let mut out = inputs.clone();
    for v in out.surveys.values_mut() {
        for r in v {
            r.entered_at = 0;
        }
    }
    for v in out.overrides.values_mut() {
        for r in v {
            r.entered_at = 0;
        }
    }
    out
}

/// A count as the wire carries it.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The fields whose values differ between two records or rows (`expected`: the reference's),
/// in the order of their names.
fn field_diffs(expected: &Value, found: &Value) -> Vec<FieldDiff> {
    let empty = serde_json::Map::new();
    let e = expected.as_object().unwrap_or(&empty);
    let f = found.as_object().unwrap_or(&empty);
    let keys: std::collections::BTreeSet<&String> = e.keys().chain(f.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let ve = e.get(k).unwrap_or(&Value::Null);
            let vf = f.get(k).unwrap_or(&Value::Null);
            (ve != vf).then(|| FieldDiff {
                field: k.clone(),
                expected: ve.clone(),
                found: vf.clone(),
            })
        })
        .collect()
}

/// Runs the check of a year.
pub async fn check(conn: &mut AnyConnection, year: i32) -> Result<ScoringCheck, ApiError> {
    let campaign = crate::campaigns::store::find(conn, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    let names: HashMap<UnitId, String> = crate::units::list_all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut alarms = Alarms {
        list: Vec::new(),
        names,
    };
    let evs = events(conn, year).await?;

    // 1. The tables against the log.
    let table = untimed(&store::load_inputs(conn, campaign.id).await?);
    let log = replay(&evs, None)?;
    if table.settings != log.settings {
        alarms.push("input", None, AlarmProblem::SettingsDiffer);
    }
    compare_revisions(
        &mut alarms,
        AlarmInput::Survey,
        &table.surveys,
        &log.surveys,
    );
    compare_revisions(
        &mut alarms,
        AlarmInput::InspectionOverride,
        &table.overrides,
        &log.overrides,
    );

    // 2. The stored publications against their events.
    let stored = store::publications(conn, campaign.id).await?;
    let pub_evs: Vec<&Ev> = evs
        .iter()
        .filter(|e| e.kind == Some(store::PUBLISHED))
        .collect();
    if stored.len() != pub_evs.len() {
        alarms.push(
            "published",
            None,
            AlarmProblem::PublicationCount {
                table: count(stored.len()),
                log: count(pub_evs.len()),
            },
        );
    }
    for (p, _, _) in &stored {
        let Some(ev) = pub_evs
            .iter()
            .find(|e| e.payload["publication_id"].as_str() == Some(&p.id.to_string()))
        else {
            alarms.push(
                "published",
                None,
                AlarmProblem::PublicationNotLogged {
                    revision: p.revision,
                },
            );
            continue;
        };
        if ev.payload["sha256"].as_str() != Some(p.sha256.as_str()) {
            alarms.push(
                "published",
                None,
                AlarmProblem::PublicationDigestDiffers {
                    revision: p.revision,
                },
            );
        }
        let rows = store::published_rows(conn, p.id).await?;
        let mut logged = event_rows(ev);
        for r in &rows {
            let mine = store::figures_of(r);
            match logged.remove(&r.unit.id.to_string()) {
                None => alarms.push(
                    "published",
                    Some(r.unit.id),
                    AlarmProblem::PublishedRowAdded {
                        revision: p.revision,
                    },
                ),
                Some(l) if l != mine => alarms.push(
                    "published",
                    Some(r.unit.id),
                    AlarmProblem::PublishedRowDiffers {
                        revision: p.revision,
                        fields: field_diffs(&l, &mine),
                    },
                ),
                Some(_) => {}
            }
        }
        for unit in logged.keys() {
            alarms.push(
                "published",
                unit.parse().ok(),
                AlarmProblem::PublishedRowMissing {
                    revision: p.revision,
                },
            );
        }
        if store::rows_sha256(&rows) != p.sha256 {
            alarms.push(
                "published",
                None,
                AlarmProblem::PublicationRowsDigest {
                    revision: p.revision,
                },
            );
        }
    }

    // 3. The latest publication recomputed from the log.
    let latest = pub_evs.last();
    if let Some(ev) = latest {
        let inputs = replay(&evs, Some(ev.seq))?;
        let logged = event_rows(ev);
        let mut tallies = HashMap::new();
        let mut units = Vec::new();
        for (unit, row) in &logged {
            let id: UnitId = unit.parse().map_err(internal)?;
            let tally: InspectionTally =
                serde_json::from_value(row["tally"].clone()).map_err(internal)?;
            tallies.insert(id, tally);
            units.push(UnitRef {
                id,
                name: alarms.names.get(&id).cloned().unwrap_or_default(),
            });
        }
        let (meeting_weight, meetings) =
            crate::meetings::scoring_source(conn, year, Some(ev.seq)).await?;
        let ctx = Context {
            tallies,
            last_year: last_by_log(conn, year - 1).await?,
            year_before: last_by_log(conn, year - 2).await?,
            meeting_weight,
            meetings,
        };
        let settings_logged: Value = ev.payload["settings"].clone();
        if serde_json::to_value(inputs.settings()).map_err(internal)? != settings_logged {
            alarms.push("recomputed", None, AlarmProblem::RecomputedSettingsDiffer);
        }
        let recomputed: Vec<PublishedRow> =
            compute::published(&compute::rows(&units, &inputs, &ctx));
        let mut recomputed: BTreeMap<String, Value> = recomputed
            .iter()
            .map(|r| (r.unit.id.to_string(), store::figures_of(r)))
            .collect();
        for (unit, row) in &logged {
            let id = unit.parse().ok();
            match recomputed.remove(unit) {
                None => alarms.push("recomputed", id, AlarmProblem::RecomputedUnranked),
                Some(r) if &r != row => alarms.push(
                    "recomputed",
                    id,
                    AlarmProblem::RecomputedRowDiffers {
                        fields: field_diffs(&r, row),
                    },
                ),
                Some(_) => {}
            }
        }
    }
    let published: Option<PublicationSummary> = stored.last().map(|(p, _, _)| p.clone());
    Ok(ScoringCheck {
        year,
        checked_at_ms: now_ms(),
        events: u32::try_from(evs.len()).unwrap_or(u32::MAX),
        published,
        alarms: alarms.list,
    })
}

/// The audit event of alarms raised (its payload lists them; a webhook body carries only its
/// sequence number, kind and day).
pub const ALARM_RAISED: EventKind = EventKind::ScoringAlarm;

/// What makes an alarm the same alarm: its year, kind, unit and problem (its canonical JSON,
/// which carries the figures that differ, so a different tampering is a new alarm).
pub fn fingerprint(year: i32, alarm: &ScoringAlarm) -> String {
    let unit = alarm.unit.as_ref().map(|u| u.id.to_string());
    let problem = alarm.problem.to_string();
    let mut h = Sha256::new();
    for part in [
        year.to_string().as_str(),
        alarm.kind.as_str(),
        unit.as_deref().unwrap_or(""),
        problem.as_str(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The event of alarms cleared: a check no longer finds them (its payload lists their
/// fingerprints).
pub const ALARM_CLEARED: EventKind = EventKind::ScoringAlarmCleared;

/// The fingerprints of a year's alarms raised so far, each with whether it stands (`false`:
/// cleared since).
async fn raised(conn: &mut AnyConnection, year: i32) -> Result<HashMap<String, bool>, ApiError> {
    let rows = sqlx::query("SELECT fingerprint, cleared_at FROM scoring_alarms WHERE year = $1")
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("fingerprint")?,
                r.try_get::<Option<i64>, _>("cleared_at")?.is_none(),
            ))
        })
        .collect()
}

/// What a check changes against the alarms raised so far: the alarms it finds that do not
/// stand (never raised, or cleared since), and the standing ones it no longer finds.
struct Changes<'a> {
    new: Vec<(&'a ScoringAlarm, String)>,
    cleared: Vec<String>,
}

fn changes<'a>(report: &'a ScoringCheck, raised: &HashMap<String, bool>) -> Changes<'a> {
    let mut found: Vec<(&ScoringAlarm, String)> = Vec::new();
    for a in &report.alarms {
        let f = fingerprint(report.year, a);
        if !found.iter().any(|(_, g)| *g == f) {
            found.push((a, f));
        }
    }
    let mut cleared: Vec<String> = raised
        .iter()
        .filter(|(f, stands)| **stands && !found.iter().any(|(_, g)| g == *f))
        .map(|(f, _)| f.clone())
        .collect();
    cleared.sort();
    Changes {
        new: found
            .into_iter()
            .filter(|(_, f)| raised.get(f) != Some(&true))
            .collect(),
        cleared,
    }
}

/// Records a check against the alarms raised so far, in one write transaction (none is taken
/// when nothing changed): the standing alarms it no longer finds are cleared (one
/// `scoring.alarm_cleared` event), and the alarms it finds that do not stand are raised — a
/// first time, or again after being cleared — with one `scoring.alarm` event and a notice to
/// the office's accounts. Returns how many alarms were raised.
pub async fn raise(db: &Db, report: &ScoringCheck) -> Result<u32, ApiError> {
    let year = report.year;
    {
        let mut conn = db.pool.acquire().await?;
        let c = changes(report, &raised(&mut conn, year).await?);
        if c.new.is_empty() && c.cleared.is_empty() {
            return Ok(0);
        }
    }
    let mut tx = db.begin_write().await?;
    // Read again under the writer: another check may have recorded them meanwhile.
    let known = raised(&mut tx, year).await?;
    let Changes { new, cleared } = changes(report, &known);
    if new.is_empty() && cleared.is_empty() {
        return Ok(0);
    }
    let at = now_ms();
    if !cleared.is_empty() {
        audit::append(
            &mut tx,
            audit::Event {
                actor: None,
                subject: None,
                payload: ScoringAlarmCleared {
                    year,
                    fingerprints: cleared.clone(),
                }
                .into(),
            },
        )
        .await?;
        for f in &cleared {
            sqlx::query("UPDATE scoring_alarms SET cleared_at = $1 WHERE fingerprint = $2")
                .bind(at)
                .bind(f.as_str())
                .execute(&mut *tx)
                .await?;
        }
    }
    let Some((first, _)) = new.first() else {
        tx.commit().await?;
        return Ok(0);
    };
    let listed: Vec<RaisedAlarm> = new
        .iter()
        .map(|(a, f)| RaisedAlarm {
            fingerprint: f.clone(),
            kind: a.kind.clone(),
            unit_id: a.unit.as_ref().map(|u| u.id.to_string()),
            message: String::new(),
            problem: Some(a.problem.clone()),
        })
        .collect();
    audit::append(
        &mut tx,
        audit::Event {
            actor: None,
            subject: None,
            payload: chafang_domain::event::ScoringAlarm {
                year,
                alarms: listed,
            }
            .into(),
        },
    )
    .await?;
    let seq = audit::head(&mut tx).await?.seq;
    for (a, f) in &new {
        let q = if known.contains_key(f) {
            // Raised again after being cleared: the row stands once more, as of this event.
            sqlx::query(
                "UPDATE scoring_alarms SET cleared_at = NULL, raised_at = $1, event_seq = $2 \
                 WHERE fingerprint = $3",
            )
            .bind(at)
            .bind(seq)
            .bind(f.as_str())
        } else {
            sqlx::query(
                "INSERT INTO scoring_alarms (fingerprint, year, kind, unit_id, message, raised_at, event_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(f.as_str())
            .bind(i64::from(year))
            .bind(a.kind.as_str())
            .bind(a.unit.as_ref().map(|u| u.id.to_string()))
            // The developer's rendering: the problem's canonical JSON.
            .bind(a.problem.to_string())
            .bind(at)
            .bind(seq)
        };
        q.execute(&mut *tx).await?;
    }
    let note = Note {
        kind: NotificationKind::ScoringAlarm,
        subject: Some(year.to_string()),
        params: serde_json::json!({
            "year": year,
            "alarms": new.len(),
            "problem": first.problem,
        }),
        // Each raising is its own notice, a raising again too.
        dedup: Some(format!("scoring-alarm:{seq}")),
    };
    let office = inbox::office_users(&mut tx).await?;
    inbox::notify(&mut tx, &office, &note).await?;
    tx.commit().await?;
    let n = u32::try_from(new.len()).unwrap_or(u32::MAX);
    tracing::warn!(
        year,
        new = n,
        "the published ranking does not match the audit log: alarm raised"
    );
    Ok(n)
}

/// Checks a year and raises its new alarms; the report is returned as the check made it.
pub async fn check_and_raise(db: &Db, year: i32) -> Result<ScoringCheck, ApiError> {
    let report = {
        let mut conn = db.pool.acquire().await?;
        check(&mut conn, year).await?
    };
    raise(db, &report).await?;
    Ok(report)
}

/// Checks every year and raises the new alarms (the worker's hourly run). Cheap: the check
/// reads the few `scoring.*` events through their index and a year's scoring tables. Returns
/// how many alarms were new.
pub async fn watch(db: &Db) -> Result<u32, ApiError> {
    let years = {
        let mut conn = db.pool.acquire().await?;
        crate::campaigns::store::list(&mut conn).await?
    };
    let mut new = 0;
    for c in years {
        // One year failing to check does not keep the others from being checked.
        let checked = async {
            let report = {
                let mut conn = db.pool.acquire().await?;
                check(&mut conn, c.year).await?
            };
            raise(db, &report).await
        };
        match checked.await {
            Ok(n) => new += n,
            Err(e) => tracing::warn!(year = c.year, "scoring check: {e:?}"),
        }
    }
    Ok(new)
}
