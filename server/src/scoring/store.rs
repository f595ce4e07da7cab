//! The scoring rows: a year's settings, survey entries and inspection overrides (each a new
//! revision, never an update), and publications with their figures. Every write appends its
//! event to the audit chain in the caller's transaction; the events carry everything the rows
//! do, so that `check.rs` can rebuild the inputs from the log alone.

use crate::audit;
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::{internal, ApiError};
use chafang_domain::api::{PublicationSummary, PublishedRanking, PublishedRow, UnitRef};
use chafang_domain::event::{
    EventKind, ScoringInspectionSet, ScoringPublished, ScoringSettingsChanged, ScoringSurveyEntered,
};
use chafang_domain::scoring::{InspectionTally, ScoringSettings, SurveyCounts};
use chafang_domain::{CampaignId, UnitId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Event kinds.
pub const SETTINGS_CHANGED: EventKind = EventKind::ScoringSettingsChanged;
pub const SURVEY_ENTERED: EventKind = EventKind::ScoringSurveyEntered;
pub const INSPECTION_SET: EventKind = EventKind::ScoringInspectionSet;
pub const PUBLISHED: EventKind = EventKind::ScoringPublished;

/// A survey entry revision as stored and as its event carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRec {
    pub revision: u32,
    #[serde(flatten)]
    pub counts: SurveyCounts,
    pub note: String,
    pub via: String,
    #[serde(skip)]
    pub entered_at: i64,
}

/// An inspection override revision (`points_cp` `None`: back to the rule).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideRec {
    pub revision: u32,
    pub points_cp: Option<i64>,
    pub reason: String,
    #[serde(skip)]
    pub entered_at: i64,
}

/// A year's inputs, with every revision (oldest first) per unit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// `None` when never edited: the defaults apply.
    pub settings: Option<ScoringSettings>,
    pub surveys: BTreeMap<UnitId, Vec<SurveyRec>>,
    pub overrides: BTreeMap<UnitId, Vec<OverrideRec>>,
}

impl Inputs {
    pub fn settings(&self) -> ScoringSettings {
        self.settings.clone().unwrap_or_default()
    }
    pub fn survey(&self, unit: UnitId) -> Option<&SurveyRec> {
        self.surveys.get(&unit).and_then(|v| v.last())
    }
    /// The override in force.
    pub fn override_of(&self, unit: UnitId) -> Option<(&OverrideRec, i64)> {
        let o = self.overrides.get(&unit).and_then(|v| v.last())?;
        o.points_cp.map(|p| (o, p))
    }
}

fn uid(s: String) -> Result<UnitId, ApiError> {
    s.parse().map_err(internal)
}

fn rev(row: &sqlx::any::AnyRow) -> Result<u32, ApiError> {
    u32::try_from(row.try_get::<i64, _>("revision")?).map_err(internal)
}

