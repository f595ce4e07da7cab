//! The office's map: visits and findings where they happened, the units where they are, and
//! the base map's tile source. Office only — a unit never sees covert visits or where monitors
//! were. Positions are WGS-84 as stored; the page converts them for a GCJ-02 base map.

use super::UnitRef;
use crate::campaign::StageKind;
use crate::followup::CaseState;
use crate::geo::CoordSystem;
use crate::ids::{CaseId, UnitId, UserId, VisitId};
use crate::unit::GeoPoint;
use crate::visit::{Severity, VisitMode};
use serde::{Deserialize, Serialize};
use time::Date;

/// The filters of `GET /api/v1/office/map`, as query parameters; each left out means all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct MapQuery {
    /// The campaign year the visit's day (China Standard Time) falls in.
    pub year: Option<i32>,
    /// A stage of that year (needs `year`).
    pub stage: Option<StageKind>,
    /// Findings in this state, and visits with such a finding.
    pub status: Option<CaseState>,
    /// Findings under this criterion code, and visits with such a finding.
    pub criterion: Option<String>,
    /// Visits by this monitor and the findings they reported.
    pub monitor: Option<UserId>,
}

/// Longest criterion code a map filter names.
pub const MAX_CRITERION_FILTER: usize = 64;

impl MapQuery {
    /// Checks the filters' ranges at the edge: the year among the campaign years, the
    /// criterion code of a sane length.
    pub fn check(&self) -> Result<(), crate::refusal::InputRefusal> {
        if let Some(y) = self.year {
            crate::campaign::check_year(i64::from(y))?;
        }
        if self
            .criterion
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_CRITERION_FILTER)
        {
            return Err(crate::refusal::InputRefusal::TextTooLong {
                field: crate::refusal::input::TextField::Criterion,
                max: MAX_CRITERION_FILTER,
            });
        }
        Ok(())
    }

    /// The query string (with its `?`, or empty), in the parameters' fixed order.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(y) = self.year {
            parts.push(format!("year={y}"));
        }
        if let Some(s) = self.stage {
            parts.push(format!("stage={}", s.as_str()));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.as_str()));
        }
        if let Some(c) = &self.criterion {
            let enc: String = c
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            parts.push(format!("criterion={enc}"));
        }
        if let Some(m) = self.monitor {
            parts.push(format!("monitor={m}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A visit on the map: the current revision of it, where the phone recorded it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapVisit {
    pub id: VisitId,
    pub unit: UnitRef,
    pub monitor: MapMonitor,
    pub mode: VisitMode,
    /// The visit's day (device start in China Standard Time, never after its receipt).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// WGS-84, as recorded.
    pub at: GeoPoint,
    pub findings: u32,
}

/// A finding on the map: at its visit's recorded position, or at its unit's when the visit
/// has none (`at_unit`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapFinding {
    pub id: CaseId,
    pub unit: UnitRef,
    pub state: CaseState,
    pub criterion: String,
    pub severity: Severity,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub seen_on: Date,
    pub at: GeoPoint,
    pub at_unit: bool,
}

/// A unit with its registered position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapUnit {
    pub id: UnitId,
    pub name: String,
    pub at: GeoPoint,
}

/// A monitor, for the card and the filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapMonitor {
    pub id: UserId,
    pub name: String,
}

/// Points gathered into one cell when there are too many to send one by one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapCluster {
    /// The mean position of what it holds (WGS-84).
    pub at: GeoPoint,
    pub visits: u32,
    pub findings: u32,
    /// Of its findings, those still open.
    pub open_findings: u32,
}

/// What the filters may choose from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapOptions {
    pub years: Vec<i32>,
    /// Criterion codes found among the findings, with the year's name where one is known.
    pub criteria: Vec<MapCriterion>,
    /// Monitors who have visits.
    pub monitors: Vec<MapMonitor>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapCriterion {
    pub code: String,
    pub name: String,
}

/// The office's map: at most `MAP_POINT_LIMIT` visits and findings one by one; beyond that
/// they come gathered in `clusters` (and `visits`/`findings` are empty), with the totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeMap {
    pub visits: Vec<MapVisit>,
    pub findings: Vec<MapFinding>,
    pub clusters: Vec<MapCluster>,
    pub units: Vec<MapUnit>,
    /// How many visits and findings matched, drawn one by one or not.
    pub visit_total: u32,
    pub finding_total: u32,
    /// Matching visits recorded without a position (not drawn).
    pub visits_without_position: u32,
    /// Matching findings with no position at all (neither the visit's nor the unit's).
    pub findings_without_position: u32,
    pub options: MapOptions,
    pub tiles: Option<TileSource>,
}

/// How many visits and findings the map sends one by one before it gathers them.
pub const MAP_POINT_LIMIT: usize = 2000;

/// A base map: a tile URL template (`{z}`, `{x}`, `{y}`, optionally `{s}`), the coordinate
/// system its tiles are drawn in, and the attribution its licence asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TileSource {
    pub url_template: String,
    pub coords: CoordSystem,
    pub attribution: String,
}

/// The office sets the tile source, or clears it (`source: null`: no base map, as on a closed
/// network).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TileSettings {
    pub source: Option<TileSource>,
}
