//! The campaign rows: a year's settings (`campaigns`), its stages, its criteria sets and its
//! key units. Every function takes the caller's connection or transaction; every change
//! appends its event to the audit chain in the same transaction. Nothing is deleted: a key unit
//! dropped by an edit keeps its row with `listed = 0`, and a criterion code, once used, stays.
//!
//! `lock_open` is the freeze gate: every write to a year goes through it, and it refuses a
//! closed year with 409.

use crate::audit;
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::ApiError;
use chafang_domain::api::{CampaignSummary, UnitRef};
use chafang_domain::campaign::{CampaignPlan, Deadlines, Focus, Stage, StageKind};
use chafang_domain::criteria::{CriteriaSetKind, Criterion};
use chafang_domain::event::{CampaignClosed, CampaignEdited, CampaignOpened};
use chafang_domain::quota::{QuotaRule, QuotaRules};
use chafang_domain::refusal::CampaignRefusal;
use chafang_domain::{CampaignId, UnitId, UserId};
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::macros::format_description;
use time::Date;

pub use crate::error::internal;

fn parse_day(s: &str) -> Result<Date, ApiError> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(internal)
}

fn count(row: &AnyRow, column: &str) -> Result<u32, ApiError> {
    u32::try_from(row.try_get::<i64, _>(column)?).map_err(internal)
}

/// A year as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignRecord {
    pub id: CampaignId,
    pub plan: CampaignPlan,
    /// The units under key appraisal, in the directory's order.
    pub key_units: Vec<UnitRef>,
    pub closed_at: Option<i64>,
}

impl CampaignRecord {
    pub fn key_unit_ids(&self) -> Vec<UnitId> {
        self.key_units.iter().map(|u| u.id).collect()
    }
}

const SELECT_CAMPAIGN: &str = "SELECT id, year, focus, district_visits_per_year, \
     district_visits_in_self_inspection, department_visits_per_year, \
     department_visits_in_self_inspection, ack_days, answer_days, coverage_target_pct, closed_at \
     FROM campaigns";

fn rules_of(row: &AnyRow) -> Result<QuotaRules, ApiError> {
    Ok(QuotaRules {
        district: QuotaRule {
            visits_per_year: count(row, "district_visits_per_year")?,
            visits_in_self_inspection: count(row, "district_visits_in_self_inspection")?,
        },
        department: QuotaRule {
            visits_per_year: count(row, "department_visits_per_year")?,
            visits_in_self_inspection: count(row, "department_visits_in_self_inspection")?,
        },
    })
}

async fn stages_of(conn: &mut AnyConnection, id: &str) -> Result<Vec<Stage>, ApiError> {
    let rows = sqlx::query(
        "SELECT kind, starts_on, ends_on FROM campaign_stages WHERE campaign_id = $1 ORDER BY starts_on",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Stage {
                kind: StageKind::parse(&kind).ok_or_else(|| internal(&kind))?,
                starts_on: parse_day(&r.try_get::<String, _>("starts_on")?)?,
                ends_on: parse_day(&r.try_get::<String, _>("ends_on")?)?,
            })
        })
        .collect()
}

