//! The unit directory (被评议部门和行业): departments and industries, the district
//! administrative service centre, and the stations, offices, schools, hospitals and service
//! windows under them, as a tree.

use crate::criteria::CriteriaSetKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of unit a directory entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 部门: a government department (top level).
    Department,
    /// 行业: an industry or public-service sector (top level).
    Industry,
    /// 区行政服务中心 (top level).
    ServiceCentre,
    /// 基层站、所
    Station,
    /// 办事处 / 科室
    Office,
    /// 学校
    School,
    /// 医院 / 卫生服务机构
    Hospital,
    /// 服务窗口
    Window,
}

impl UnitKind {
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Department,
        UnitKind::Industry,
        UnitKind::ServiceCentre,
        UnitKind::Station,
        UnitKind::Office,
        UnitKind::School,
        UnitKind::Hospital,
        UnitKind::Window,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Department => "department",
            UnitKind::Industry => "industry",
            UnitKind::ServiceCentre => "service_centre",
            UnitKind::Station => "station",
            UnitKind::Office => "office",
            UnitKind::School => "school",
            UnitKind::Hospital => "hospital",
            UnitKind::Window => "window",
        }
    }

    /// Whether a unit of this kind stands at the top of the tree (has no parent).
    pub fn is_top_level(self) -> bool {
        matches!(
            self,
            UnitKind::Department | UnitKind::Industry | UnitKind::ServiceCentre
        )
    }

    /// The criteria set of a top-level kind. The service centre is a government body and is
    /// appraised on the departments' items. Sub-units follow their top-level unit, so this is
    /// `None` for them.
    pub fn criteria_set(self) -> Option<CriteriaSetKind> {
        match self {
            UnitKind::Department | UnitKind::ServiceCentre => Some(CriteriaSetKind::Department),
            UnitKind::Industry => Some(CriteriaSetKind::Industry),
            _ => None,
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit kind name that is not one of ours.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown unit kind {0:?}")]
pub struct UnknownUnitKind(pub String);

impl FromStr for UnitKind {
    type Err = UnknownUnitKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownUnitKind(s.to_owned()))
    }
}

/// A WGS-84 position, as the Geolocation API and GPS give it. Chinese base maps use GCJ-02;
/// conversion happens only for display, never in storage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// A position outside the valid WGS-84 range.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("position out of range: lat {lat}, lon {lon}")]
pub struct InvalidPosition {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Parses a position at the edge: latitude in [-90, 90], longitude in [-180, 180], finite.
    pub fn new(lat: f64, lon: f64) -> Result<Self, InvalidPosition> {
        if lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            Ok(GeoPoint { lat, lon })
        } else {
            Err(InvalidPosition { lat, lon })
        }
    }
}

/// The mean Earth radius used for distances, in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl GeoPoint {
    /// Great-circle (haversine) distance in metres: how far a visit was recorded from the
    /// unit's registered location, and "nearest to me" on the phone. Exact enough at a
    /// district's scale (well under 0.5 % error).
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_top_levels_have_criteria() {
        for k in UnitKind::ALL {
            assert_eq!(k.as_str().parse::<UnitKind>().unwrap(), k);
            assert_eq!(k.is_top_level(), k.criteria_set().is_some(), "{k}");
        }
        assert_eq!(
            UnitKind::Industry.criteria_set(),
            Some(CriteriaSetKind::Industry)
        );
        assert!("ministry".parse::<UnitKind>().is_err());
    }

    #[test]
    fn haversine_distances_match_known_values() {
        let a = GeoPoint::new(30.2741, 120.1551).unwrap();
        assert_eq!(a.distance_m(a), 0.0);
        // One degree of latitude is about 111.2 km everywhere.
        let north = GeoPoint::new(31.2741, 120.1551).unwrap();
        assert!(
            (a.distance_m(north) - 111_195.0).abs() < 50.0,
            "{}",
            a.distance_m(north)
        );
        // Beijing to Shanghai, about 1067 km.
        let beijing = GeoPoint::new(39.9042, 116.4074).unwrap();
        let shanghai = GeoPoint::new(31.2304, 121.4737).unwrap();
        let d = beijing.distance_m(shanghai);
        assert!((1_060_000.0..1_075_000.0).contains(&d), "{d}");
        assert!((d - shanghai.distance_m(beijing)).abs() < 1e-6);
    }

    #[test]
    fn positions_are_checked_at_the_edge() {
        assert!(GeoPoint::new(30.27, 120.15).is_ok());
        assert!(GeoPoint::new(91.0, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
    }
}
