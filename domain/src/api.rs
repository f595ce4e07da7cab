//! The `/api/v1` wire types: what the server sends and the PWA reads. Plain versioned REST
//! (not Leptos server functions) so that an offline phone running an older cached build still
//! talks to the server it finds.

use crate::campaign::{Deadlines, Focus, Stage, StageKind, DEFAULT_COVERAGE_TARGET_PCT};
use crate::criteria::{CriteriaSetKind, Criterion};
use crate::ids::{CampaignId, UnitId, UserId, VisitId};
use crate::quota::{MonitorTeam, Pace, QuotaProgress, QuotaRule, QuotaRules, StageTally};
use crate::role::{Role, UnitPosition};
use crate::unit::{GeoPoint, UnitKind};
use crate::visit::{PositionMissing, VisitMode};
use serde::{Deserialize, Serialize};

mod cases;
pub use cases::*;
mod notifications;
pub use notifications::*;
mod selfcheck;
pub use selfcheck::*;
mod campaign;
pub use campaign::*;
mod directory;
pub use directory::*;
mod roster;
pub use roster::*;
mod enrol;
pub use enrol::*;
mod scoring;
pub use scoring::*;
mod map;
pub use map::*;
mod reports;
pub use reports::*;
mod documents;
pub use documents::*;
mod paging;
pub use paging::*;
mod intake;
pub use intake::*;
mod ladder;
pub use ladder::*;
mod recordings;
pub use recordings::*;
mod complaints;
pub use complaints::*;
mod meetings;
pub use meetings::*;
mod calendar;
pub use calendar::*;

/// The paths of the API, shared so that client and server cannot drift apart.
pub mod paths {
    pub use super::meetings::paths::*;
    /// `GET` the issued documents (`Vec<DocumentView>`), `?case=` narrows to one finding's;
    /// `POST` an `IssueDocument` to issue one.
    pub const OFFICE_DOCUMENTS: &str = "/api/v1/office/documents";
    /// `GET` the documents addressed to the unit's subtree (`Vec<DocumentView>`).
    pub const UNIT_DOCUMENTS: &str = "/api/v1/unit/documents";

    /// The PDF of an issued document; `base` is `OFFICE_DOCUMENTS` or `UNIT_DOCUMENTS`.
    pub fn document_pdf(base: &str, id: uuid::Uuid) -> String {
        format!("{base}/{id}/pdf")
    }

    /// `GET` a year's working calendar (`WorkCalendarView`), `PUT` it anew
    /// (`SetWorkCalendar`; answers `WorkCalendarSaved`).
    pub fn office_calendar(year: i32) -> String {
        format!("/api/v1/office/calendar/{year}")
    }

    /// `GET` the repeat-offence ladder (`LadderView`), every person.
    pub const OFFICE_LADDER: &str = "/api/v1/office/ladder";
    /// `PUT` the ladder's rule (`LadderRule`); answers the `LadderView`.
    pub const OFFICE_LADDER_RULE: &str = "/api/v1/office/ladder/rule";
    /// `GET` the people recorded under a unit (`?unit=`; `Vec<LadderPerson>`).
    pub const OFFICE_LADDER_PEOPLE: &str = "/api/v1/office/ladder/people";
    /// `GET` the ladder of the unit user's subtree (`LadderView`).
    pub const UNIT_LADDER: &str = "/api/v1/unit/ladder";

    /// `GET` a finding's current verification (`Option<Verification>`), `POST` a
    /// `VerifyFinding`.
    pub fn office_case_verification(case: crate::CaseId) -> String {
        format!("/api/v1/office/cases/{case}/verification")
    }

    /// `POST` a `TakeLadderStep` for a person; answers their `PersonLadder`.
    pub fn office_ladder_steps(person: uuid::Uuid) -> String {
        format!("/api/v1/office/ladder/people/{person}/steps")
    }

