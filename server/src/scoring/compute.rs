//! A year's ranking from its inputs: which units are ranked, their findings counted for the
//! inspection part, and the rows the office sees and publishes. The arithmetic is the domain's
//! (`chafang_domain::scoring`); this module only gathers.

use super::store::Inputs;
use crate::error::{internal, ApiError};
use crate::units;
use chafang_domain::api::{
    InspectionOverride, PublishedRow, ScoringRow, SurveyView, UnitRef, UnitView,
};
use chafang_domain::scoring::{
    self, deduction_cp, inspection_cp, Entry, InspectionTally, ScoringSettings, Tally,
};
use chafang_domain::UnitId;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap};

/// The top-level unit a unit belongs to, following a merged top-level unit to its survivor.
fn top_of(all: &HashMap<UnitId, &UnitView>, mut id: UnitId) -> UnitId {
    for _ in 0..64 {
        let Some(u) = all.get(&id) else { return id };
        match (u.parent_id, u.merged_into) {
            (Some(p), _) => id = p,
            (None, Some(m)) => id = m,
            (None, None) => return id,
        }
    }
    id
}

/// The units ranked in a year: its key units if it lists any, else every top-level unit that
/// was not merged into another; in the directory's order.
pub async fn ranked_units(conn: &mut AnyConnection, year: i32) -> Result<Vec<UnitRef>, ApiError> {
    let key = crate::campaigns::store::find(conn, year)
        .await?
        .map(|c| c.key_units)
        .unwrap_or_default();
    if !key.is_empty() {
        return Ok(key);
    }
    Ok(units::list_all(conn)
        .await?
        .into_iter()
        .filter(|u| u.parent_id.is_none() && u.merged_into.is_none())
        .map(|u| UnitRef {
            id: u.id,
            name: u.name,
        })
        .collect())
}

/// The states of a case released to its unit: the ones that count. Submitted (not reviewed),
/// rejected, merged and superseded cases do not.
const COUNTED: [&str; 6] = [
    "released",
    "acknowledged",
    "answered",
    "rectifying",
    "completion_reported",
    "closed",
];

