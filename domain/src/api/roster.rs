//! The roster's wire types: the office's table of monitors with their profiles, appointments
//! and status, the department teams and how each falls short, the requests that change them,
//! and the unit's view of its own team (names and backgrounds, no contacts).

use super::UnitRef;
use crate::ids::{AppointmentId, UserId};
use crate::roster::{Appointment, Background, Profile, ServiceStatus, Shortfall, Team, TeamRule};
use serde::{Deserialize, Serialize};
use time::Date;

/// One monitor as the office's roster shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    /// Whether the account is open; `false` once service has ended.
    pub active: bool,
    /// `None` for an account made before the roster kept one (demo data, the command line).
    pub profile: Option<Profile>,
    pub status: ServiceStatus,
    /// The appointments in force today (usually one).
    pub current: Vec<Appointment>,
    /// Every appointment, oldest first, ended and renewed ones included.
    pub appointments: Vec<Appointment>,
    /// When a phone was last bound by an enrolment code (ms), on the monitor's own page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_bound_at_ms: Option<i64>,
}

/// A department team as the office follows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamStanding {
    /// The appointing unit.
    pub unit: UnitRef,
    /// Members serving today.
    pub members: u32,
    /// Of them, service recipients.
    pub service_recipients: u32,
    /// How the team falls short of the rule, if it does.
    pub shortfall: Option<Shortfall>,
}

/// `GET` the roster: every monitor, and every unit that has appointed a team of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterView {
    /// Monitors by user name, those whose service ended included.
    pub monitors: Vec<RosterEntry>,
    /// Department teams by unit name.
    pub teams: Vec<TeamStanding>,
    /// The rule the teams are measured against.
    pub team_rule: TeamRule,
}

/// `POST` a new monitor: the account, the profile and the first appointment at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMonitor {
    pub username: String,
    pub display_name: String,
    pub profile: Profile,
    pub team: Team,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts_on: Date,
    /// Defaults to a year less a day after `starts_on`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ends_on: Option<Date>,
}

/// The answer to a new monitor: the roster entry and the first password, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedMonitor {
    pub monitor: RosterEntry,
    /// A random password, never stored in clear and never shown again.
    pub password: String,
}

/// `PATCH` a monitor's name or profile; fields left out stay as they are. A monitor without
/// a profile yet needs at least a phone and a background.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileEdit {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub background: Option<Background>,
}

/// `POST` an appointment: a new term, or the renewal (续聘) of one. What is left out is filled
/// in: a renewal keeps its team and starts the day after the renewed term ends; a term lasts a
/// year less a day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentRequest {
    #[serde(default)]
    pub team: Option<Team>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub starts_on: Option<Date>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ends_on: Option<Date>,
    #[serde(default)]
    pub renews: Option<AppointmentId>,
}

/// `POST` the end of a monitor's service: the current terms end today, the account closes and
/// its sessions are revoked; every record stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndService {
    /// Why, for the record (may be empty).
    #[serde(default)]
    pub reason: String,
}

/// A member of a unit's own team, as the unit sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub display_name: String,
    /// `None` when the roster holds no profile for the member.
    pub background: Option<Background>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub ends_on: Date,
}

/// `GET` the unit's own team: who serves today and whether the team is complete.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTeam {
    pub unit: UnitRef,
    pub members: Vec<TeamMember>,
    pub rule: TeamRule,
    pub shortfall: Option<Shortfall>,
}