    pub const HEALTH: &str = "/api/v1/health";
    /// `GET` liveness (`Liveness`): the process answers. Outside `/api`, for service managers.
    pub const HEALTH_LIVE: &str = "/health/live";
    /// `GET` readiness (`Readiness`): 200 when the database, the blob store and the documents'
    /// fonts all answer, else 503 naming the check that failed.
    pub const HEALTH_READY: &str = "/health/ready";
    /// `GET` the Prometheus metrics, for the addresses the operator allows (404 to others).
    pub const METRICS: &str = "/metrics";
    pub const OPENAPI: &str = "/api/v1/openapi.json";
    pub const LOGIN: &str = "/api/v1/auth/login";
    pub const LOGOUT: &str = "/api/v1/auth/logout";
    /// `POST` a `HandInRequest`: the hand-in sign-in of a monitor whose service has ended.
    pub const HAND_IN: &str = "/api/v1/auth/hand-in";
    /// `GET` the office's "needs attention" queue (`Vec<AttentionItem>`).
    pub const OFFICE_ATTENTION: &str = "/api/v1/office/attention";
    /// `GET` the phones that still hold unsent entries (`Vec<DeviceOutbox>`).
    pub const OFFICE_DEVICES: &str = "/api/v1/office/devices";

    /// `POST` an `OutboxReport` for a phone.
    pub fn device_outbox(device: crate::DeviceId) -> String {
        format!("/api/v1/devices/{device}/outbox")
    }
    pub const ME: &str = "/api/v1/auth/me";
    pub const OFFICE_OVERVIEW: &str = "/api/v1/office/overview";
    pub const OFFICE_USERS: &str = "/api/v1/office/users";
    pub const MONITOR_OVERVIEW: &str = "/api/v1/monitor/overview";
    pub const UNIT_OVERVIEW: &str = "/api/v1/unit/overview";
    pub const UNITS: &str = "/api/v1/units";
    pub const CURRENT_CAMPAIGN: &str = "/api/v1/campaigns/current";
    /// `GET` every year (`Vec<CampaignSummary>`); `POST` a new one (`OpenCampaign`).
    pub const OFFICE_CAMPAIGNS: &str = "/api/v1/office/campaigns";
    /// `GET` the signed-in monitor's ledger of this year (`MonitorLedger`).
    pub const MONITOR_LEDGER: &str = "/api/v1/monitor/ledger";
    /// `GET` the reminders the office sent the signed-in monitor (`Vec<ReminderView>`).
    pub const MONITOR_REMINDERS: &str = "/api/v1/monitor/reminders";
    /// `GET` the signed-in user's inbox (`Vec<Notification>`), newest first.
    pub const NOTIFICATIONS: &str = "/api/v1/notifications";
    /// `GET` how many of the signed-in user's notifications are unread (`UnreadCount`).
    pub const NOTIFICATIONS_UNREAD: &str = "/api/v1/notifications/unread";
    /// `GET` the webhook endpoints (`Vec<WebhookView>`); `POST` a new one (`NewWebhook`).
    pub const OFFICE_WEBHOOKS: &str = "/api/v1/office/webhooks";
    /// `GET` the latest webhook deliveries with their status (`Vec<WebhookDelivery>`).
    pub const OFFICE_WEBHOOK_DELIVERIES: &str = "/api/v1/office/webhooks/deliveries";

    /// `POST` a `ReportRequest` to start an export job (`ReportJob`).
    pub const OFFICE_REPORTS: &str = "/api/v1/office/reports";
    /// `POST` a `UnitReportRequest` to start the unit's export job (`ReportJob`).
    pub const UNIT_REPORTS: &str = "/api/v1/unit/reports";

    /// `GET` an export job's progress (`ReportJob`); `base` is `OFFICE_REPORTS` or
    /// `UNIT_REPORTS`.
    pub fn report_job(base: &str, id: uuid::Uuid) -> String {
        format!("{base}/{id}")
    }

    /// `GET` a finished export's file.
    pub fn report_file(base: &str, id: uuid::Uuid) -> String {
        format!("{base}/{id}/file")
    }