/// The inputs as the tables hold them.
pub async fn load_inputs(
    conn: &mut AnyConnection,
    campaign: CampaignId,
) -> Result<Inputs, ApiError> {
    let cid = campaign.to_string();
    let settings = sqlx::query("SELECT body FROM scoring_settings WHERE campaign_id = $1")
        .bind(&cid)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| serde_json::from_str(&r.get::<String, _>("body")).map_err(internal))
        .transpose()?;
    let mut inputs = Inputs {
        settings,
        ..Inputs::default()
    };
    let rows = sqlx::query(
        "SELECT unit_id, revision, satisfaction, misconduct, falsified_entries, note, via, entered_at \
         FROM survey_entries WHERE campaign_id = $1 ORDER BY unit_id, revision",
    )
    .bind(&cid)
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let rec = SurveyRec {
            revision: rev(&r)?,
            counts: SurveyCounts {
                satisfaction: serde_json::from_str(&r.try_get::<String, _>("satisfaction")?)
                    .map_err(internal)?,
                misconduct: serde_json::from_str(&r.try_get::<String, _>("misconduct")?)
                    .map_err(internal)?,
                falsified_entries: u32::try_from(r.try_get::<i64, _>("falsified_entries")?)
                    .map_err(internal)?,
            },
            note: r.try_get("note")?,
            via: r.try_get("via")?,
            entered_at: r.try_get("entered_at")?,
        };
        inputs
            .surveys
            .entry(uid(r.try_get("unit_id")?)?)
            .or_default()
            .push(rec);
    }
    let rows = sqlx::query(
        "SELECT unit_id, revision, points_cp, reason, entered_at FROM inspection_overrides \
         WHERE campaign_id = $1 ORDER BY unit_id, revision",
    )
    .bind(&cid)
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let rec = OverrideRec {
            revision: rev(&r)?,
            points_cp: r.try_get("points_cp")?,
            reason: r.try_get("reason")?,
            entered_at: r.try_get("entered_at")?,
        };
        inputs
            .overrides
            .entry(uid(r.try_get("unit_id")?)?)
            .or_default()
            .push(rec);
    }
    Ok(inputs)
}

/// Saves edited settings; one event with the old and the new.
pub async fn save_settings(
    conn: &mut WriteTx,
    actor: UserId,
    campaign: CampaignId,
    year: i32,
    old: &ScoringSettings,
    new: &ScoringSettings,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(new).map_err(internal)?;
    sqlx::query(
        "INSERT INTO scoring_settings (campaign_id, body, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (campaign_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by",
    )
    .bind(campaign.to_string())
    .bind(body)
    .bind(now_ms())
    .bind(actor.to_string())
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        Some(actor),
        campaign,
        ScoringSettingsChanged {
            year,
            old: old.clone(),
            new: new.clone(),
        },
    )
    .await?;
    Ok(())
}

async fn next_revision(
    conn: &mut AnyConnection,
    table: &str,
    campaign: CampaignId,
    unit: UnitId,
) -> Result<u32, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT COALESCE(MAX(revision), 0) AS r FROM {table} WHERE campaign_id = $1 AND unit_id = $2"
    ))
    .bind(campaign.to_string())
    .bind(unit.to_string())
    .fetch_one(&mut *conn)
    .await?;
    u32::try_from(row.try_get::<i64, _>("r")? + 1).map_err(internal)
}

/// Records a survey entry as the unit's next revision.
#[allow(clippy::too_many_arguments)]
pub async fn add_survey(
    conn: &mut WriteTx,
    actor: UserId,
    campaign: CampaignId,
    year: i32,
    unit: UnitId,
    counts: &SurveyCounts,
    note: &str,
    via: &str,
) -> Result<u32, ApiError> {
    let revision = next_revision(conn, "survey_entries", campaign, unit).await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO survey_entries (id, campaign_id, unit_id, revision, satisfaction, misconduct, \
         falsified_entries, note, via, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.to_string())
    .bind(campaign.to_string())
    .bind(unit.to_string())
    .bind(i64::from(revision))
    .bind(serde_json::to_string(&counts.satisfaction).map_err(internal)?)
    .bind(serde_json::to_string(&counts.misconduct).map_err(internal)?)
    .bind(i64::from(counts.falsified_entries))
    .bind(note)
    .bind(via)
    .bind(actor.to_string())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    // What `SurveyRec` reads back, with the year and the entry's id.
    let payload = ScoringSurveyEntered {
        revision,
        counts: counts.clone(),
        note: note.to_owned(),
        via: via.to_owned(),
        year,
        entry_id: id,
    };
    audit::record(conn, Some(actor), unit, payload).await?;
    Ok(revision)
}

