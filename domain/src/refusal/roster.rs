//! Why a change to the roster of monitors was refused.

use crate::api::ErrorCode;
use crate::roster::{Conflict, ProfileError};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum RosterRefusal {
    /// The appointment may not be made (`roster::check_appointment`, `propose`). `team_unit`
    /// is the name of the unit whose team the clashing term is on, when it is a unit's team.
    #[error("{conflict}")]
    Appointment {
        conflict: Conflict,
        team_unit: Option<String>,
    },
    /// A department team belongs to a top-level unit of the directory.
    #[error("a department team belongs to a top-level unit of the directory")]
    TeamNotTopLevel,
    /// A field of the monitor's profile (or the display name) cannot be kept as given.
    #[error("{field}")]
    Profile { field: ProfileError },
    /// A first profile needs a phone and a background.
    #[error("a first profile needs a phone and a background")]
    FirstProfileIncomplete,
    #[error("this monitor's service has ended")]
    ServiceEnded,
    #[error("a reason has at most {max} characters")]
    ReasonTooLong { max: usize },
}

impl RosterRefusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            RosterRefusal::ServiceEnded => ErrorCode::Conflict,
            RosterRefusal::Appointment { .. }
            | RosterRefusal::TeamNotTopLevel
            | RosterRefusal::Profile { .. }
            | RosterRefusal::FirstProfileIncomplete
            | RosterRefusal::ReasonTooLong { .. } => ErrorCode::Unprocessable,
        }
    }
}

impl From<ProfileError> for RosterRefusal {
    fn from(field: ProfileError) -> Self {
        RosterRefusal::Profile { field }
    }
}