    /// `POST` (no body) to mark one of one's own notifications read.
    pub fn notification_read(id: uuid::Uuid) -> String {
        format!("/api/v1/notifications/{id}/read")
    }

    /// `POST` (no body) to deactivate a webhook endpoint (endpoints are never deleted).
    pub fn office_webhook_deactivate(id: uuid::Uuid) -> String {
        format!("/api/v1/office/webhooks/{id}/deactivate")
    }
    /// `GET` the signed-in unit's register (`UnitRegister`); `POST` an item
    /// (`RegisterItemUpload`).
    pub const UNIT_REGISTER: &str = "/api/v1/unit/register";
    /// `POST` a "nothing found" filing (`NothingFoundUpload`).
    pub const UNIT_REGISTER_NOTHING: &str = "/api/v1/unit/register/nothing-found";
    /// `GET` every unit's register and who has not filed (`OfficeRegister`; `?unit=`).
    pub const OFFICE_REGISTER: &str = "/api/v1/office/register";
    /// `GET` the current commitments (`Vec<CommitmentView>`; `?unit=`), for anyone signed in.
    pub const COMMITMENTS: &str = "/api/v1/commitments";
    /// `GET` every commitment with its history, withdrawn ones too; `POST` a new one.
    pub const OFFICE_COMMITMENTS: &str = "/api/v1/office/commitments";

    /// `POST` a correction (`RegisterRevisionUpload`) of a register item.
    pub fn unit_register_revisions(id: uuid::Uuid) -> String {
        format!("/api/v1/unit/register/{id}/revisions")
    }

    /// `POST` a revision (`CommitmentContent`) of a commitment.
    pub fn office_commitment_revisions(id: uuid::Uuid) -> String {
        format!("/api/v1/office/commitments/{id}/revisions")
    }

    /// `POST` the withdrawal (`WithdrawCommitment`) of a commitment.
    pub fn office_commitment_withdraw(id: uuid::Uuid) -> String {
        format!("/api/v1/office/commitments/{id}/withdraw")
    }

    /// `GET` a year (`CampaignView`); `PATCH` it while open (`CampaignEdit`).
    pub fn office_campaign(year: i32) -> String {
        format!("/api/v1/office/campaigns/{year}")
    }

    /// `POST` (no body) to close a year: it is frozen from then on.
    pub fn office_campaign_close(year: i32) -> String {
        format!("/api/v1/office/campaigns/{year}/close")
    }

    /// `GET` the ledger of a year (`OfficeLedger`).
    pub fn office_campaign_ledger(year: i32) -> String {
        format!("/api/v1/office/campaigns/{year}/ledger")
    }

    /// `POST` reminders (`ReminderRequest`) to monitors behind in a year.
    pub fn office_campaign_reminders(year: i32) -> String {
        format!("/api/v1/office/campaigns/{year}/reminders")
    }
    pub const OFFICE_MONITORS: &str = "/api/v1/office/monitors";
    pub const MONITOR_VISITS: &str = "/api/v1/monitor/visits";
    pub const VISITS: &str = "/api/v1/visits";
    pub const OFFICE_VISITS: &str = "/api/v1/office/visits";

    pub const OFFICE_FINDINGS: &str = "/api/v1/office/findings";
    pub const OFFICE_RELEASES: &str = "/api/v1/office/releases";
    pub const OFFICE_URGES: &str = "/api/v1/office/urges";
    pub const OFFICE_DASHBOARD: &str = "/api/v1/office/dashboard";
    /// `GET` the office's map (`OfficeMap`; filters as `MapQuery`).
    pub const OFFICE_MAP: &str = "/api/v1/office/map";
    /// `GET` the base map's tile source (`TileSettings`); `PUT` a new one.
    pub const OFFICE_MAP_TILES: &str = "/api/v1/office/map/tiles";
    pub const UNIT_FINDINGS: &str = "/api/v1/unit/findings";
    pub const MONITOR_FINDINGS: &str = "/api/v1/monitor/findings";
    /// `GET` the roster (`RosterView`); `POST` a new monitor (`NewMonitor`).
    pub const OFFICE_ROSTER: &str = "/api/v1/office/roster";
    /// `GET` the unit's own team (`UnitTeam`).
    pub const UNIT_TEAM: &str = "/api/v1/unit/team";

