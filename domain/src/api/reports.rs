//! The spreadsheets' wire types (报表导出): which report, in which format, and the export job
//! a request starts. A large export runs as a job the client polls for its progress (rows
//! done of the total) and then downloads, so no request waits for the whole file.

use crate::ids::{UnitId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which spreadsheet the office asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 明查暗访登记表: one row per finding (and per visit that found nothing), for the
    /// district, one monitor or one unit's subtree.
    Registration,
    /// 汇总: findings by unit, criterion, status and month.
    Summary,
    /// 明查暗访任务台账: the quota ledger of the year.
    Ledger,
    /// 自查自纠登记表: the self-inspection registers of the year.
    Register,
}

/// xlsx, or CSV (UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    #[default]
    Xlsx,
    Csv,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Csv => "csv",
        }
    }
}

/// The office's request for a spreadsheet of a year. `monitor` narrows the registration form
/// to one monitor's visits; `unit` narrows the registration form and the register to a unit
/// and its stations. Neither: the whole district.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRequest {
    pub kind: ReportKind,
    #[serde(default)]
    pub format: ReportFormat,
    pub year: i32,
    #[serde(default)]
    pub monitor: Option<UserId>,
    #[serde(default)]
    pub unit: Option<UnitId>,
}

/// A unit head's request for the registration form of its own findings (and its stations').
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitReportRequest {
    #[serde(default)]
    pub format: ReportFormat,
    pub year: i32,
}

/// Where an export job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Running,
    Done,
    Failed,
}

/// An export job: its progress, and once done the file to download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportJob {
    /// Random (v4); only the user who started the job can reach it.
    pub id: Uuid,
    pub state: ReportState,
    /// Rows written so far, of `total`.
    pub done: u64,
    pub total: u64,
    /// The file's name (Chinese), for the download.
    pub filename: String,
}
