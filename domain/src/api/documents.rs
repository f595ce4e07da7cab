//! The official documents' wire types (公文): which kind, the office's request to issue one,
//! and an issued document as the office and the addressed unit list it. An issued document is
//! never changed: issuing again makes a new document with a new number.

use crate::ids::CaseId;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::UnitRef;

/// The kinds of document the office issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 交办单: a finding handed to the unit concerned.
    Assignment,
    /// 整改通知书: a notice to rectify a finding by a deadline.
    RectificationNotice,
    /// 督办函: a reminder of an overdue acknowledgement, answer or commitment.
    Reminder,
    /// 通报: the year's ranking, commendations and criticisms.
    Bulletin,
    /// 问责通知: the step the repeat-offence ladder called for (诫勉谈话, 通报批评, 交流换岗),
    /// addressed to the responsible person's unit; issued only by recording the step.
    Accountability,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Assignment,
        DocumentKind::RectificationNotice,
        DocumentKind::Reminder,
        DocumentKind::Bulletin,
        DocumentKind::Accountability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Assignment => "assignment",
            DocumentKind::RectificationNotice => "rectification_notice",
            DocumentKind::Reminder => "reminder",
            DocumentKind::Bulletin => "bulletin",
            DocumentKind::Accountability => "accountability",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind's Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            DocumentKind::Assignment => "交办单",
            DocumentKind::RectificationNotice => "整改通知书",
            DocumentKind::Reminder => "督办函",
            DocumentKind::Bulletin => "通报",
            DocumentKind::Accountability => "问责通知",
        }
    }

    /// Whether it is addressed to the unit of a finding (and so needs one).
    pub fn about_a_finding(self) -> bool {
        !matches!(self, DocumentKind::Bulletin | DocumentKind::Accountability)
    }
}

/// The office's request to issue a document. A finding's kinds need `case`; `deadline`
/// overrides the default (the finding's running deadline for a notice; three working days
/// from today for a reminder). `year` is the campaign year of a bulletin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueDocument {
    pub kind: DocumentKind,
    #[serde(default)]
    pub case: Option<CaseId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<Date>,
    #[serde(default)]
    pub year: Option<i32>,
}

/// An issued document. `sha256` is the hash of the PDF's bytes, the same as on the audit
/// chain; `download` is the path the caller fetches it from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: Uuid,
    /// 发文字号, e.g. 行评办〔2026〕3号.
    pub number: String,
    pub year: i32,
    pub seq: i64,
    pub kind: DocumentKind,
    pub title: String,
    /// The finding it is about (none for a bulletin).
    pub case: Option<CaseId>,
    /// The unit it is addressed to (none for a bulletin).
    pub unit: Option<UnitRef>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub issued_on: Date,
    pub sha256: String,
    pub bytes: i64,
    pub download: String,
}