    /// `GET` one monitor of the roster; `PATCH` their profile (`ProfileEdit`).
    pub fn office_roster_monitor(user: crate::ids::UserId) -> String {
        format!("/api/v1/office/roster/{user}")
    }

    /// `POST` an appointment or renewal (`AppointmentRequest`) for a monitor.
    pub fn office_appointments(user: crate::ids::UserId) -> String {
        format!("/api/v1/office/roster/{user}/appointments")
    }

    /// `POST` the end of a monitor's service (`EndService`).
    pub fn office_end_service(user: crate::ids::UserId) -> String {
        format!("/api/v1/office/roster/{user}/end")
    }

    /// `GET` the directory with every unit's contacts (`Vec<UnitRecord>`), for the office.
    pub const OFFICE_UNITS: &str = "/api/v1/office/units";
    /// `GET` the unit's own record and those of the units under it (`Vec<UnitRecord>`).
    pub const UNIT_DIRECTORY: &str = "/api/v1/unit/directory";
    /// `GET` the empty spreadsheet template of the directory (xlsx).
    pub const OFFICE_DIRECTORY_TEMPLATE: &str = "/api/v1/office/directory/template";
    /// `GET` the whole directory in the template (xlsx, or CSV with `?format=csv`).
    pub const OFFICE_DIRECTORY_EXPORT: &str = "/api/v1/office/directory/export";
    /// `POST` a spreadsheet (xlsx or CSV bytes) for a dry run (`ImportReport`); writes nothing.
    pub const OFFICE_DIRECTORY_DRY_RUN: &str = "/api/v1/office/directory/import/dry-run";
    /// `POST` the same spreadsheet (with `?token=` of its dry run) to import it, all or nothing.
    pub const OFFICE_DIRECTORY_IMPORT: &str = "/api/v1/office/directory/import";

    /// `GET` one unit's record (`UnitRecord`); `PATCH` it (`UnitEdit`).
    pub fn office_unit(unit: crate::ids::UnitId) -> String {
        format!("/api/v1/office/units/{unit}")
    }

    /// `POST` a `UnitMerge`: the unit is taken over by another (answers its `UnitRecord`).
    pub fn office_unit_merge(unit: crate::ids::UnitId) -> String {
        format!("/api/v1/office/units/{unit}/merge")
    }

    /// `POST` a one-time code (`EnrolRequest`) from a new phone; public.
    pub const ENROL: &str = "/api/v1/auth/enrol";
    /// The PWA's page that a code's QR code opens (`?code=XXXX-XXXX`); not an API path.
    pub const ENROL_PAGE: &str = "/enrol";

    /// `POST` (`IssueEnrolment`) a one-time code for a monitor to enrol a phone with.
    pub fn office_enrolment(user: crate::ids::UserId) -> String {
        format!("/api/v1/office/users/{user}/enrolment")
    }

    /// `GET` one finding as the office works on it.
    pub fn office_finding(case: crate::ids::CaseId) -> String {
        format!("/api/v1/office/findings/{case}")
    }

    /// `POST` an office step (`OfficeStep`) on a finding.
    pub fn office_steps(case: crate::ids::CaseId) -> String {
        format!("/api/v1/office/findings/{case}/steps")
    }

    /// `GET` a photo's display copy or thumbnail (`size` is `display` or `thumb`), for the office.
    pub fn office_photo(sha256: &str, size: &str) -> String {
        format!("/api/v1/office/photos/{sha256}/{size}")
    }

