//! The unit directory (被评议部门和行业): departments and industries, the district
//! administrative service centre, and the stations, offices, schools, hospitals and service
//! windows under them, as a tree; each unit's kind (with its name in the spreadsheets the
//! units send in), position and contacts, and the checks on a unit's record.

use crate::api::SheetColumn;
use crate::criteria::CriteriaSetKind;
use geo_types::Point;
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

impl UnitKind {
    /// The kind's name in the directory's spreadsheet and on screen.
    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::Department => "部门",
            UnitKind::Industry => "行业",
            UnitKind::ServiceCentre => "行政服务中心",
            UnitKind::Station => "基层站所",
            UnitKind::Office => "办事处",
            UnitKind::School => "学校",
            UnitKind::Hospital => "医院",
            UnitKind::Window => "服务窗口",
        }
    }

    /// Reads a kind as people write it in a spreadsheet: the label, a common other name
    /// (站所, 科室, 窗口, 卫生院 …) or the wire name, ignoring surrounding space and case.
    pub fn from_label(text: &str) -> Option<UnitKind> {
        let text = text.trim();
        if let Some(k) = UnitKind::ALL.into_iter().find(|k| k.label_zh() == text) {
            return Some(k);
        }
        let alias = match text {
            "区行政服务中心" | "服务中心" | "政务服务中心" => {
                UnitKind::ServiceCentre
            }
            "站所" | "基层站" | "基层所" | "站" | "所" | "基层站、所" => {
                UnitKind::Station
            }
            "科室" | "办事机构" | "办事处/科室" => UnitKind::Office,
            "中小学" | "学校/幼儿园" => UnitKind::School,
            "卫生院" | "医疗机构" | "卫生服务机构" | "医疗卫生服务机构" => {
                UnitKind::Hospital
            }
            "窗口" | "办事窗口" => UnitKind::Window,
            other => return other.to_ascii_lowercase().parse().ok(),
        };
        Some(alias)
    }
}

/// Who answers for a unit: its head (负责人) and liaison (联络员) with their phones, and the
/// office of its leading group for the appraisal (领导小组办公室), written as people write it
/// (a name, a phone, or both). Contacts of units are not secret; the office keeps them and the
/// unit sees its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitContacts {
    #[serde(default)]
    pub head_name: String,
    #[serde(default)]
    pub head_phone: String,
    #[serde(default)]
    pub liaison_name: String,
    #[serde(default)]
    pub liaison_phone: String,
    #[serde(default)]
    pub leading_office: String,
}

/// The longest unit name, person's name and address kept.
pub const UNIT_NAME_MAX_CHARS: usize = 100;
pub const PERSON_NAME_MAX_CHARS: usize = 50;
pub const ADDRESS_MAX_CHARS: usize = 200;
/// The longest phone entry (two numbers with an extension fit).
pub const PHONE_MAX_CHARS: usize = 40;
/// The longest leading group's office entry.
pub const LEADING_OFFICE_MAX_CHARS: usize = 200;

/// What is wrong with a field of a unit's record, the field named by its spreadsheet column.
/// `Display` is for logs (in the template's Chinese headings); the app words the typed value
/// itself, in a refusal or in an import's `RowProblem`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum RecordError {
    #[error("缺少单位名称")]
    MissingName,
    #[error("{}超过 {max} 个字", .field.header_zh())]
    TooLong { field: SheetColumn, max: usize },
    #[error("{}含有控制字符", .field.header_zh())]
    ControlCharacter { field: SheetColumn },
    #[error("{}“{value}”不像电话号码（只能有数字、空格、+-()/、和“转”）", .field.header_zh())]
    Phone { field: SheetColumn, value: String },
}

/// Checks a text field: at most `max` characters and no control characters.
pub fn check_text(field: SheetColumn, value: &str, max: usize) -> Result<(), RecordError> {
    if value.chars().count() > max {
        return Err(RecordError::TooLong { field, max });
    }
    if value.chars().any(char::is_control) {
        return Err(RecordError::ControlCharacter { field });
    }
    Ok(())
}

/// Checks a unit's name: present, not too long, one line.
pub fn check_unit_name(name: &str) -> Result<(), RecordError> {
    if name.trim().is_empty() {
        return Err(RecordError::MissingName);
    }
    check_text(SheetColumn::Name, name, UNIT_NAME_MAX_CHARS)
}