/// Each top-level unit's counted findings of the year (seen that year, China Standard Time):
/// closed by the deadline (the date the unit committed to, else the answer's due date), closed
/// after it, or open.
pub async fn tallies(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<HashMap<UnitId, InspectionTally>, ApiError> {
    let all = units::list_all(conn).await?;
    let by_id: HashMap<UnitId, &UnitView> = all.iter().map(|u| (u.id, u)).collect();
    let rows = sqlx::query(
        "SELECT unit_id, severity, state, closed_on, answer_due, committed_by FROM cases \
         WHERE seen_on >= $1 AND seen_on <= $2",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<UnitId, InspectionTally> = HashMap::new();
    for r in rows {
        let state: String = r.try_get("state")?;
        if !COUNTED.contains(&state.as_str()) {
            continue;
        }
        let unit: UnitId = r
            .try_get::<String, _>("unit_id")?
            .parse()
            .map_err(internal)?;
        let tally = out.entry(top_of(&by_id, unit)).or_default();
        let severity: String = r.try_get("severity")?;
        let t: &mut Tally = match severity.as_str() {
            "minor" => &mut tally.minor,
            "serious" => &mut tally.serious,
            _ => &mut tally.very_serious,
        };
        if state != "closed" {
            t.open += 1;
            continue;
        }
        let closed: Option<String> = r.try_get("closed_on")?;
        let due: Option<String> = r
            .try_get::<Option<String>, _>("committed_by")?
            .or(r.try_get("answer_due")?);
        // Days are YYYY-MM-DD text: they compare as dates.
        match (closed, due) {
            (Some(c), Some(d)) if c > d => t.late += 1,
            _ => t.in_time += 1,
        }
    }
    Ok(out)
}

/// What decides a year besides its inputs: the counted findings and who was last in each of
/// the two published years before.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub tallies: HashMap<UnitId, InspectionTally>,
    pub last_year: BTreeMap<UnitId, bool>,
    pub year_before: BTreeMap<UnitId, bool>,
    /// The report meetings' weight and ballots, from the chain (`meetings::scoring_source`).
    pub meeting_weight: u32,
    pub meetings: crate::meetings::MeetingCounts,
}

/// The rows of a year: ranked units with a survey in rank order, then those without.
pub fn rows(units: &[UnitRef], inputs: &Inputs, ctx: &Context) -> Vec<ScoringRow> {
    let settings: ScoringSettings = inputs.settings();
    let mut entries = Vec::new();
    let mut rows: HashMap<UnitId, ScoringRow> = HashMap::new();
    for u in units {
        let tally = ctx.tallies.get(&u.id).copied().unwrap_or_default();
        let rule_cp = inspection_cp(&settings.inspection, &tally);
        let over = inputs.override_of(u.id);
        let inspection = over.map_or(rule_cp, |(_, p)| p);
        // An entry made under other levels no longer fits: the unit is unranked until
        // entered again.
        let survey = inputs
            .survey(u.id)
            .filter(|s| s.counts.check(&settings).is_ok());
        let meetings = crate::meetings::source_of(
            ctx.meeting_weight,
            &ctx.meetings,
            u.id,
            settings.satisfaction.len(),
        );
        let survey_points =
            survey.map(|s| scoring::survey_cp_with(&settings, &s.counts, &meetings));
        if let Some(p) = survey_points {
            entries.push(Entry {
                unit: u.id,
                survey_cp: p,
                inspection_cp: inspection,
                open_findings: tally.open(),
            });
        }
        rows.insert(
            u.id,
            ScoringRow {
                unit: u.clone(),
                survey: survey.map(|s| SurveyView {
                    counts: s.counts.clone(),
                    note: s.note.clone(),
                    revision: s.revision,
                    via: s.via.clone(),
                    entered_at_ms: s.entered_at,
                    gross_cp: scoring::survey_gross_cp_with(&settings, &s.counts, &meetings),
                    deduction_cp: deduction_cp(&settings, s.counts.falsified_entries),
                }),
                survey_cp: survey_points,
                tally,
                inspection_rule_cp: rule_cp,
                inspection_override: over.map(|(o, p)| InspectionOverride {
                    points_cp: p,
                    reason: o.reason.clone(),
                    revision: o.revision,
                    entered_at_ms: o.entered_at,
                }),
                inspection_cp: inspection,
                total_cp: None,
                rank: None,
                commended: false,
                criticised: false,
                last_three_years: false,
            },
        );
    }
    let mut out = Vec::with_capacity(units.len());
    for p in scoring::rank(&entries) {
        let Some(mut row) = rows.remove(&p.entry.unit) else {
            continue;
        };
        row.total_cp = Some(p.total_cp);
        row.rank = Some(p.rank);
        row.commended = p.commended;
        row.criticised = p.criticised;
        row.last_three_years = scoring::last_three_running(
            p.last,
            ctx.last_year.get(&p.entry.unit).copied(),
            ctx.year_before.get(&p.entry.unit).copied(),
        );
        out.push(row);
    }
    for u in units {
        if let Some(row) = rows.remove(&u.id) {
            out.push(row);
        }
    }
    out
}

/// The ranked rows as they are published.
pub fn published(rows: &[ScoringRow]) -> Vec<PublishedRow> {
    let worst = rows.iter().filter_map(|r| r.rank).max();
    rows.iter()
        .filter_map(|r| {
            Some(PublishedRow {
                unit: r.unit.clone(),
                rank: r.rank?,
                survey_cp: r.survey_cp?,
                inspection_cp: r.inspection_cp,
                inspection_overridden: r.inspection_override.is_some(),
                total_cp: r.total_cp?,
                commended: r.commended,
                criticised: r.criticised,
                last_three_years: r.last_three_years,
                last: r.rank == worst,
                tally: r.tally,
            })
        })
        .collect()
}

/// Everything the live view needs for a year.
pub async fn context(conn: &mut AnyConnection, year: i32) -> Result<Context, ApiError> {
    let (meeting_weight, meetings) = crate::meetings::scoring_source(conn, year, None).await?;
    Ok(Context {
        tallies: tallies(conn, year).await?,
        last_year: super::store::last_of_year(conn, year - 1).await?,
        year_before: super::store::last_of_year(conn, year - 2).await?,
        meeting_weight,
        meetings,
    })
}