    /// `GET` one of the unit's findings.
    pub fn unit_finding(case: crate::ids::CaseId) -> String {
        format!("/api/v1/unit/findings/{case}")
    }

    /// `POST` a unit step (`UnitStep`) on a finding.
    pub fn unit_steps(case: crate::ids::CaseId) -> String {
        format!("/api/v1/unit/findings/{case}/steps")
    }

    /// `GET` the `n`th photo released with a finding, for the unit.
    pub fn unit_case_photo(case: crate::ids::CaseId, n: usize, size: &str) -> String {
        format!("/api/v1/unit/findings/{case}/photos/{n}/{size}")
    }

    /// `GET` the `n`th evidence photo of one of the unit's answers, for the unit.
    pub fn unit_answer_photo(answer: crate::ids::AnswerId, n: usize, size: &str) -> String {
        format!("/api/v1/unit/answers/{answer}/photos/{n}/{size}")
    }

    /// `GET` the `n`th evidence photo of an answer to one of the monitor's own findings.
    pub fn monitor_answer_photo(answer: crate::ids::AnswerId, n: usize, size: &str) -> String {
        format!("/api/v1/monitor/answers/{answer}/photos/{n}/{size}")
    }

    /// `POST` the reporter's rating of a finding's result.
    pub fn monitor_rating(case: crate::ids::CaseId) -> String {
        format!("/api/v1/monitor/findings/{case}/rating")
    }

    /// `PUT` a photo's bytes.
    pub fn photo(sha256: &str) -> String {
        format!("/api/v1/photos/{sha256}")
    }

    /// `GET` a visit's receipt.
    pub fn receipt(visit: crate::ids::VisitId) -> String {
        format!("/api/v1/visits/{visit}/receipt")
    }

    /// `HEAD` / `PATCH` a recording's bytes, resumably (the monitor's).
    pub fn recording(sha256: &str) -> String {
        format!("/api/v1/recordings/{sha256}")
    }

    /// `GET` a recording to play, its metadata stripped, with `Range` (the office's).
    pub fn office_recording(sha256: &str) -> String {
        format!("/api/v1/office/recordings/{sha256}")
    }

    /// `GET` a finding's recordings (`Vec<OfficeRecording>`).
    pub fn office_case_recordings(case: crate::ids::CaseId) -> String {
        format!("/api/v1/office/findings/{case}/recordings")
    }

    /// `POST` a `TranscriptUpload` to a finding.
    pub fn office_case_transcripts(case: crate::ids::CaseId) -> String {
        format!("/api/v1/office/findings/{case}/transcripts")
    }

    /// `PUT` a still frame (JPEG, PNG or WebP) taken from a recording, to a finding.
    pub fn office_case_still(case: crate::ids::CaseId, recording: &str) -> String {
        format!("/api/v1/office/findings/{case}/stills?recording={recording}")
    }

    /// `POST` for a proof-of-work challenge (`ComplaintChallenge`); public.
    pub const COMPLAINT_CHALLENGE: &str = "/api/v1/public/complaints/challenge";
    /// `POST` a `NewComplaint` (`ComplaintReceipt`); public.
    pub const COMPLAINTS: &str = "/api/v1/public/complaints";
    /// `GET` the units the public may complain about (`Vec<PublicUnit>`); public.
    pub const PUBLIC_UNITS: &str = "/api/v1/public/units";
    /// `PUT` a complaint's photo under `/{upload}` (the receipt's capability); public.
    pub const COMPLAINT_PHOTOS: &str = "/api/v1/public/complaints/photos";
    /// `GET` a complaint's progress under `/{receipt}` (`ComplaintProgress`); public.
    pub const COMPLAINT_PROGRESS: &str = "/api/v1/public/complaints/progress";
    /// `GET` the complaints (`Vec<OfficeComplaint>`); `/{case}/spam` `POST`s a `MarkSpam`;
    /// `/{case}/photos/{n}/{size}` a photo; `/poster/{unit}` the unit's A4 QR poster (PDF).
    pub const OFFICE_COMPLAINTS: &str = "/api/v1/office/complaints";

