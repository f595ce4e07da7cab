//! Input outside the bounds the system accepts: every text has a length limit, every date and
//! number a range, every spreadsheet and image a size, checked at the edge before any work.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

/// A text field with a length limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    MilestoneText,
    /// A criterion code given as a filter.
    Criterion,
    /// The base map's tile URL template.
    TileUrl,
    /// The base map's attribution.
    TileAttribution,
}

/// What is wrong with a base map's tile URL template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TileProblem {
    /// It does not start with `http://` or `https://`.
    Scheme,
    /// It lacks one of `{z}`, `{x}` and `{y}`.
    Placeholders,
    /// It holds spaces, quotes or angle brackets.
    Characters,
}

/// Why an uploaded spreadsheet cannot be read (the directory's or the survey results').
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SheetProblem {
    /// The file is empty.
    Empty,
    /// An old Excel (.xls) file: save it as .xlsx or CSV.
    OldExcel,
    /// UTF-16 text (Excel's "Unicode text"): save it as CSV or .xlsx.
    Utf16Text,
    /// Neither xlsx nor CSV in UTF-8 or GB18030.
    NotASpreadsheet,
    /// A damaged or password-protected xlsx.
    DamagedXlsx,
    /// An xlsx without a worksheet.
    NoWorksheet,
    /// A sheet without a data row.
    NoDataRows,
}

/// Why an uploaded photo cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImageProblem {
    /// Not JPEG, PNG or WebP.
    NotAPhotoFormat,
    /// A JPEG without its end-of-image marker (a half-received photo).
    CutOff,
    /// The bytes do not decode.
    Unreadable,
}

/// Why an input is out of bounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum InputRefusal {
    #[error("{field:?} is longer than {max} characters")]
    TextTooLong { field: TextField, max: usize },
    /// A year (a path or query parameter) outside the years the system keeps.
    #[error("the year {year} is outside {min}..={max}")]
    YearOutOfRange { year: i64, min: i32, max: i32 },
    /// A spreadsheet the server does not read, and why.
    #[error("the spreadsheet cannot be read: {problem:?}")]
    SheetUnreadable { problem: SheetProblem },
    /// A CSV line that cannot be read (quotes not in pairs).
    #[error("CSV line {line} cannot be read")]
    CsvLine { line: u64 },
    /// A cell outside the first `max_rows` rows and `max_columns` columns, or more than
    /// `max_cells` cells: refused before any grid is built.
    #[error(
        "the sheet uses more than {max_rows} rows × {max_columns} columns or {max_cells} cells"
    )]
    SheetTooLarge {
        max_rows: u32,
        max_columns: u32,
        max_cells: u64,
    },
    /// More non-empty rows than an import takes.
    #[error("more than {max_rows} rows")]
    TooManyRows { max_rows: u32 },
    /// An xlsx whose parts unpack to more than `max_bytes` (a zip bomb, or not a directory).
    #[error("the xlsx unpacks to more than {max_bytes} bytes")]
    SheetUnpackedTooLarge { max_bytes: u64 },
    /// The heading row lacks the columns named.
    #[error("heading row {line} lacks the columns {columns:?}")]
    MissingColumns { line: u32, columns: Vec<String> },
    /// Rows with errors (the report lists each); nothing was written.
    #[error("{count} rows have errors (first lines {lines:?}); nothing was written")]
    RowErrors { count: usize, lines: Vec<u32> },
    /// A photo whose decoded pixels would take more than `max_decoded_bytes` (width × height ×
    /// bytes per pixel), or with a side over `max_side`: refused from its header.
    #[error("a {width}×{height} image at {bytes_per_pixel} bytes a pixel is larger than we decode ({max_side} px a side, {max_decoded_bytes} bytes)")]
    ImageTooLarge {
        width: u32,
        height: u32,
        bytes_per_pixel: u16,
        max_side: u32,
        max_decoded_bytes: u64,
    },
    /// A photo that is not one we take, or cannot be read.
    #[error("not a photo we take: {problem:?}")]
    Image { problem: ImageProblem },
    /// A base map's tile URL template that cannot be used.
    #[error("the tile URL template is not usable: {problem:?}")]
    TileTemplate { problem: TileProblem },
}

impl InputRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            InputRefusal::YearOutOfRange { .. } => ErrorCode::BadRequest,
            InputRefusal::Image {
                problem: ImageProblem::NotAPhotoFormat,
            } => ErrorCode::UnsupportedMediaType,
            InputRefusal::TextTooLong { .. }
            | InputRefusal::SheetUnreadable { .. }
            | InputRefusal::CsvLine { .. }
            | InputRefusal::SheetTooLarge { .. }
            | InputRefusal::TooManyRows { .. }
            | InputRefusal::SheetUnpackedTooLarge { .. }
            | InputRefusal::MissingColumns { .. }
            | InputRefusal::RowErrors { .. }
            | InputRefusal::ImageTooLarge { .. }
            | InputRefusal::Image { .. }
            | InputRefusal::TileTemplate { .. } => ErrorCode::Unprocessable,
        }
    }
}