/// Full-width ASCII characters (`１３８`, `－`, `（`) and the ideographic space as their plain
/// forms, as a Chinese input method may type them into a phone or a number.
pub fn to_half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// A phone entry as it is kept: half-width, without surrounding space.
pub fn tidy_phone(text: &str) -> String {
    to_half_width(text).trim().to_owned()
}

/// Checks a phone entry: empty, or digits with the separators people write (`0571-8765 4321`,
/// `+86 138…`, `(0571)…`, `…转 802`, two numbers split by `/` or `、`), at least one digit.
pub fn check_phone(field: SheetColumn, value: &str) -> Result<(), RecordError> {
    check_text(field, value, PHONE_MAX_CHARS)?;
    let allowed = |c: char| c.is_ascii_digit() || " +-()（）/、,，转".contains(c);
    if value.is_empty() || (value.chars().all(allowed) && value.chars().any(|c| c.is_ascii_digit()))
    {
        Ok(())
    } else {
        Err(RecordError::Phone {
            field,
            value: value.to_owned(),
        })
    }
}

impl UnitContacts {
    /// The contacts with surrounding space trimmed from every field.
    pub fn trimmed(&self) -> UnitContacts {
        UnitContacts {
            head_name: self.head_name.trim().to_owned(),
            head_phone: tidy_phone(&self.head_phone),
            liaison_name: self.liaison_name.trim().to_owned(),
            liaison_phone: tidy_phone(&self.liaison_phone),
            leading_office: self.leading_office.trim().to_owned(),
        }
    }

    /// Checks every field; the first problem is returned.
    pub fn check(&self) -> Result<(), RecordError> {
        check_text(
            SheetColumn::HeadName,
            &self.head_name,
            PERSON_NAME_MAX_CHARS,
        )?;
        check_phone(SheetColumn::HeadPhone, &self.head_phone)?;
        check_text(
            SheetColumn::LiaisonName,
            &self.liaison_name,
            PERSON_NAME_MAX_CHARS,
        )?;
        check_phone(SheetColumn::LiaisonPhone, &self.liaison_phone)?;
        check_text(
            SheetColumn::LeadingOffice,
            &self.leading_office,
            LEADING_OFFICE_MAX_CHARS,
        )
    }

    pub fn is_empty(&self) -> bool {
        *self == UnitContacts::default()
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
    /// Parses a geo-types point (x the longitude, y the latitude) at the edge.
    pub fn from_point(p: Point<f64>) -> Result<Self, InvalidPosition> {
        GeoPoint::new(p.y(), p.x())
    }

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
    /// The position as a geo-types point (x the longitude, y the latitude), the type
    /// distances are computed on. The wire format stays `{lat, lon}`.
    pub fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// Great-circle (haversine) distance in metres: how far a visit was recorded from the
    /// unit's registered location, and "nearest to me" on the phone. Exact enough at a
    /// district's scale (well under 0.5 % error).
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        distance_m(self.point(), other.point())
    }
}

impl From<GeoPoint> for Point<f64> {
    fn from(p: GeoPoint) -> Self {
        p.point()
    }
}

/// Great-circle (haversine) distance in metres between two WGS-84 points (x longitude,
/// y latitude, in degrees).
pub fn distance_m(a: Point<f64>, b: Point<f64>) -> f64 {
    let (p1, p2) = (a.y().to_radians(), b.y().to_radians());
    let dp = p2 - p1;
    let dl = (b.x() - a.x()).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
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

    #[test]
    fn kinds_are_read_by_label_alias_and_wire_name() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::from_label(k.label_zh()), Some(k));
            assert_eq!(UnitKind::from_label(&format!(" {} ", k.as_str())), Some(k));
        }
        assert_eq!(UnitKind::from_label("窗口"), Some(UnitKind::Window));
        assert_eq!(UnitKind::from_label("科室"), Some(UnitKind::Office));
        assert_eq!(
            UnitKind::from_label("SERVICE_CENTRE"),
            Some(UnitKind::ServiceCentre)
        );
        assert_eq!(UnitKind::from_label("局"), None);
        assert_eq!(UnitKind::from_label(""), None);
    }

    #[test]
    fn contacts_are_checked() {
        let ok = UnitContacts {
            head_name: "王局长".into(),
            head_phone: "0571-8765 4321转802".into(),
            liaison_name: "李联络".into(),
            liaison_phone: "+86 138 0013 8000 / (0571)88888888".into(),
            leading_office: "行风办，0571-86000000".into(),
        };
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(UnitContacts::default().check(), Ok(()));
        let bad = UnitContacts {
            head_phone: "call me".into(),
            ..ok.clone()
        };
        assert!(matches!(
            bad.check(),
            Err(RecordError::Phone {
                field: SheetColumn::HeadPhone,
                ..
            })
        ));
        let no_digit = UnitContacts {
            liaison_phone: "--".into(),
            ..ok.clone()
        };
        assert!(no_digit.check().is_err());
        let long = UnitContacts {
            head_name: "长".repeat(PERSON_NAME_MAX_CHARS + 1),
            ..ok
        };
        assert_eq!(
            long.check().unwrap_err().to_string(),
            format!("负责人超过 {PERSON_NAME_MAX_CHARS} 个字")
        );
        assert_eq!(check_unit_name("  "), Err(RecordError::MissingName));
        assert_eq!(tidy_phone(" １３８－０００\u{3000}"), "138-000");
        assert_eq!(to_half_width("３０．２７"), "30.27");
        assert!(check_unit_name("区建设局\n").is_err());
    }
}

