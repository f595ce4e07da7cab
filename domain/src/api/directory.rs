//! The unit directory's wire types: a unit's full record as the office keeps it (with its
//! contacts), the office's edit of one, and the spreadsheet the units send in — its columns,
//! and the report of an import's dry run and confirmation, row by row.

use super::UnitView;
use crate::ids::UnitId;
use crate::unit::{GeoPoint, RecordError, UnitContacts, UnitKind};
use serde::{Deserialize, Serialize};

/// The largest spreadsheet an import accepts, in bytes.
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most units one spreadsheet may hold (a district has a few hundred).
pub const IMPORT_MAX_ROWS: usize = 5000;
/// The query parameter of the export that picks the format (`xlsx`, the default, or `csv`).
pub const EXPORT_FORMAT_PARAM: &str = "format";
/// The query parameter of a confirmation that carries the dry run's `token`.
pub const IMPORT_TOKEN_PARAM: &str = "token";

/// A unit with everything the office keeps about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRecord {
    pub unit: UnitView,
    pub contacts: UnitContacts,
}

/// `PATCH` a unit's record; fields left out stay as they are. Moving a unit to another parent
/// or changing its kind is not an edit (the tree decides whose findings a head sees).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitEdit {
    /// A new name: the unit keeps its id, and so the history of its findings.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// A new position (WGS-84).
    #[serde(default)]
    pub position: Option<GeoPoint>,
    /// Removes the position (ignored when `position` is given).
    #[serde(default)]
    pub clear_position: bool,
    #[serde(default)]
    pub head_name: Option<String>,
    #[serde(default)]
    pub head_phone: Option<String>,
    #[serde(default)]
    pub liaison_name: Option<String>,
    #[serde(default)]
    pub liaison_phone: Option<String>,
    #[serde(default)]
    pub leading_office: Option<String>,
}

/// `POST` to merge a unit into another (`paths::office_unit_merge`). Both must be top-level, or
/// both below one: a station is not merged into a department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitMerge {
    /// The surviving unit.
    pub into: UnitId,
    /// Why, e.g. the reorganisation's document; kept on the audit chain.
    pub reason: String,
}

/// A column of the directory's spreadsheet template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SheetColumn {
    Name,
    /// The parent's name, or its path (`上级/单位`) when the name alone is ambiguous; empty for
    /// a department, an industry or the service centre.
    Parent,
    Kind,
    Address,
    Lat,
    Lon,
    HeadName,
    HeadPhone,
    LiaisonName,
    LiaisonPhone,
    LeadingOffice,
    /// The unit's id, as exports write it: a row that carries one updates (and may rename)
    /// that very unit.
    Id,
}

impl SheetColumn {
    /// The template's columns, in order.
    pub const ALL: [SheetColumn; 12] = [
        SheetColumn::Name,
        SheetColumn::Parent,
        SheetColumn::Kind,
        SheetColumn::Address,
        SheetColumn::Lat,
        SheetColumn::Lon,
        SheetColumn::HeadName,
        SheetColumn::HeadPhone,
        SheetColumn::LiaisonName,
        SheetColumn::LiaisonPhone,
        SheetColumn::LeadingOffice,
        SheetColumn::Id,
    ];

    /// The columns a spreadsheet must have; the others may be left out, and a left-out column
    /// leaves that field of existing units as it is.
    pub const REQUIRED: [SheetColumn; 4] = [
        SheetColumn::Name,
        SheetColumn::Parent,
        SheetColumn::Kind,
        SheetColumn::Address,
    ];

    /// The column's heading in the template.
    pub fn header_zh(self) -> &'static str {
        match self {
            SheetColumn::Name => "单位名称",
            SheetColumn::Parent => "上级单位",
            SheetColumn::Kind => "类型",
            SheetColumn::Address => "地址",
            SheetColumn::Lat => "纬度",
            SheetColumn::Lon => "经度",
            SheetColumn::HeadName => "负责人",
            SheetColumn::HeadPhone => "负责人电话",
            SheetColumn::LiaisonName => "联络员",
            SheetColumn::LiaisonPhone => "联络员电话",
            SheetColumn::LeadingOffice => "领导小组办公室",
            SheetColumn::Id => "单位编号",
        }
    }

    /// The column with this heading (surrounding space and a mark of a required column, `*`,
    /// ignored).
    pub fn from_header(text: &str) -> Option<SheetColumn> {
        let text = text.trim().trim_end_matches(['*', '＊']).trim_end();
        SheetColumn::ALL.into_iter().find(|c| c.header_zh() == text)
    }
}

/// A field of a unit that an import may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitField {
    Name,
    Kind,
    Address,
    Position,
    HeadName,
    HeadPhone,
    LiaisonName,
    LiaisonPhone,
    LeadingOffice,
}

impl UnitField {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitField::Name => "name",
            UnitField::Kind => "kind",
            UnitField::Address => "address",
            UnitField::Position => "position",
            UnitField::HeadName => "head_name",
            UnitField::HeadPhone => "head_phone",
            UnitField::LiaisonName => "liaison_name",
            UnitField::LiaisonPhone => "liaison_phone",
            UnitField::LeadingOffice => "leading_office",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitField::Name => "单位名称",
            UnitField::Kind => "类型",
            UnitField::Address => "地址",
            UnitField::Position => "位置",
            UnitField::HeadName => "负责人",
            UnitField::HeadPhone => "负责人电话",
            UnitField::LiaisonName => "联络员",
            UnitField::LiaisonPhone => "联络员电话",
            UnitField::LeadingOffice => "领导小组办公室",
        }
    }
}

