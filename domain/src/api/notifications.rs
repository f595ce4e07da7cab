//! Notifications' wire types: the in-app inbox every role has (new finding, deadline near,
//! returned answer, reminder, …) and the office's outbound webhooks with their deliveries.
//!
//! A unit's notification carries only what `UnitCase` shows (the random case id, the
//! criterion, the unit, the coarsened dates): never the reporter. A webhook body carries the
//! event's sequence number and kind, and for a case or unit event its random id; nothing else.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// To a unit: a finding was released to it.
    NewFinding,
    /// To a unit: a deadline falls within a working day.
    DeadlineNear,
    /// To a unit: a deadline has passed.
    Overdue,
    /// To a unit: the office returned its answer or completion report.
    AnswerReturned,
    /// To the office: a unit answered a finding.
    AnswerReceived,
    /// To the office: a unit reports the rectification done.
    CompletionReported,
    /// To the reporting monitors: the office turned the finding down.
    FindingRejected,
    /// To the reporting monitors: the office closed the finding (销号).
    FindingClosed,
    /// To the reporting monitors: the office asks for a look-back visit (回头看).
    LookBackRequested,
    /// To a monitor: a quota reminder (催办).
    Reminder,
    /// To the office: the scoring check found the published ranking or its inputs differing
    /// from the audit log (raised once per distinct alarm).
    ScoringAlarm,
    /// To a unit: the office presses it on a finding it has (催办).
    Urged,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 12] = [
        NotificationKind::NewFinding,
        NotificationKind::DeadlineNear,
        NotificationKind::Overdue,
        NotificationKind::AnswerReturned,
        NotificationKind::AnswerReceived,
        NotificationKind::CompletionReported,
        NotificationKind::FindingRejected,
        NotificationKind::FindingClosed,
        NotificationKind::LookBackRequested,
        NotificationKind::Reminder,
        NotificationKind::ScoringAlarm,
        NotificationKind::Urged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::NewFinding => "new_finding",
            NotificationKind::DeadlineNear => "deadline_near",
            NotificationKind::Overdue => "overdue",
            NotificationKind::AnswerReturned => "answer_returned",
            NotificationKind::AnswerReceived => "answer_received",
            NotificationKind::CompletionReported => "completion_reported",
            NotificationKind::FindingRejected => "finding_rejected",
            NotificationKind::FindingClosed => "finding_closed",
            NotificationKind::LookBackRequested => "look_back_requested",
            NotificationKind::Reminder => "reminder",
            NotificationKind::ScoringAlarm => "scoring_alarm",
            NotificationKind::Urged => "urged",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of the signed-in user's inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub kind: NotificationKind,
    /// What it is about: a case id (random), or a reminder's id.
    pub subject: Option<String>,
    /// The words to fill in, by kind (criterion, unit, due day, message …).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: serde_json::Value,
    /// The day it was written (China Standard Time); no finer time, as a unit sees dates.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub read: bool,
}

/// How many of the signed-in user's notifications are unread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: u32,
}

/// `POST` a new webhook endpoint: where to send, and the secret that signs each body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    /// An `http` or `https` URL.
    pub url: String,
    /// At least 16 characters; kept to sign, never shown again.
    pub secret: String,
}

/// A registered endpoint (the secret is never shown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    pub url: String,
    pub active: bool,
    pub created_at_ms: i64,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet accepted by the endpoint; tried again at `next_attempt_at_ms`.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up after the last attempt.
    Failed,
}

/// Why a delivery attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFailure {
    /// The endpoint answered, but not with 2xx (see the status class).
    Answered,
    /// No answer: the name did not resolve, the connection failed, or it timed out.
    NoAnswer,
    /// The host is, or now resolves to, an address inside the network (loopback, private,
    /// link-local, …), where webhooks are never sent unless the operator allows the host.
    InwardAddress,
}

impl DeliveryFailure {
    /// The code stored with a delivery.
    pub fn code(self) -> &'static str {
        match self {
            DeliveryFailure::Answered => "answered",
            DeliveryFailure::NoAnswer => "no_answer",
            DeliveryFailure::InwardAddress => "inward_address",
        }
    }

    /// The failure a stored code stands for; a text stored before codes were, as no answer.
    pub fn from_code(code: &str) -> DeliveryFailure {
        match code {
            "answered" => DeliveryFailure::Answered,
            "inward_address" => DeliveryFailure::InwardAddress,
            _ => DeliveryFailure::NoAnswer,
        }
    }
}

/// One event's delivery to one endpoint, as the office sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub endpoint: Uuid,
    /// The event's sequence number on the audit chain.
    pub seq: i64,
    pub kind: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The class of the HTTP status of the last attempt (200, 300, 400 or 500), if the endpoint
    /// answered: the office needs no more, and an exact status or a remote error text would make
    /// the deliveries log a probe of other machines.
    pub last_status_class: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub last_failure: Option<DeliveryFailure>,
    pub next_attempt_at_ms: Option<i64>,
    pub delivered_at_ms: Option<i64>,
}
