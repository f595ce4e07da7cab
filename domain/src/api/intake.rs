//! Intake's office-facing wire types: the "needs attention" queue of stored visits that broke a
//! rule the monitor could not fix, the phones that still hold unsent entries, and the hand-in
//! sign-in of a monitor whose service has ended.

use crate::{DeviceId, UnitId, UserId, VisitId};
use serde::{Deserialize, Serialize};

/// Why a stored visit needs the office's attention. The visit was stored (the evidence is
/// kept); these are what the office has to look at, never a refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum AttentionReason {
    /// The visited unit has been merged into another; its cases follow the survivor.
    UnitMerged { into: UnitId },
    /// A finding (numbered from 1) names a criterion that is not in the set of the year the
    /// visit was recorded in.
    CriterionNotInYear {
        finding: usize,
        criterion: String,
        year: i32,
    },
    /// The monitor had no term on the day the visit was recorded (`YYYY-MM-DD`, China time).
    OutsideTerm { day: String },
    /// A department monitor visited outside the units of their team on that day.
    OutsideScope { day: String },
}

/// One visit in the "needs attention" queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttentionItem {
    pub visit_id: VisitId,
    pub monitor_id: UserId,
    pub monitor_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    /// When the visit began by the phone's clock (epoch ms).
    pub started_at_device_ms: i64,
    /// When the server stored it (epoch ms).
    pub received_at_ms: i64,
    pub reasons: Vec<AttentionReason>,
}

/// The phone's report of its outbox, sent when it syncs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxReport {
    /// Entries recorded on the phone and not yet accepted by the server.
    pub unsent: u32,
}

/// A phone as the office sees it: whose, how many entries it still holds and when it last
/// reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceOutbox {
    pub device_id: DeviceId,
    pub monitor_id: UserId,
    pub monitor_name: String,
    /// Whether the monitor's account is open (false once the service has ended).
    pub monitor_active: bool,
    pub unsent: u32,
    /// When the phone last reported (epoch ms, server time).
    pub reported_at_ms: i64,
}

/// A hand-in sign-in: a monitor whose service has ended hands in, from the phone that recorded
/// them, the visits made during the term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandInRequest {
    pub username: String,
    pub password: String,
    pub device_id: DeviceId,
}

/// What a hand-in session may do: upload this phone's visits begun on or before `last_day`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandInView {
    pub user_id: UserId,
    pub display_name: String,
    pub device_id: DeviceId,
    /// The last day of the monitor's last term (`YYYY-MM-DD`).
    pub last_day: String,
}
