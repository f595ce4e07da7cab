//! Why a unit of the directory, or the heading of a directory spreadsheet, was refused.

use crate::api::{ErrorCode, SheetColumn};
use crate::refusal::StoreRefusal;
use crate::unit::{RecordError, UnitKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum DirectoryRefusal {
    /// A field of the unit's record, named by its column.
    #[error(transparent)]
    Record(RecordError),
    /// The position is outside WGS-84's range.
    #[error("the position is out of range")]
    BadPosition,
    /// A department, an industry or the service centre has no parent; any other kind needs one.
    #[error("a {kind} {}", if *.top_level { "cannot have a parent" } else { "needs a parent" })]
    Parent { kind: UnitKind, top_level: bool },
    /// Another unit under the same parent has this name.
    #[error("a unit named {name} is already under this parent")]
    NameTaken { name: String },
    /// The spreadsheet has no heading row with the template's columns.
    #[error("no heading row found")]
    NoHeading,
    #[error("the column {column:?} appears twice in the heading")]
    ColumnTwice { column: SheetColumn },
    #[error("the spreadsheet lacks the columns {columns:?}")]
    MissingColumns { columns: Vec<SheetColumn> },
    /// Latitude and longitude come as a pair of columns, or neither.
    #[error("latitude and longitude come together")]
    LatLonPair,
    /// The directory changed after the dry run, so the import would not do what it showed:
    /// run the dry run again.
    #[error("the directory changed after the dry run; run it again")]
    ChangedSinceDryRun,
    /// The database refused the write of row `line` of an import; the whole import was
    /// undone and the directory is as it was.
    #[error("row {line} was refused by the database ({store}); the import was undone")]
    ImportRowRefused { line: u32, store: StoreRefusal },
}

impl DirectoryRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            DirectoryRefusal::NameTaken { .. } | DirectoryRefusal::ChangedSinceDryRun => {
                ErrorCode::Conflict
            }
            DirectoryRefusal::ImportRowRefused { store, .. } => store.code(),
            DirectoryRefusal::Record(_)
            | DirectoryRefusal::BadPosition
            | DirectoryRefusal::Parent { .. }
            | DirectoryRefusal::NoHeading
            | DirectoryRefusal::ColumnTwice { .. }
            | DirectoryRefusal::MissingColumns { .. }
            | DirectoryRefusal::LatLonPair => ErrorCode::Unprocessable,
        }
    }
}

impl From<RecordError> for DirectoryRefusal {
    fn from(e: RecordError) -> Self {
        DirectoryRefusal::Record(e)
    }
}