/// Records the cross-check team's figure (or the return to the rule) as the next revision.
#[allow(clippy::too_many_arguments)]
pub async fn add_override(
    conn: &mut WriteTx,
    actor: UserId,
    campaign: CampaignId,
    year: i32,
    unit: UnitId,
    points_cp: Option<i64>,
    reason: &str,
) -> Result<u32, ApiError> {
    let revision = next_revision(conn, "inspection_overrides", campaign, unit).await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO inspection_overrides (id, campaign_id, unit_id, revision, points_cp, reason, \
         entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(campaign.to_string())
    .bind(unit.to_string())
    .bind(i64::from(revision))
    .bind(points_cp)
    .bind(reason)
    .bind(actor.to_string())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    // What `OverrideRec` reads back, with the year and the override's id.
    let payload = ScoringInspectionSet {
        revision,
        points_cp,
        reason: reason.to_owned(),
        year,
        override_id: id,
    };
    audit::record(conn, Some(actor), unit, payload).await?;
    Ok(revision)
}

/// The SHA-256 of published rows: over their figures' canonical JSON in the order of the
/// units' ids, the units by id only (a unit renamed later must not change it).
pub fn rows_sha256(rows: &[PublishedRow]) -> String {
    let mut sorted: Vec<&PublishedRow> = rows.iter().collect();
    sorted.sort_by_key(|r| r.unit.id.to_string());
    let figures: Vec<serde_json::Value> = sorted.into_iter().map(figures_of).collect();
    chafang_domain::visit::sha256_hex(serde_json::Value::Array(figures).to_string().as_bytes())
}

/// A published row's figures, by unit id: what is compared.
pub fn figures_of(r: &PublishedRow) -> serde_json::Value {
    json!({
        "unit_id": r.unit.id,
        "rank": r.rank,
        "survey_cp": r.survey_cp,
        "inspection_cp": r.inspection_cp,
        "inspection_overridden": r.inspection_overridden,
        "total_cp": r.total_cp,
        "commended": r.commended,
        "criticised": r.criticised,
        "last_three_years": r.last_three_years,
        "last": r.last,
        "tally": r.tally,
    })
}

/// Stores a publication (the next revision of the year) and its event, which carries every
/// figure.
#[allow(clippy::too_many_arguments)]
pub async fn publish(
    conn: &mut WriteTx,
    actor: UserId,
    campaign: CampaignId,
    year: i32,
    note: &str,
    settings: &ScoringSettings,
    rows: &[PublishedRow],
) -> Result<Uuid, ApiError> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(revision), 0) AS r FROM scoring_publications WHERE campaign_id = $1",
    )
    .bind(campaign.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let revision = row.try_get::<i64, _>("r")? + 1;
    let id = Uuid::now_v7();
    let sha = rows_sha256(rows);
    let settings_json = serde_json::to_string(settings).map_err(internal)?;
    sqlx::query(
        "INSERT INTO scoring_publications (id, campaign_id, revision, published_at, published_by, note, \
         settings, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(campaign.to_string())
    .bind(revision)
    .bind(now_ms())
    .bind(actor.to_string())
    .bind(note)
    .bind(&settings_json)
    .bind(&sha)
    .execute(&mut *conn)
    .await?;
    let flag = |b: bool| i64::from(b);
    for r in rows {
        sqlx::query(
            "INSERT INTO scoring_published_rows (publication_id, unit_id, rank, survey_cp, inspection_cp, \
             inspection_overridden, total_cp, commended, criticised, last_three_years, is_last, tally) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.to_string())
        .bind(r.unit.id.to_string())
        .bind(i64::from(r.rank))
        .bind(r.survey_cp)
        .bind(r.inspection_cp)
        .bind(flag(r.inspection_overridden))
        .bind(r.total_cp)
        .bind(flag(r.commended))
        .bind(flag(r.criticised))
        .bind(flag(r.last_three_years))
        .bind(flag(r.last))
        .bind(serde_json::to_string(&r.tally).map_err(internal)?)
        .execute(&mut *conn)
        .await?;
    }
    let figures: Vec<serde_json::Value> = rows.iter().map(figures_of).collect();
    audit::record(
        conn,
        Some(actor),
        campaign,
        ScoringPublished {
            year,
            publication_id: id,
            revision,
            note: note.to_owned(),
            sha256: sha,
            settings: settings.clone(),
            rows: figures,
        },
    )
    .await?;
    Ok(id)
}

/// The year's publications, oldest first.
pub async fn publications(
    conn: &mut AnyConnection,
    campaign: CampaignId,
) -> Result<Vec<(PublicationSummary, String, ScoringSettings)>, ApiError> {
    let rows = sqlx::query(
        "SELECT p.id, p.revision, p.published_at, u.display_name, p.sha256, p.note, p.settings \
         FROM scoring_publications p JOIN users u ON u.id = p.published_by \
         WHERE p.campaign_id = $1 ORDER BY p.revision",
    )
    .bind(campaign.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                PublicationSummary {
                    id: r.try_get::<String, _>("id")?.parse().map_err(internal)?,
                    revision: rev(r)?,
                    published_at_ms: r.try_get("published_at")?,
                    published_by: r.try_get("display_name")?,
                    sha256: r.try_get("sha256")?,
                },
                r.try_get("note")?,
                serde_json::from_str(&r.try_get::<String, _>("settings")?).map_err(internal)?,
            ))
        })
        .collect()
}