    pub fn complaint_photo(case: crate::CaseId, n: usize, size: &str) -> String {
        format!("{OFFICE_COMPLAINTS}/{case}/photos/{n}/{size}")
    }

    pub fn complaint_poster(unit: crate::UnitId) -> String {
        format!("{OFFICE_COMPLAINTS}/poster/{unit}")
    }
}

/// Machine-readable error classes (they set the HTTP status). The PWA shows its own localised
/// text for each, or for the `refusal` beside it when there is one; the `message` is for
/// developers and logs, and never carries internal details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    InvalidCredentials,
    Unauthenticated,
    CrossOrigin,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    RateLimited,
    Timeout,
    Internal,
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For developers and logs, in English; never shown to users.
    pub message: String,
    /// Why the request was refused, with its parameters: what the app words for the user.
    /// Absent for errors that need no more than their code (not found, sign in first, internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<crate::refusal::Refusal>,
}

/// `GET /api/v1/health`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}

/// `GET /health/live`: the process is up (it checks nothing else).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Liveness {
    pub version: String,
}

/// What readiness checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReadinessCheck {
    /// The database answers a query.
    Database,
    /// The blob store lists its photos (and lists some when the database holds photos).
    BlobStore,
    /// The CJK fonts official documents are set in are found.
    Fonts,
}

/// `GET /health/ready`: each check and whether it passed; 503 unless all did. No setting,
/// path or error text is in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub ready: bool,
    pub passed: Vec<ReadinessCheck>,
    pub failed: Vec<ReadinessCheck>,
}

/// `POST /api/v1/auth/login`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A unit named by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRef {
    pub id: UnitId,
    pub name: String,
}

/// The signed-in user, as `login` and `me` return it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// For unit users: the unit they are bound to.
    pub unit: Option<UnitRef>,
    pub position: Option<UnitPosition>,
}

/// An account as the office lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<UnitRef>,
    pub position: Option<UnitPosition>,
    pub active: bool,
}

/// A unit of the directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitView {
    pub id: UnitId,
    pub parent_id: Option<UnitId>,
    pub name: String,
    pub kind: UnitKind,
    pub address: String,
    pub position: Option<GeoPoint>,
    /// The criteria set the unit is appraised on (that of its top-level unit).
    pub criteria_set: CriteriaSetKind,
    /// The unit that took this one over (机构改革). A merged unit keeps its findings and its
    /// history, is seen by the surviving unit's users, and is not offered for new visits.
    /// Left out of the JSON when absent, so phones' cached directories read the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<UnitId>,
}

/// A criteria set of a campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriteriaSetView {
    pub kind: CriteriaSetKind,
    pub criteria: Vec<Criterion>,
}

/// A year's campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignView {
    pub id: CampaignId,
    pub year: i32,
    pub focus: Focus,
    pub stages: Vec<Stage>,
    pub criteria: Vec<CriteriaSetView>,
    /// The quota of a district monitor this year (the same as `quota_rules.district`).
    pub district_quota: QuotaRule,
    /// The quota of each team this year.
    #[serde(default)]
    pub quota_rules: QuotaRules,
    /// The units under key appraisal (重点评议). A unit user is shown only its own unit here,
    /// if it is one of them.
    #[serde(default)]
    pub key_units: Vec<UnitRef>,
    /// The follow-up loop's deadline defaults this year, in working days.
    #[serde(default)]
    pub deadlines: Deadlines,
    /// The share of the key units' stations and windows to visit, in per cent.
    #[serde(default = "default_coverage_target")]
    pub coverage_target_pct: u32,
    /// When the year was closed: from then on it is frozen (read-only).
    #[serde(default)]
    pub closed_at_ms: Option<i64>,
}

fn default_coverage_target() -> u32 {
    DEFAULT_COVERAGE_TARGET_PCT
}

