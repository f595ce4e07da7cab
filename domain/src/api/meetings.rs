//! Report meetings (述职评议) on the wire: the office schedules a meeting, issues ballot codes
//! (answered as a PDF of cut-out slips), watches the count and closes it; a rater opens a code
//! and casts one ballot without an account. The rules are `crate::meeting`'s.

use super::UnitRef;
use crate::criteria::Criterion;
use crate::meeting::{BallotContent, RaterKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The paths (re-exported by `api::paths`).
pub mod paths {
    /// `GET` the meetings (`Vec<MeetingView>`, newest day first); `POST` a `ScheduleMeeting`.
    pub const OFFICE_MEETINGS: &str = "/api/v1/office/meetings";
    /// `POST` (`IssueBallotCodes`) fresh codes: answers a PDF of cut-out slips, the only place the
    /// codes are ever shown.
    pub fn office_meeting_codes(id: uuid::Uuid) -> String {
        format!("/api/v1/office/meetings/{id}/codes")
    }
    /// `GET` one meeting with its live count (`MeetingView`).
    pub fn office_meeting(id: uuid::Uuid) -> String {
        format!("/api/v1/office/meetings/{id}")
    }
    /// `POST` (empty) closes the meeting: its codes stop working.
    pub fn office_meeting_close(id: uuid::Uuid) -> String {
        format!("/api/v1/office/meetings/{id}/close")
    }
    /// `PUT` (`MeetingWeight`) how much the year's closed meetings weigh in the survey part.
    pub fn office_meeting_weight(year: i32) -> String {
        format!("/api/v1/office/meetings/weight/{year}")
    }
    /// `POST` a `BallotCode`: what the ballot asks (`BallotForm`); public.
    pub const BALLOT_OPEN: &str = "/api/v1/ballot/open";
    /// `POST` a `CastBallot`: the one ballot of the code; public.
    pub const BALLOT_CAST: &str = "/api/v1/ballot/cast";
    /// The PWA's ballot page; `/ballot/{code}` opens a code. Not an API path.
    pub const BALLOT_PAGE: &str = "/ballot";
}

/// `POST /api/v1/office/meetings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleMeeting {
    pub unit_id: crate::ids::UnitId,
    /// `YYYY-MM-DD`, by 31 October; its year is the campaign year.
    pub held_on: String,
    pub place: String,
    /// Service-recipient representatives expected (at least 30).
    pub expected_recipients: u32,
    /// Monitors expected (at least 4).
    pub expected_monitors: u32,
}

/// `POST …/codes`: how many fresh codes of each kind; both left out (or 0) issue one per
/// expected rater.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueBallotCodes {
    #[serde(default)]
    pub recipients: u32,
    #[serde(default)]
    pub monitors: u32,
}

/// Codes issued and ballots cast of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindCount {
    pub kind: RaterKind,
    pub expected: u32,
    pub issued: u32,
    pub cast: u32,
}

/// The result of one kind: shown only from `meeting::MIN_BALLOTS_SHOWN` ballots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindResult {
    pub kind: RaterKind,
    pub ballots: u32,
    /// Ballots per level (the meeting's order), or null below the threshold.
    pub counts: Option<Vec<u32>>,
    /// Each level's share in tenths of a per cent (sums to 1000), or null.
    pub shares_permille: Option<Vec<u32>>,
}

/// A closed meeting's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingResults {
    pub by_kind: Vec<KindResult>,
    /// The comments left, in text order (never in the order cast); empty below the threshold.
    pub comments: Vec<String>,
}

/// A meeting as the office sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingView {
    pub id: Uuid,
    pub unit: UnitRef,
    pub year: i32,
    pub held_on: String,
    pub place: String,
    pub closed: bool,
    /// The satisfaction levels, best first (the year's survey's).
    pub levels: Vec<String>,
    pub criteria: Vec<Criterion>,
    pub count: Vec<KindCount>,
    /// Once closed.
    pub results: Option<MeetingResults>,
}

/// `PUT …/weight/{year}`: the per cent of the satisfaction figure taken from the year's closed
/// meetings (0 to 100; 0 leaves them out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingWeight {
    pub weight_pct: u32,
}

/// `POST /api/v1/ballot/open`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotCode {
    /// As typed or scanned.
    pub code: String,
}

/// What a ballot asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotForm {
    pub unit_name: String,
    pub kind: RaterKind,
    pub held_on: String,
    pub levels: Vec<String>,
    pub criteria: Vec<Criterion>,
}

/// `POST /api/v1/ballot/cast`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CastBallot {
    pub code: String,
    pub ballot: BallotContent,
}

/// A ballot accepted: nothing more (no id, no time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotAccepted {
    pub accepted: bool,
}