/// A publication's rows as stored, in rank order (then by name).
pub async fn published_rows(
    conn: &mut AnyConnection,
    publication: Uuid,
) -> Result<Vec<PublishedRow>, ApiError> {
    let rows = sqlx::query(
        "SELECT r.unit_id, u.name, r.rank, r.survey_cp, r.inspection_cp, r.inspection_overridden, r.total_cp, \
         r.commended, r.criticised, r.last_three_years, r.is_last, r.tally \
         FROM scoring_published_rows r JOIN units u ON u.id = r.unit_id \
         WHERE r.publication_id = $1 ORDER BY r.rank, u.name",
    )
    .bind(publication.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let flag = |c: &str| -> Result<bool, ApiError> { Ok(r.try_get::<i64, _>(c)? == 1) };
            let tally: InspectionTally =
                serde_json::from_str(&r.try_get::<String, _>("tally")?).map_err(internal)?;
            Ok(PublishedRow {
                unit: UnitRef {
                    id: uid(r.try_get("unit_id")?)?,
                    name: r.try_get("name")?,
                },
                rank: u32::try_from(r.try_get::<i64, _>("rank")?).map_err(internal)?,
                survey_cp: r.try_get("survey_cp")?,
                inspection_cp: r.try_get("inspection_cp")?,
                inspection_overridden: flag("inspection_overridden")?,
                total_cp: r.try_get("total_cp")?,
                commended: flag("commended")?,
                criticised: flag("criticised")?,
                last_three_years: flag("last_three_years")?,
                last: flag("is_last")?,
                tally,
            })
        })
        .collect()
}

/// A year's published ranking as it stands (its latest publication), if it was published:
/// what the year-end 通报 is written from.
pub async fn published_ranking(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Option<PublishedRanking>, ApiError> {
    let Some(campaign) = crate::campaigns::store::find(conn, year).await? else {
        return Ok(None);
    };
    let Some((publication, note, settings)) = publications(conn, campaign.id).await?.pop() else {
        return Ok(None);
    };
    let rows = published_rows(conn, publication.id).await?;
    Ok(Some(PublishedRanking {
        year,
        publication,
        note,
        settings,
        rows,
    }))
}

/// Who was last in a year's published ranking: `Some(last)` for each unit in it.
pub async fn last_of_year(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<BTreeMap<UnitId, bool>, ApiError> {
    Ok(published_ranking(conn, year)
        .await?
        .map(|p| p.rows.iter().map(|r| (r.unit.id, r.last)).collect())
        .unwrap_or_default())
}