/// The office's home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeOverview {
    pub monitors: u32,
    pub units: u32,
    pub unit_accounts: u32,
    pub campaign_year: Option<i32>,
    pub current_stage: Option<StageKind>,
}

/// The monitor's home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitorOverview {
    pub display_name: String,
    pub campaign_year: Option<i32>,
    pub current_stage: Option<StageKind>,
    pub quota: QuotaProgress,
    pub pace: Pace,
    /// The team whose rule the quota follows.
    #[serde(default)]
    pub team: MonitorTeam,
}

/// One of the monitor's own visits, as the phone pulls them (the server's view of what it
/// holds: the phone compares the content hash before it lets go of its copy).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyVisit {
    pub id: VisitId,
    pub supersedes: Option<VisitId>,
    /// Set when a later correction replaced this visit.
    pub superseded_by: Option<VisitId>,
    pub unit: UnitRef,
    pub mode: VisitMode,
    pub started_at_device_ms: i64,
    pub received_at_ms: i64,
    pub findings: u32,
    pub no_problem_found: bool,
    pub content_sha256: String,
    pub complete: bool,
}

/// A visit as the office lists it: who, where, when, and how far from the unit it was recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeVisitRow {
    pub id: VisitId,
    pub monitor: String,
    pub unit: UnitRef,
    pub mode: VisitMode,
    pub started_at_device_ms: i64,
    pub received_at_ms: i64,
    pub findings: u32,
    pub no_problem_found: bool,
    pub complete: bool,
    /// Metres between the recorded position and the unit's registered location.
    pub distance_m: Option<f64>,
    /// Why no position was recorded, when none was.
    pub position_missing: Option<PositionMissing>,
    pub supersedes: Option<VisitId>,
    pub superseded_by: Option<VisitId>,
    /// A look-back visit (回头看): the finding it followed up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookback_for: Option<crate::CaseId>,
}

/// A row of the office's quota table: one monitor's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitorQuotaRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub quota: QuotaProgress,
    /// The ledger's state: the worst of the year's and the stages' requirements.
    pub pace: Pace,
    /// Device-clock start of the latest visit.
    pub last_visit_ms: Option<i64>,
    /// The team whose rule the quota follows (from the roster).
    #[serde(default)]
    pub team: MonitorTeam,
    /// Whether the account is open (a monitor whose service ended appears in the years they
    /// served).
    #[serde(default = "yes")]
    pub active: bool,
    /// Visits per stage, with each stage's own requirement.
    #[serde(default)]
    pub stages: Vec<StageTally>,
    /// Of the year's visits, those that fell in no stage.
    #[serde(default)]
    pub outside_stages: u32,
    /// The visits the calendar demands by the ledger's day.
    #[serde(default)]
    pub due_by_today: u32,
    /// The day (CST) of the latest visit, by when it happened.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub last_visit_on: Option<time::Date>,
    /// The server's receipt of the latest-received visit.
    #[serde(default)]
    pub last_received_at_ms: Option<i64>,
}

fn yes() -> bool {
    true
}

/// The unit's home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitOverview {
    pub unit: UnitRef,
    pub sub_units: Vec<UnitRef>,
    pub open_findings: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_snake_case_on_the_wire() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::InvalidCredentials,
                message: "x".into(),
                refusal: None,
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "invalid_credentials");
    }

    #[test]
    fn paths_are_all_versioned() {
        for p in [
            paths::HEALTH,
            paths::LOGIN,
            paths::ME,
            paths::UNITS,
            paths::CURRENT_CAMPAIGN,
            paths::OFFICE_CAMPAIGNS,
            paths::MONITOR_LEDGER,
            paths::MONITOR_REMINDERS,
            &paths::office_campaign(2026),
            &paths::office_campaign_close(2026),
            &paths::office_campaign_ledger(2026),
            &paths::office_campaign_reminders(2026),
        ] {
            assert!(p.starts_with("/api/v1/"), "{p}");
        }
    }
}