/// The format of an imported or exported spreadsheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SheetFormat {
    Xlsx,
    /// Comma-separated, UTF-8 (with or without a byte-order mark) or GB18030 as Excel saves it
    /// on a Chinese system; exports are UTF-8 with a byte-order mark.
    Csv,
}

/// What an import does with a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    /// The row has an error; while any row has one, nothing is imported.
    Error,
}

/// One field an update changes, as the spreadsheet shows it (a position as `lat, lon`, a kind
/// by its label, an empty string for nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: UnitField,
    pub old: String,
    pub new: String,
}

/// One row of the spreadsheet and what the import does with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowPlan {
    /// The row's number in the spreadsheet (the heading is usually row 1).
    pub line: u32,
    pub name: String,
    pub parent: String,
    /// The unit the row updates; for a created unit, set once the import is applied.
    pub unit_id: Option<UnitId>,
    pub action: RowAction,
    /// For an update, each changed field.
    pub changes: Vec<FieldChange>,
    /// For an error row, what is wrong with it.
    pub errors: Vec<RowProblem>,
}

/// What is wrong with one row of an imported spreadsheet, with what the app needs to word it
/// (the row's number is beside it, in `RowError` and `RowPlan`). Cells are quoted as the file
/// has them, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum RowProblem {
    /// A field of the unit's record (its name, parent cell, address or a contact), named by
    /// its column.
    Record(RecordError),
    /// The 类型 cell is empty.
    MissingKind,
    /// The 类型 cell names no kind (the app lists `UnitKind::ALL`).
    UnknownKind { given: String },
    /// The 地址 cell is empty.
    MissingAddress,
    /// One of 纬度 and 经度 is filled in and the other is not.
    HalfPosition,
    /// A coordinate cell (`Lat` or `Lon`) is not a number.
    NotANumber { column: SheetColumn, given: String },
    /// The coordinates are outside WGS-84's range; `swapped` when they would fit the other
    /// way round.
    PositionOutOfRange {
        lat: String,
        lon: String,
        swapped: bool,
    },
    /// The 单位编号 cell is an id, but of no unit of the directory.
    UnknownId { given: String },
    /// The 单位编号 cell is not an id.
    BadId { given: String },
    /// A top-level kind (department, industry, service centre) with a 上级单位.
    TopLevelHasParent { kind: UnitKind },
    /// Any other kind without one.
    NeedsParent { kind: UnitKind },
    /// The rows' parents go round in a circle.
    ParentLoop,
    /// The parent is a row of the file, and that row (number `line`) has errors.
    ParentRowHasErrors { parent: String, line: u32 },
    /// No unit of the directory or row of the file has this name or path.
    ParentNotFound { parent: String },
    /// `count` units have this name: write it as a path.
    ParentAmbiguous { parent: String, count: u32 },
    /// A path with an empty part (`区建设局//窗口`).
    ParentPathEmptyPart { parent: String },
    /// `count` units lie at the end of this path: write a longer one.
    ParentPathAmbiguous { parent: String, count: u32 },
    /// The row names an existing unit under another parent; an import does not move units.
    /// `parent` is the unit's present parent, `None` for a top-level unit.
    MovesUnit {
        name: String,
        parent: Option<String>,
    },
    /// Row `line` is already about the same unit.
    SameUnitAs { line: u32 },
    /// A unit no row touches already has this name under the same parent.
    NameTaken { name: String, unit_id: UnitId },
    /// Row `line` gives a unit of the same name under the same parent.
    SameNameAs { line: u32 },
}

impl From<RecordError> for RowProblem {
    fn from(e: RecordError) -> Self {
        RowProblem::Record(e)
    }
}

/// A problem of one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    pub line: u32,
    pub problem: RowProblem,
}

/// The answer to an import: its dry run, or its confirmation (`applied`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub format: SheetFormat,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub file_sha256: String,
    /// Every non-empty row below the heading, in file order.
    pub rows: Vec<RowPlan>,
    /// Every row's errors, in file order; an import happens only when this is empty.
    pub errors: Vec<RowError>,
    pub creates: u32,
    pub updates: u32,
    pub unchanged: u32,
    /// Names this plan for this file against the directory as it was read. A confirmation
    /// that passes it is refused (409) if the directory has changed the plan since.
    pub token: String,
    /// Whether the rows were written (only ever by a confirmation, all in one transaction).
    pub applied: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A row's problem goes over the wire as a reason with its parameters, no words, and
    /// comes back the same.
    #[test]
    fn row_problems_are_typed_on_the_wire() {
        let cases = [
            (
                RowError {
                    line: 3,
                    problem: RowProblem::MissingAddress,
                },
                json!({"line": 3, "problem": {"reason": "missing_address"}}),
            ),
            (
                RowError {
                    line: 6,
                    problem: RowProblem::UnknownKind {
                        given: "柜台".into(),
                    },
                },
                json!({"line": 6, "problem": {"reason": "unknown_kind", "detail": {"given": "柜台"}}}),
            ),
            (
                RowError {
                    line: 8,
                    problem: RowProblem::Record(RecordError::TooLong {
                        field: SheetColumn::Address,
                        max: 200,
                    }),
                },
                json!({"line": 8, "problem": {"reason": "record", "detail":
                    {"reason": "too_long", "detail": {"field": "address", "max": 200}}}}),
            ),
            (
                RowError {
                    line: 9,
                    problem: RowProblem::MovesUnit {
                        name: "质监站".into(),
                        parent: None,
                    },
                },
                json!({"line": 9, "problem": {"reason": "moves_unit", "detail":
                    {"name": "质监站", "parent": null}}}),
            ),
        ];
        for (error, wire) in cases {
            assert_eq!(serde_json::to_value(&error).unwrap(), wire);
            assert_eq!(serde_json::from_value::<RowError>(wire).unwrap(), error);
        }
    }
}