async fn criteria_of(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Vec<(CriteriaSetKind, Vec<Criterion>)>, ApiError> {
    let rows = sqlx::query(
        "SELECT set_kind, code, name_zh, name_en FROM campaign_criteria WHERE campaign_id = $1 \
         ORDER BY set_kind, position, code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut sets = Vec::new();
    for kind in [CriteriaSetKind::Department, CriteriaSetKind::Industry] {
        let mut set = Vec::new();
        for r in &rows {
            if r.try_get::<String, _>("set_kind")? != kind.as_str() {
                continue;
            }
            set.push(Criterion {
                code: r.try_get("code")?,
                name_zh: r.try_get("name_zh")?,
                name_en: r.try_get("name_en")?,
            });
        }
        sets.push((kind, set));
    }
    Ok(sets)
}

async fn key_units_of(conn: &mut AnyConnection, id: &str) -> Result<Vec<UnitRef>, ApiError> {
    let rows = sqlx::query(
        "SELECT k.unit_id, u.name FROM campaign_key_units k JOIN units u ON u.id = k.unit_id \
         WHERE k.campaign_id = $1 AND k.listed = 1 ORDER BY u.created_at, u.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitRef {
                id: r
                    .try_get::<String, _>("unit_id")?
                    .parse()
                    .map_err(internal)?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

async fn record_of(conn: &mut AnyConnection, row: &AnyRow) -> Result<CampaignRecord, ApiError> {
    let id: String = row.try_get("id")?;
    let focus: String = row.try_get("focus")?;
    let plan = CampaignPlan {
        year: i32::try_from(row.try_get::<i64, _>("year")?).map_err(internal)?,
        focus: Focus::parse(&focus).ok_or_else(|| internal(&focus))?,
        stages: stages_of(conn, &id).await?,
        criteria: criteria_of(conn, &id).await?,
        quota_rules: rules_of(row)?,
        deadlines: Deadlines {
            ack_days: count(row, "ack_days")?,
            answer_days: count(row, "answer_days")?,
        },
        coverage_target_pct: count(row, "coverage_target_pct")?,
    };
    Ok(CampaignRecord {
        id: id.parse().map_err(internal)?,
        key_units: key_units_of(conn, &id).await?,
        closed_at: row.try_get("closed_at")?,
        plan,
    })
}

/// The campaign of a year, if one was opened.
pub async fn find(conn: &mut AnyConnection, year: i32) -> Result<Option<CampaignRecord>, ApiError> {
    let row = sqlx::query(&format!("{SELECT_CAMPAIGN} WHERE year = $1"))
        .bind(i64::from(year))
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(record_of(conn, &row).await?)),
        None => Ok(None),
    }
}

/// The latest year before `year` that has a campaign, and its focus.
pub async fn previous(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Option<(i32, Focus)>, ApiError> {
    let row =
        sqlx::query("SELECT year, focus FROM campaigns WHERE year < $1 ORDER BY year DESC LIMIT 1")
            .bind(i64::from(year))
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let focus: String = row.try_get("focus")?;
    Ok(Some((
        i32::try_from(row.try_get::<i64, _>("year")?).map_err(internal)?,
        Focus::parse(&focus).ok_or_else(|| internal(&focus))?,
    )))
}

/// Every year, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<CampaignSummary>, ApiError> {
    let rows = sqlx::query(
        "SELECT c.id, c.year, c.focus, c.closed_at, \
         (SELECT COUNT(*) FROM campaign_key_units k WHERE k.campaign_id = c.id AND k.listed = 1) AS key_units \
         FROM campaigns c ORDER BY c.year DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let focus: String = r.try_get("focus")?;
            Ok(CampaignSummary {
                id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
                year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(internal)?,
                focus: Focus::parse(&focus).ok_or_else(|| internal(&focus))?,
                key_units: count(r, "key_units")?,
                closed_at_ms: r.try_get("closed_at")?,
            })
        })
        .collect()
}

/// The freeze gate: every write to a year passes here first. It locks the year's row for the
/// rest of the transaction (a no-op UPDATE: a row lock on PostgreSQL; SQLite has one writer)
/// and returns the year; 404 when there is none, 409 once it is closed. Because closing takes
/// the same lock, no write can slip in beside a close.
pub async fn lock_open(conn: &mut AnyConnection, year: i32) -> Result<CampaignRecord, ApiError> {
    let locked = sqlx::query("UPDATE campaigns SET updated_at = updated_at WHERE year = $1")
        .bind(i64::from(year))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if locked == 0 {
        return Err(ApiError::NotFound);
    }
    let record = find(conn, year).await?.ok_or(ApiError::NotFound)?;
    if record.closed_at.is_some() {
        return Err(CampaignRefusal::Closed { year }.into());
    }
    Ok(record)
}

async fn write_stage(conn: &mut AnyConnection, id: &str, s: &Stage) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO campaign_stages (campaign_id, kind, starts_on, ends_on) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (campaign_id, kind) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on",
    )
    .bind(id)
    .bind(s.kind.as_str())
    .bind(s.starts_on.to_string())
    .bind(s.ends_on.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_criteria(
    conn: &mut AnyConnection,
    id: &str,
    kind: CriteriaSetKind,
    set: &[Criterion],
) -> Result<(), ApiError> {
    for (i, c) in set.iter().enumerate() {
        sqlx::query(
            "INSERT INTO campaign_criteria (campaign_id, set_kind, position, code, name_zh, name_en) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, set_kind, code) DO UPDATE SET \
             position = excluded.position, name_zh = excluded.name_zh, name_en = excluded.name_en",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(i64::try_from(i).map_err(internal)?)
        .bind(&c.code)
        .bind(&c.name_zh)
        .bind(&c.name_en)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn write_key_unit(
    conn: &mut AnyConnection,
    id: &str,
    unit: UnitId,
    listed: bool,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO campaign_key_units (campaign_id, unit_id, listed, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (campaign_id, unit_id) DO UPDATE SET listed = excluded.listed, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(unit.to_string())
    .bind(i64::from(listed))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The settings kept in the `campaigns` row itself.
async fn write_settings(
    conn: &mut AnyConnection,
    id: &str,
    plan: &CampaignPlan,
) -> Result<(), ApiError> {
    let r = plan.quota_rules;
    sqlx::query(
        "UPDATE campaigns SET focus = $1, district_visits_per_year = $2, district_visits_in_self_inspection = $3, \
         department_visits_per_year = $4, department_visits_in_self_inspection = $5, ack_days = $6, \
         answer_days = $7, coverage_target_pct = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(plan.focus.as_str())
    .bind(i64::from(r.district.visits_per_year))
    .bind(i64::from(r.district.visits_in_self_inspection))
    .bind(i64::from(r.department.visits_per_year))
    .bind(i64::from(r.department.visits_in_self_inspection))
    .bind(i64::from(plan.deadlines.ack_days))
    .bind(i64::from(plan.deadlines.answer_days))
    .bind(i64::from(plan.coverage_target_pct))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn criteria_json(sets: &[(CriteriaSetKind, Vec<Criterion>)]) -> Value {
    sets.iter()
        .map(|(k, c)| (k.as_str().to_owned(), json!(c)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Records a new year (checked by the caller) with its key units; one event on the chain. A
/// second campaign for the same year is a unique violation (409).
pub async fn insert(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    plan: &CampaignPlan,
    key_units: &[UnitId],
) -> Result<CampaignId, ApiError> {
    let id = CampaignId::new();
    let key = id.to_string();
    sqlx::query(
        "INSERT INTO campaigns (id, year, focus, district_visits_per_year, department_visits_per_year, \
         department_visits_in_self_inspection, created_at) VALUES ($1, $2, $3, 0, 0, 0, $4)",
    )
    .bind(&key)
    .bind(i64::from(plan.year))
    .bind(plan.focus.as_str())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    write_settings(conn, &key, plan).await?;
    for s in &plan.stages {
        write_stage(conn, &key, s).await?;
    }
    for (kind, set) in &plan.criteria {
        write_criteria(conn, &key, *kind, set).await?;
    }
    for unit in key_units {
        write_key_unit(conn, &key, *unit, true).await?;
    }
    audit::record(
        conn,
        actor,
        id,
        CampaignOpened {
            year: plan.year,
            focus: plan.focus.as_str().to_owned(),
            stages: plan.stages.clone(),
            criteria: criteria_json(&plan.criteria),
            quota_rules: plan.quota_rules,
            deadlines: plan.deadlines,
            coverage_target_pct: plan.coverage_target_pct,
            key_units: key_units.iter().map(|u| u.to_string()).collect(),
            // Kept from the first version of this event, which named only the district rule.
            district_visits_per_year: plan.quota_rules.district.visits_per_year,
        },
    )
    .await?;
    Ok(id)
}

/// One changed field of an edit: an event with its old and new value.
async fn changed(
    conn: &mut WriteTx,
    actor: UserId,
    id: CampaignId,
    field: &str,
    old: Value,
    new: Value,
) -> Result<bool, ApiError> {
    if old == new {
        return Ok(false);
    }
    audit::record(
        conn,
        Some(actor),
        id,
        CampaignEdited {
            field: field.to_owned(),
            old,
            new,
        },
    )
    .await?;
    Ok(true)
}

/// Saves an edit of an open year (locked by `lock_open` and checked by the caller): each
/// changed field is written and goes on the chain as its own event with the old and new value;
/// an edit that changes nothing writes nothing. Returns how many fields changed.
pub async fn save_edit(
    conn: &mut WriteTx,
    actor: UserId,
    old: &CampaignRecord,
    new: &CampaignPlan,
    key_units: &[UnitId],
) -> Result<u32, ApiError> {
    let key = old.id.to_string();
    let was = &old.plan;
    let mut n = 0;
    let settings: [(&str, Value, Value); 4] = [
        ("focus", json!(was.focus), json!(new.focus)),
        (
            "quota_rules",
            json!(was.quota_rules),
            json!(new.quota_rules),
        ),
        ("deadlines", json!(was.deadlines), json!(new.deadlines)),
        (
            "coverage_target_pct",
            json!(was.coverage_target_pct),
            json!(new.coverage_target_pct),
        ),
    ];
    let mut settings_changed = false;
    for (field, before, after) in settings {
        if changed(conn, actor, old.id, field, before, after).await? {
            settings_changed = true;
            n += 1;
        }
    }
    if settings_changed {
        write_settings(conn, &key, new).await?;
    }
    if changed(
        conn,
        actor,
        old.id,
        "stages",
        json!(was.stages),
        json!(new.stages),
    )
    .await?
    {
        for s in &new.stages {
            write_stage(conn, &key, s).await?;
        }
        n += 1;
    }
    for ((kind, before), (_, after)) in was.criteria.iter().zip(&new.criteria) {
        let field = format!("criteria.{}", kind.as_str());
        if changed(conn, actor, old.id, &field, json!(before), json!(after)).await? {
            write_criteria(conn, &key, *kind, after).await?;
            n += 1;
        }
    }
    let before = old.key_unit_ids();
    let ids = |u: &[UnitId]| u.iter().map(|u| u.to_string()).collect::<Vec<_>>();
    if changed(
        conn,
        actor,
        old.id,
        "key_units",
        json!(ids(&before)),
        json!(ids(key_units)),
    )
    .await?
    {
        for gone in before.iter().filter(|u| !key_units.contains(u)) {
            write_key_unit(conn, &key, *gone, false).await?;
        }
        for unit in key_units {
            write_key_unit(conn, &key, *unit, true).await?;
        }
        n += 1;
    }
    Ok(n)
}

/// Closes a year (locked by `lock_open`): from now on it is frozen.
pub async fn close(
    conn: &mut WriteTx,
    actor: UserId,
    record: &CampaignRecord,
) -> Result<(), ApiError> {
    let at = now_ms();
    sqlx::query(
        "UPDATE campaigns SET closed_at = $1, closed_by = $2, updated_at = $3 WHERE id = $4 AND closed_at IS NULL",
    )
    .bind(at)
    .bind(actor.to_string())
    .bind(at)
    .bind(record.id.to_string())
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        Some(actor),
        record.id,
        CampaignClosed {
            year: record.plan.year,
            closed_at: at,
        },
    )
    .await?;
    Ok(())
}

/// The top-level units of the directory, which alone may be under key appraisal.
pub async fn top_level_units(conn: &mut AnyConnection) -> Result<Vec<UnitId>, ApiError> {
    let rows = sqlx::query("SELECT id FROM units WHERE parent_id IS NULL")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("id")?.parse().map_err(internal))
        .collect()
}
