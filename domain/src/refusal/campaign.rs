//! Why a campaign year, or a reminder of its quotas, was refused.

use crate::api::ErrorCode;
use crate::campaign::CampaignError;
use crate::criteria::CriteriaSetKind;
use crate::ids::{UnitId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CampaignRefusal {
    /// The plan breaks a rule of its own (`CampaignPlan::check`, `check_edit`).
    #[error(transparent)]
    Invalid(CampaignError),
    /// A key unit is not a department, an industry or the service centre of the directory.
    #[error("unit {unit} is not a top-level unit of the directory")]
    KeyUnitNotTopLevel { unit: UnitId },
    #[error("criteria set {set:?} is given twice")]
    CriteriaSetTwice { set: CriteriaSetKind },
    #[error("the {year} campaign is open already")]
    AlreadyOpen { year: i32 },
    /// A closed year is kept as it was and can no longer change.
    #[error("the {year} campaign is closed")]
    Closed { year: i32 },
    /// A reminder's text is longer than `max` characters.
    #[error("a reminder has at most {max} characters")]
    ReminderTooLong { max: usize },
    /// A reminder names someone who is not a serving monitor.
    #[error("{monitor} is not a serving monitor")]
    NotServingMonitor { monitor: UserId },
}

impl CampaignRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            CampaignRefusal::AlreadyOpen { .. } | CampaignRefusal::Closed { .. } => {
                ErrorCode::Conflict
            }
            CampaignRefusal::Invalid(_)
            | CampaignRefusal::KeyUnitNotTopLevel { .. }
            | CampaignRefusal::CriteriaSetTwice { .. }
            | CampaignRefusal::ReminderTooLong { .. }
            | CampaignRefusal::NotServingMonitor { .. } => ErrorCode::Unprocessable,
        }
    }
}

impl From<CampaignError> for CampaignRefusal {
    fn from(e: CampaignError) -> Self {
        CampaignRefusal::Invalid(e)
    }
}