/// A unit's place in the directory, as the tree functions read it: its parent and the unit it
/// was merged into, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: crate::UnitId,
    pub parent: Option<crate::UnitId>,
    pub merged_into: Option<crate::UnitId>,
}

impl Node {
    /// A directory entry's place in the tree.
    pub fn of(u: &crate::api::UnitView) -> Node {
        Node {
            id: u.id,
            parent: u.parent_id,
            merged_into: u.merged_into,
        }
    }

    /// The tree of a directory.
    pub fn all(units: &[crate::api::UnitView]) -> Vec<Node> {
        units.iter().map(Node::of).collect()
    }
}

/// The one definition of a unit's scope: the unit and everything under it, including the units
/// merged into it and what hangs under those (the surviving unit answers for their findings).
/// Every unit-facing route of the server reads it through its `UnitScope` extractor.
pub fn subtree(nodes: &[Node], root: crate::UnitId) -> std::collections::HashSet<crate::UnitId> {
    let mut inside = std::collections::HashSet::from([root]);
    // A re-parented or merged unit may come before its parent: repeat until nothing joins.
    loop {
        let before = inside.len();
        for n in nodes {
            if [n.parent, n.merged_into]
                .iter()
                .flatten()
                .any(|p| inside.contains(p))
            {
                inside.insert(n.id);
            }
        }
        if inside.len() == before {
            return inside;
        }
    }
}

/// A unit and the units above it, nearest first (a cycle in damaged data stops the walk).
pub fn ancestors(nodes: &[Node], unit: crate::UnitId) -> Vec<crate::UnitId> {
    let mut chain = vec![unit];
    let mut at = nodes.iter().find(|n| n.id == unit).and_then(|n| n.parent);
    while let Some(p) = at {
        if chain.contains(&p) {
            break;
        }
        chain.push(p);
        at = nodes.iter().find(|n| n.id == p).and_then(|n| n.parent);
    }
    chain
}

#[cfg(test)]
mod tree_tests {
    use super::*;
    use crate::UnitId;

    #[test]
    fn a_subtree_follows_children_and_merges_and_ancestors_climb() {
        let [a, b, c, d, e] = [(); 5].map(|_| UnitId::new());
        let nodes = [
            // Listed child before parent, and a unit merged into a station.
            Node {
                id: c,
                parent: Some(b),
                merged_into: None,
            },
            Node {
                id: b,
                parent: Some(a),
                merged_into: None,
            },
            Node {
                id: a,
                parent: None,
                merged_into: None,
            },
            Node {
                id: d,
                parent: None,
                merged_into: Some(b),
            },
            Node {
                id: e,
                parent: Some(d),
                merged_into: None,
            },
        ];
        assert_eq!(subtree(&nodes, a), [a, b, c, d, e].into_iter().collect());
        assert_eq!(subtree(&nodes, b), [b, c, d, e].into_iter().collect());
        assert_eq!(subtree(&nodes, c), [c].into_iter().collect());
        assert_eq!(ancestors(&nodes, c), vec![c, b, a]);
        assert_eq!(ancestors(&nodes, a), vec![a]);
        // A cycle ends the walk instead of looping.
        let looped = [
            Node {
                id: a,
                parent: Some(b),
                merged_into: None,
            },
            Node {
                id: b,
                parent: Some(a),
                merged_into: None,
            },
        ];
        assert_eq!(ancestors(&looped, a), vec![a, b]);
    }
}
